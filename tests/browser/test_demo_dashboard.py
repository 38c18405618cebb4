"""The published demo dashboard in a real browser: Voilà + the bheem template + Debian Chromium.

A module fixture starts Voilà on a free port (20k-row demo, template linked through a private
JUPYTER_PATH), keeps its PID and stops it. The test waits for the KPI cards and SVG charts,
checks visible text, checks that the page never asked a host other than 127.0.0.1/localhost
for anything, and saves a screenshot to tests/artifacts/demo_dashboard.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bheem_nb.demo_data import generate_demo_data
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium, voila_serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "demo_dashboard.ipynb"
TEMPLATE = ROOT / "voila_templates" / "bheem"
ARTIFACTS = ROOT / "tests" / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Voilà 0.5's own lab page links Font Awesome from a CDN (our template drops it); tolerated as noise.
KNOWN_NOISE = ("cdn.jsdelivr.net/npm/@fortawesome/",)
RENDER_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("voila")
    model_yml = generate_demo_data(work / "demo.duckdb", rows=20_000)
    templates = work / "jupyter" / "voila" / "templates"
    templates.mkdir(parents=True)
    (templates / "bheem").symlink_to(TEMPLATE, target_is_directory=True)
    env = {"BHEEM_DEMO_MODEL": str(model_yml), "BHEEM_DEMO_DIR": str(work), "JUPYTER_PATH": str(work / "jupyter")}
    with voila_serving(NOTEBOOK, work, env=env, args=["--template=bheem"]) as url:
        yield url


def test_demo_dashboard_renders_offline(voila_url: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = ensure_chromium()
    requested: list[str] = []
    page_errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("request", lambda request: requested.append(request.url))
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.goto(voila_url, timeout=RENDER_TIMEOUT_MS)

            page.wait_for_function(
                "document.querySelectorAll('.bn-kpi-card').length === 4"
                " && document.querySelectorAll('.bn-card svg').length >= 3"
                " && document.querySelectorAll('.bn-table tbody tr').length === 10",
                timeout=RENDER_TIMEOUT_MS,
            )
            expect = sync_api.expect
            expect(page.locator(".bheem-header")).to_contain_text("Sales dashboard")
            expect(page.locator(".bn-kpi-card")).to_have_count(4)
            for label in ("Revenue", "Orders", "Avg order value", "Active customers"):
                expect(page.locator(".bn-kpi-label", has_text=label)).to_be_visible()
            expect(page.locator(".bn-kpi-card").first.locator(".bn-kpi-value")).to_have_text(re.compile(r"^\$[\d.,]+[KMB]?$"))
            expect(page.get_by_text("Revenue by month")).to_be_visible()
            # chart text is real SVG text in the page (rendered by vl-convert, not a picture of it)
            expect(page.locator(".bn-card svg text", has_text="Middle East & Africa").first).to_be_visible()
            expect(page.locator(".bn-card svg text", has_text="Technology").first).to_be_visible()
            expect(page.locator(".bn-table")).to_contain_text("New York")
            assert page.locator(".bn-card svg").count() >= 3

            # the page scrolls inside #rendered_cells: grow the viewport to the content, then shoot
            height = page.evaluate(
                "Math.max(document.body.scrollHeight,"
                " (document.querySelector('#rendered_cells') || document.body).scrollHeight)"
            )
            page.set_viewport_size({"width": 1400, "height": min(int(height), 4000)})
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "demo_dashboard.png"), full_page=True)
        finally:
            browser.close()

    hosts = {urlsplit(u).hostname for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts, "no requests were recorded"
    off_machine = [u for u in requested
                   if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                   and urlsplit(u).hostname not in LOCAL_HOSTS
                   and not any(noise in u for noise in KNOWN_NOISE)]
    assert not off_machine, f"the dashboard asked other hosts: {off_machine}"
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"
