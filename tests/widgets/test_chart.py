"""ChartWidget in the kernel: traitlet sync, drill down/up/breadcrumb, cross-filter, drill-through, payload.

Events are delivered exactly as the browser sends them (``model.send`` → the widget's message
handler). Every number is checked against hand-written SQL on the demo database opened directly
with DuckDB, never against the code under test.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from bheem_nb.widgets import FilterContext
from bheem_nb.widgets.chart import ChartWidget, dimension_label
from bheem_nb.widgets.chart_spec import MEMBER, SELECTION_PARAM
from bheem_nb.widgets.slicers import STATIC

import bheem_nb as bn
from bheem_nb.charts.drill import time_hierarchy
from tests.widgets.chart_refs import FROM, REVENUE, ROWS
from tests.widgets.chart_refs import raw as raw  # the fixture

PRODUCTS = ["category", "subcategory", "product_name"]


@pytest.fixture(scope="module")
def model() -> bn.SemanticModel:
    return bn.demo.model(rows=ROWS)




@pytest.fixture
def ctx(model: bn.SemanticModel) -> FilterContext:
    return FilterContext(model, as_of="2025-12-31")


def sql(raw: duckdb.DuckDBPyConnection, key: str, where: str = "TRUE") -> dict[Any, float]:
    rows = raw.execute(f"SELECT {key} AS k, {REVENUE} {FROM} WHERE {where} GROUP BY 1").fetchall()
    return {str(k)[:10] if hasattr(k, "isoformat") else k: float(v) for k, v in rows}


def shown(chart: ChartWidget) -> dict[Any, float]:
    """What the browser gets: member -> revenue, read from the spec's inline rows."""
    return {row[MEMBER]: float(row["revenue"]) for row in chart.spec["data"]["values"]}


def click(widget: Any, **event: Any) -> None:
    """Deliver a front-end event the way anywidget does (a custom comm message)."""
    widget._handle_custom_msg(event, [])


def assert_close(got: dict[Any, float], want: dict[Any, float]) -> None:
    assert set(got) == set(want)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-9), k


