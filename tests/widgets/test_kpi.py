"""KpiCard in the kernel: value, delta against a time-intelligence comparison or a second measure,
sparkline, and the filter context narrowing it. References are hand-written SQL on the demo database."""

from __future__ import annotations

import duckdb
import pytest
from bheem_nb.widgets import FilterContext

import bheem_nb as bn
from tests.widgets.chart_refs import FROM, REVENUE, ROWS
from tests.widgets.chart_refs import raw as raw  # the fixture


@pytest.fixture
def ctx() -> FilterContext:
    return FilterContext(bn.demo.model(rows=ROWS), as_of="2025-06-30")


def one(raw: duckdb.DuckDBPyConnection, expr: str, where: str) -> float:
    return float(raw.execute(f"SELECT {expr} {FROM} WHERE {where}").fetchone()[0])  # type: ignore[index]


def test_year_to_date_against_last_year_to_date(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    card = ctx.kpi("revenue:ytd", compare="revenue:pytd", compare_label="vs last year", sparkline="order_date.month")
    ytd = one(raw, REVENUE, "o.order_date BETWEEN DATE '2025-01-01' AND DATE '2025-06-30'")
    pytd = one(raw, REVENUE, "o.order_date BETWEEN DATE '2024-01-01' AND DATE '2024-06-30'")
    assert card.value == pytest.approx(ytd) and card.compare_value == pytest.approx(pytd)
    assert card.text == f"${ytd:,.2f}"
    arrow = "▲" if ytd > pytd else "▼"
    assert card.delta_text == f"{arrow} {abs(ytd - pytd) / pytd * 100:.1f}% vs last year"
    assert card.trend == ("good" if ytd > pytd else "bad")
    months = raw.execute(f"SELECT date_trunc('month', o.order_date), {REVENUE} {FROM} GROUP BY 1 ORDER BY 1").fetchall()
    assert card.spark == pytest.approx([float(v) for _, v in months])
    assert card.spark_labels[0] == str(months[0][0])[:10]


def test_a_lower_is_better_measure_and_a_difference(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    card = ctx.kpi("refunded_revenue:ytd", compare="refunded_revenue:pytd", delta="difference", good="down")
    now = one(raw, REVENUE, "o.status = 'refunded' AND o.order_date BETWEEN DATE '2025-01-01' AND DATE '2025-06-30'")
    before = one(raw, REVENUE, "o.status = 'refunded' AND o.order_date BETWEEN DATE '2024-01-01' AND DATE '2024-06-30'")
    assert (card.value, card.compare_value) == (pytest.approx(now), pytest.approx(before))
    assert card.delta_text == f"{'▲' if now > before else '▼'} ${abs(now - before):,.2f}"
    assert card.trend == ("bad" if now > before else "good")


def test_a_second_measure_as_ratio(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    card = ctx.kpi("paid_revenue", compare="revenue", delta="ratio", compare_label="of revenue")
    paid, total = one(raw, REVENUE, "o.status = 'paid'"), one(raw, REVENUE, "TRUE")
    assert card.delta_text == f"{paid / total * 100:.1f}% of revenue" and card.trend == "flat"


def test_slicers_and_cross_filters_narrow_the_card(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    card = ctx.kpi("revenue", label="Revenue")
    chart = ctx.chart("column", x="region", y="revenue")
    version = card.version
    chart.select(["Europe", "Latin America"])
    assert card.version == version + 1
    assert card.value == pytest.approx(one(raw, REVENUE, "c.region IN ('Europe', 'Latin America')"))
    assert card.delta_text == "" and card.spark == []


def test_an_unknown_measure_shows_the_engines_message(ctx: FilterContext) -> None:
    card = ctx.kpi("revenu")
    assert "revenu" in card.error and card.version == 1


def test_a_rule_colours_the_value(ctx: FilterContext, raw: duckdb.DuckDBPyConnection) -> None:
    total = one(raw, REVENUE, "TRUE")
    rules = {"field": "revenue", "type": "rules", "rules": [
        {"condition": {"operator": ">", "value": total / 2}, "format": {"background_color": "#e6f4ea", "bold": True}},
        {"condition": {"operator": "<=", "value": total / 2}, "format": {"font_color": "#b3261e", "italic": True}}]}
    card = ctx.kpi("revenue", formats=[rules])
    assert card.value_style == {"background": "#e6f4ea", "font-weight": "700"}
    ctx.set_filters("category", [bn.Filter("category", "in", ["Office Supplies"])])  # a small slice: the other rule
    assert card.value_style == {"color": "#b3261e", "font-style": "italic"}
