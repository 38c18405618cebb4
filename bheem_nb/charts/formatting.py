"""Conditional formatting: colour scales, data bars, icon sets and rules, as data and as styles.

    {"field": "revenue", "type": "color_scale",
     "color_scale": {"minimum": {"type": "lowest", "color": "#f7fbff"},
                     "maximum": {"type": "highest", "color": "#08519c"}}}

The roadmap's ``ConditionalFormat`` shape (camelCase keys such as ``colorScale`` are accepted too).
:func:`cell_styles` turns a data frame and its formats into one style dict per cell, which the
table, matrix and KPI widgets render as they are; :func:`series_color` gives a chart the same colours.
Both are pure: the numbers come from the engine's aggregated rows, so the page and an export agree.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

StopType = Literal["lowest", "highest", "number", "percent", "percentile"]
Operator = Literal[">", ">=", "<", "<=", "=", "!=", "between", "contains"]
ICONS: dict[str, tuple[str, ...]] = {  # low -> high
    "arrows": ("↓", "→", "↑"),
    "circles": ("●", "●", "●"),
    "flags": ("⚑", "⚑", "⚑"),
    "stars": ("☆", "⯪", "★"),
}
#: icon colours low -> high (colour-blind safe: vermillion, yellow-orange, bluish green)
ICON_COLORS: tuple[str, ...] = ("#D55E00", "#E69F00", "#009E73")


class _Format(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


class Stop(_Format):
    """One colour stop: the lowest/highest value, a number, a percent of the range or a percentile."""

    type: StopType = "number"
    value: float | None = None
    color: str

    @model_validator(mode="after")
    def _value(self) -> Stop:
        if self.type in ("number", "percent", "percentile") and self.value is None:
            raise ValueError(f"a {self.type} stop needs `value`")
        if self.type in ("percent", "percentile") and self.value is not None and not 0 <= self.value <= 100:
            raise ValueError(f"a {self.type} stop takes a value from 0 to 100, got {self.value}")
        return self


class ColorScale(_Format):
    """A 2-stop (minimum, maximum) or 3-stop (with center) gradient."""

    minimum: Stop = Stop(type="lowest", color="#f7fbff")
    center: Stop | None = None
    maximum: Stop = Stop(type="highest", color="#2171b5")
    apply_to: Literal["background", "font"] = "background"


class DataBars(_Format):
    """In-cell bars: length by value, negatives in their own colour left of the axis."""

    positive_color: str = "#56B4E9"
    negative_color: str = "#D55E00"
    show_value: bool = True
    min_value: Literal["auto"] | float = "auto"
    max_value: Literal["auto"] | float = "auto"
    axis: bool = True


class IconThreshold(_Format):
    """The icon shown from ``value`` upwards (``type``: number, percent of range, or percentile)."""

    value: float
    type: Literal["number", "percent", "percentile"] = "percent"


class IconSet(_Format):
    """Three icons split by two thresholds (default: thirds of the range); ``reverse_order`` flips good/bad."""

    icons: Literal["arrows", "circles", "flags", "stars"] = "arrows"
    thresholds: tuple[IconThreshold, ...] = (IconThreshold(value=33.3), IconThreshold(value=66.7))
    reverse_order: bool = False

    @model_validator(mode="after")
    def _two(self) -> IconSet:
        if len(self.thresholds) != 2:
            raise ValueError("an icon set takes exactly 2 thresholds (3 icons: below, between, above)")
        return self


class Condition(_Format):
    operator: Operator
    value: Any = None
    value2: Any = None

    @model_validator(mode="after")
    def _between(self) -> Condition:
        if self.operator == "between" and self.value2 is None:
            raise ValueError("operator 'between' needs value and value2")
        return self


class Style(_Format):
    background_color: str | None = None
    font_color: str | None = None
    bold: bool | None = None
    italic: bool | None = None


class Rule(_Format):
    """If ``condition`` holds for the cell, apply ``format``; later rules win on the same property."""

    condition: Condition
    format: Style


class ConditionalFormat(_Format):
    """One format on one field (a measure column); ``type`` picks which settings apply.

    A type without its settings uses the defaults, so ``{"field": "revenue", "type": "data_bars"}`` works.
    """

    field: str
    type: Literal["color_scale", "data_bars", "icon_set", "rules"]
    color_scale: ColorScale | None = None
    data_bars: DataBars | None = None
    icon_set: IconSet | None = None
    rules: tuple[Rule, ...] = Field(default=())

    @model_validator(mode="after")
    def _defaults(self) -> ConditionalFormat:
        if self.type == "rules" and not self.rules:
            raise ValueError("a rules format needs at least one rule in `rules`")
        defaults = {"color_scale": ColorScale(), "data_bars": DataBars(), "icon_set": IconSet()}
        if self.type in defaults and getattr(self, self.type) is None:
            object.__setattr__(self, self.type, defaults[self.type])
        return self


def _numbers(values: Sequence[Any]) -> list[float]:
    return [float(v) for v in values if _is_number(v)]


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)


Styles = list[dict[str, dict[str, Any]]]


def cell_styles(df: pd.DataFrame, formats: Sequence[ConditionalFormat | Mapping[str, Any]]) -> Styles:
    """One ``{column: style}`` dict per row of ``df``, every column present; ``{}`` where no format applies.

    Keys a renderer reads: ``background``, ``color`` (font), ``bold``, ``italic``,
    ``bar`` (``{"start", "end", "axis", "color"}`` as fractions 0..1 of the cell width, ``show_value``)
    and ``icon`` (``{"symbol", "color", "name"}``). Formats on a column ``df`` lacks are ignored,
    so one list of formats serves a table and its drilled-down copies.
    """
    out: Styles = [{str(c): {} for c in df.columns} for _ in range(len(df))]
    for raw in formats:
        fmt = raw if isinstance(raw, ConditionalFormat) else ConditionalFormat.model_validate(raw)
        if fmt.field not in df.columns:
            continue
        for i, style in enumerate(column_styles(list(df[fmt.field]), fmt)):
            out[i][fmt.field].update(style)
    return out


def column_styles(values: Sequence[Any], fmt: ConditionalFormat) -> list[dict[str, Any]]:
    """The styles one format gives each value of a column (pure: the same values give the same styles)."""
    values = [_plain(v) for v in values]
    if fmt.type == "color_scale":
        assert fmt.color_scale is not None
        return _color_scale(values, fmt.color_scale)
    if fmt.type == "data_bars":
        assert fmt.data_bars is not None
        return _data_bars(values, fmt.data_bars)
    if fmt.type == "icon_set":
        assert fmt.icon_set is not None
        return _icons(values, fmt.icon_set)
    return [_rules(v, fmt.rules) for v in values]


def stop_value(stop: Stop, numbers: Sequence[float]) -> float:
    """Where a stop sits for this column: its lowest/highest value, a number, a percent of the range or a percentile."""
    lo, hi = (min(numbers), max(numbers)) if numbers else (0.0, 0.0)
    if stop.type == "lowest":
        return lo
    if stop.type == "highest":
        return hi
    assert stop.value is not None
    if stop.type == "number":
        return stop.value
    if stop.type == "percent":
        return lo + (hi - lo) * stop.value / 100
    return percentile(numbers, stop.value)


def percentile(numbers: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (the same definition as numpy's default and Excel's PERCENTILE.INC)."""
    ordered = sorted(numbers)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    f = math.floor(k)
    c = min(f + 1, len(ordered) - 1)
    return ordered[f] + (ordered[c] - ordered[f]) * (k - f)


