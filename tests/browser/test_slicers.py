"""Slicers in a real browser: notebooks/03_slicers.ipynb served by Voilà, operated like a person.

Each step clicks, types or drags one slicer, then waits until the table on the page shows
exactly what a direct ``model.query`` with the same filters returns (the reference is
computed here, in the test process, on the same demo database). Every step saves a
screenshot to tests/artifacts/slicer_<type>.png and records the time from the user's action
to the right numbers on screen; the median over repeated tile clicks is printed
(run with ``-s`` to see it). ``BHEEM_SLICER_ROWS`` sets the demo size (default 20k);
``BHEEM_SLICER_MODEL`` points at an already generated demo's YAML instead.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import bheem_nb as bn
from bheem_nb.demo_data import generate_demo_data
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium, voila_serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "03_slicers.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
ROWS = int(os.environ.get("BHEEM_SLICER_ROWS", "20000"))
TIMEOUT_MS = 120_000
MEASURES = ["revenue", "orders", "units"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, bn.SemanticModel]]:
    """Voilà on a free port serving the slicer notebook over a fresh demo; yields (url, model)."""
    work = tmp_path_factory.mktemp("voila_slicers")
    given = os.environ.get("BHEEM_SLICER_MODEL")  # an already generated demo (e.g. 10M rows for timings)
    model_yml = Path(given) if given else generate_demo_data(work / "demo.duckdb", rows=ROWS)
    with voila_serving(NOTEBOOK, work, env={"BHEEM_DEMO_MODEL": str(model_yml), "BHEEM_DEMO_DIR": str(work)}) as url:
        yield url, bn.SemanticModel.from_yaml(model_yml)


class Page:
    """The slicer page plus the reference model; ``expect(filters)`` waits for the right numbers."""

    def __init__(self, page: Any, model: bn.SemanticModel, as_of: str) -> None:
        self.page, self.model, self.as_of = page, model, as_of
        self.timings: dict[str, list[float]] = {}
        self._refs: dict[str, list[list[Any]]] = {}

    def reference(self, filters: list[bn.Filter]) -> list[list[Any]]:
        """The engine's answer for ``filters`` (memoised, so a timed step never waits on it)."""
        key = repr(filters)
        if key not in self._refs:
            self._refs[key] = self._query(filters)
        return self._refs[key]

    def _query(self, filters: list[bn.Filter]) -> list[list[Any]]:
        df = self.model.query(measures=MEASURES, dimensions=["category"], filters=filters,
                              order=[("category", "asc")], as_of=self.as_of).df
        return [[r.category, float(r.revenue), int(r.orders), int(r.units)] for r in df.itertuples()]

    def shown(self) -> list[list[Any]]:
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.bn-tableview tbody tr')].map("
            "tr => [...tr.querySelectorAll('td')].map(td => JSON.parse(td.dataset.value)))")  # type: ignore[no-any-return]

    def expect(self, filters: list[bn.Filter], step: str, since: float) -> list[list[Any]]:
        """Wait until the table equals the reference for ``filters``; record seconds since ``since``."""
        want = self.reference(filters)
        assert want, f"{step}: the reference query is empty; pick filters that leave rows"
        try:
            self._wait_for(want)
        except Exception as exc:  # a timeout says nothing; show what the table held instead
            raise AssertionError(f"{step}: the table never showed {want}; it shows {self.shown()}"
                                 f" under the controls {self.controls()}") from exc
        self.timings.setdefault(step, []).append(time.perf_counter() - since)
        return want

    def controls(self) -> dict[str, str]:
        """What every input on the slicers shows, for a failure message."""
        return self.page.evaluate(  # type: ignore[no-any-return]
            "() => Object.fromEntries([...document.querySelectorAll('.bn-slicer input, .bn-slicer select')]"
            ".filter(i => i.className).map(i => [i.className + (i.checked ? ':on' : ''), i.value]))")

    def _wait_for(self, want: list[list[Any]]) -> None:
        self.page.wait_for_function(
            """want => {
                const rows = [...document.querySelectorAll('.bn-tableview tbody tr')].map(
                    tr => [...tr.querySelectorAll('td')].map(td => JSON.parse(td.dataset.value)));
                return rows.length === want.length && rows.every((r, i) => r[0] === want[i][0]
                    && Math.abs(r[1] - want[i][1]) < 0.005 && r[2] === want[i][2] && r[3] === want[i][3]);
            }""",
            arg=want, timeout=TIMEOUT_MS, polling="raf",
        )

    def shot(self, name: str) -> None:
        height = self.page.evaluate(
            "Math.max(document.body.scrollHeight,"
            " (document.querySelector('#rendered_cells') || document.body).scrollHeight)")
        self.page.set_viewport_size({"width": 1200, "height": min(max(int(height), 700), 3000)})
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"slicer_{name}.png"), full_page=True)


