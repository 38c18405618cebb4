"""Lines and areas over an ordered axis (usually time), and the bar + line combo on two axes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bheem_nb.charts.kinds.bars import series_layout
from bheem_nb.charts.kinds.base import Ctx, Visual, category_axis, data, selectable
from bheem_nb.charts.meta import fref
from bheem_nb.charts.render import PALETTE


class Lines(Visual):
    """``line``, ``area`` and ``stacked_area``: one line per series or per measure."""

    def __init__(self, mark: str = "line", stacked: bool = False) -> None:
        self.mark = mark
        self.stacked = stacked

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        series, value, transforms = series_layout(ctx)
        xm, ym = ctx.meta(spec.x), ctx.meta(spec.y[0])
        x_enc = xm.encoding("x")
        if x_enc["type"] == "nominal":
            x_enc["type"] = "ordinal"
            x_enc["axis"] = category_axis(ctx, df, spec.x)
        y_enc: dict[str, Any] = {"field": fref(value), "type": "quantitative", "axis": ym.axis(),
                                 "title": ym.label if not transforms else ", ".join(ctx.meta(m).label for m in spec.y)}
        enc: dict[str, Any] = {"x": x_enc, "y": y_enc}
        if series:
            enc["color"] = {"field": fref(series), "type": "nominal",
                            "title": ctx.meta(series).label if series in df else None}
        if self.mark == "area":
            y_enc["stack"] = "zero" if self.stacked else None
        mark: dict[str, Any] = {"type": self.mark, "strokeWidth": 2}
        if self.mark == "line" and len(df) <= 60:
            mark["point"] = {"size": 30}
        if self.mark == "area":
            mark = {"type": "area", "opacity": 0.85 if self.stacked else 0.35, "line": not self.stacked}
            if not series:
                mark["color"] = PALETTE[0]
        tips = [xm.tooltip(), {"field": fref(value), "type": "quantitative", "format": ym.value_format,
                               "title": ym.label if not transforms else "Value"}]
        if series:
            tips.insert(1, {"field": fref(series), "type": "nominal", "title": enc["color"]["title"] or "Measure"})
        enc["tooltip"] = tips
        unit = selectable({"mark": mark, "encoding": enc}, [f for f in (spec.color,) if f] or [spec.x], ctx)
        body: dict[str, Any] = {"data": data(df)}
        if transforms:
            body["transform"] = transforms
        body.update(unit)
        return body


class Combo(Visual):
    """Columns for ``y[0]`` on the left axis, a line per further measure on the right axis."""

    requires = ("x", "y")

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        xm = ctx.meta(spec.x)
        x_enc = xm.encoding("x")
        x_enc["type"] = "ordinal"
        x_enc["axis"] = {**x_enc.get("axis", {}), **category_axis(ctx, df, spec.x)}
        bar_m = ctx.meta(spec.y[0])
        bars = {"mark": {"type": "bar", "color": PALETTE[0], "opacity": 0.9},
                "encoding": {"x": x_enc, "y": bar_m.encoding("y", axis={**bar_m.axis(),
                                                                        "titleColor": PALETTE[0]}),
                             "tooltip": [xm.tooltip(), *(ctx.meta(m).tooltip() for m in spec.y)]}}
        layers = [selectable(bars, [spec.x], ctx)]
        for i, name in enumerate(spec.y[1:] or spec.y[:1]):
            m = ctx.meta(name)
            color = PALETTE[(i + 1) % len(PALETTE)]
            layers.append({"mark": {"type": "line", "color": color, "strokeWidth": 2.5, "point": {"color": color}},
                           "encoding": {"x": x_enc, "y": m.encoding("y", axis={**m.axis(),
                                                                               "orient": "right", "grid": False,
                                                                               "titleColor": color})}})
        return {"data": data(df), "layer": layers, "resolve": {"scale": {"y": "independent"}}}
