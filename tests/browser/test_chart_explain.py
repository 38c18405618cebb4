""""Explain this" on a chart mark in a real browser: a Voilà page operated with the mouse and keyboard.

The page holds a category chart that explains its bars by region, segment and channel and drills
through to a subcategory chart. The test right-clicks a bar (its on-screen position comes from the
Vega scenegraph), picks *Explain this* from the mark's menu, and waits until the panel's first
driver (label and number) is what hand-written SQL on the same DuckDB file says; then it closes the
panel by keyboard and explains another bar with the keyboard only (the toolbar's *Explain* list).
Screenshots go to tests/artifacts/widgets_charts/; click-to-panel times are printed (``-s``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from tests.browser.test_charts import ARTIFACTS, FROM, MARK_AT_JS, REVENUE, ROWS, TIMEOUT_MS, serving_page
from tests.browser.test_demo_dashboard import KNOWN_NOISE, LOCAL_HOSTS
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHART = "Revenue by category"
PAGE = f'''
import os
import ipywidgets as ipw
import bheem_nb as bn
from bheem_nb.widgets import FilterContext

model = bn.SemanticModel.from_yaml(os.environ["BHEEM_DEMO_MODEL"])
ctx = FilterContext(model, as_of="2025-12-31")
detail = ctx.chart("horizontal_bar", x="subcategory", y="revenue", title="Subcategories")
categories = ctx.chart("column", x="category", y="revenue", title="{CHART}", through=detail,
                       explain_by=["region", "segment", "channel"])
ipw.VBox([categories, detail])
'''
#: the dimensions explained by: their label on the panel and their column in the raw tables
EXPLAIN_BY = {"Region": "c.region", "Segment": "c.segment", "Channel": "o.channel"}
LINE = "o.quantity * o.unit_price * (1 - o.discount)"

# the panel's first driver of one comparison, as shown: label, number text, raw number
FIRST_DRIVER_JS = """([title, comparison]) => {
    const root = [...document.querySelectorAll('.bn-chart')].find(r => r.getAttribute('aria-label') === title);
    const panel = root && root.querySelector('.bn-explain[data-status="ready"]');
    const row = panel && panel.querySelector(`table[data-comparison="${comparison}"] tbody tr`);
    if (!row) return null;
    const cells = row.querySelectorAll('td');
    return {member: JSON.parse(panel.dataset.member), label: row.querySelector('th').textContent,
            text: cells[0].textContent, value: JSON.parse(cells[0].dataset.value), share: cells[1].textContent,
            sentence: panel.querySelector('.bn-explain-sentence').textContent,
            focused: document.activeElement === panel};
}"""
WAIT_DRIVER_JS = """([title, comparison, member, label, value]) => {
    const d = (FIRST)([title, comparison]);
    return !!d && d.member === member && d.label === label && Math.abs(d.value - value) < 0.005;
}""".replace("FIRST", FIRST_DRIVER_JS)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The page over a fresh demo, served by Voilà; yields (url, duckdb file)."""
    with serving_page(tmp_path_factory.mktemp("voila_explain"), "explain", PAGE) as served:
        yield served


def neighbour_driver(raw: duckdb.DuckDBPyConnection, member: str, neighbour: str) -> tuple[str, float]:
    """The member of region/segment/channel whose revenue changes most from the neighbour bar to
    this one, as the panel labels it ("Segment: Consumer"), and that change."""
    changes = []
    for name, col in EXPLAIN_BY.items():
        rows = raw.execute(f"SELECT {col}, SUM(CASE WHEN p.category = ? THEN {LINE} END), "
                           f"SUM(CASE WHEN p.category = ? THEN {LINE} END) {FROM} GROUP BY 1",
                           [member, neighbour]).fetchall()
        changes += [(f"{name}: {m}", (a or 0.0) - (b or 0.0)) for m, a, b in rows]
    return max(changes, key=lambda c: abs(c[1]))


def mix_driver(raw: duckdb.DuckDBPyConnection, member: str) -> tuple[str, float]:
    """Against the whole chart: the member furthest from what the overall mix would give this bar."""
    in_bar = float(raw.execute(f"SELECT {REVENUE} {FROM} WHERE p.category = ?", [member]).fetchone()[0])  # type: ignore[index]
    in_all = float(raw.execute(f"SELECT {REVENUE} {FROM}").fetchone()[0])  # type: ignore[index]
    gaps = []
    for name, col in EXPLAIN_BY.items():
        rows = raw.execute(f"SELECT {col}, SUM(CASE WHEN p.category = ? THEN {LINE} END), SUM({LINE}) {FROM} "
                           "GROUP BY 1", [member]).fetchall()
        gaps += [(f"{name}: {m}", (a or 0.0) - b / in_all * in_bar) for m, a, b in rows]
    return max(gaps, key=lambda c: abs(c[1]))


def money(text: str) -> float:
    """ "-$487K" -> -487000.0: the number a person reads off the panel."""
    sign = -1.0 if text.strip().startswith(("-", "\u2212")) else 1.0
    digits = text.strip().lstrip("+-\u2212$")
    scale = {"K": 1e3, "M": 1e6, "B": 1e9}.get(digits[-1:], 1.0)
    return sign * float(digits.rstrip("KMB").replace(",", "")) * scale