def test_each_slicer_changes_the_table_to_the_engines_numbers(served: tuple[str, bn.SemanticModel]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    url, model = served
    chromium = ensure_chromium()
    last_day = model.query(dimensions=["order_date.day"], order=[("order_date.day", "desc")], limit=1).df.iloc[0, 0]
    as_of = str(last_day)[:10]
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, timeout=TIMEOUT_MS)
            page.wait_for_selector(".bn-tableview tbody tr", timeout=TIMEOUT_MS)
            ui = Page(page, model, as_of)
            ui.expect([], "initial", time.perf_counter())
            _operate_every_slicer(ui, page, model)
            _rapid_clicks_are_coalesced(ui, page)
            _select_all(ui, page, model)
            _measure_clicks(ui, page)
            _keyboard_and_phone(ui, page)
        finally:
            browser.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    medians = {step: round(statistics.median(ts) * 1000) for step, ts in ui.timings.items()}
    orders = int(model.query(measures=["orders"]).df.iloc[0, 0])  # BHEEM_SLICER_MODEL may be any size
    overall = round(statistics.median(t for ts in ui.timings.values() for t in ts) * 1000)
    print(f"\nslicer timings at {orders:,} orders (ms, median per step): {json.dumps(medians)}; "
          f"median over all {sum(map(len, ui.timings.values()))} changes: {overall} ms")


