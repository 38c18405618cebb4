"""Charts, KPI and matrix in a real browser: a Voilà page operated with the mouse and keyboard.

The page (written by the fixture) holds a time chart with a year → quarter → month → day
hierarchy and a drill-through target, a category chart that cross-filters, a KPI card, a
table and a matrix, all on one FilterContext. The test clicks real marks (their on-screen
position comes from the Vega scenegraph), drills down three levels and back up by the Up button
and the breadcrumb (by keyboard), drills through, and cross-filters; the matrix (columns year →
quarter) opens its 2024 column group by keyboard and closes it by click. After every step it waits
until the marks drawn / the KPI / the table / the matrix's cells show exactly what hand-written
SQL on the same DuckDB file returns. Screenshots go to tests/artifacts/widgets_charts/;
click-to-numbers times are printed (run with ``-s``). ``BHEEM_CHART_ROWS`` sets the demo size (default 20k).
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import nbformat
import pytest

from bheem_nb.demo_data import generate_demo_data
from tests.browser.test_demo_dashboard import KNOWN_NOISE, LOCAL_HOSTS
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium, voila_serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "widgets_charts"
ROWS = int(os.environ.get("BHEEM_CHART_ROWS", "20000"))
TIMEOUT_MS = 60_000
REVENUE = "SUM(o.quantity * o.unit_price * (1 - o.discount))"
FROM = "FROM orders o JOIN products p USING (product_id) JOIN customers c USING (customer_id)"

PAGE = '''
import os
import ipywidgets as ipw
import bheem_nb as bn
from bheem_nb.widgets import FilterContext
from bheem_nb.charts.drill import time_hierarchy

model = bn.SemanticModel.from_yaml(os.environ["BHEEM_DEMO_MODEL"])
ctx = FilterContext(model, as_of="2025-12-31")
revenue = ctx.kpi("revenue", label="Revenue")
orders = ctx.kpi("revenue:ytd", compare="revenue:pytd", compare_label="vs last year", sparkline="order_date.month",
                 label="Revenue YTD")
detail = ctx.chart("horizontal_bar", x="subcategory", y="revenue", title="Subcategories (drill-through target)")
timeline = ctx.chart("column", x="order_date.year", y="revenue", hierarchy=time_hierarchy("order_date"),
                     through=detail, through_label="Drill through to subcategories", title="Revenue over time")
categories = ctx.chart("column", x="category", y="revenue", title="Revenue by category (click to filter)")
table = ctx.table(measures=["revenue", "orders"], dimensions=["region"], order=[("region", "asc")],
                  title="Revenue by region")
matrix = ctx.matrix(rows=["category", "subcategory"], columns=["order_date.year", "order_date.quarter"],
                    measures="revenue", title="Matrix", expanded=[["Technology"]])
wrap = ipw.Layout(flex_flow="row wrap", grid_gap="12px")
ipw.VBox([ipw.HBox([revenue, orders], layout=wrap), timeline, categories, ipw.HBox([table, matrix], layout=wrap),
          detail])
'''


def demo_env(work: Path, model_yml: Path) -> dict[str, str]:
    """The environment a page over the demo ``model_yml`` needs in its kernel."""
    return {"BHEEM_DEMO_MODEL": str(model_yml), "BHEEM_DEMO_DIR": str(work), "PYTHONPATH": str(ROOT)}


@contextlib.contextmanager
def serving_page(work: Path, name: str, source: str) -> Iterator[tuple[str, Path]]:
    """A one-cell notebook of ``source`` over a fresh ROWS-order demo in ``work``, served by Voilà;
    yields (url, duckdb file)."""
    model_yml = generate_demo_data(work / "demo.duckdb", rows=ROWS)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = work / f"{name}.ipynb"
    nbformat.write(nb, notebook)
    with voila_serving(notebook, work, env=demo_env(work, model_yml)) as url:
        yield url, work / "demo.duckdb"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The page over a fresh demo, served by Voilà; yields (url, duckdb file)."""
    with serving_page(tmp_path_factory.mktemp("voila_charts"), "charts", PAGE) as served:
        yield served


