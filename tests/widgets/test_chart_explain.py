""""Explain this" on a ChartWidget mark: the request as the browser sends it, answered by the kernel.

Every driver (dimension, member, contribution, share), the neighbour picked and the totals are
checked against hand-written SQL on the demo's DuckDB file opened directly, never against the
engine or the code under test.
"""

from __future__ import annotations

import json
import re
from typing import Any

import duckdb
import pytest
from bheem_nb.widgets import FilterContext
from bheem_nb.widgets.chart import ChartWidget

import bheem_nb as bn
from bheem_nb.charts.drill import time_hierarchy
from bheem_nb.errors import QueryError
from tests.widgets.chart_refs import FROM, REVENUE, ROWS
from tests.widgets.chart_refs import raw as raw  # the fixture

#: the dimensions explained by, and the column each is in the raw tables
BY = {"region": "c.region", "segment": "c.segment", "channel": "o.channel"}


@pytest.fixture(scope="module")
def model() -> bn.SemanticModel:
    return bn.demo.model(rows=ROWS)


@pytest.fixture
def ctx(model: bn.SemanticModel) -> FilterContext:
    return FilterContext(model, as_of="2025-12-31")


def click(widget: Any, **event: Any) -> None:
    """Deliver a front-end event the way anywidget does (a custom comm message)."""
    widget._handle_custom_msg(event, [])


def total(raw: duckdb.DuckDBPyConnection, where: str) -> float:
    return float(raw.execute(f"SELECT COALESCE({REVENUE}, 0) {FROM} WHERE {where}").fetchone()[0])  # type: ignore[index]


def by_member(raw: duckdb.DuckDBPyConnection, where: str) -> dict[tuple[str, Any], float]:
    out: dict[tuple[str, Any], float] = {}
    for dim, col in BY.items():
        for member, value in raw.execute(f"SELECT {col}, {REVENUE} {FROM} WHERE {where} GROUP BY 1").fetchall():
            out[(dim, member)] = float(value)
    return out


def neighbour_reference(raw: duckdb.DuckDBPyConnection, mark: str, other: str) -> list[tuple[str, Any, float, float]]:
    """(dimension, member, change, share of the difference), largest change first."""
    a, b = by_member(raw, mark), by_member(raw, other)
    diff = total(raw, mark) - total(raw, other)
    rows = [(d, m, a.get((d, m), 0.0) - b.get((d, m), 0.0)) for d, m in dict.fromkeys([*a, *b])]
    return [(d, m, c, c / diff) for d, m, c in sorted(rows, key=lambda r: -abs(r[2]))]


def mix_reference(raw: duckdb.DuckDBPyConnection, mark: str, page: str) -> list[tuple[str, Any, float, float]]:
    """(dimension, member, value minus the total's mix applied to the mark, share of the mark)."""
    a, whole = by_member(raw, mark), by_member(raw, page)
    in_mark, in_all = total(raw, mark), total(raw, page)
    rows = [(d, m, a.get((d, m), 0.0) - v / in_all * in_mark) for (d, m), v in whole.items()]
    return [(d, m, c, c / in_mark) for d, m, c in sorted(rows, key=lambda r: -abs(r[2]))]


def money(text: str) -> float:
    """ "$490K" -> 490000.0, "-$1.2M" -> -1200000.0: how a person reads a compact amount."""
    sign = -1.0 if text.lstrip().startswith(("-", "\u2212")) else 1.0
    digits = text.strip().lstrip("+-\u2212$")
    scale = {"K": 1e3, "M": 1e6, "B": 1e9}.get(digits[-1:], 1.0)
    return sign * float(digits.rstrip("KMB").replace(",", "")) * scale


def assert_drivers(shown: list[dict[str, Any]], want: list[tuple[str, Any, float, float]]) -> None:
    assert shown, "no driver shown"
    assert [(d["dimension"], d["member"]) for d in shown] == [(d, m) for d, m, _, _ in want[: len(shown)]]
    for d, (_, _, contribution, share) in zip(shown, want, strict=False):
        assert d["contribution"] == pytest.approx(contribution, rel=1e-9, abs=1e-6), d
        assert d["share"] == pytest.approx(share, rel=1e-9, abs=1e-12), d