def scale_color(value: float, points: Sequence[tuple[float, str]]) -> str:
    """Interpolate ``value`` between (position, colour) points in RGB; values outside clamp to the ends."""
    if value <= points[0][0]:
        return points[0][1]
    for (p0, c0), (p1, c1) in itertools.pairwise(points):
        if value <= p1:
            t = 0.0 if p1 == p0 else (value - p0) / (p1 - p0)
            return _mix(c0, c1, t)
    return points[-1][1]


def readable_on(background: str) -> str:
    """Black or white text, whichever reads better on ``background`` (WCAG relative luminance)."""
    r, g, b = (_linear(c / 255) for c in _rgb(background))
    return "#1f1f1f" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 else "#ffffff"


def _color_scale(values: list[Any], scale: ColorScale) -> list[dict[str, Any]]:
    numbers = _numbers(values)
    stops = [s for s in (scale.minimum, scale.center, scale.maximum) if s is not None]
    points = sorted(((stop_value(s, numbers), s.color) for s in stops), key=lambda p: p[0])
    out: list[dict[str, Any]] = []
    for v in values:
        if not _is_number(v):
            out.append({})
            continue
        color = scale_color(float(v), points)
        out.append({"background": color, "color": readable_on(color)} if scale.apply_to == "background"
                   else {"color": color})
    return out


