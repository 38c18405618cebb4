"""Bars and columns: plain, horizontal, stacked, 100% stacked and grouped.

``bar`` and ``column`` draw vertical bars (x is the category); ``horizontal_bar``, ``stacked_bar``,
``percent_bar`` and ``grouped_bar`` lie on their side, as in Power BI. Several measures in ``y``
without a ``color`` become the series (one bar per measure), as a BI user expects.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bheem_nb.charts.formatting import vega_condition
from bheem_nb.charts.kinds.base import Ctx, Visual, category_axis, data, selectable, tooltips
from bheem_nb.charts.meta import fref
from bheem_nb.charts.render import PALETTE

SERIES = "Measure"
VALUE = "Value"


def series_layout(ctx: Ctx) -> tuple[str | None, str, list[dict[str, Any]]]:
    """(series field, value field, transforms): several measures fold into one series field."""
    spec = ctx.spec
    if spec.color or len(spec.y) == 1:
        return spec.color, spec.y[0], []
    labels = [ctx.meta(m).label for m in spec.y]
    fold = {"fold": [fref(m) for m in spec.y], "as": ["_measure", VALUE]}
    names = {m: lab for m, lab in zip(spec.y, labels, strict=True)}
    expr = " : ".join(f"datum._measure === {_js(m)} ? {_js(lab)}" for m, lab in names.items()) + " : datum._measure"
    return SERIES, VALUE, [fold, {"calculate": expr, "as": SERIES}]


def _js(s: str) -> str:
    import json

    return json.dumps(s)


class Bars(Visual):
    def __init__(self, horizontal: bool = False, stack: str | None = None, grouped: bool = False) -> None:
        self.horizontal = horizontal
        self.stack = stack  # None, "zero" or "normalize"
        self.grouped = grouped

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        horizontal = bool(ctx.option("horizontal", self.horizontal))
        cat, val = ("y", "x") if horizontal else ("x", "y")
        series, value, transforms = series_layout(ctx)
        xm, ym = ctx.meta(spec.x), ctx.meta(spec.y[0])
        cat_enc = xm.encoding(cat)
        if cat_enc["type"] == "temporal":
            cat_enc["type"] = "ordinal"
        elif cat_enc["type"] == "nominal" and spec.sort in ("auto", "-y"):
            cat_enc["sort"] = f"-{val}"
        elif spec.sort == "y":
            cat_enc["sort"] = val
        elif spec.sort == "-x":
            cat_enc["sort"] = "descending"
        elif spec.sort == "none":
            cat_enc["sort"] = None  # the query's order
        cat_enc["axis"] = {**cat_enc.get("axis", {}), **category_axis(ctx, df, spec.x, horizontal)}
        val_enc: dict[str, Any] = {"field": fref(value), "type": "quantitative", "title": ym.label if not transforms
                                   else ", ".join(ctx.meta(m).label for m in spec.y),
                                   "axis": ym.axis()}
        enc: dict[str, Any] = {cat: cat_enc, val: val_enc}
        if series:
            s_meta = ctx.meta(series) if series != SERIES else None
            enc["color"] = {"field": fref(series), "type": "nominal", "title": s_meta.label if s_meta else None}
            if self.stack == "normalize":
                val_enc["stack"] = "normalize"
                val_enc["axis"] = {"format": ".0%"}
                val_enc["title"] = f"Share of {val_enc['title'].lower()}"
            elif self.grouped or not self.stack:
                enc[f"{cat}Offset"] = {"field": fref(series)}
            else:
                val_enc["stack"] = "zero"
        fmt = next((f for f in spec.formats if f.field == spec.y[0]), None)
        if fmt is not None and not series:  # conditional formatting colours each bar as its table cell
            enc["color"] = vega_condition(fmt, spec.y[0], list(df[spec.y[0]]), PALETTE[0])
        tips = tooltips(ctx, [spec.x, spec.color, *spec.y]) if not transforms else [
            ctx.meta(spec.x).tooltip(), {"field": SERIES, "title": "Measure"},
            {"field": VALUE, "type": "quantitative", "format": ym.value_format, "title": "Value"}]
        enc["tooltip"] = tips
        bar: dict[str, Any] = {"mark": {"type": "bar"}, "encoding": enc}
        bar = selectable(bar, [f for f in (spec.x, spec.color) if f], ctx)
        per_band = df[series].nunique() if series and series in df and (self.grouped or not self.stack) else 1
        per_band = len(spec.y) if series == SERIES and (self.grouped or not self.stack) else per_band
        size = _band_size(ctx, df, spec.x, horizontal, per_band)
        body: dict[str, Any] = {"data": data(df), "transform": transforms} if transforms else {"data": data(df)}
        if size:
            body["height" if horizontal else "width"] = size
        if series or not ctx.option("labels", True) or len(df) > 24:
            body.update(bar)
            return body
        label = {"mark": {"type": "text", "align": "left" if horizontal else "center",
                          "baseline": "middle" if horizontal else "bottom", "dx": 4 if horizontal else 0,
                          "dy": 0 if horizontal else -3},
                 "encoding": {cat: cat_enc, val: {"field": fref(value), "type": "quantitative"},
                              "text": {"field": "_label", "type": "nominal"}}}
        body["transform"] = [{"calculate": ym.label_expr(f"datum[{_js(value)}]"), "as": "_label"}]
        body["layer"] = [bar, label]
        return body


def _band_size(ctx: Ctx, df: pd.DataFrame, name: str, horizontal: bool, per_band: int = 1) -> int | None:
    """Horizontal bars get 22 px per bar (grouped: per bar in the group) so long lists stay readable."""
    if not horizontal or "height" in ctx.spec.options:
        return None
    n = df[name].nunique() if name in df else 0
    return int(max(120, min((22 * per_band + 6) * n + 20, 900)))