def _operate_every_slicer(ui: Page, page: Any, model: bn.SemanticModel) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    filters: list[bn.Filter] = []

    # dropdown: open it, type to search (the engine narrows the options), tick a value
    page.click(".bn-dropdown .bn-dropdown-button")
    page.fill(".bn-dropdown .bn-slicer-search", "eur")
    expect(page.locator(".bn-dropdown .bn-option:not(.bn-select-all)")).to_have_count(1, timeout=TIMEOUT_MS)
    filters.append(bn.Filter("region", "=", "Europe"))
    ui.reference(filters)
    t0 = time.perf_counter()
    page.locator(".bn-dropdown .bn-option", has_text="Europe").click()
    ui.expect(filters, "dropdown click", t0)
    expect(page.locator(".bn-dropdown .bn-summary")).to_have_text("Europe")
    ui.shot("dropdown")
    page.keyboard.press("Escape")
    expect(page.locator(".bn-dropdown .bn-panel")).to_be_hidden()

    # list: the options were narrowed by the dropdown (cascading), counts included
    corporate = model.query(measures=["orders"], filters=[*filters, bn.Filter("segment", "=", "Corporate")]).df
    corporate_row = page.locator(".bn-list .bn-option", has_text="Corporate")
    expect(corporate_row.locator(".bn-count")).to_have_text(f"{int(corporate.iloc[0, 0]):,}", timeout=TIMEOUT_MS)
    filters.append(bn.Filter("segment", "=", "Corporate"))
    ui.reference(filters)
    t0 = time.perf_counter()
    corporate_row.click()
    ui.expect(filters, "list click", t0)
    ui.shot("list")

    # tile: one button
    filters.append(bn.Filter("channel", "=", "online"))
    ui.reference(filters)
    t0 = time.perf_counter()
    page.locator(".bn-tile-btn", has_text="online").click()
    ui.expect(filters, "tile click", t0)
    expect(page.locator(".bn-tile-btn", has_text="online")).to_have_attribute("aria-pressed", "true")
    ui.shot("tile")

    # between: drag the upper thumb to the left, then type the lower bound
    wrap = page.locator(".bn-between .bn-range-wrap").bounding_box()
    assert wrap is not None
    y = wrap["y"] + 18
    page.mouse.move(wrap["x"] + wrap["width"] - 10, y)
    page.mouse.down()
    page.mouse.move(wrap["x"] + wrap["width"] * 0.62, y, steps=8)
    t0 = time.perf_counter()
    page.mouse.up()
    hi = int(page.input_value(".bn-between .bn-num-hi"))
    assert 3 < hi < 12, f"the drag should have moved the upper bound, it is {hi}"
    ui.expect([*filters, bn.Filter("dates.month", "between", [1, hi])], "between drag", t0)
    page.fill(".bn-between .bn-num-lo", "3")
    filters.append(bn.Filter("dates.month", "between", [3, hi]))
    ui.reference(filters)
    t0 = time.perf_counter()
    page.press(".bn-between .bn-num-lo", "Tab")
    ui.expect(filters, "between typed", t0)
    ui.shot("between")

    # relative date: last 9 months before the data's last day
    page.select_option(".bn-relative-date .bn-rel-mode", "last")
    page.select_option(".bn-relative-date .bn-rel-unit", "month")
    page.fill(".bn-relative-date .bn-rel-n", "9")
    filters.append(bn.Filter("order_date", "relative_date", [-9, "month"]))
    ui.reference(filters)
    # a person pauses before leaving the box: the kernel's answers to the two selects arrive
    # meanwhile and redraw the slicer, which must not put the old n back into the box
    page.wait_for_timeout(1500)
    expect(page.locator(".bn-relative-date .bn-rel-n")).to_have_value("9")
    t0 = time.perf_counter()
    page.press(".bn-relative-date .bn-rel-n", "Tab")
    ui.expect(filters, "relative date", t0)
    expect(page.locator(".bn-relative-date .bn-note")).to_have_text(f"relative to {ui.as_of}")
    ui.shot("relative_date")

    # clear all: every slicer back to "all", the table back to the unfiltered numbers
    ui.reference([])
    t0 = time.perf_counter()
    page.get_by_role("button", name="Clear all filters").click()
    ui.expect([], "clear all", t0)
    expect(page.locator(".bn-dropdown .bn-summary")).to_have_text("All")
    ui.shot("cleared")

    # date range: type both dates into the calendar pickers (inclusive)
    page.fill(".bn-date-range .bn-date-start", "2024-03-01")
    ui.expect([bn.Filter("order_date", "date_range", ["2024-03-01", None])], "date range", time.perf_counter())
    filters = [bn.Filter("order_date", "date_range", ["2024-03-01", "2024-05-31"])]
    ui.reference(filters)
    t0 = time.perf_counter()
    page.fill(".bn-date-range .bn-date-end", "2024-05-31")
    ui.expect(filters, "date range", t0)
    ui.shot("date_range")

    # search: nothing is listed until typed; then the matches a page (20) at a time, narrowed by the
    # date range above; "Show more" (reached with Tab, pressed with Enter) brings the next page
    expect(page.locator(".bn-search .bn-option")).to_have_count(0)
    matches = _name_matches(model, "ma", "2024-03-01", "2024-06-01")
    assert len(matches) > 20, "the demo should have more than one page of names with 'ma' in the date range"
    page.locator(".bn-search .bn-slicer-search").press_sequentially("ma", delay=40)
    _wait_for_options(page, ".bn-search", matches[:20], "search page 1")
    status = page.locator(".bn-search .bn-more-status")
    expect(status).to_have_text("20 shown, more match")
    page.locator(".bn-search .bn-option input").last.focus()
    page.keyboard.press("Tab")
    more = page.get_by_role("button", name="Show more Customer options")
    expect(more).to_be_focused()
    page.keyboard.press("Enter")
    _wait_for_options(page, ".bn-search", matches[:40], "search page 2")
    expect(page.locator(".bn-search .bn-option input").nth(20)).to_be_focused()  # the first of the new page
    expect(status).to_have_text("40 shown, more match" if len(matches) > 40 else f"{len(matches)} matches")
    ui.shot("search_more")
    pick = 20 + min(len(matches) - 21, 5)  # an option of the second page
    name = matches[pick][0]
    filters.append(bn.Filter("customers.name", "=", name))
    ui.reference(filters)
    t0 = time.perf_counter()
    page.locator(".bn-search .bn-option").nth(pick).click()
    ui.expect(filters, "search pick", t0)
    expect(page.locator(".bn-search .bn-chip")).to_have_text(f"{name} ×")
    ui.shot("search")
    page.locator(".bn-search .bn-chip").click()
    ui.expect(filters[:1], "search chip removed", time.perf_counter())
    page.get_by_role("button", name="Clear all filters").click()
    ui.expect([], "clear all", time.perf_counter())

    # hierarchy: expand 2024, tick March; tick all of 2023; 2024 shows as partly ticked
    page.get_by_role("button", name="Expand 2024").click()
    march = [bn.Filter("order_date.month", "in", ["2024-03-01"])]
    ui.reference(march)
    t0 = time.perf_counter()
    page.locator(".bn-hierarchy li[data-value='2024-03-01'] input").click()
    ui.expect(march, "hierarchy child", t0)
    months = [f"2023-{m:02d}-01" for m in range(1, 13)] + ["2024-03-01"]
    both = [bn.Filter("order_date.month", "in", months)]
    ui.reference(both)
    t0 = time.perf_counter()
    page.get_by_role("checkbox", name="2023", exact=True).click()
    ui.expect(both, "hierarchy parent", t0)
    assert page.get_by_role("checkbox", name="2024", exact=True).evaluate("e => e.indeterminate")
    ui.shot("hierarchy")
    page.get_by_role("button", name="Clear all filters").click()
    ui.expect([], "clear all", time.perf_counter())


