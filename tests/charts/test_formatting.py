"""Conditional formatting: colour scales, data bars, icon sets and rules, computed independently here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bheem_nb as bn
from bheem_nb.charts import chart
from bheem_nb.charts.formatting import ConditionalFormat, cell_styles, percentile, readable_on, scale_color
from tests.charts.conftest import marks

VALUES = [10.0, 20.0, 30.0, 40.0, 50.0]


def styles(values: Sequence[Any], fmt: dict[str, Any]) -> list[dict[str, Any]]:
    return [row["v"] for row in cell_styles(pd.DataFrame({"v": values}), [{"field": "v", **fmt}])]


def test_two_stop_colour_scale_runs_lowest_to_highest() -> None:
    out = styles(VALUES, {"type": "color_scale", "color_scale": {
        "minimum": {"type": "lowest", "color": "#000000"}, "maximum": {"type": "highest", "color": "#ffffff"}}})
    assert [s["background"] for s in out] == ["#000000", "#404040", "#808080", "#bfbfbf", "#ffffff"]
    assert out[0]["color"] == "#ffffff" and out[-1]["color"] == "#1f1f1f"  # text stays readable


def test_three_stop_scale_with_number_and_percentile_stops() -> None:
    out = styles(VALUES, {"type": "color_scale", "colorScale": {  # the roadmap's camelCase keys work too
        "minimum": {"type": "number", "value": 20, "color": "#ff0000"},
        "center": {"type": "percentile", "value": 50, "color": "#ffffff"},
        "maximum": {"type": "percent", "value": 75, "color": "#0000ff"}}})
    assert out[0]["background"] == "#ff0000"  # below the minimum stop: clamped
    assert out[1]["background"] == "#ff0000" and out[2]["background"] == "#ffffff"
    assert out[3]["background"] == "#0000ff" and out[4]["background"] == "#0000ff"  # 75 % of range = 40


def test_data_bars_with_negatives_share_an_axis() -> None:
    out = styles([-50.0, 0.0, 50.0, 150.0, None], {"type": "data_bars"})
    assert "bar" not in out[4]  # a blank has no bar
    bars = [s["bar"] for s in out[:4]]
    axis = 50 / 200
    assert all(b["axis"] == pytest.approx(axis) for b in bars)
    assert bars[0]["start"] == 0 and bars[0]["end"] == pytest.approx(axis) and bars[0]["color"] == "#D55E00"
    assert bars[3]["start"] == pytest.approx(axis) and bars[3]["end"] == 1 and bars[3]["color"] == "#56B4E9"
    assert bars[2]["end"] - bars[2]["start"] == pytest.approx(50 / 200)


def test_icon_sets_thresholds_and_reverse_order() -> None:
    thresholds = [{"value": 25, "type": "number"}, {"value": 45, "type": "number"}]
    fmt: dict[str, Any] = {"type": "icon_set", "icon_set": {"icons": "arrows", "thresholds": thresholds}}
    out = styles(VALUES, fmt)
    assert [s["icon"]["symbol"] for s in out] == ["↓", "↓", "→", "→", "↑"]
    assert out[0]["icon"]["color"] == "#D55E00" and out[-1]["icon"]["color"] == "#009E73"
    reversed_ = styles(VALUES, {**fmt, "icon_set": {**fmt["icon_set"], "reverse_order": True}})
    assert [s["icon"]["symbol"] for s in reversed_] == ["↓", "↓", "→", "→", "↑"]  # same icon, meaning flipped
    assert reversed_[0]["icon"]["color"] == "#009E73" and reversed_[-1]["icon"]["color"] == "#D55E00"
    stars = styles(VALUES, {"type": "icon_set", "icon_set": {"icons": "stars", "thresholds": [
        {"value": 40, "type": "percentile"}, {"value": 80, "type": "percentile"}]}})
    assert [s["icon"]["name"] for s in stars] == ["stars-0", "stars-0", "stars-1", "stars-1", "stars-2"]


@pytest.mark.parametrize(("op", "value", "value2", "hits"), [
    (">", 30, None, [40, 50]), (">=", 30, None, [30, 40, 50]), ("<", 30, None, [10, 20]),
    ("<=", 30, None, [10, 20, 30]), ("=", 30, None, [30]), ("!=", 30, None, [10, 20, 40, 50]),
    ("between", 45, 15, [20, 30, 40]),
])
def test_rules_operators(op: str, value: float, value2: float | None, hits: list[float]) -> None:
    out = styles(VALUES, {"type": "rules", "rules": [{"condition": {"operator": op, "value": value, "value2": value2},
                                                      "format": {"background_color": "#eee", "italic": True}}]})
    assert [v for v, s in zip(VALUES, out, strict=True) if s] == hits
    assert all(s == {"background": "#eee", "italic": True} for s in out if s)


def test_contains_rule_on_text_and_later_rules_win() -> None:
    df = pd.DataFrame({"region": ["Europe", "North America", "Latin America"]})
    fmt = {"field": "region", "type": "rules", "rules": [
        {"condition": {"operator": "contains", "value": "america"}, "format": {"font_color": "#111", "bold": True}},
        {"condition": {"operator": "=", "value": "Latin America"}, "format": {"font_color": "#222"}}]}
    out = [r["region"] for r in cell_styles(df, [fmt])]
    assert out == [{}, {"color": "#111", "bold": True}, {"color": "#222", "bold": True}]


def test_bad_formats_are_named() -> None:
    with pytest.raises(ValueError, match="between"):
        ConditionalFormat.model_validate({"field": "v", "type": "rules",
                                          "rules": [{"condition": {"operator": "between", "value": 1},
                                                     "format": {"bold": True}}]})
    with pytest.raises(ValueError, match="percentile stop takes a value from 0 to 100"):
        ConditionalFormat.model_validate({"field": "v", "type": "color_scale", "color_scale": {
            "minimum": {"type": "percentile", "value": 150, "color": "#fff"}}})
    with pytest.raises(ValueError, match="operator"):
        ConditionalFormat.model_validate({"field": "v", "type": "rules", "rules": [
            {"condition": {"operator": "~", "value": 1}, "format": {}}]})


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40), st.floats(0, 100))
def test_percentile_matches_numpy(values: list[float], p: float) -> None:
    assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)), rel=1e-9, abs=1e-6)


def test_scale_colour_endpoints_and_contrast() -> None:
    assert scale_color(-5, [(0, "#000000"), (10, "#ffffff")]) == "#000000"
    assert scale_color(5, [(0, "#000000"), (10, "#ffffff")]) == "#808080"
    assert readable_on("#08519c") == "#ffffff" and readable_on("#f7fbff") == "#1f1f1f"


def test_series_colours_follow_a_colour_scale(model: bn.SemanticModel) -> None:
    c = chart("bar", x="region", y="revenue", formats=[{"field": "revenue", "type": "color_scale", "color_scale": {
        "minimum": {"type": "lowest", "color": "#ffffff"}, "maximum": {"type": "highest", "color": "#000000"}}}])
    scene = c.scenegraph(model)
    bars = marks(scene, "rect")
    tallest, shortest = max(bars, key=lambda b: b["height"]), min(bars, key=lambda b: b["height"])
    assert tallest["fill"] == "#000000" and shortest["fill"] == "#ffffff"


def test_cell_styles_shape_is_one_dict_per_row_keyed_by_column() -> None:
    df = pd.DataFrame({"region": ["A", "B"], "revenue": [1.0, 2.0], "orders": [3, 4]})
    out = cell_styles(df, [{"field": "revenue", "type": "data_bars"}, {"field": "missing", "type": "data_bars"}])
    assert len(out) == 2 and all(list(row) == ["region", "revenue", "orders"] for row in out)
    assert out[0]["region"] == {} and out[1]["revenue"]["bar"]["end"] == 1.0
