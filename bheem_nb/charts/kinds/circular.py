"""Pie, donut and gauge: parts of a whole and one value against its target."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from bheem_nb.charts.kinds.base import Ctx, Visual, data, selectable, tooltips
from bheem_nb.charts.meta import fref
from bheem_nb.charts.render import PALETTE

MAX_SLICES = 8


class Pie(Visual):
    """Slices sorted largest first; beyond 8 categories the rest is one "Other" slice (computed here)."""

    def __init__(self, hole: float = 0.0) -> None:
        self.hole = hole

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        x, y = spec.x, spec.y[0]
        df = df.sort_values(y, ascending=False, kind="stable")
        limit = int(ctx.option("max_slices", MAX_SLICES))
        if len(df) > limit:
            rest = pd.DataFrame({x: ["Other"], y: [df[y].iloc[limit - 1:].sum()]})
            df = pd.concat([df.iloc[: limit - 1][[x, y]], rest], ignore_index=True)
        total = float(df[y].sum()) or 1.0
        df = df.assign(_share=df[y] / total, _order=range(len(df)))
        ym = ctx.meta(y)
        radius = min(ctx.width, ctx.height) / 2 - 10
        theta = {"field": fref(y), "type": "quantitative", "stack": True}
        order = {"field": "_order", "type": "quantitative"}
        color = {"field": fref(x), "type": "nominal", "title": ctx.meta(x).label,
                 "sort": {"field": "_order"}, "scale": {"range": list(PALETTE)}}
        arc = {"mark": {"type": "arc", "innerRadius": radius * self.hole, "outerRadius": radius,
                        "stroke": "white", "strokeWidth": 1.5},
               "encoding": {"theta": theta, "order": order, "color": color,
                            "tooltip": [*tooltips(ctx, [x, y]), {"field": "_share", "type": "quantitative",
                                                                 "format": ".1%", "title": "Share"}]}}
        label = {"mark": {"type": "text", "radius": radius * (0.5 + self.hole / 2) if self.hole else radius * 0.68,
                          "fontSize": 11, "fill": "white", "fontWeight": "bold"},
                 "transform": [{"filter": "datum._share >= 0.04"}],
                 "encoding": {"theta": theta, "order": order, "text": {"field": "_share", "format": ".0%"}}}
        layers: list[dict[str, Any]] = [selectable(arc, [x], ctx), label]
        if self.hole:
            layers.append({"mark": {"type": "text", "fontSize": 20, "fontWeight": "bold", "fill": "#1f1f1f",
                                    "dy": -6},
                           "transform": [{"aggregate": [{"op": "sum", "field": fref(y), "as": "_total"}]},
                                         {"calculate": ym.label_expr("datum._total"), "as": "_text"}],
                           "encoding": {"text": {"field": "_text"}}})
            layers.append({"mark": {"type": "text", "fontSize": 12, "fill": "#555", "dy": 14},
                           "transform": [{"aggregate": [{"op": "count", "as": "_n"}]}],
                           "encoding": {"text": {"value": f"Total {ym.label.lower()}"}}})
        return {"data": data(df), "layer": layers, "width": min(ctx.width, ctx.height + 40)}


class Gauge(Visual):
    """A half-circle dial: the value as a coloured arc of the range [0, target or ``options.max``]."""

    requires = ("y",)
    category_key = ""  # one number: nothing to click or drill

    def dimensions(self, spec: Any) -> list[str]:
        return []

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        y = spec.y[0]
        value = float(df[y].iloc[0]) if len(df) else 0.0
        target = float(df[spec.target].iloc[0]) if spec.target and len(df) else None
        top = float(ctx.option("max", 0) or 0) or _nice_max(max(value, target or 0) * 1.15)
        ym = ctx.meta(y)
        frac = max(0.0, min(value / top, 1.0)) if top else 0.0
        start, end = -math.pi / 2, math.pi / 2
        rows = [{"part": "range", "t0": start, "t1": end, "color": "#e6e6e6"},
                {"part": "value", "t0": start, "t1": start + frac * math.pi, "color": PALETTE[0]}]
        if target is not None and top:
            t = start + min(target / top, 1.0) * math.pi
            rows.append({"part": "target", "t0": t - 0.012, "t1": t + 0.012, "color": "#1f1f1f"})
        radius = min(ctx.width / 2, ctx.height) - 30
        arcs = {"mark": {"type": "arc", "innerRadius": radius * 0.68, "outerRadius": radius,
                         "y": {"expr": "height - 26"}},
                "encoding": {"theta": {"field": "t0", "type": "quantitative", "scale": None},
                             "theta2": {"field": "t1"}, "color": {"field": "color", "type": "nominal", "scale": None}},
                "data": {"values": rows}}
        texts = [{"text": ym.text(value) if ym.format != "currency" else _compact(ym, value), "size": 26,
                  "dy": -30, "color": "#1f1f1f", "weight": "bold", "dx": 0},
                 {"text": ym.label, "size": 12, "dy": -6, "color": "#555", "weight": "normal", "dx": 0},
                 {"text": _compact(ym, 0), "size": 11, "dy": 12, "color": "#555", "weight": "normal",
                  "dx": -radius * 0.84},
                 {"text": _compact(ym, top), "size": 11, "dy": 12, "color": "#555", "weight": "normal",
                  "dx": radius * 0.84}]
        if target is not None:
            texts.append({"text": f"Target {_compact(ym, target)}", "size": 11, "dy": 30, "color": "#1f1f1f",
                          "weight": "normal", "dx": 0})
        labels = [{"mark": {"type": "text", "fontSize": t["size"], "dy": t["dy"], "dx": t["dx"], "fill": t["color"],
                            "fontWeight": t["weight"], "y": {"expr": "height - 26"}},
                   "data": {"values": [{}]}, "encoding": {"text": {"value": t["text"]}}} for t in texts]
        return {"layer": [arcs, *labels], "data": data(df), "height": radius + 60}


def _compact(meta: Any, value: float) -> str:
    from bheem_nb.charts.render import format_number

    return format_number(value, meta.format, compact=True)


def _nice_max(value: float) -> float:
    """Round up to 1, 2, 2.5 or 5 times a power of ten: a dial ends on a number people read."""
    if value <= 0:
        return 1.0
    power: float = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)
