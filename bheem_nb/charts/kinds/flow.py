"""Waterfall, funnel, bullet and candlestick/OHLC: bars whose ends are computed from aggregated rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from bheem_nb.charts.kinds.base import Ctx, Visual, category_axis, data, selectable, tooltips
from bheem_nb.charts.meta import fref
from bheem_nb.charts.render import NEGATIVE, PALETTE, POSITIVE, TOTAL

if TYPE_CHECKING:
    from bheem_nb.charts.spec import ChartSpec


class Waterfall(Visual):
    """Each category's contribution as a floating bar from the running total, then a Total bar.

    Categories keep the query's order (by ``x``); ``sort: "-y"`` orders contributions largest first.
    """

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        assert spec.x
        return [(spec.y[0], "desc")] if spec.sort in ("-y",) or spec.limit else [(spec.x, "asc")]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        y = spec.y[0]
        ym = ctx.meta(y)
        end = df[y].astype(float).cumsum()
        start = end - df[y].astype(float)
        steps = pd.DataFrame({"step": [step_label(ctx, spec.x, v) for v in df[spec.x]], "start": start, "end": end,
                              "amount": df[y].astype(float),
                              "kind": ["Increase" if v >= 0 else "Decrease" for v in df[y]]})
        total = float(end.iloc[-1]) if len(end) else 0.0
        steps = pd.concat([steps, pd.DataFrame([{"step": "Total", "start": 0.0, "end": total, "amount": total,
                                                  "kind": "Total"}])], ignore_index=True)
        steps["_label"] = [ym.text(v) if ym.format != "currency" else _compact(v, ym.format) for v in steps["amount"]]
        x = {"field": "step", "type": "nominal", "sort": None, "title": ctx.meta(spec.x).label,
             "axis": category_axis(ctx, steps, "step")}
        color = {"field": "kind", "type": "nominal", "title": None,
                 "legend": {"orient": "top", "direction": "horizontal"},
                 "scale": {"domain": ["Increase", "Decrease", "Total"], "range": [POSITIVE, NEGATIVE, TOTAL]}}
        labelled = "true" if len(steps) <= int(ctx.option("max_labels", 14)) else "datum.kind === 'Total'"
        return {"data": data(steps), "encoding": {"x": x}, "layer": [
            {"mark": {"type": "bar", "width": {"band": 0.7}},
             "encoding": {"y": {"field": "start", "type": "quantitative", "title": ym.label, "axis": ym.axis()},
                          "y2": {"field": "end"}, "color": color,
                          "tooltip": [{"field": "step", "title": ctx.meta(spec.x).label},
                                      {"field": "amount", "title": ym.label, "format": ym.value_format}]}},
            {"mark": {"type": "text", "dy": -6, "baseline": "bottom", "fontSize": 10},
             "encoding": {"y": {"field": "_top", "type": "quantitative"}, "text": {"field": "_label"}},
             "transform": [{"filter": labelled}, {"calculate": "max(datum.start, datum.end)", "as": "_top"}]},
        ]}


class Funnel(Visual):
    """Stages as centred bars, widest first, each labelled with its value and share of the first stage."""

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        return [(spec.y[0], "desc")]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        y = spec.y[0]
        ym = ctx.meta(y)
        if spec.sort in ("auto", "-y"):
            df = df.sort_values(y, ascending=False, kind="stable")
        first = float(df[y].iloc[0]) if len(df) and df[y].iloc[0] else 1.0
        df = df.assign(_lo=-df[y] / 2, _hi=df[y] / 2, _share=df[y] / first)
        df["_label"] = [f"{_compact(v, ym.format)} ({s:.0%})" for v, s in zip(df[y], df["_share"], strict=True)]
        # a label fits inside when the bar is wider than its text; otherwise it goes right of the bar
        df["_inside"] = [s * ctx.width > len(t) * 7.5 + 12 for s, t in zip(df["_share"], df["_label"], strict=True)]
        y_enc = {"field": fref(spec.x), "type": "nominal", "sort": None, "title": None,
                 "axis": {"ticks": False, "domain": False, "labelFontSize": 12, "labelPadding": 8}}
        n = len(df)
        return {"data": data(df), "height": max(120, min(54 * n, 600)), "encoding": {"y": y_enc}, "layer": [
            selectable({"mark": {"type": "bar", "color": PALETTE[0], "height": {"band": 0.86}},
                        "encoding": {"x": {"field": "_lo", "type": "quantitative", "axis": None},
                                     "x2": {"field": "_hi"},
                                     "tooltip": [*tooltips(ctx, [spec.x, y]),
                                                 {"field": "_share", "format": ".1%", "title": "Of first stage"}]}},
                       [spec.x], ctx),
            {"mark": {"type": "text", "fill": "white", "fontWeight": "bold", "fontSize": 12},
             "transform": [{"filter": "datum._inside"}],
             "encoding": {"x": {"datum": 0, "type": "quantitative"}, "text": {"field": "_label"}}},
            {"mark": {"type": "text", "fill": "#1f1f1f", "fontSize": 12, "align": "left", "dx": 6},
             "transform": [{"filter": "!datum._inside"}],
             "encoding": {"x": {"field": "_hi", "type": "quantitative"}, "text": {"field": "_label"}}},
        ]}


class Bullet(Visual):
    """Actual (dark bar) against target (tick) over qualitative bands at 60 / 90 / 120 % of target."""

    requires = ("x", "y", "target")

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x and spec.target
        y, target = spec.y[0], spec.target
        ym = ctx.meta(y)
        bands = ctx.option("bands", [0.6, 0.9, 1.2])
        df = df.assign(**{f"_band{i}": df[target] * b for i, b in enumerate(bands)})
        y_enc = {"field": fref(spec.x), "type": "nominal", "sort": "-x" if spec.sort == "auto" else None,
                 "title": None, "axis": {"labelFontSize": 12, "ticks": False, "domain": False, "labelPadding": 8}}
        greys = ["#cfcfcf", "#e1e1e1", "#f0f0f0"][: len(bands)]
        layers: list[dict[str, Any]] = [
            {"mark": {"type": "bar", "color": grey, "height": {"band": 0.8}},
             "encoding": {"x": {"field": f"_band{i}", "type": "quantitative", "title": ym.label,
                                "axis": ym.axis()}}}
            for i, grey in reversed(list(enumerate(greys)))]
        layers.append(selectable({"mark": {"type": "bar", "color": PALETTE[0], "height": {"band": 0.34}},
                                  "encoding": {"x": {"field": fref(y), "type": "quantitative"},
                                               "tooltip": tooltips(ctx, [spec.x, y, target])}}, [spec.x], ctx))
        layers.append({"mark": {"type": "tick", "color": "#1f1f1f", "thickness": 3, "size": 26},
                       "encoding": {"x": {"field": fref(target), "type": "quantitative"}}})
        y_enc["sort"] = None
        df = df.sort_values(y, ascending=False, kind="stable")
        return {"data": data(df), "encoding": {"y": y_enc}, "layer": layers,
                "height": max(100, min(44 * len(df), 600))}


class Candlestick(Visual):
    """Per period: a thin high-low rule and an open-close body (``ohlc``: ticks instead of a body)."""

    requires = ("x", "open", "high", "low", "close")

    def __init__(self, ohlc: bool = False) -> None:
        self.ohlc = ohlc

    def measures(self, spec: ChartSpec) -> list[str]:
        return [m for m in (spec.open, spec.high, spec.low, spec.close) if m]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x and spec.open and spec.high and spec.low and spec.close
        xm, cm = ctx.meta(spec.x), ctx.meta(spec.close)
        x = xm.encoding("x")
        if x["type"] == "temporal":  # the first and last periods draw whole, not cut in half by the plot's edge
            x["scale"] = {**x.get("scale", {}), "padding": 12}
        o, h, lo, c = (fref(m) for m in (spec.open, spec.high, spec.low, spec.close))
        color = {"condition": {"test": f"datum[{_q(spec.open)}] <= datum[{_q(spec.close)}]", "value": POSITIVE},
                 "value": NEGATIVE}
        tips = tooltips(ctx, [spec.x, spec.open, spec.high, spec.low, spec.close])
        layers: list[dict[str, Any]] = [
            {"mark": {"type": "rule"}, "encoding": {
                "y": {"field": lo, "type": "quantitative", "scale": {"zero": False}, "title": cm.label,
                      "axis": cm.axis()},
                "y2": {"field": h}, "color": color, "tooltip": tips}}]
        if self.ohlc:
            for field, dx in ((o, -4), (c, 4)):
                layers.append({"mark": {"type": "tick", "orient": "horizontal", "size": 7, "thickness": 1.5,
                                        "xOffset": dx},
                               "encoding": {"y": {"field": field, "type": "quantitative"}, "color": color}})
        else:
            width = max(2, min(14, int(ctx.width / max(len(df), 1) * 0.6)))
            layers.append({"mark": {"type": "bar", "size": width},
                           "encoding": {"y": {"field": o, "type": "quantitative"}, "y2": {"field": c},
                                        "color": color, "tooltip": tips}})
        return {"data": data(df), "encoding": {"x": x}, "layer": layers}


def step_label(ctx: Ctx, name: str, value: Any) -> str:
    """A category as an axis reads it: "Q3 2024" for a quarter, "Mar 2024" for a month."""
    import datetime as dt

    from bheem_nb.charts.render import plain

    meta, v = ctx.meta(name), plain(value)
    if meta.vl_type == "temporal" and isinstance(v, str) and len(v) >= 10:
        day = dt.date.fromisoformat(v[:10])
        return {"year": f"{day.year}", "quarter": f"Q{(day.month - 1) // 3 + 1} {day.year}",
                "month": day.strftime("%b %Y")}.get(meta.grain or "", v[:10])
    return str(v)


def _q(name: str) -> str:
    import json

    return json.dumps(name)


def _compact(value: float, fmt: str | None) -> str:
    from bheem_nb.charts.render import format_number

    return format_number(value, fmt, compact=True)