def test_explain_a_bar_against_its_neighbour_and_the_total(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    ctx.set_filters("year", [bn.Filter("order_date.year", "=", "2024-01-01")])  # a slicer on the page
    page = "year(o.order_date) = 2024"
    chart = ctx.chart("column", x="category", y="revenue", explain_by=list(BY), explain_top=5)
    assert chart.can_explain and chart.explanation == {}
    # the bars are drawn largest first; the neighbour of a bar is the one drawn before it
    bars = raw.execute(f"SELECT p.category, {REVENUE} AS v {FROM} WHERE {page} GROUP BY 1 ORDER BY v DESC").fetchall()
    assert chart.members == [b[0] for b in bars]
    member, before = bars[1][0], bars[0][0]
    click(chart, event="explain", member=member)
    ex = chart.explanation
    assert ex["status"] == "ready" and ex["member"] == member
    near, whole = ex["comparisons"]
    assert (near["key"], near["compare"]) == ("neighbour", before)
    mark, other = f"{page} AND p.category = '{member}'", f"{page} AND p.category = '{before}'"
    assert near["value"] == pytest.approx(total(raw, mark))
    assert near["compare_value"] == pytest.approx(total(raw, other))
    assert_drivers(near["drivers"], neighbour_reference(raw, mark, other))
    assert len(near["drivers"]) == 5
    assert near["note"] == "Within each dimension, the changes add up to the whole difference."
    assert whole["key"] == "total" and whole["compare_value"] == pytest.approx(total(raw, page))
    assert_drivers(whole["drivers"], mix_reference(raw, mark, page))
    # the sentence names the gap, the neighbour and the biggest driver with its number
    top = near["drivers"][0]
    gap = abs(total(raw, mark) - total(raw, other))
    said = re.match(rf"{member}'s? revenue is (\S+) lower than {before}'s? \(", ex["sentence"])
    assert said and money(said[1]) == pytest.approx(gap, rel=0.006), ex["sentence"]
    assert f"{top['label']} ({top['contribution_text']}, {top['share_text']} of the difference)" in ex["sentence"]
    # the first bar has no bar before it: it is compared with the one after
    click(chart, event="explain", member=before)
    assert chart.explanation["comparisons"][0]["compare"] == member
    click(chart, event="close_explain")
    assert chart.explanation == {}


def test_explain_under_a_drill_path_compares_with_the_previous_period(ctx: FilterContext,
                                                                      raw: duckdb.DuckDBPyConnection) -> None:
    chart = ctx.chart("column", x="order_date.year", y="revenue", hierarchy=time_hierarchy("order_date"),
                      explain_by=list(BY))
    click(chart, event="down", member="2024-01-01")
    assert chart.members == ["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"]
    found = chart.explain("2024-07-01")
    near, whole = found["comparisons"]
    assert near["compare"] == "2024-04-01" and near["title"].startswith("Against 2024 Q2, the period before")
    in_year = "year(o.order_date) = 2024"
    q3, q2 = f"{in_year} AND quarter(o.order_date) = 3", f"{in_year} AND quarter(o.order_date) = 2"
    assert_drivers(near["drivers"], neighbour_reference(raw, q3, q2))
    assert_drivers(whole["drivers"], mix_reference(raw, q3, in_year))  # the total is the drilled chart's: 2024
    assert found["label"] == "2024 Q3" and found["title"].startswith("Explain 2024 Q3: Revenue $")
    assert money(found["title"].rsplit(" ", 1)[1]) == pytest.approx(total(raw, q3), rel=0.006)


def test_the_panel_follows_the_page_and_closes_when_its_mark_goes(ctx: FilterContext,
                                                                  raw: duckdb.DuckDBPyConnection) -> None:
    chart = ctx.chart("bar", x="category", y="revenue", hierarchy=["category", "subcategory"],
                      explain_by=["region", "channel"])
    chart.drill_mode = False
    click(chart, event="explain", member="Technology")
    ctx.set_filters("segment", [bn.Filter("segment", "in", ["Consumer"])])  # a slicer changes: re-explained
    whole = chart.explanation["comparisons"][-1]
    assert whole["value"] == pytest.approx(total(raw, "c.segment = 'Consumer' AND p.category = 'Technology'"))
    assert whole["compare_value"] == pytest.approx(total(raw, "c.segment = 'Consumer'"))
    click(chart, event="down", member="Technology")  # the bars are now subcategories: Technology is gone
    assert chart.explanation == {}


def test_a_restricted_user_never_sees_members_of_rows_they_cannot_see(model: bn.SemanticModel,
                                                                      raw: duckdb.DuckDBPyConnection) -> None:
    spec = model.to_dict()
    spec["rls"] = {"rules": [{"name": "region_scope", "table": "customers",
                              "filter": "region = USERLOOKUP('region')", "assign": [{"group": "managers"}]}]}
    spec["users"] = [{"id": "u1", "email": "alice@acme.com", "groups": ["managers"],
                      "attributes": {"region": "Europe"}}]
    secured = bn.SemanticModel.from_dict(spec, base_dir=model.base_dir)
    page = FilterContext(secured, user="alice@acme.com", as_of="2025-12-31")
    chart = page.chart("column", x="category", y="revenue", explain_by=["region", "country", "segment"],
                       explain_top=100)
    chart.explain("Furniture")
    shown = json.dumps(chart.explanation)
    hidden = [r[0] for r in raw.execute("SELECT DISTINCT country FROM customers WHERE region <> 'Europe'").fetchall()]
    hidden += [r[0] for r in raw.execute("SELECT DISTINCT region FROM customers WHERE region <> 'Europe'").fetchall()]
    assert hidden and not [name for name in hidden if f'"{name}"' in shown or f" {name}" in shown]
    visible = {r[0] for r in raw.execute("SELECT DISTINCT country FROM customers WHERE region = 'Europe'").fetchall()}
    for comparison in chart.explanation["comparisons"]:
        named = {(d["dimension"], d["member"]) for d in comparison["drivers"]}
        assert {m for d, m in named if d == "country"} <= visible
        assert {m for d, m in named if d == "region"} <= {"Europe"}
    whole = chart.explanation["comparisons"][-1]  # the total is Europe's, not the company's
    assert whole["compare_value"] == pytest.approx(total(raw, "c.region = 'Europe'"))
    assert whole["value"] == pytest.approx(total(raw, "c.region = 'Europe' AND p.category = 'Furniture'"))


def test_what_to_explain_by_and_bad_requests(ctx: FilterContext) -> None:
    with pytest.raises(QueryError, match="regon"):
        ctx.chart("column", x="category", y="revenue", explain_by=["regon"])
    with pytest.raises(QueryError, match="'revenue' is a measure"):
        ctx.chart("column", x="category", y="revenue", explain_by=["revenue"])
    with pytest.raises(QueryError, match="a list of dimensions"):
        ctx.chart("column", x="category", y="revenue", explain_by="region")
    plain = ctx.chart("column", x="category", y="revenue")  # no slicers, nothing declared: no Explain
    assert not plain.can_explain
    click(plain, event="explain", member="Furniture")
    assert plain.explanation == {}
    # by default: the page's list, dropdown and tile slicers, not dates, not the chart's own field
    ctx.dropdown("region")
    ctx.checklist("segment")
    ctx.tile("category")
    ctx.date_range("order_date")
    chart: ChartWidget = ctx.chart("column", x="category", y="revenue")
    assert chart.can_explain
    chart.explain("Furniture")
    assert {d["dimension"] for c in chart.explanation["comparisons"] for d in c["drivers"]} <= {"region", "segment"}
    with pytest.raises(ValueError, match="'Chairs' is not a mark of this chart"):
        chart.explain("Chairs")
    assert chart.explanation["status"] == "error" and "Chairs" in chart.explanation["error"]
    with pytest.raises(ValueError, match="neighbour 'Furniture' is not another mark"):
        chart.explain("Furniture", neighbour="Furniture")
    got = chart.explain("Furniture", neighbour="Office Supplies")
    assert got["comparisons"][0]["title"].startswith("Against Office Supplies (")
