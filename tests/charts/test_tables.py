"""Table, matrix and KPI card: the rows the widgets get, and the static renderings an export shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pytest

import bheem_nb as bn
from bheem_nb.charts import chart
from tests.charts.conftest import mark_groups, marks, save_png

REVENUE = "sum(o.quantity * o.unit_price * (1 - o.discount))::DOUBLE"
JOIN = "orders o JOIN customers c USING (customer_id)"


def rows(raw: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(float(v) if isinstance(v, Decimal) else v for v in r) for r in raw.execute(sql).fetchall()]


def shown(scene: dict[str, Any]) -> list[str]:
    return [str(t["text"]) for t in marks(scene, "text")]


def test_table_rows_sparklines_and_formats(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    expected = rows(raw, f"""SELECT c.region, {REVENUE}, count(DISTINCT o.order_id) FROM {JOIN}
                             GROUP BY 1 ORDER BY 2 DESC""")
    quarters = rows(raw, f"""SELECT date_trunc('quarter', o.order_date) q, {REVENUE} FROM {JOIN}
                             WHERE c.region = 'Europe' GROUP BY 1 ORDER BY 1""")
    c = chart("table", rows=["region"], y=["revenue", "orders"], sparkline="order_date.quarter",
              formats=[{"field": "revenue", "type": "data_bars"},
                       {"field": "orders", "type": "rules", "rules": [
                           {"condition": {"operator": ">", "value": 4000}, "format": {"bold": True,
                                                                                      "font_color": "#D55E00"}}]}])
    df = c.data(model)
    assert list(df["region"]) == [r[0] for r in expected]
    europe = df[df["region"] == "Europe"].iloc[0]
    assert europe["_spark"] == pytest.approx([v for _, v in quarters])
    save_png("table", c.to_png(model))
    scene = c.scenegraph(model)
    texts = shown(scene)
    for region, revenue, orders in expected:
        assert region in texts and f"${revenue:,.2f}" in texts and f"{orders:,}" in texts
    assert mark_groups(scene, "line") == len(expected)  # one trend line per row
    assert len(marks(scene, "line")) == len(expected) * len(quarters)
    red = [t for t in marks(scene, "text") if t.get("fill") == "#D55E00"]
    assert sorted(t["text"] for t in red) == sorted(f"{n:,}" for _, _, n in expected if n > 4000)
    bars = [r for r in marks(scene, "rect") if r.get("fill") == "#56B4E9"]  # the data bars
    assert len(bars) == len(expected)
    widths = sorted((b["width"] for b in bars), reverse=True)
    assert [w / widths[0] for w in widths] == pytest.approx([r[1] / expected[0][1] for r in expected], rel=1e-3)


def test_matrix_subtotals_come_from_the_engine(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    c = chart("matrix", rows=["region", "segment"], columns=["channel"], y="orders")
    assert len(c.queries()) == 6  # 3 row levels x 2 column levels
    df = c.data(model)
    # a distinct count does not add up: every subtotal must equal its own SQL, not the sum of its children
    region_totals = dict(rows(raw, f"SELECT c.region, count(DISTINCT o.order_id) FROM {JOIN} GROUP BY 1"))
    got = df[(df["_row_level"] == 1) & (df["_col_level"] == 0)].set_index("region")["orders"]
    assert {k: int(v) for k, v in got.items()} == region_totals
    grand = rows(raw, "SELECT count(DISTINCT order_id) FROM orders")[0][0]
    assert int(df[(df["_row_level"] == 0) & (df["_col_level"] == 0)]["orders"].iloc[0]) == grand
    online = rows(raw, "SELECT count(DISTINCT order_id) FROM orders WHERE channel = 'online'")[0][0]
    assert int(df[(df["_row_level"] == 0) & (df["channel"] == "online")]["orders"].iloc[0]) == online
    save_png("matrix", chart("matrix", rows=["region", "segment"], columns=["channel"], y="revenue").to_png(model))
    scene = c.scenegraph(model)
    texts = shown(scene)
    assert texts.count("Total") == 2  # the total column header and the grand-total row
    assert f"{grand:,}" in texts and all(f"{n:,}" in texts for n in region_totals.values())
    bold = [t["text"] for t in marks(scene, "text") if t.get("fontWeight") == "bold"]
    assert "Europe" in bold and "Consumer" not in bold  # subtotal rows are bold, leaves are not


def test_matrix_column_groups_close_with_subtotal_columns(model: bn.SemanticModel,
                                                          raw: duckdb.DuckDBPyConnection) -> None:
    c = chart("matrix", rows=["region"], columns=["category", "subcategory"], y="avg_discount")
    scene = c.scenegraph(model)
    texts = marks(scene, "text")
    header = [t for t in texts if t["y"] == min(u["y"] for u in texts)]
    groups = rows(raw, "SELECT DISTINCT p.category, p.subcategory FROM orders o JOIN products p USING (product_id) "
                       "ORDER BY 1, 2")
    want = ["Region"]
    for n, (cat, sub) in enumerate(groups):
        want.append(f"{cat} / {sub}")
        if n + 1 == len(groups) or groups[n + 1][0] != cat:
            want.append(f"{cat} total")
    assert [t["text"] for t in sorted(header, key=lambda t: t["x"])] == [*want, "Total"]
    # a subtotal column shows the category's own average, read in the Europe row under its header
    x = next(t["x"] for t in header if t["text"] == "Technology total")
    y = next(t["y"] for t in texts if t["text"] == "Europe")
    shown = next(t["text"] for t in texts if t["x"] == x and t["y"] == y)
    avg = rows(raw, f"SELECT avg(o.discount) FROM {JOIN} JOIN products p USING (product_id) "
                    "WHERE c.region = 'Europe' AND p.category = 'Technology'")[0][0]
    assert shown == f"{avg * 100:.1f}%"


def test_kpi_value_delta_target_and_trend(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    total, gross = rows(raw, f"SELECT {REVENUE}, sum(o.quantity * o.unit_price)::DOUBLE FROM {JOIN}")[0]
    months = rows(raw, f"SELECT date_trunc('month', o.order_date), {REVENUE} FROM {JOIN} GROUP BY 1 ORDER BY 1")
    c = chart("kpi", y="revenue", sparkline="order_date.month", target="gross_revenue",
              formats=[{"field": "revenue", "type": "rules",
                        "rules": [{"condition": {"operator": "<", "value": gross},
                                   "format": {"font_color": "#D55E00"}}]}])
    df = c.data(model)
    assert df["value"].iloc[0] == pytest.approx(total) and df["target"].iloc[0] == pytest.approx(gross)
    delta = (months[-1][1] - months[-2][1]) / months[-2][1]
    assert df["delta"].iloc[0] == pytest.approx(delta)
    save_png("kpi", c.to_png(model))
    scene = c.scenegraph(model)
    texts = shown(scene)
    assert f"${total / 1e6:.3g}M" in texts
    assert f"{'▲' if delta >= 0 else '▼'} {abs(delta):.1%} vs previous month" in texts
    assert f"{total / gross:.0%} of target ${gross / 1e6:.3g}M" in texts
    value = next(t for t in marks(scene, "text") if t["text"] == f"${total / 1e6:.3g}M")
    assert value["fill"] == "#D55E00"  # the rule coloured the number: revenue is below gross revenue
    assert len(marks(scene, "line")) == len(months)
