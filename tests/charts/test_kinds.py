"""Every other visual kind, rendered offline: marks counted and measured against raw DuckDB answers.

Expectations come from SQL on the demo database opened directly (``raw``), never from the chart code.
Each test also writes ``tests/artifacts/charts/<kind>.png`` for a person to look at.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.charts import chart
from bheem_nb.charts.kinds.geo import country_names, shape_name
from tests.charts.conftest import mark_groups, marks, save_png, texts

REVENUE = "sum(o.quantity * o.unit_price * (1 - o.discount))"
JOIN = "orders o JOIN customers c USING (customer_id) JOIN products p USING (product_id)"


def render(c: bn.charts.Chart, model: bn.SemanticModel, name: str) -> dict[str, Any]:
    save_png(name, c.to_png(model))
    return c.scenegraph(model)


def rows(raw: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """Rows of raw SQL, decimals as floats."""
    return [tuple(float(v) if isinstance(v, Decimal) else v for v in r) for r in raw.execute(sql).fetchall()]


def stacks(bars: list[dict[str, Any]], position: str, length: str) -> dict[float, float]:
    """Total length of the bars drawn at each position (one stack per category)."""
    out: dict[float, float] = {}
    for b in bars:
        out[round(b[position], 3)] = out.get(round(b[position], 3), 0.0) + b[length]
    return out


def test_stacked_column_stacks_every_segment(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    pairs = rows(raw, f"SELECT c.region, c.segment, {REVENUE} FROM {JOIN} GROUP BY 1, 2")
    scene = render(chart("stacked_column", x="region", y="revenue", color="segment"), model, "stacked_column")
    bars = marks(scene, "rect")
    assert len(bars) == len(pairs)
    by_x = stacks(bars, "x", "height")
    totals = sorted((sum(v for r, _, v in pairs if r == region) for region in {r for r, _, _ in pairs}), reverse=True)
    heights = [by_x[x] for x in sorted(by_x)]  # left to right: largest region first
    assert [h / heights[0] for h in heights] == pytest.approx([t / totals[0] for t in totals], rel=1e-6)


def test_percent_bar_fills_the_width(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    pairs = rows(raw, f"SELECT c.region, o.channel, {REVENUE} FROM {JOIN} GROUP BY 1, 2")
    scene = render(chart("percent_bar", x="region", y="revenue", color="channel"), model, "percent_bar")
    bars = marks(scene, "rect")
    assert len(bars) == len(pairs)
    assert len({round(w, 3) for w in stacks(bars, "y", "width").values()}) == 1  # every region is 100 %
    assert "Share of revenue" in texts(scene, "axis-title")


def test_stacked_bar_and_percent_column(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    n = rows(raw, f"SELECT count(*) FROM (SELECT 1 FROM {JOIN} GROUP BY p.category, o.channel)")[0][0]
    scene = render(chart("stacked_bar", x="category", y="revenue", color="channel"), model, "stacked_bar")
    assert len(marks(scene, "rect")) == n
    m = rows(raw, f"SELECT count(*) FROM (SELECT 1 FROM {JOIN} GROUP BY p.category, c.segment)")[0][0]
    scene = render(chart("percent_column", x="category", y="units", color="segment"), model, "percent_column")
    assert len(marks(scene, "rect")) == m


def test_grouped_bars_side_by_side(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    pairs = rows(raw, f"SELECT c.region, c.segment, count(DISTINCT o.order_id) FROM {JOIN} GROUP BY 1, 2")
    scene = render(chart("grouped_column", x="region", y="orders", color="segment"), model, "grouped_column")
    bars = marks(scene, "rect")
    assert len(bars) == len(pairs)
    assert len({round(b["x"], 3) for b in bars}) == len(pairs)  # none drawn on top of another
    heights = sorted(b["height"] for b in bars)
    counts = sorted(p[2] for p in pairs)
    assert [h / heights[-1] for h in heights] == pytest.approx([n / counts[-1] for n in counts], rel=1e-6)
    n = rows(raw, f"SELECT count(*) FROM (SELECT 1 FROM {JOIN} GROUP BY o.channel, c.segment)")[0][0]
    scene = render(chart("grouped_bar", x="channel", y="revenue", color="segment"), model, "grouped_bar")
    assert len(marks(scene, "rect")) == n


def test_area_and_stacked_area(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    months = rows(raw, "SELECT count(DISTINCT date_trunc('month', order_date)) FROM orders")[0][0]
    scene = render(chart("area", x="order_date.month", y="revenue"), model, "area")
    assert mark_groups(scene, "area") == 1 and len(marks(scene, "area")) == months
    quarters = rows(raw, "SELECT count(DISTINCT date_trunc('quarter', order_date)) FROM orders")[0][0]
    scene = render(chart("stacked_area", x="order_date.quarter", y="revenue", color="region"), model, "stacked_area")
    assert mark_groups(scene, "area") == 5 and len(marks(scene, "area")) == 5 * quarters


def test_combo_bars_and_line_on_two_axes(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    expected = rows(raw, f"""SELECT date_trunc('quarter', o.order_date) q, {REVENUE}, count(DISTINCT o.order_id)
                             FROM {JOIN} GROUP BY 1 ORDER BY 1""")
    scene = render(chart("combo", x="order_date.quarter", y=["revenue", "orders"]), model, "combo")
    bars = sorted(marks(scene, "rect"), key=lambda b: b["x"])
    points = sorted(marks(scene, "symbol"), key=lambda p: p["x"])
    assert len(bars) == len(points) == len(expected)
    assert [b["height"] / bars[0]["height"] for b in bars] == pytest.approx([r[1] / expected[0][1] for r in expected])
    assert "Orders" in texts(scene, "axis-title") and "Revenue" in texts(scene, "axis-title")


def test_pie_and_donut_angles_are_shares(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    shares = sorted((v for _, v in rows(raw, f"SELECT c.segment, {REVENUE} FROM {JOIN} GROUP BY 1")), reverse=True)
    scene = render(chart("pie", x="segment", y="revenue"), model, "pie")
    angles = sorted((abs(a["endAngle"] - a["startAngle"]) for a in marks(scene, "arc")), reverse=True)
    assert [a / (2 * math.pi) for a in angles] == pytest.approx([s / sum(shares) for s in shares], rel=1e-6)
    total = rows(raw, f"SELECT {REVENUE} FROM {JOIN}")[0][0]
    scene = render(chart("donut", x="region", y="revenue"), model, "donut")
    assert len(marks(scene, "arc")) == 5
    assert f"${total / 1e6:.3g}M" in [t["text"] for t in marks(scene, "text")]


def test_pie_folds_small_slices_into_other(model: bn.SemanticModel) -> None:
    df = chart("pie", x="country", y="revenue").data(model)
    spec = chart("pie", x="country", y="revenue").to_vega_lite(model, data=df)
    names = [r["country"] for r in spec["data"]["values"]]
    assert len(names) == 8 and names[-1] == "Other"
    assert sum(r["revenue"] for r in spec["data"]["values"]) == pytest.approx(df["revenue"].sum())


def test_gauge_arc_is_value_over_range(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    revenue, gross = rows(raw, f"SELECT {REVENUE}, sum(o.quantity * o.unit_price) FROM {JOIN}")[0]
    scene = render(chart("gauge", y="revenue", target="gross_revenue"), model, "gauge")
    arcs = marks(scene, "arc")
    assert len(arcs) == 3  # range, value, target
    shown = [t["text"] for t in marks(scene, "text")]
    top = float(next(t for t in shown if t.startswith("$") and t.endswith("M") and t != f"${revenue / 1e6:.3g}M")
                .strip("$M")) * 1e6
    assert top >= max(revenue, gross)
    spans = sorted(abs(a["endAngle"] - a["startAngle"]) for a in arcs)
    assert spans[-1] == pytest.approx(math.pi) and spans[1] == pytest.approx(math.pi * revenue / top)
    assert f"Target ${gross / 1e6:.3g}M" in shown


def test_scatter_and_bubble_one_point_per_country(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    per = rows(raw, f"SELECT c.country, {REVENUE}, count(DISTINCT o.order_id) FROM {JOIN} GROUP BY 1")
    scene = render(chart("scatter", x="revenue", y="orders", detail="country", color="region"), model, "scatter")
    pts = marks(scene, "symbol")
    assert len(pts) == len(per)
    rightmost = max(pts, key=lambda p: p["x"])
    assert max(per, key=lambda r: r[1])[0] in rightmost["description"]
    scene = render(chart("bubble", x="orders", y="avg_order_value", size="revenue", detail="country",
                         color="region"), model, "bubble")
    pts = marks(scene, "symbol")
    assert len(pts) == len(per)
    biggest = max(pts, key=lambda p: p["size"])
    assert max(per, key=lambda r: r[1])[0] in biggest["description"]
    named = [t["text"] for t in marks(scene, "text") if t.get("text")]
    assert 1 <= len(named) <= 5 and max(per, key=lambda r: r[1])[0] in named  # only the largest, never clashing


def test_heatmap_cells_and_values(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    cells = rows(raw, f"SELECT c.region, p.category, {REVENUE} FROM {JOIN} GROUP BY 1, 2")
    scene = render(chart("heatmap", x="region", rows=["category"], y="revenue"), model, "heatmap")
    assert len(marks(scene, "rect")) == len(cells)
    top = max(cells, key=lambda r: r[2])
    assert f"${top[2] / 1e6:.3g}M" in [t["text"] for t in marks(scene, "text")]


def test_calendar_one_square_per_day(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    days = rows(raw, """SELECT count(DISTINCT CAST(order_date AS DATE)) FROM orders
                        WHERE year(order_date) > (SELECT max(year(order_date)) - 2 FROM orders)""")[0][0]
    scene = render(chart("calendar", x="order_date", y="revenue"), model, "calendar")
    assert len(marks(scene, "rect")) == days


def test_histogram_bins_match_numpy(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    per = pd.DataFrame(rows(raw, f"SELECT c.name, {REVENUE} FROM {JOIN} GROUP BY 1"), columns=["name", "rev"])
    c = chart("histogram", x="revenue", detail="name")
    df = c.data(model)
    assert int(df["count"].sum()) == len(per)
    step = float(df["bin_end"].iloc[0] - df["bin_start"].iloc[0])
    expected = (per["rev"] // step).value_counts().sort_index()
    assert list(df["count"]) == list(expected)
    scene = render(c, model, "histogram")
    assert len(marks(scene, "rect")) == len(expected)


def test_box_plot_quartiles_from_sql(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    per = pd.DataFrame(rows(raw, f"SELECT c.region, c.name, {REVENUE} FROM {JOIN} GROUP BY 1, 2"),
                       columns=["region", "name", "rev"])
    c = chart("box", x="region", y="revenue", detail="name")
    df = c.data(model).set_index("region")
    for key, group in per.groupby("region"):
        region = str(key)
        assert df.loc[region, "median"] == pytest.approx(group["rev"].median())
        assert df.loc[region, "q1"] == pytest.approx(group["rev"].quantile(0.25))
        assert df.loc[region, "hi"] == pytest.approx(group["rev"].max())
        assert df.loc[region, "n"] == len(group)
    scene = render(c, model, "box")
    boxes, medians = marks(scene, "rect", "layer_1"), marks(scene, "rect", "layer_2")
    assert len(boxes) == len(medians) == 5 and len(marks(scene, "rule")) == 5
    ratio = (boxes[0]["y"] + boxes[0]["height"] - medians[0]["y"]) / boxes[0]["height"]  # median inside its box
    assert 0 <= ratio <= 1


def test_waterfall_steps_add_up(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    quarters = rows(raw, f"SELECT date_trunc('quarter', o.order_date), {REVENUE} FROM {JOIN} GROUP BY 1 ORDER BY 1")
    scene = render(chart("waterfall", x="order_date.quarter", y="revenue"), model, "waterfall")
    bars = sorted(marks(scene, "rect"), key=lambda b: b["x"])
    assert len(bars) == len(quarters) + 1
    total = sum(v for _, v in quarters)
    assert bars[-1]["height"] / bars[0]["height"] == pytest.approx(total / quarters[0][1], rel=1e-6)
    assert sum(b["height"] for b in bars[:-1]) == pytest.approx(bars[-1]["height"])


def test_funnel_stages_widest_first(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    stages = rows(raw, "SELECT status, count(DISTINCT order_id) n FROM orders GROUP BY 1 ORDER BY 2 DESC")
    scene = render(chart("funnel", x="status", y="orders"), model, "funnel")
    bars = sorted(marks(scene, "rect"), key=lambda b: b["y"])
    assert len(bars) == len(stages)
    assert [b["width"] / bars[0]["width"] for b in bars] == pytest.approx([n / stages[0][1] for _, n in stages])
    shown = [t["text"] for t in marks(scene, "text")]
    assert f"{stages[1][1]:,} ({stages[1][1] / stages[0][1]:.0%})" in shown


def test_bullet_actual_target_and_bands(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    n = rows(raw, "SELECT count(DISTINCT region) FROM customers")[0][0]
    scene = render(chart("bullet", x="region", y="paid_revenue", target="revenue"), model, "bullet")
    assert len(marks(scene, "rect")) == 5 * n  # three bands, the actual bar and the target tick per region
    actual, target = marks(scene, "rect", "layer_3"), marks(scene, "rect", "layer_4")
    paid = dict(rows(raw, f"SELECT c.region, sum(o.quantity * o.unit_price * (1 - o.discount)) FILTER "
                          f"(WHERE o.status = 'paid') FROM {JOIN} GROUP BY 1"))
    revenue = dict(rows(raw, f"SELECT c.region, {REVENUE} FROM {JOIN} GROUP BY 1"))
    widest = max(actual, key=lambda b: b["width"])
    top = max(paid, key=lambda r: paid[r])
    assert top in widest["description"]
    scale = widest["width"] / paid[top]
    assert sorted(t["x"] for t in target) == pytest.approx(sorted(v * scale for v in revenue.values()), abs=2.0)


def test_treemap_areas_are_proportional(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    subs = rows(raw, f"SELECT p.subcategory, {REVENUE} FROM {JOIN} GROUP BY 1 ORDER BY 2 DESC")
    scene = render(chart("treemap", x="subcategory", color="category", y="revenue"), model, "treemap")
    rects = marks(scene, "rect")
    assert len(rects) == len(subs)
    areas = sorted((r["width"] * r["height"] for r in rects), reverse=True)
    # nested padding takes a little area from every child; shares stay within 3 %
    assert [a / sum(areas) for a in areas] == pytest.approx([v / sum(v for _, v in subs) for _, v in subs], abs=0.03)


def test_sankey_one_band_per_flow(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    flows = rows(raw, f"SELECT c.region, p.category, {REVENUE} FROM {JOIN} GROUP BY 1, 2")
    scene = render(chart("sankey", source="region", destination="category", y="revenue"), model, "sankey")
    assert mark_groups(scene, "area") == len(flows)
    assert len(marks(scene, "rect")) == len({f[0] for f in flows}) + len({f[1] for f in flows})


def test_choropleth_shades_known_countries(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection) -> None:
    countries = [r[0] for r in rows(raw, "SELECT DISTINCT country FROM customers c JOIN orders USING (customer_id)")]
    on_map = [c for c in countries if shape_name(c) in country_names()]
    spec = chart("map", x="country", y="revenue").to_vega_lite(model)
    assert spec["title"]["subtitle"] == "Not on the map: " + ", ".join(sorted(set(countries) - set(on_map)))
    scene = render(chart("map", x="country", y="revenue"), model, "map")
    assert len(marks(scene, "shape")) == (len(country_names()) - 1) + len(on_map)  # land without Antarctica


def test_points_map_and_candlesticks(market: bn.SemanticModel) -> None:
    cities = market.sql("SELECT count(*) AS n FROM cities").df["n"].iloc[0]
    c = chart("points_map", lat="lat", lon="lon", y="sales", detail="city")
    save_png("points_map", c.to_png(market))
    assert len(marks(c.scenegraph(market), "symbol")) == cities
    prices = market.sql("SELECT open, close FROM prices ORDER BY day").df
    ohlc = dict(x="day", open="open_price", high="high_price", low="low_price", close="close_price")
    c = chart("candlestick", **ohlc)
    save_png("candlestick", c.to_png(market))
    scene = c.scenegraph(market)
    assert len(marks(scene, "rule")) == len(prices)
    bodies = marks(scene, "rect")
    ups = int((prices["open"] <= prices["close"]).sum())
    assert len(bodies) == len(prices) and sum(b["fill"] == "#009E73" for b in bodies) == ups
    c = chart("ohlc", **ohlc)
    save_png("ohlc", c.to_png(market))
    assert len(marks(c.scenegraph(market), "rect")) == 2 * len(prices)  # open and close ticks
