"""notebooks/04_gallery.ipynb in Voilà and Chromium: every visual kind drawn by the bundled Vega runtime.

The offline renders (tests/charts) check each kind's marks; this checks the same specs in a
browser, as widgets: every chart draws an SVG with marks, no JavaScript error, nothing fetched
from another host, and the page at full length is saved to
tests/artifacts/widgets_charts/gallery_NN.png (2000 px pieces) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bheem_nb.demo_data import generate_demo_data
from tests.browser.test_charts import demo_env
from tests.browser.test_demo_dashboard import KNOWN_NOISE, LOCAL_HOSTS
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium, voila_serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "04_gallery.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts" / "widgets_charts"
TIMEOUT_MS = 180_000
CHARTS = 3 + 31 + 3  # the interactive page, every kind of the demo model, the price and point-map charts


@pytest.fixture(scope="module")
def gallery_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("voila_gallery")
    model_yml = generate_demo_data(work / "demo.duckdb", rows=20_000)
    with voila_serving(NOTEBOOK, work, env=demo_env(work, model_yml)) as url:
        yield url


def test_every_kind_draws_in_the_browser(gallery_url: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = ensure_chromium()
    errors: list[str] = []
    requested: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requested.append(r.url))
            page.goto(gallery_url, timeout=TIMEOUT_MS)
            page.wait_for_function(
                """n => document.querySelectorAll('.bn-chart-plot svg .role-mark').length > 0
                    && [...document.querySelectorAll('.bn-chart-plot')].filter(
                        p => p.querySelector('svg')).length >= n""",
                arg=CHARTS, timeout=TIMEOUT_MS)
            empty = page.evaluate("""() => [...document.querySelectorAll('.bn-chart')]
                .filter(c => !c.querySelector('svg .role-mark path, svg .role-mark rect, svg .role-mark text'))
                .map(c => c.getAttribute('aria-label'))""")
            assert not empty, f"charts without marks: {empty}"
            errors_shown = page.locator(".bn-chart .bn-error").all_inner_texts()
            assert not errors_shown, errors_shown
            height = page.evaluate(
                "Math.max(document.body.scrollHeight, (document.querySelector('#rendered_cells') || document.body)"
                ".scrollHeight)")
            page.set_viewport_size({"width": 1100, "height": min(int(height), 16_000)})
            page.wait_for_timeout(500)  # charts re-fit to the resized page
            height = min(int(page.evaluate("document.documentElement.scrollHeight")), 16_000)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for i, top in enumerate(range(0, int(height), 2000)):  # pieces a person can read
                clip = {"x": 0, "y": top, "width": 1100, "height": min(2000, int(height) - top)}
                page.screenshot(path=str(ARTIFACTS / f"gallery_{i + 1:02d}.png"), full_page=True, clip=clip)
        finally:
            browser.close()
    assert not errors, errors
    off = [u for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")
           and urlsplit(u).hostname not in LOCAL_HOSTS and not any(n in u for n in KNOWN_NOISE)]
    assert not off, f"the page fetched from another host: {off[:5]}"
