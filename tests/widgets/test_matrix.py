"""MatrixView in the kernel: engine subtotals and grand totals, expanding row groups, filters.
References are hand-written SQL on the demo database; count-distinct totals prove the subtotals
are queried at their own grain, not summed from the cells. For column hierarchies every shown cell
is checked against its own SQL query (filtered to its row path and column path), with an average
among the measures, so a subtotal summed (or averaged) from its children would fail."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
import yaml
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
    assert view.expanded == [] and len(view.body) == 4


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
    with pytest.raises(ValueError, match="one axis once"):
        ctx.matrix(rows=["category"], columns=["category", "channel"], measures="revenue")
    with pytest.raises(ValueError, match="at least one row dimension"):
        ctx.matrix(rows=[], measures="revenue")
    with pytest.raises(ValueError, match="at least one measure"):
        ctx.matrix(rows=["category"], measures=[])
    with pytest.raises(ValueError, match=r"expanded_columns path \['Technology', 'Phones'\] cannot expand"):
        ctx.matrix(rows=["region"], columns=["category", "subcategory"], measures="revenue",
                   expanded_columns=[["Technology", "Phones"]])
    with pytest.raises(ValueError, match="expanded takes a list of paths"):
        ctx.matrix(rows=["category", "subcategory"], measures="revenue", expanded=["Technology"])


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


# -- column hierarchies -----------------------------------------------------------------------------------------
SQL = {"region": "c.region", "country": "c.country", "channel": "o.channel", "category": "p.category",
       "subcategory": "p.subcategory", "product_name": "p.product_name",
       "order_date.year": "date_trunc('year', o.order_date)::DATE",
       "order_date.quarter": "date_trunc('quarter', o.order_date)::DATE"}
EXPR = {"revenue": REVENUE, "orders": "COUNT(DISTINCT o.order_id)", "avg_discount": "AVG(o.discount)"}


def one_cell(raw: duckdb.DuckDBPyConnection, measure: str, conds: list[tuple[str, Any]], where: str = "TRUE") -> Any:
    """A cell by hand: the measure over the order lines matching its row path and column path."""
    clause = " AND ".join([where, *(f"{SQL[d]} = CAST(? AS {'DATE' if '.' in d else 'VARCHAR'})" for d, _ in conds)])
    value = raw.execute(f"SELECT {EXPR[measure]} {FROM} WHERE {clause}", [v for _, v in conds]).fetchone()[0]  # type: ignore[index]
    return None if value is None else float(value)


def check_every_cell(view: MatrixView, raw: duckdb.DuckDBPyConnection, where: str = "TRUE") -> int:
    """Every cell on the page equals its own SQL; returns how many were checked."""
    n = 0
    for row in view.body:
        assert len(row["cells"]) == len(view.header), "one cell per visible column and measure, no more"
        for col, cell in zip(view.header, row["cells"], strict=True):
            conds = [*zip(view.rows, row["path"], strict=False), *zip(view.columns, col["path"], strict=False)]
            want = one_cell(raw, col["measure"], conds, where)
            got = cell["value"]
            assert (got if got is not None else 0) == pytest.approx(want or 0), (row["label"], col["label"])
            n += 1
    return n


def paths(view: MatrixView) -> list[tuple[Any, ...]]:
    return [tuple(c["path"]) for c in view.header if c["measure"] == view.measures[0]]


def members(raw: duckdb.DuckDBPyConnection, field: str, where: str = "TRUE") -> list[Any]:
    return [r[0] for r in raw.execute(f"SELECT DISTINCT {SQL[field]} {FROM} WHERE {where} ORDER BY 1").fetchall()]


def test_column_groups_expand_to_engine_subtotals(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["region"], columns=["category", "subcategory"], measures=["orders", "avg_discount"],
                      expanded_columns=[["Technology"]])
    subs = members(raw, "subcategory", "p.category = 'Technology'")
    cats = members(raw, "category")
    assert paths(view) == [*[(c,) for c in cats if c != "Technology"][:2], *[("Technology", s) for s in subs],
                           ("Technology",), ()]
    assert check_every_cell(view, raw) == (len(members(raw, "region")) + 1) * (2 + len(subs) + 2) * 2
    # the subtotal is neither the sum nor the mean of its children: summing in Python would fail above
    total_row = view.body[-1]
    by_path = {(tuple(c["path"]), c["measure"]): cell["value"] for c, cell in zip(view.header, total_row["cells"],
                                                                                   strict=True)}
    children = [by_path[(("Technology", s), "avg_discount")] for s in subs]
    assert by_path[(("Technology",), "avg_discount")] not in (pytest.approx(sum(children)),
                                                             pytest.approx(sum(children) / len(children)))


def test_expanding_adds_columns_and_collapsing_removes_them(ctx: FilterContext,
                                                            raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["channel"], columns=["category", "subcategory", "product_name"], measures="revenue")
    cats = members(raw, "category")
    closed = [(c,) for c in cats] + [()]
    assert paths(view) == closed and len(view.header_rows) == 1
    view._handle_custom_msg({"event": "toggle_column", "path": ["Office Supplies"]}, [])
    subs = members(raw, "subcategory", "p.category = 'Office Supplies'")
    opened = [("Furniture",), *[("Office Supplies", s) for s in subs], ("Office Supplies",), ("Technology",), ()]
    assert paths(view) == opened
    assert [c["kind"] for c in view.header] == ["member"] * (1 + len(subs)) + ["subtotal", "member", "total"]
    group = next(c for c in view.header_rows[0] if c["path"] == ["Office Supplies"])
    assert (group["expanded"], group["colspan"], len(view.header_rows)) == (True, len(subs) + 1, 2)
    first = subs[0]
    view._handle_custom_msg({"event": "toggle_column", "path": ["Office Supplies", first]}, [])
    products = members(raw, "product_name", f"p.subcategory = '{first}'")
    at = opened.index(("Office Supplies", first))
    assert paths(view) == [*opened[:at], *[("Office Supplies", first, n) for n in products],
                           ("Office Supplies", first), *opened[at + 1:]]
    assert len(view.header_rows) == 3
    check_every_cell(view, raw)
    view._handle_custom_msg({"event": "toggle_column", "path": ["Office Supplies", first]}, [])
    assert paths(view) == opened
    view.toggle_column(["Office Supplies", first])
    view.toggle_column(["Office Supplies"])  # collapsing a group closes everything under it
    assert view.expanded_columns == [] and paths(view) == closed and len(view.header_rows) == 1
    view.expanded_columns = [["Technology"]]  # from Python, as a click would
    tech = members(raw, "subcategory", "p.category = 'Technology'")
    assert paths(view)[-len(tech) - 2:] == [*[("Technology", t) for t in tech], ("Technology",), ()]
    with pytest.raises(ValueError, match="cannot expand"):
        view.expanded_columns = [["Technology", "Phones", "iPhone"]]


def test_time_columns_drill_year_to_quarter(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["category", "subcategory"], columns=["order_date.year", "order_date.quarter"],
                      measures="avg_discount", expanded=[["Furniture"]], expanded_columns=[["2024-01-01"]])
    years = [str(y.year) for y in members(raw, "order_date.year")]
    want = [y for y in years if y < "2024"] + [f"2024 Q{q}" for q in range(1, 5)] + ["2024 total"] + \
        [y for y in years if y > "2024"] + ["Total"]
    assert [c["label"] for c in view.header] == want
    assert [c["label"] for c in view.header_rows[1]] == [*(f"2024 Q{q}" for q in range(1, 5)), "Total"]
    check_every_cell(view, raw)


def test_queries_are_narrowed_to_the_open_column_groups(ctx: FilterContext) -> None:
    seen: list[tuple[list[str], list[Any]]] = []
    query = ctx.query

    def spy(filters: Any = (), **spec: Any) -> Any:
        seen.append((list(spec["dimensions"]), list(filters)))
        return query(filters, **spec)

    ctx.query = spy  # type: ignore[method-assign]
    view = ctx.matrix(rows=["region"], columns=["category", "subcategory"], measures="revenue")
    assert sorted(len(d) for d, _ in seen) == [0, 1, 1, 2]  # row totals and one column level, grand and regions
    seen.clear()
    view.toggle_column(["Technology"])
    deep = [(d, f) for d, f in seen if "subcategory" in d]
    assert len(seen) == 6 and len(deep) == 2  # one more grain per row group, nothing for the closed categories
    assert all(bn.Filter("category", "in", ["Technology"]) in f for _, f in deep)


def test_row_level_security_applies_to_every_cell(raw: duckdb.DuckDBPyConnection) -> None:
    yml = bn.demo.demo_path(ROWS)
    spec = yaml.safe_load(yml.read_text())
    spec["rls"] = {"rules": [{"name": "region_scope", "table": "customers", "filter": "region = USERLOOKUP('region')",
                              "assign": [{"group": "region_managers"}]}]}
    spec["users"] = [{"id": "eve", "email": "eve@acme.example", "groups": ["region_managers"],
                      "attributes": {"region": "Europe"}}]
    page = FilterContext(bn.SemanticModel(spec, base_dir=yml.parent), user="eve")
    view = page.matrix(rows=["region", "country"], columns=["category", "subcategory"], measures=["revenue", "orders"],
                       expanded=[["Europe"]], expanded_columns=[["Furniture"]])
    countries = members(raw, "country", "c.region = 'Europe'")
    assert [r["label"] for r in view.body] == ["Europe", *countries, "Total"]
    check_every_cell(view, raw, "c.region = 'Europe'")
    assert view.body[-1]["cells"][-2]["value"] == pytest.approx(one_cell(raw, "revenue", [("region", "Europe")]))


def test_formats_scale_detail_cells_per_column_depth(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    view = ctx.matrix(rows=["channel"], columns=["category", "subcategory"], measures="revenue",
                      expanded_columns=[["Technology"]], formats=[{"field": "revenue", "type": "data_bars"}])
    by_depth: dict[int, float] = {}
    for ch in members(raw, "channel"):
        for c in members(raw, "category", "p.category <> 'Technology'"):  # open: its subtotal is not a detail
            by_depth[1] = max(by_depth.get(1, 0.0), one_cell(raw, "revenue", [("channel", ch), ("category", c)]))
        for s in members(raw, "subcategory", "p.category = 'Technology'"):
            by_depth[2] = max(by_depth.get(2, 0.0), one_cell(raw, "revenue", [("channel", ch), ("subcategory", s)]))
    for row in view.body:
        for col, cell in zip(view.header, row["cells"], strict=True):
            if row["total"] or col["kind"] != "member":
                assert cell["style"] == {}, "subtotals and totals keep their plain look"
            elif col["level"] == 1 and col["path"] == ["Technology"]:
                raise AssertionError("an open group shows its children and a subtotal, not a member column")
            else:  # bars run from 0 to the largest cell of the same column depth
                assert cell["style"]["bar"]["end"] == pytest.approx(cell["value"] / by_depth[col["level"]])