def _rapid_clicks_are_coalesced(ui: Page, page: Any) -> None:
    """Four clicks within the 300 ms debounce: the first answers at once, the other three travel
    together, so the table is re-queried at most twice and ends on what was ticked last."""
    version = int(page.get_attribute(".bn-tableview", "data-version") or "0")
    filters = [bn.Filter("segment", "in", ["Consumer", "Home Office"])]
    ui.reference(filters)
    t0 = time.perf_counter()
    # the clicks are dispatched inside the page, back to back: Playwright's own clicks can take
    # longer than 300 ms each on a loaded machine, and then they are rightly not one burst
    page.evaluate("""names => {
        for (const name of names) {
            const row = [...document.querySelectorAll('.bn-list .bn-option')].find(r => r.textContent.includes(name));
            row.querySelector('input').click();
        }
    }""", ["Consumer", "Corporate", "Home Office", "Corporate"])  # the last one unticks
    ui.expect(filters, "four quick clicks", t0)
    page.wait_for_timeout(800)  # anything still queued would have landed by now
    refreshes = int(page.get_attribute(".bn-tableview", "data-version") or "0") - version
    assert 1 <= refreshes <= 2, f"four quick clicks re-queried the table {refreshes} times"
    ticked = page.locator(".bn-list .bn-option:not(.bn-select-all) input:checked")
    assert ticked.count() == 2, "the kernel's echo of the first click must not undo the later ones"
    page.get_by_role("button", name="Clear all filters").click()
    ui.expect([], "clear all", time.perf_counter())


def _name_matches(model: bn.SemanticModel, text: str, start: str, end: str) -> list[tuple[str, int]]:
    """Hand-written SQL: customer names containing ``text`` with their orders in [start, end), by name."""
    df = model.sql("SELECT c.name, count(*) AS n FROM orders o JOIN customers c ON o.customer_id = c.customer_id "
                   f"WHERE o.order_date >= DATE '{start}' AND o.order_date < DATE '{end}' "
                   f"AND lower(c.name) LIKE '%{text}%' GROUP BY 1 ORDER BY 1").df
    return [(str(r.name), int(r.n)) for r in df.itertuples()]


def _wait_for_options(page: Any, slicer: str, want: list[tuple[str, int]], step: str) -> None:
    """Wait until the slicer lists exactly ``want`` (value, count), in order."""
    script = """([slicer, want]) => {
        const rows = [...document.querySelectorAll(slicer + ' .bn-option:not(.bn-select-all)')].map(r => [
            JSON.parse(r.dataset.value), Number(r.querySelector('.bn-count').textContent.replace(/,/g, ''))]);
        return JSON.stringify(rows) === JSON.stringify(want);
    }"""
    try:
        page.wait_for_function(script, arg=[slicer, [list(w) for w in want]], timeout=TIMEOUT_MS)
    except Exception as exc:
        shown = page.evaluate(f"() => [...document.querySelectorAll('{slicer} .bn-option')].map(r => r.textContent)")
        raise AssertionError(f"{step}: {slicer} never listed {want}; it lists {shown}") from exc