# what a chart draws: every mark item that carries a member, as {member: revenue}
MARKS_JS = """title => {
    const root = [...document.querySelectorAll('.bn-chart')].find(r => r.getAttribute('aria-label') === title);
    const view = root && root.querySelector('.bn-chart-plot').bnView;
    if (!view) return null;
    const out = {};
    const walk = (node) => {
        if (!node) return;
        if (node.datum && node.datum.__bn_member !== undefined && node.mark && node.mark.marktype !== 'text')
            out[node.datum.__bn_member] = node.datum.revenue;
        for (const item of node.items || []) walk(item);
    };
    walk(view.scenegraph().root);
    return out;
}"""

# where a member's mark is on screen (scrolled into view; a point near its base, clear of value labels)
MARK_AT_JS = """([title, member]) => {
    const root = [...document.querySelectorAll('.bn-chart')].find(r => r.getAttribute('aria-label') === title);
    const view = root.querySelector('.bn-chart-plot').bnView;
    let found = null;
    const walk = (node) => {
        if (!node || found) return;
        if (node.datum && node.datum.__bn_member === member && node.mark && node.mark.marktype === 'rect' && node._svg)
            found = node._svg;
        for (const item of node.items || []) walk(item);
    };
    walk(view.scenegraph().root);
    if (!found) return null;
    found.scrollIntoView({block: 'center'});  // a mark below the fold cannot be clicked
    const box = found.getBoundingClientRect();
    return {x: box.x + box.width / 2, y: box.y + Math.max(box.height - 4, 1)};
}"""

WAIT_MARKS_JS = """([title, want]) => {
    const marks = (MARKS)(title);
    if (!marks) return false;
    const keys = Object.keys(want);
    return Object.keys(marks).length === keys.length
        && keys.every(k => marks[k] !== undefined && Math.abs(marks[k] - want[k]) < 0.005);
}""".replace("MARKS", MARKS_JS)

WAIT_KPI_TABLE_JS = """([kpi, rows]) => {
    const card = [...document.querySelectorAll('.bn-kpi')].find(
        c => c.querySelector('.bn-kpi-label').textContent === 'Revenue');
    const v = card && JSON.parse(card.querySelector('.bn-kpi-value').dataset.value);
    if (v === null || Math.abs(v - kpi) > 0.005) return false;
    const shown = [...document.querySelectorAll('.bn-tableview tbody tr')].map(
        tr => [...tr.querySelectorAll('td')].map(td => JSON.parse(td.dataset.value)));
    const same = (r, i) => shown[i][0] === r[0] && Math.abs(shown[i][1] - r[1]) < 0.005;
    if (!(shown.length === rows.length && rows.every(same))) return false;
    const grand = document.querySelector('.bn-matrix tr.bn-total td:last-child');  // the matrix's grand total
    return !!grand && Math.abs(JSON.parse(grand.dataset.value) - kpi) < 0.005;
}"""

TIME_CHART = "Revenue over time"
CAT_CHART = "Revenue by category (click to filter)"
DETAIL_CHART = "Subcategories (drill-through target)"


class Ui:
    """The page plus the raw reference database; every ``expect_*`` waits for the right numbers."""

    def __init__(self, page: Any, raw: duckdb.DuckDBPyConnection) -> None:
        self.page, self.raw = page, raw
        self.timings: dict[str, list[float]] = {}

    def sql(self, key: str, where: str = "TRUE") -> dict[str, float]:
        rows = self.raw.execute(f"SELECT {key}, {REVENUE} {FROM} WHERE {where} GROUP BY 1").fetchall()
        return {k.isoformat()[:10] if hasattr(k, "isoformat") else k: float(v) for k, v in rows}

    def expect_marks(self, title: str, want: dict[str, float], step: str, since: float) -> None:
        assert want, f"{step}: empty reference"
        self.page.wait_for_function(WAIT_MARKS_JS, arg=[title, want], timeout=TIMEOUT_MS, polling="raf")
        self.timings.setdefault(step, []).append(time.perf_counter() - since)

    def expect_numbers(self, where: str, step: str, since: float) -> None:
        total = self.raw.execute(f"SELECT {REVENUE} {FROM} WHERE {where}").fetchone()[0]  # type: ignore[index]
        rows = sorted(self.sql("c.region", where).items())
        self.page.wait_for_function(WAIT_KPI_TABLE_JS, arg=[float(total), [[k, v] for k, v in rows]],
                                    timeout=TIMEOUT_MS, polling="raf")
        self.timings.setdefault(step, []).append(time.perf_counter() - since)

    def click_mark(self, title: str, member: str, button: str = "left", modifiers: list[str] | None = None) -> float:
        pos = self.page.evaluate(MARK_AT_JS, [title, member])
        assert pos, f"no mark for {member!r} in {title!r}"
        start = time.perf_counter()
        self.page.mouse.click(pos["x"], pos["y"], button=button)
        return start

    def toolbar(self, title: str) -> Any:
        return self.page.locator(f".bn-chart[aria-label='{title}'] .bn-chart-bar")

    def shot(self, name: str) -> None:
        """The whole page (Voilà scrolls inside #rendered_cells, so the viewport grows to fit it first)."""
        size = self.page.viewport_size
        height = self.page.evaluate(
            "Math.max(document.body.scrollHeight,"
            " (document.querySelector('#rendered_cells') || document.body).scrollHeight)")
        self.page.set_viewport_size({"width": size["width"], "height": min(max(int(height), 700), 4000)})
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.page.set_viewport_size(size)