def _data_bars(values: list[Any], bars: DataBars) -> list[dict[str, Any]]:
    numbers = _numbers(values)
    lo = min([0.0, *numbers]) if bars.min_value == "auto" else float(bars.min_value)
    hi = max([0.0, *numbers]) if bars.max_value == "auto" else float(bars.max_value)
    span = (hi - lo) or 1.0
    axis = min(max((0.0 - lo) / span, 0.0), 1.0)
    out: list[dict[str, Any]] = []
    for v in values:
        if not _is_number(v):
            out.append({})
            continue
        pos = min(max((float(v) - lo) / span, 0.0), 1.0)
        start, end = sorted((axis, pos))
        color = bars.positive_color if float(v) >= 0 else bars.negative_color
        out.append({"bar": {"start": start, "end": end, "axis": axis if bars.axis and 0 < axis < 1 else None,
                            "color": color}, "show_value": bars.show_value})
    return out


def _icons(values: list[Any], icons: IconSet) -> list[dict[str, Any]]:
    numbers = _numbers(values)
    lo, hi = (min(numbers), max(numbers)) if numbers else (0.0, 0.0)
    cuts = []
    for t in icons.thresholds:
        if t.type == "number":
            cuts.append(t.value)
        elif t.type == "percent":
            cuts.append(lo + (hi - lo) * t.value / 100)
        else:
            cuts.append(percentile(numbers, t.value))
    out: list[dict[str, Any]] = []
    for v in values:
        if not _is_number(v):
            out.append({})
            continue
        level = sum(float(v) >= c for c in cuts)
        shown = 2 - level if icons.reverse_order else level
        color = ICON_COLORS[shown]
        out.append({"icon": {"symbol": ICONS[icons.icons][level], "color": color, "name": f"{icons.icons}-{level}"}})
    return out


def rule_matches(value: Any, cond: Condition) -> bool:
    """Whether one cell value meets a rule's condition; a blank never matches a comparison."""
    op = cond.operator
    if op == "contains":
        return value is not None and str(cond.value).lower() in str(value).lower()
    if value is None:
        return op == "!=" and cond.value is not None
    try:
        if op == "between":
            lo, hi = sorted((cond.value, cond.value2))
            return bool(lo <= value <= hi)
        ops = {">": value > cond.value, ">=": value >= cond.value, "<": value < cond.value,
               "<=": value <= cond.value, "=": value == cond.value, "!=": value != cond.value}
        return bool(ops[op])
    except TypeError:  # a number rule on a text column: compare as text
        return {"=": str(value) == str(cond.value), "!=": str(value) != str(cond.value)}.get(op, False)


def _rules(value: Any, rules: Sequence[Rule]) -> dict[str, Any]:
    style: dict[str, Any] = {}
    for rule in rules:
        if rule_matches(value, rule.condition):
            f = rule.format
            for key, attr in (("background", "background_color"), ("color", "font_color"), ("bold", "bold"),
                              ("italic", "italic")):
                if getattr(f, attr) is not None:
                    style[key] = getattr(f, attr)
    return style


def vega_condition(fmt: ConditionalFormat, field: str, values: Sequence[Any], default: str) -> dict[str, Any]:
    """A Vega-Lite ``color`` encoding giving each mark the colour the format gives its value.

    Colour scales and rules keep their meaning on chart series: a bar is coloured as its table cell would be.
    """

    styles = column_styles(values, fmt)
    colors = [s.get("background") or s.get("color") or (s.get("bar") or {}).get("color")
              or (s.get("icon") or {}).get("color") or default for s in styles]
    pairs = [(v, c) for v, c in zip(values, colors, strict=True) if c != default]
    if not pairs:
        return {"value": default}
    tests = [{"test": f"datum[{json.dumps(field)}] === {json.dumps(_plain(v))}", "value": c} for v, c in pairs]
    return {"condition": tests, "value": default}


def _plain(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _mix(a: str, b: str, t: float) -> str:
    ra, rb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ra, rb, strict=True))


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