def test_spec_carries_aggregated_rows_and_interaction_hooks(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    chart = ctx.chart("column", x="category", y="revenue")
    assert_close(shown(chart), sql(raw, "p.category"))
    assert chart.spec["width"] == "container"
    assert {"name": SELECTION_PARAM, "value": []} in chart.spec["params"]
    state = chart.get_state()
    assert state["spec"] == chart.spec and state["levels"] == 1 and state["drill_mode"] is False
    assert json.loads(json.dumps(state["spec"]))["data"]["values"][0][MEMBER] in sql(raw, "p.category")


def test_drill_down_three_levels_and_back_by_clicks(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    chart = ctx.chart("column", x="order_date.year", y="revenue", hierarchy=time_hierarchy("order_date"))
    assert chart.drill_mode and chart.levels == 4
    assert_close(shown(chart), sql(raw, "date_trunc('year', o.order_date)"))
    click(chart, event="down", member="2024-01-01")
    assert chart.dimension == "order_date.quarter"
    assert_close(shown(chart), sql(raw, "date_trunc('quarter', o.order_date)", "year(o.order_date) = 2024"))
    click(chart, event="down", member="2024-07-01")
    assert_close(shown(chart), sql(raw, "date_trunc('month', o.order_date)",
                                   "year(o.order_date) = 2024 AND quarter(o.order_date) = 3"))
    click(chart, event="down", member="2024-08-01")
    assert chart.dimension == "order_date.day" and not chart.can_down
    days = sql(raw, "o.order_date", "o.order_date BETWEEN DATE '2024-08-01' AND DATE '2024-08-31'")
    assert_close(shown(chart), days)
    assert [c["label"] for c in chart.breadcrumb] == ["All", "2024", "2024 Q3", "Aug 2024"]
    click(chart, event="down", member="2024-08-02")  # the last level: a click cannot drill further
    assert chart.dimension == "order_date.day"
    click(chart, event="up")
    assert chart.dimension == "order_date.month"
    click(chart, event="crumb", level=0)
    assert chart.dimension == "order_date.year" and chart.breadcrumb == [{"label": "All", "level": 0}]
    assert_close(shown(chart), sql(raw, "date_trunc('year', o.order_date)"))


def test_drill_respects_the_pages_other_filters(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    chart = ctx.chart("bar", x="category", y="revenue", hierarchy=PRODUCTS)
    ctx.set_filters("region", [bn.Filter("region", "in", ["Europe"])])
    click(chart, event="down", member="Technology")
    assert_close(shown(chart), sql(raw, "p.subcategory", "c.region = 'Europe' AND p.category = 'Technology'"))


def test_cross_filter_sets_the_context_and_other_views_follow(ctx: FilterContext,
                                                              raw: duckdb.DuckDBPyConnection) -> None:
    chart = ctx.chart("column", x="category", y="revenue", key="cat")
    other = ctx.chart("bar", x="region", y="revenue")
    table = ctx.table(measures=["revenue"], dimensions=["region"])
    everything = sql(raw, "p.category")
    click(chart, event="select", members=["Furniture"])
    assert ctx.filters == [bn.Filter("category", "in", ["Furniture"])]
    assert chart.selection == ["Furniture"]
    assert_close(shown(chart), everything)  # the source keeps every bar (highlighted, not filtered)
    want = sql(raw, "c.region", "p.category = 'Furniture'")
    assert_close(shown(other), want)
    assert {r[0]["value"]: r[1]["value"] for r in table.rows} == pytest.approx(want)
    # the generated query: the other views' SQL filters on the selected category, the source's does not
    assert "'Furniture'" in ctx.model.to_sql(measures=["revenue"], dimensions=["region"], filters=ctx.filters)
    assert chart.query_filters() == []
    ctx.set_filters("segment", [bn.Filter("segment", "in", ["Consumer"])])  # a re-drawn source keeps the highlight
    assert {"name": SELECTION_PARAM, "value": ["Furniture"]} in chart.spec["params"]
    assert_close(shown(chart), sql(raw, "p.category", "c.segment = 'Consumer'"))
    ctx.set_filters("segment", [])
    click(chart, event="select", members=["Furniture", "Technology"])  # shift-click adds
    assert_close(shown(other), sql(raw, "c.region", "p.category IN ('Furniture', 'Technology')"))
    click(chart, event="select", members=[])  # the clear-selection control
    assert ctx.filters == [] and chart.selection == []
    assert_close(shown(other), sql(raw, "c.region"))


def test_a_selection_under_a_drill_path_filters_with_the_path(ctx: FilterContext,
                                                              raw: duckdb.DuckDBPyConnection) -> None:
    chart = ctx.chart("column", x="category", y="revenue", hierarchy=PRODUCTS)
    kpi_table = ctx.table(measures=["revenue"])
    click(chart, event="down", member="Furniture")
    chart.drill_mode = False  # the toggle in the toolbar: clicks select instead of drilling
    click(chart, event="select", members=["Chairs"])
    assert ctx.filters == [bn.Filter("category", "=", "Furniture"), bn.Filter("subcategory", "in", ["Chairs"])]
    assert kpi_table.rows[0][0]["value"] == pytest.approx(sql(raw, "1", "p.subcategory = 'Chairs'")[1])
    click(chart, event="up")  # drilling clears the selection and the page filter with it
    assert ctx.filters == [] and chart.selection == []


def test_clear_all_on_the_page_clears_the_highlight(ctx: FilterContext) -> None:
    chart = ctx.chart("column", x="category", y="revenue")
    chart.select(["Technology"])
    ctx.clear_all()
    assert chart.selection == [] and ctx.filters == []


def test_drill_through_to_another_chart_with_the_clicked_context(ctx: FilterContext,
                                                                  raw: duckdb.DuckDBPyConnection) -> None:
    detail = ctx.chart("bar", x="product_name", y="revenue", title="Products")
    chart = ctx.chart("column", x="category", y="revenue", hierarchy=PRODUCTS, through=detail)
    ctx.set_filters("region", [bn.Filter("region", "in", ["Asia Pacific"])])
    click(chart, event="down", member="Office Supplies")
    click(chart, event="through", member="Paper")
    assert detail.context_label == "Subcategory: Paper"
    assert_close(shown(detail), sql(raw, "p.product_name", "c.region = 'Asia Pacific' AND p.subcategory = 'Paper'"))
    click(detail, event="clear_context")
    assert detail.context_label == ""
    assert_close(shown(detail), sql(raw, "p.product_name", "c.region = 'Asia Pacific'"))


def test_drill_through_to_a_dashboard_url(ctx: FilterContext) -> None:
    chart = ctx.chart("column", x="category", y="revenue", through="http://127.0.0.1:8866/detail")
    click(chart, event="through", member="Technology")
    query = parse_qs(urlsplit(chart.through_url).query)
    assert {k: json.loads(v[0]) for k, v in query.items()} == {"category": ["Technology"]}
    assert chart.through_label == "Drill through to http://127.0.0.1:8866/detail"


def test_bad_declarations_are_refused(ctx: FilterContext) -> None:
    with pytest.raises(ValueError, match="no drill-through target"):
        ctx.chart("column", x="category", y="revenue").drill_through("Technology")
    assert dimension_label(ctx.model, "order_date.quarter") == "Order date (quarter)"
    with pytest.raises(bn.BheemError):
        ctx.chart("colum", x="category", y="revenue")


@pytest.mark.slow
def test_payload_of_a_bar_chart_over_10m_rows_is_under_64kb() -> None:
    model = bn.demo.model(rows=10_000_000)
    ctx = FilterContext(model)
    chart = ctx.chart("column", x="subcategory", y="revenue", hierarchy=PRODUCTS[1:])
    state = chart.get_state()  # everything the page receives for this chart, its front-end code included
    size = len(json.dumps(state, separators=(",", ":")).encode())
    code = len(state["_esm"].encode()) + len(state["_css"].encode())
    print(f"\n10M rows, {len(chart.spec['data']['values'])} bars: widget state {size:,} bytes ({code:,} of them code)")
    assert size < 64 * 1024
    # the Vega runtime itself is one shared widget, sent once per page however many charts there are
    assert ctx.chart("line", x="order_date.month", y="revenue").runtime is chart.runtime
    chart.drill_mode = True
    click(chart, event="down", member="Chairs")  # a drill answer is one spec update
    size = len(json.dumps({"spec": chart.spec}, separators=(",", ":")).encode())
    print(f"drill to {len(chart.spec['data']['values'])} products: update {size:,} bytes")
    assert size < 64 * 1024


def test_a_chart_without_a_category_draws_but_neither_drills_nor_selects(ctx: FilterContext,
                                                                           raw: duckdb.DuckDBPyConnection) -> None:
    gauge = ctx.chart("gauge", y="revenue", target="gross_revenue")
    assert gauge.error == "" and gauge.spec["data"]["values"] and not gauge.cross_filter
    click(gauge, event="select", members=["anything"])
    click(gauge, event="down", member="anything")
    assert gauge.selection == [] and ctx.filters == [] and gauge.levels == 1
    ctx.chart("column", x="category", y="revenue").select(["Technology"])  # but the page still narrows it
    assert gauge.spec["data"]["values"][0]["revenue"] == pytest.approx(sql(raw, "1", "p.category = 'Technology'")[1])


def test_the_front_end_bundles_vega_and_loads_nothing_from_a_cdn() -> None:
    runtime = (STATIC / "chart_runtime.js").read_text()
    assert "vega-lite" in runtime and "__bnVegaEmbed" in runtime and len(runtime) > 500_000  # vega is inside
    for name in ("chart.js", "chart_runtime.js", "kpi.js", "matrix.js"):
        code = (STATIC / name).read_text()
        remote = re.findall(r"""(?:import\s*\(?|from)\s*["'](?:https?:)?//[^"']+""", code)
        assert not remote, f"{name} imports a script from the network: {remote[:3]}"