def expect_driver(page: Any, comparison: str, member: str, want: tuple[str, float]) -> dict[str, Any]:
    """Wait until the panel's first driver is ``want`` (label, exact change); check the number as read."""
    page.wait_for_function(WAIT_DRIVER_JS, arg=[CHART, comparison, member, *want], timeout=TIMEOUT_MS, polling="raf")
    shown: dict[str, Any] = page.evaluate(FIRST_DRIVER_JS, [CHART, comparison])
    assert money(shown["text"]) == pytest.approx(want[1], rel=0.006), shown
    return shown


def test_explain_a_bar_from_its_menu_and_by_keyboard(served: tuple[str, Path]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    url, db = served
    chromium = ensure_chromium()
    errors: list[str] = []
    requested: list[str] = []
    timings: list[float] = []
    raw = duckdb.connect(str(db), read_only=True)
    try:
        bars = raw.execute(f"SELECT p.category, {REVENUE} AS v {FROM} GROUP BY 1 ORDER BY v DESC").fetchall()
        order = [b[0] for b in bars]  # drawn largest first; a bar is compared with the one drawn before it
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("request", lambda r: requested.append(r.url))
                page.goto(url, timeout=TIMEOUT_MS)
                page.wait_for_function(f"() => !!document.querySelector(\".bn-chart[aria-label='{CHART}']\")"
                                       "?.dataset.version", timeout=TIMEOUT_MS)  # drawn
                chart = page.locator(f".bn-chart[aria-label='{CHART}']")
                chart.get_by_role("button", name="Explain a mark (choose from a list)").wait_for(timeout=TIMEOUT_MS)

                # right-click the second bar: its menu offers to explain it or drill through
                pos = page.evaluate(MARK_AT_JS, [CHART, order[1]])
                assert pos, f"no mark for {order[1]!r}"
                page.mouse.click(pos["x"], pos["y"], button="right")
                menu = page.get_by_role("menu", name=f"Actions for {order[1]}")
                menu.wait_for(timeout=TIMEOUT_MS)
                items = menu.get_by_role("menuitem").all_inner_texts()
                assert items == ["Explain this", "Drill through to Subcategories"]
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "explain_menu.png"), clip={
                    "x": max(pos["x"] - 250, 0), "y": max(pos["y"] - 200, 0), "width": 520, "height": 320})
                since = time.perf_counter()
                menu.get_by_role("menuitem", name="Explain this").click()
                shown = expect_driver(page, "neighbour", order[1], neighbour_driver(raw, order[1], order[0]))
                timings.append(time.perf_counter() - since)
                assert shown["focused"], "the panel takes focus once the explanation asked for is ready"
                assert f"than {order[0]}'s" in shown["sentence"] and shown["label"].split(": ")[1] in shown["sentence"]
                expect_driver(page, "total", order[1], mix_driver(raw, order[1]))
                chart.scroll_into_view_if_needed()
                chart.screenshot(path=str(ARTIFACTS / "explain_chart.png"))
                chart.locator(".bn-explain").screenshot(path=str(ARTIFACTS / "explain_panel.png"))

                # closable by keyboard; focus goes back to the toolbar's Explain button
                chart.get_by_role("button", name="Close explanation").focus()
                page.keyboard.press("Enter")
                chart.locator(".bn-explain").wait_for(state="detached", timeout=TIMEOUT_MS)
                assert page.evaluate("() => document.activeElement.dataset.action") == "explain"

                # the keyboard way: Explain lists the bars in drawn order; two arrows down pick the third
                page.keyboard.press("Enter")
                picker = page.get_by_role("menu", name="Explain which mark?")
                picker.wait_for(timeout=TIMEOUT_MS)
                assert picker.get_by_role("menuitem").all_inner_texts() == order
                page.keyboard.press("ArrowDown")
                page.keyboard.press("ArrowDown")
                since = time.perf_counter()
                page.keyboard.press("Enter")
                expect_driver(page, "neighbour", order[2], neighbour_driver(raw, order[2], order[1]))
                timings.append(time.perf_counter() - since)
                page.set_viewport_size({"width": 420, "height": 1400})  # the panel at phone width
                page.wait_for_function("""() => document.querySelector('.bn-explain').getBoundingClientRect().width
                    <= 420""", timeout=TIMEOUT_MS)
                chart.screenshot(path=str(ARTIFACTS / "explain_phone.png"))
            finally:
                browser.close()
    finally:
        raw.close()
    assert not errors, errors
    off = [u for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")
           and urlsplit(u).hostname not in LOCAL_HOSTS and not any(n in u for n in KNOWN_NOISE)]
    assert not off, f"the page fetched from another host: {off[:5]}"
    print(f"\nclick-to-panel seconds (Chromium, Voilà, {ROWS} rows): median {statistics.median(timings):.3f}"
          f" over {len(timings)}")