def test_drill_drill_through_and_cross_filter_in_the_browser(served: tuple[str, Path]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    url, db = served
    chromium = ensure_chromium()
    errors: list[str] = []
    requested: list[str] = []
    raw = duckdb.connect(str(db), read_only=True)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("request", lambda r: requested.append(r.url))
                page.goto(url, timeout=TIMEOUT_MS)
                page.wait_for_selector(".bn-chart-plot svg", timeout=TIMEOUT_MS)
                ui = Ui(page, raw)
                ui.expect_numbers("TRUE", "initial", time.perf_counter())
                ui.expect_marks(TIME_CHART, ui.sql("date_trunc('year', o.order_date)"), "initial", time.perf_counter())
                ui.shot("01_page")
                _matrix_column_groups(ui)
                _drill_three_levels_and_back(ui)
                _drill_through(ui)
                _cross_filter(ui)
                _responsive(ui)
            finally:
                browser.close()
    finally:
        raw.close()
    assert not errors, errors
    off = [u for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")
           and urlsplit(u).hostname not in LOCAL_HOSTS and not any(n in u for n in KNOWN_NOISE)]
    assert not off, f"the page fetched from another host: {off[:5]}"
    print(f"\nclick-to-numbers seconds (Chromium, Voilà, {ROWS} rows):")
    for step, values in ui.timings.items():
        print(f"  {step}: median {statistics.median(values):.3f} s over {len(values)}")


def _matrix_cells(ui: Ui, open_year: str | None) -> dict[str, float | None]:
    """Every cell the matrix should show, by hand-written SQL: 'row path|column path' (as the page's
    JSON data attributes) -> revenue of the order lines under both paths."""
    year, quarter = "date_trunc('year', o.order_date)::DATE", "date_trunc('quarter', o.order_date)::DATE"
    cats = [r[0] for r in ui.raw.execute(f"SELECT DISTINCT p.category {FROM} ORDER BY 1").fetchall()]
    subs = [r[0] for r in ui.raw.execute(
        f"SELECT DISTINCT p.subcategory {FROM} WHERE p.category = 'Technology' ORDER BY 1").fetchall()]
    row_paths = [[c] for c in cats] + [["Technology", s] for s in subs] + [[]]
    years = [r[0].isoformat() for r in ui.raw.execute(f"SELECT DISTINCT {year} {FROM} ORDER BY 1").fetchall()]
    col_paths: list[list[str]] = []
    for y in years:
        if y == open_year:
            quarters = ui.raw.execute(f"SELECT DISTINCT {quarter} {FROM} WHERE {year} = ? ORDER BY 1", [y]).fetchall()
            col_paths += [[y, q.isoformat()] for (q,) in quarters]
        col_paths.append([y])
    col_paths.append([])
    out: dict[str, float | None] = {}
    for rp in row_paths:
        for cp in col_paths:
            conds = [*zip(["p.category", "p.subcategory"], rp, strict=False), *zip([year, quarter], cp, strict=False)]
            where = " AND ".join(["TRUE", *(f"{e} = ?" for e, _ in conds)])
            value = ui.raw.execute(f"SELECT {REVENUE} {FROM} WHERE {where}", [v for _, v in conds]).fetchone()[0]  # type: ignore[index]
            key = json.dumps(rp, separators=(",", ":")) + "|" + json.dumps(cp, separators=(",", ":"))
            out[key] = None if value is None else float(value)
    return out


# the matrix shows exactly these cells (no more) with these numbers
WAIT_MATRIX_JS = """want => {
    const shown = {};
    for (const tr of document.querySelectorAll('.bn-matrix tbody tr'))
        for (const td of tr.querySelectorAll('td')) shown[tr.dataset.path + '|' + td.dataset.colPath] =
            JSON.parse(td.dataset.value);
    const keys = Object.keys(want);
    return Object.keys(shown).length === keys.length && keys.every(k => k in shown
        && (want[k] === null ? shown[k] === null : Math.abs(shown[k] - want[k]) < 0.005));
}"""


def _matrix_column_groups(ui: Ui) -> None:
    """Expand the 2024 column group by keyboard: its quarters and a 2024 subtotal column appear; collapse by click."""
    closed, opened = _matrix_cells(ui, None), _matrix_cells(ui, "2024-01-01")
    ui.page.wait_for_function(WAIT_MATRIX_JS, arg=closed, timeout=TIMEOUT_MS, polling="raf")
    matrix = ui.page.locator(".bn-matrix")
    button = matrix.get_by_role("button", name="Expand column 2024")
    assert button.get_attribute("aria-expanded") == "false"
    button.focus()
    since = time.perf_counter()
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_function(WAIT_MATRIX_JS, arg=opened, timeout=TIMEOUT_MS, polling="raf")
    ui.timings.setdefault("matrix column expand", []).append(time.perf_counter() - since)
    collapse = matrix.get_by_role("button", name="Collapse column 2024")
    assert collapse.get_attribute("aria-expanded") == "true"
    assert ui.page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Collapse column 2024"
    assert matrix.locator("thead th").all_inner_texts()[:4] == ["Category / Subcategory", "▸2022", "▸2023", "▾2024"]
    size = ui.page.viewport_size
    ui.page.set_viewport_size({"width": 2000, "height": size["height"]})  # the whole matrix, grand total included
    matrix.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    matrix.screenshot(path=str(ARTIFACTS / "07_matrix_column_expanded.png"))
    ui.page.set_viewport_size(size)
    since = time.perf_counter()
    collapse.click()
    ui.page.wait_for_function(WAIT_MATRIX_JS, arg=closed, timeout=TIMEOUT_MS, polling="raf")
    ui.timings.setdefault("matrix column collapse", []).append(time.perf_counter() - since)


def _drill_three_levels_and_back(ui: Ui) -> None:
    since = ui.click_mark(TIME_CHART, "2024-01-01")
    ui.expect_marks(TIME_CHART, ui.sql("date_trunc('quarter', o.order_date)", "year(o.order_date) = 2024"),
                    "drill down", since)
    since = ui.click_mark(TIME_CHART, "2024-07-01")
    ui.expect_marks(TIME_CHART, ui.sql("date_trunc('month', o.order_date)",
                                       "year(o.order_date) = 2024 AND quarter(o.order_date) = 3"), "drill down", since)
    since = ui.click_mark(TIME_CHART, "2024-08-01")
    ui.expect_marks(TIME_CHART, ui.sql("o.order_date", "o.order_date BETWEEN DATE '2024-08-01' AND DATE '2024-08-31'"),
                    "drill down", since)
    crumbs = ui.page.locator(f".bn-chart[aria-label='{TIME_CHART}'] .bn-crumbs li")
    assert crumbs.all_inner_texts() == ["All", "2024", "2024 Q3", "Aug 2024"]
    ui.shot("02_drilled_to_days")
    since = time.perf_counter()
    ui.toolbar(TIME_CHART).get_by_role("button", name="Drill up one level").click()
    ui.expect_marks(TIME_CHART, ui.sql("date_trunc('month', o.order_date)",
                                       "year(o.order_date) = 2024 AND quarter(o.order_date) = 3"), "drill up", since)
    # the breadcrumb by keyboard: focus "2024" and press Enter
    ui.toolbar(TIME_CHART).get_by_role("button", name="Drill up to 2024").focus()
    since = time.perf_counter()
    ui.page.keyboard.press("Enter")
    ui.expect_marks(TIME_CHART, ui.sql("date_trunc('quarter', o.order_date)", "year(o.order_date) = 2024"),
                    "drill up", since)
    since = time.perf_counter()
    ui.toolbar(TIME_CHART).get_by_role("button", name="Drill up to All").click()
    ui.expect_marks(TIME_CHART, ui.sql("date_trunc('year', o.order_date)"), "drill up", since)


def _drill_through(ui: Ui) -> None:
    since = ui.click_mark(TIME_CHART, "2023-01-01")
    ui.expect_marks(TIME_CHART, ui.sql("date_trunc('quarter', o.order_date)", "year(o.order_date) = 2023"),
                    "drill down", since)
    since = ui.click_mark(TIME_CHART, "2023-04-01", button="right")  # right-click: drill through
    ui.expect_marks(DETAIL_CHART, ui.sql("p.subcategory", "year(o.order_date) = 2023 AND quarter(o.order_date) = 2"),
                    "drill through", since)
    chip = ui.toolbar(DETAIL_CHART).locator("[data-action='clear-context']")
    assert chip.inner_text().startswith("Order date (quarter): 2023 Q2")
    ui.page.locator(f".bn-chart[aria-label='{DETAIL_CHART}']").scroll_into_view_if_needed()
    ui.shot("03_drill_through")
    since = time.perf_counter()
    chip.click()
    ui.expect_marks(DETAIL_CHART, ui.sql("p.subcategory"), "drill through", since)
    ui.toolbar(TIME_CHART).get_by_role("button", name="Drill up to All").click()
    ui.expect_marks(TIME_CHART, ui.sql("date_trunc('year', o.order_date)"), "drill up", time.perf_counter())


def _cross_filter(ui: Ui) -> None:
    for _ in range(3):  # repeated for a median click-to-numbers time
        since = ui.click_mark(CAT_CHART, "Furniture")
        ui.expect_numbers("p.category = 'Furniture'", "cross-filter", since)
        ui.expect_marks(DETAIL_CHART, ui.sql("p.subcategory", "p.category = 'Furniture'"), "cross-filter", since)
        opacity = ui.page.evaluate("""() => [...document.querySelectorAll(
            ".bn-chart[aria-label='Revenue by category (click to filter)'] .mark-rect path")].map(
            p => p.getAttribute('opacity') || p.getAttribute('fill-opacity') || '1')""")
        assert sorted(opacity) == ["0.3", "0.3", "1"], opacity  # the selection is highlighted, the rest faded
        if _ == 0:
            ui.shot("04_cross_filter")
        clear = ui.toolbar(CAT_CHART).get_by_role("button", name="Clear selection")
        clear.focus()
        since = time.perf_counter()
        ui.page.keyboard.press("Enter")  # the clear control works from the keyboard
        ui.expect_numbers("TRUE", "clear selection", since)
    since = ui.click_mark(CAT_CHART, "Technology")
    ui.page.keyboard.down("Shift")
    pos = ui.page.evaluate(MARK_AT_JS, [CAT_CHART, "Office Supplies"])
    ui.page.mouse.click(pos["x"], pos["y"])
    ui.page.keyboard.up("Shift")
    ui.expect_numbers("p.category IN ('Technology', 'Office Supplies')", "cross-filter", since)
    ui.shot("05_cross_filter_two")
    ui.toolbar(CAT_CHART).get_by_role("button", name="Clear selection").click()
    ui.expect_numbers("TRUE", "clear selection", time.perf_counter())


def _responsive(ui: Ui) -> None:
    ui.page.set_viewport_size({"width": 420, "height": 900})
    ui.page.wait_for_function("""() => {
        const svg = document.querySelector('.bn-chart-plot svg');
        return svg && svg.getBoundingClientRect().width <= 420;
    }""", timeout=TIMEOUT_MS)
    ui.shot("06_phone_width")
    ui.page.set_viewport_size({"width": 1280, "height": 900})
