"""KpiCard: one measure as a big number, its change against a comparison, and a sparkline.

    ctx.kpi("revenue:ytd", compare="revenue:pytd", compare_label="vs last year to date",
            sparkline="order_date.month")
    ctx.kpi("paid_revenue", compare="revenue", compare_label="of all revenue", delta="ratio")

The comparison is any measure the engine knows: a time-intelligence modifier of the same
measure (previous period, last year to date, ...) or a second measure. Value and comparison come
from one query; the sparkline from a second one grouped by a time dimension. Both go through the
filter context, so slicers and cross-filters narrow the card like every other view.
``formats`` are conditional formats (``bheem_nb.charts.formatting``) on the value's measure: the
card takes the background/font colour, bold and icon they give its value.
"""

from __future__ import annotations

import math
import time
from typing import Any, Literal

import anywidget
import pandas as pd
import traitlets

from .slicers import CSS, STATIC, _plain, field_label
from .table import format_value
from .visual_styles import field_format, styles_for


class KpiCard(anywidget.AnyWidget):
    """A KPI card on a :class:`FilterContext`; ``good="down"`` for measures where lower is better."""

    _esm = STATIC / "kpi.js"
    _css = CSS
    label = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Any(None).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    compare_value = traitlets.Any(None).tag(sync=True)
    delta_text = traitlets.Unicode("").tag(sync=True)
    trend = traitlets.Unicode("").tag(sync=True)  # good, bad or flat
    spark: traitlets.List[Any] = traitlets.List().tag(sync=True)
    spark_labels: traitlets.List[Any] = traitlets.List().tag(sync=True)
    value_style = traitlets.Dict().tag(sync=True)  # not `style`: DOMWidget uses that name
    error = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    query_ms = traitlets.Float(0.0).tag(sync=True)

    def __init__(self, context: Any, measure: str, *, compare: str | None = None, compare_label: str = "",
                 delta: Literal["percent", "difference", "ratio"] = "percent", good: Literal["up", "down"] = "up",
                 sparkline: str | None = None, spark_measure: str | None = None, formats: Any = (),
                 label: str | None = None) -> None:
        model = context.model
        super().__init__(label=label or field_label(model, measure.split(":")[0]))
        self.context, self.measure, self.compare = context, measure, compare
        self.compare_label, self.delta_mode, self.good = compare_label, delta, good
        self.sparkline, self.formats = sparkline, formats
        self.spark_measure = spark_measure or measure.split(":")[0]  # "revenue:ytd" trends as monthly revenue
        self._format = field_format(model, measure)

    def refresh(self) -> None:
        start = time.perf_counter()
        measures = [self.measure] + ([self.compare] if self.compare else [])
        try:
            row = self.context.query(measures=measures).df.iloc[0]
            spark = self._spark()
        except Exception as exc:  # the card shows why instead of a stale number
            self.error = str(exc)
            self.version += 1
            return
        value = _number(row[self.measure])
        other = _number(row[self.compare]) if self.compare else None
        with self.hold_trait_notifications():
            self.error = ""
            self.value, self.compare_value = value, other
            self.text = format_value(value, self._format) if value is not None else "–"
            self.delta_text, self.trend = self._delta(value, other)
            self.spark, self.spark_labels = spark
            self.value_style = styles_for(pd.DataFrame({self.measure: [value]}), self.formats)[0].get(self.measure, {})
            self.query_ms = round((time.perf_counter() - start) * 1000, 1)
            self.version += 1

    def _spark(self) -> tuple[list[Any], list[Any]]:
        if not self.sparkline:
            return [], []
        df = self.context.query(measures=[self.spark_measure], dimensions=[self.sparkline],
                                order=[(self.sparkline, "asc")]).df
        return [_number(v) for v in df[self.spark_measure]], [_plain(v) for v in df[self.sparkline]]

    def _delta(self, value: float | None, other: float | None) -> tuple[str, str]:
        """The change as text (``▲ 12.3% vs last year``) and whether it is good, bad or flat."""
        if value is None or other is None:
            return ("", "flat") if self.compare is None else (f"no comparison {self.compare_label}".strip(), "flat")
        diff = value - other
        suffix = f" {self.compare_label}" if self.compare_label else ""
        if self.delta_mode == "ratio":
            text = f"{value / other * 100:.1f}%{suffix}" if other else f"–{suffix}"
            return text, "flat"
        arrow = "▲" if diff > 0 else "▼" if diff < 0 else "■"
        if self.delta_mode == "percent" and other:
            text = f"{arrow} {abs(diff) / abs(other) * 100:.1f}%{suffix}"
        else:
            text = f"{arrow} {format_value(abs(diff), self._format)}{suffix}"
        trend = "flat" if diff == 0 else ("good" if (diff > 0) == (self.good == "up") else "bad")
        return text, trend


def _number(value: Any) -> float | None:
    value = _plain(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)
