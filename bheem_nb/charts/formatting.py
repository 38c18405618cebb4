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

import math
from collections.abc import Sequence
from typing import Any, Literal

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
