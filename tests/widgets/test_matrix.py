"""MatrixView in the kernel: engine subtotals and grand totals, expanding row groups, filters.
References are hand-written SQL on the demo database; count-distinct totals prove the subtotals
are queried at their own grain, not summed from the cells."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from bheem_nb.widgets import FilterContext
from bheem_nb.widgets.matrix import MatrixView

import bheem_nb as bn
from tests.widgets.chart_refs import FROM, REVENUE, ROWS
from tests.widgets.chart_refs import raw as raw  # the fixture


@pytest.fixture
def ctx() -> FilterContext:
    return FilterContext(bn.demo.model(rows=ROWS))


def grid(raw: duckdb.DuckDBPyConnection, expr: str, keys: list[str], where: str = "TRUE") -> dict[tuple[Any, ...], Any]:
    group = ", ".join(keys) or "()"
    rows = raw.execute(f"SELECT {', '.join([*keys, expr])} {FROM} WHERE {where} GROUP BY {group}").fetchall()
    return {tuple(r[:-1]): float(r[-1]) for r in rows}


def cells(view: MatrixView) -> dict[tuple[Any, ...], float | None]:
    """(row path or 'Total', column member or None for the row total) -> value, as the page gets them."""
    out: dict[tuple[Any, ...], float | None] = {}
    for row in view.body:
        key = ("Total",) if row["total"] else tuple(row["path"])
        for col, cell in zip(view.header, row["cells"], strict=True):
            out[(*key, col["member"])] = cell["value"]
    return out


def test_subtotals_and_grand_total_come_from_the_engine(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["category", "subcategory"], columns="region", measures=["revenue", "orders"])
    assert [r["label"] for r in view.body] == ["Furniture", "Office Supplies", "Technology", "Total"]
    assert [c["label"] for c in view.header][:2] == ["Asia Pacific · Revenue", "Asia Pacific · Orders"]
    got = {}
    for row in view.body:
        key = "Total" if row["total"] else row["path"][0]
        for col, cell in zip(view.header, row["cells"], strict=True):
            got[(key, col["member"], col["measure"])] = cell["value"]
    for measure, expr in (("revenue", REVENUE), ("orders", "COUNT(DISTINCT o.order_id)")):
        for (cat, region), v in grid(raw, expr, ["p.category", "c.region"]).items():
            assert got[(cat, region, measure)] == pytest.approx(v)
        for (cat,), v in grid(raw, expr, ["p.category"]).items():
            assert got[(cat, None, measure)] == pytest.approx(v)
        for (region,), v in grid(raw, expr, ["c.region"]).items():
            assert got[("Total", region, measure)] == pytest.approx(v)
        assert got[("Total", None, measure)] == pytest.approx(grid(raw, expr, [])[()])


def test_expanding_and_collapsing_row_groups_by_events(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["category", "subcategory", "product_name"], measures="revenue")
    view._handle_custom_msg({"event": "toggle", "path": ["Technology"]}, [])
    subs = grid(raw, REVENUE, ["p.subcategory"], "p.category = 'Technology'")
    shown = cells(view)
    assert {k[1]: v for k, v in shown.items() if len(k) == 3 and k[0] == "Technology"} == pytest.approx(
        {s: v for (s,), v in subs.items()})
    first = sorted(subs)[0][0]
    view._handle_custom_msg({"event": "toggle", "path": ["Technology", first]}, [])
    products = grid(raw, REVENUE, ["p.product_name"], f"p.category = 'Technology' AND p.subcategory = '{first}'")
    deep = {k[2]: v for k, v in cells(view).items() if len(k) == 4}
    assert deep == pytest.approx({p: v for (p,), v in products.items()})
    assert [r["level"] for r in view.body if r["path"][:2] == ["Technology", first]][1:] == [2] * len(products)
    view.toggle(["Technology"])  # collapsing a group closes everything under it
    assert view.expanded == set() and len(view.body) == 4


def test_the_matrix_follows_the_page_filters(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["category"], columns="channel", measures=["revenue"])
    ctx.set_filters("segment", [bn.Filter("segment", "in", ["Corporate"])])
    want = grid(raw, REVENUE, ["p.category", "o.channel"], "c.segment = 'Corporate'")
    assert {k[:2]: v for k, v in cells(view).items() if k[1] is not None and k[0] != "Total"} == pytest.approx(want)


def test_time_rows_read_as_periods(ctx: FilterContext) -> None:
    view = ctx.matrix(rows=["order_date.year", "order_date.quarter"], measures="units",
                      expanded=[["2023-01-01"]])
    assert [r["label"] for r in view.body][:6] == ["2022", "2023", "2023 Q1", "2023 Q2", "2023 Q3", "2023 Q4"]


def test_bad_shapes_are_refused(ctx: FilterContext) -> None:
    with pytest.raises(ValueError, match="one column dimension"):
        ctx.matrix(rows=["category"], columns=["region", "channel"], measures="revenue")
    with pytest.raises(ValueError, match="at least one row dimension"):
        ctx.matrix(rows=[], measures="revenue")


def test_data_bars_and_icons_on_detail_cells_not_totals(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["category"], columns="channel", measures="revenue",
                      formats=[{"field": "revenue", "type": "data_bars"}])
    detail = grid(raw, REVENUE, ["p.category", "o.channel"])
    top = max(detail.values())  # bars run from 0 to the largest detail cell (all revenue is positive)
    for row in view.body:
        for col, cell in zip(view.header, row["cells"], strict=True):
            if row["total"] or col["row_total"]:
                assert cell["style"] == {}, "totals keep their plain look"
            else:
                bar = cell["style"]["bar"]
                assert (bar["start"], bar["end"]) == (0.0, pytest.approx(detail[(row["path"][0], col["member"])] / top))
    icons = ctx.matrix(rows=["category"], measures="orders",
                       formats=[{"field": "orders", "type": "icon_set", "icon_set": {"icons": "arrows"}}])
    counts = grid(raw, "COUNT(DISTINCT o.order_id)", ["p.category"])
    lowest, highest = min(counts, key=counts.__getitem__)[0], max(counts, key=counts.__getitem__)[0]
    by_cat = {r["path"][0]: r["cells"][0]["style"] for r in icons.body if not r["total"]}
    assert by_cat[lowest]["icon"]["symbol"] == "↓" and by_cat[highest]["icon"]["symbol"] == "↑"


def test_the_table_view_renders_conditional_formats(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    plain = ctx.table(measures=["revenue"], dimensions=["region"])
    assert all("style" not in cell for row in plain.rows for cell in row)  # unchanged without formats
    table = ctx.table(measures=["revenue"], dimensions=["region"],
                      formats=[{"field": "revenue", "type": "color_scale"}])
    by_region = {row[0]["value"]: row[1].get("style", {}) for row in table.rows}
    revenue = {k[0]: v for k, v in grid(raw, REVENUE, ["c.region"]).items()}
    lowest, highest = min(revenue, key=revenue.__getitem__), max(revenue, key=revenue.__getitem__)
    assert by_region[lowest]["background"] == "#f7fbff" and by_region[highest]["background"] == "#2171b5"
    assert all(s == {} for r in table.rows for s in [r[0].get("style", {})])  # the region column has no format
