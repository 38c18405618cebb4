"""Bars, columns, lines, areas and combos: rendered offline, marks counted and measured against raw SQL."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

import bheem_nb as bn
from bheem_nb.charts import chart
from tests.charts.conftest import mark_groups, marks, save_png, texts

REVENUE = "sum(o.quantity * o.unit_price * (1 - o.discount))"
BY_REGION = f"""SELECT c.region, {REVENUE} AS revenue FROM orders o JOIN customers c USING (customer_id)
                GROUP BY 1 ORDER BY 2 DESC"""


def bar_lengths(items: list[dict[str, Any]], horizontal: bool = False) -> list[float]:
    return [float(i["width"] if horizontal else i["height"]) for i in items]


def render(c: bn.charts.Chart, model: bn.SemanticModel, name: str) -> dict[str, Any]:
    save_png(name, c.to_png(model))
    return c.scenegraph(model)


def test_bar_sorted_by_value_with_labels(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    expected = raw.execute(BY_REGION).fetchall()
    scene = render(chart("bar", x="region", y="revenue"), model, "bar")
    bars = sorted(marks(scene, "rect"), key=lambda i: i["x"])
    assert len(bars) == len(expected) == 5
    lengths = bar_lengths(bars)
    ratios = [v / expected[0][1] for _, v in expected]
    assert [h / lengths[0] for h in lengths] == pytest.approx(ratios, rel=1e-6)
    regions = [r for r, _ in expected]
    assert [t for t in texts(scene, "axis-label") if t in regions] == regions  # left to right, largest first
    labels = [i["text"] for i in sorted(marks(scene, "text"), key=lambda i: i["x"])]
    assert labels[0] == f"${expected[0][1] / 1e6:.3g}M"


def test_column_with_two_measures_draws_two_series(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    n_cat = raw.execute("SELECT count(DISTINCT category) FROM products").fetchone()[0]  # type: ignore[index]
    scene = render(chart("column", x="category", y=["revenue", "paid_revenue"]), model, "column")
    assert len(marks(scene, "rect")) == 2 * n_cat
    assert set(texts(scene, "legend-label")) == {"Revenue", "Paid revenue"}


def test_horizontal_bar_of_countries(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    expected = raw.execute("""SELECT c.country, count(DISTINCT o.order_id) FROM orders o JOIN customers c
                          USING (customer_id) GROUP BY 1 ORDER BY 2 DESC""").fetchall()
    scene = render(chart("horizontal_bar", x="country", y="orders"), model, "horizontal_bar")
    bars = sorted(marks(scene, "rect"), key=lambda i: i["y"])
    assert len(bars) == len(expected)
    widths = bar_lengths(bars, horizontal=True)
    assert [w / widths[0] for w in widths] == pytest.approx([n / expected[0][1] for _, n in expected], rel=1e-6)
    countries = [c for c, _ in expected]
    assert [t for t in texts(scene, "axis-label") if t in countries] == countries


def test_line_per_region_by_month(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    months = raw.execute("SELECT count(DISTINCT date_trunc('month', order_date)) FROM orders").fetchone()[0]  # type: ignore[index]
    scene = render(chart("line", x="order_date.month", y="revenue", color="region"), model, "line")
    assert mark_groups(scene, "line") == 5  # one path per region
    assert len(marks(scene, "line")) == 5 * months  # every region sold every month
    assert len(texts(scene, "legend-label")) == 5