def _select_all(ui: Page, page: Any, model: bn.SemanticModel) -> None:
    """Tick two regions, then "Select all" (every region again) and untick it (nothing to undo: still all);
    while searching, "Select all" ticks just the matches and unticking it unticks them."""
    expect = pytest.importorskip("playwright.sync_api").expect
    summary = page.locator(".bn-dropdown .bn-summary")
    select_all = page.locator(".bn-dropdown .bn-select-all input")
    ticked = page.locator(".bn-dropdown .bn-option:not(.bn-select-all) input:checked")
    page.click(".bn-dropdown .bn-dropdown-button")
    expect(select_all).to_be_checked()
    picked: list[str] = []
    for region in ("Europe", "Asia Pacific"):
        picked.append(region)
        filters = [bn.Filter("region", "=", region) if len(picked) == 1 else bn.Filter("region", "in", picked)]
        ui.reference(filters)
        t0 = time.perf_counter()
        page.locator(".bn-dropdown .bn-option", has_text=region).click()
        ui.expect(filters, "dropdown tick", t0)
    expect(summary).to_have_text("2 selected")
    expect(select_all).not_to_be_checked()
    t0 = time.perf_counter()
    select_all.click()
    ui.expect([], "select all", t0)
    expect(summary).to_have_text("All")
    expect(select_all).to_be_checked()
    expect(ticked).to_have_count(0)
    select_all.click()  # untick: no selection already means every region, so it stays ticked
    expect(select_all).to_be_checked()
    expect(summary).to_have_text("All")
    ui.expect([], "select all unticked", time.perf_counter())
    ui.shot("select_all")

    americas = [str(r) for r in model.sql("SELECT DISTINCT region FROM customers "
                                          "WHERE lower(region) LIKE '%america%' ORDER BY 1").df["region"]]
    assert len(americas) == 2
    page.fill(".bn-dropdown .bn-slicer-search", "america")
    options = page.locator(".bn-dropdown .bn-option:not(.bn-select-all)")
    expect(options).to_have_count(2, timeout=TIMEOUT_MS)
    assert options.evaluate_all("rows => rows.map(r => JSON.parse(r.dataset.value))") == americas
    filters = [bn.Filter("region", "in", americas)]
    ui.reference(filters)
    t0 = time.perf_counter()
    select_all.click()
    ui.expect(filters, "select all matches", t0)
    expect(summary).to_have_text("2 selected")
    expect(select_all).to_be_checked()
    expect(ticked).to_have_count(2)
    t0 = time.perf_counter()
    select_all.click()
    ui.expect([], "unselect all matches", t0)
    expect(summary).to_have_text("All")
    expect(select_all).not_to_be_checked()
    expect(ticked).to_have_count(0)
    ui.shot("select_all_search")
    page.fill(".bn-dropdown .bn-slicer-search", "")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Clear all filters").click()
    ui.expect([], "clear all", time.perf_counter())


def _measure_clicks(ui: Page, page: Any) -> None:
    """Type ten different lower month bounds (each a query the kernel has not cached), then click tiles."""
    page.locator(".bn-tile-btn", has_text="store").click()
    ui.expect([bn.Filter("channel", "=", "store")], "tile click", time.perf_counter())
    for lo in range(1, 11):
        filters = [bn.Filter("channel", "=", "store"), bn.Filter("dates.month", "between", [lo, 12])]
        if lo == 1:
            filters = filters[:1]  # the full range is no filter
        ui.reference(filters)
        page.fill(".bn-between .bn-num-lo", str(lo))
        t0 = time.perf_counter()
        page.press(".bn-between .bn-num-lo", "Tab")
        ui.expect(filters, "typed bound (uncached)", t0)


def _keyboard_and_phone(ui: Page, page: Any) -> None:
    """Without a mouse: open the region dropdown with Enter, search, tick with Space; then a phone-width shot."""
    expect = pytest.importorskip("playwright.sync_api").expect
    page.get_by_role("button", name="Clear all filters").click()
    ui.expect([], "clear all", time.perf_counter())
    button = page.locator(".bn-dropdown .bn-dropdown-button")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".bn-dropdown .bn-slicer-search")).to_be_focused()
    page.keyboard.type("latin")
    option = page.get_by_role("option", name="Latin America")
    expect(page.locator(".bn-dropdown .bn-option:not(.bn-select-all)")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(option).to_be_visible()
    page.keyboard.press("Tab")  # "Select all"
    page.keyboard.press("Tab")  # Latin America
    expect(option.locator("input")).to_be_focused()
    t0 = time.perf_counter()
    page.keyboard.press("Space")
    ui.expect([bn.Filter("region", "=", "Latin America")], "keyboard", t0)
    page.keyboard.press("Escape")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")

    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.querySelector('.bn-tile-btn').getBoundingClientRect().height")
    assert width >= 36, "tile buttons are touch targets"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "slicer_phone.png"), full_page=True)


def test_a_shared_link_opens_the_page_filtered(served: tuple[str, bn.SemanticModel]) -> None:
    """Voilà hands the URL's query string to the kernel; the notebook applies it with from_query_string."""
    sync_api = pytest.importorskip("playwright.sync_api")
    url, model = served
    query = urlencode({"region": '["Europe"]', "channel": '["online"]'})
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"{url}?{query}", timeout=TIMEOUT_MS)
            page.wait_for_selector(".bn-tableview tbody tr", timeout=TIMEOUT_MS)
            ui = Page(page, model, "2025-12-31")
            ui.expect([bn.Filter("region", "=", "Europe"), bn.Filter("channel", "=", "online")], "shared link",
                      time.perf_counter())
            sync_api.expect(page.locator(".bn-dropdown .bn-summary")).to_have_text("Europe")
            sync_api.expect(page.locator(".bn-tile-btn", has_text="online")).to_have_attribute("aria-pressed", "true")
        finally:
            browser.close()
