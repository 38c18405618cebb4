"""notebooks/06_insights.ipynb in Voilà and Chromium: insight cards with drawn mini charts, and the profile table.

The cards on the page must be the insights the kernel computes (checked against ``insights()`` run here on
the same demo database), every mini chart must be drawn as SVG by the bundled vega-embed, and the profile
table must have one row per column. Screenshots go to tests/artifacts/insights/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import bheem_nb as bn
from bheem_nb.demo_data import generate_demo_data
from bheem_nb.insights import insights, profile
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium, voila_serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "06_insights.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts" / "insights"
TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, bn.SemanticModel]]:
    work = tmp_path_factory.mktemp("voila_insights")
    model_yml = generate_demo_data(work / "demo.duckdb", rows=20_000)
    with voila_serving(NOTEBOOK, work, env={"BHEEM_DEMO_MODEL": str(model_yml), "BHEEM_DEMO_DIR": str(work)}) as url:
        yield url, bn.SemanticModel.from_yaml(model_yml)


def test_cards_and_profile_render(served: tuple[str, bn.SemanticModel]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    url, model = served
    chromium = ensure_chromium()
    want = insights(model, ["revenue", "avg_discount"], ["region", "channel", "category", "customers.name"], top=6)
    columns = [c.column_name for c in profile(model, "customers").columns]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, timeout=TIMEOUT_MS)
            page.wait_for_function(
                "n => { const r = document.querySelector('.bn-insights');"
                " return r && r.dataset.charts === String(n); }", arg=len(want), timeout=TIMEOUT_MS)
            shown = page.eval_on_selector_all(".bn-insight .bn-insight-text", "els => els.map(e => e.textContent)")
            assert shown == [i.description for i in want]
            assert page.locator(".bn-insight .bn-insight-chart svg").count() == len(want)
            badge = page.locator(".bn-insight .bn-score").first
            assert badge.get_attribute("aria-label").startswith(f"significance {want[0].score:.2f} of 1")
            assert page.locator(".bn-insight-list").get_attribute("aria-label") == f"{len(want)} insights"
            panel = page.locator(".bn-insights")
            panel.scroll_into_view_if_needed()
            panel.screenshot(path=str(ARTIFACTS / "insights_panel.png"))

            page.wait_for_selector(".bn-profile tbody tr", timeout=TIMEOUT_MS)
            rows = page.eval_on_selector_all(".bn-profile tbody tr", "els => els.map(e => e.dataset.column)")
            assert rows == columns
            assert page.locator(".bn-profile th[scope=col]").count() == 12
            quality = page.locator(".bn-profile .bn-qbar").first.get_attribute("aria-label")
            assert quality.startswith("Quality: valid")
            # Voilà paints only what is in view: a viewport taller than each widget gets it whole
            page.set_viewport_size({"width": 1280, "height": 2400})
            table = page.locator(".bn-profile")
            table.scroll_into_view_if_needed()
            table.screenshot(path=str(ARTIFACTS / "profile.png"))
            page.set_viewport_size({"width": 420, "height": 3000})
            panel.scroll_into_view_if_needed()
            panel.screenshot(path=str(ARTIFACTS / "insights_phone.png"))
        finally:
            browser.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
