"""Scatter, bubble, heatmap and calendar heatmap: one mark per member (or member pair, or day)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from bheem_nb.charts.kinds.base import Ctx, Visual, category_axis, data, selectable, tooltips
from bheem_nb.charts.meta import fref
from bheem_nb.charts.render import SEQUENTIAL

if TYPE_CHECKING:
    from bheem_nb.charts.spec import ChartSpec


class Scatter(Visual):
    """``x`` and ``y`` are measures computed per ``detail`` member (e.g. per country); ``size`` makes a bubble."""

    requires: tuple[str, ...] = ("x", "y", "detail")
    category_key = "detail"

    def __init__(self, bubble: bool = False) -> None:
        self.bubble = bubble
        if bubble:
            self.requires = ("x", "y", "detail", "size")

    def measures(self, spec: ChartSpec) -> list[str]:
        return [m for m in (spec.x, spec.y[0], spec.size) if m]

    def dimensions(self, spec: ChartSpec) -> list[str]:
        return [d for d in (spec.detail, spec.color, spec.text) if d]

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        return [(spec.y[0], "desc")]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x and spec.detail
        xm, ym = ctx.meta(spec.x), ctx.meta(spec.y[0])
        enc: dict[str, Any] = {"x": xm.encoding("x", scale={"zero": False}),
                               "y": ym.encoding("y", scale={"zero": False}),
                               "tooltip": tooltips(ctx, [spec.detail, spec.color, spec.x, spec.y[0], spec.size])}
        if spec.color:
            enc["color"] = ctx.meta(spec.color).encoding("color")
        mark: dict[str, Any] = {"type": "circle", "opacity": 0.75, "stroke": "white", "strokeWidth": 0.8}
        if spec.size:
            enc["size"] = {**ctx.meta(spec.size).encoding("size"), "scale": {"range": [30, 1600]}}
            enc["size"]["legend"] = {**enc["size"].get("legend", {}), "symbolType": "circle"}
        else:
            mark["size"] = 70
        layers: list[dict[str, Any]] = [selectable({"mark": mark, "encoding": enc}, [spec.detail], ctx)]
        n_labels = int(ctx.option("max_labels", 5))
        if n_labels:  # name only the largest points: more labels than that collide
            rank = spec.size or spec.y[0]
            top = _unclashed(ctx, df.sort_values(rank, ascending=False, kind="stable"), n_labels)
            far = float(df[spec.x].max()) * 0.8 if len(df) else 0.0  # labels near the right edge go left
            label = spec.text or spec.detail  # ``text`` names points by another field of the same member
            df = df.assign(_label=[str(t) if str(v) in top else "" for v, t in zip(df[spec.detail], df[label],
                                                                                   strict=True)],
                           _left=[bool(v > far) for v in df[spec.x]])
            for left in (False, True):
                layers.append({"mark": {"type": "text", "align": "right" if left else "left", "dx": -8 if left else 8,
                                        "dy": -8, "fontSize": 10, "fill": "#333"},
                               "transform": [{"filter": f"datum._label !== '' && {'' if left else '!'}datum._left"}],
                               "encoding": {"x": enc["x"], "y": enc["y"], "text": {"field": "_label"}}})
        return {"data": data(df), "layer": layers}


def _unclashed(ctx: Ctx, ranked: pd.DataFrame, n: int) -> set[str]:
    """Names of up to ``n`` points, largest first, skipping any whose label box would overlap one kept."""
    spec = ctx.spec
    assert spec.x and spec.detail
    xs, ys = ranked[spec.x].astype(float), ranked[spec.y[0]].astype(float)
    def px(v: float, lo: float, hi: float, size: int) -> float:
        return (v - lo) / ((hi - lo) or 1.0) * size

    kept: list[tuple[float, float, float, float]] = []
    names: set[str] = set()
    for name, x, y in zip(ranked[spec.detail].astype(str), xs, ys, strict=True):
        if len(names) >= n:
            break
        left = px(x, xs.min(), xs.max(), ctx.width)
        top = ctx.height - px(y, ys.min(), ys.max(), ctx.height) - 14
        box = (left - 4, top, left + 8 + 6.2 * len(name), top + 14)
        if any(box[0] < k[2] and k[0] < box[2] and box[1] < k[3] and k[1] < box[3] for k in kept):
            continue
        kept.append(box)
        names.add(name)
    return names


class Heatmap(Visual):
    """``x`` across, ``rows[0]`` down, the measure ``y`` as colour with the value written in each cell."""

    requires = ("x", "rows", "y")

    def dimensions(self, spec: ChartSpec) -> list[str]:
        return [d for d in (spec.x, spec.rows[0]) if d]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        row, y = spec.rows[0], spec.y[0]
        xm, rm, ym = ctx.meta(spec.x), ctx.meta(row), ctx.meta(y)
        x_enc = {**xm.encoding("x"), "type": "ordinal", "axis": {**category_axis(ctx, df, spec.x),
                                                                 "ticks": False, "domain": False}}
        y_enc = {**rm.encoding("y"), "type": "ordinal", "axis": {"ticks": False, "domain": False}}
        rect = {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 1.5},
                "encoding": {"x": x_enc, "y": y_enc,
                             "color": {"field": fref(y), "type": "quantitative", "title": ym.label,
                                       "scale": {"scheme": SEQUENTIAL},
                                       "legend": {"labelExpr": ym.label_expr(), "orient": "right"}},
                             "tooltip": tooltips(ctx, [spec.x, row, y])}}
        n_cols, n_rows = df[spec.x].nunique(), df[row].nunique()
        layers: list[dict[str, Any]] = [selectable(rect, [spec.x, row], ctx)]
        if n_cols <= 16 and n_rows <= 24:
            mid = float(df[y].min() + (df[y].max() - df[y].min()) * 0.55) if len(df) else 0.0
            layers.append({"mark": {"type": "text", "fontSize": 11},
                           "transform": [{"calculate": ym.label_expr(f"datum[{_q(y)}]"), "as": "_label"}],
                           "encoding": {"x": x_enc, "y": y_enc, "text": {"field": "_label"},
                                        "color": {"condition": {"test": f"datum[{_q(y)}] > {mid}", "value": "white"},
                                                  "value": "#1f1f1f"}}})
        return {"data": data(df), "layer": layers, "height": max(120, min(28 * n_rows, 700))}


class Calendar(Visual):
    """Days as squares: weeks across, weekdays down, one strip per year (the latest ``options.years``, 2 by default)."""

    requires = ("x", "y")

    def queries(self, spec: ChartSpec, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from bheem_nb.charts.kinds.base import query

        day = _day(spec.x or "")
        return [query(spec.y[:1], [day], filters, [(day, "asc")])]

    def fetch(self, model: Any, spec: ChartSpec, filters: list[dict[str, Any]], user: Any) -> pd.DataFrame:
        from bheem_nb.charts.kinds.base import run

        df = run(model, self.queries(spec, filters)[0], user)
        day = _day(spec.x or "")
        dates = pd.to_datetime(df[day])
        years = int(spec.options.get("years", 2))
        if len(dates):
            keep = dates.dt.year > dates.dt.year.max() - years
            df, dates = df[keep.to_numpy()], dates[keep]
        return df.assign(_year=dates.dt.year.to_numpy(), _week=dates.dt.isocalendar().week.to_numpy(),
                         _weekday=dates.dt.day_of_week.to_numpy(),
                         _col=((dates - pd.to_datetime(dates.dt.year.astype(str) + "-01-01")).dt.days
                               + pd.to_datetime(dates.dt.year.astype(str) + "-01-01").dt.day_of_week).to_numpy() // 7)

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        y, day = spec.y[0], _day(spec.x or "")
        ym = ctx.meta(y)
        cell = 12
        months = _month_ticks(df, day)
        return {
            "data": data(df),
            "facet": {"row": {"field": "_year", "type": "ordinal", "title": None,
                              "header": {"labelAngle": 0, "labelAlign": "left", "labelFontWeight": "bold",
                                         "labelOrient": "top"}}},
            "spacing": 14,
            "spec": {
                "width": 54 * cell, "height": 7 * cell,
                "layer": [{
                    "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1.2, "cornerRadius": 1.5},
                    "encoding": {
                        "x": {"field": "_col", "type": "ordinal", "scale": {"domain": list(range(54))},
                              "axis": {"title": None, "ticks": False, "domain": False, "labelExpr": months,
                                       "labelAngle": 0, "labelAlign": "left", "labelOverlap": False}},
                        "y": {"field": "_weekday", "type": "ordinal", "scale": {"domain": list(range(7))},
                              "axis": {"title": None, "ticks": False, "domain": False,
                                       "labelExpr": "['Mon','','Wed','','Fri','',''][datum.value]"}},
                        "color": {"field": fref(y), "type": "quantitative", "title": ym.label,
                                  "scale": {"scheme": "greens"}, "legend": {"labelExpr": ym.label_expr(),
                                                                            "direction": "horizontal",
                                                                            "orient": "bottom"}},
                        "tooltip": [{"field": fref(day), "type": "temporal", "title": "Date",
                                     "format": "%a %d %b %Y", "formatType": "utc"}, ym.tooltip()],
                    },
                }],
            },
        }


def _q(name: str) -> str:
    import json

    return json.dumps(name)


def _day(x: str) -> str:
    """A calendar is always by day: ``order_date`` and ``order_date.month`` both become ``order_date.day``."""
    parts = x.split(".")
    if parts[-1] in ("year", "quarter", "month", "week", "day", "fiscal_year", "fiscal_quarter"):
        parts = parts[:-1]
    return ".".join([*parts, "day"])


def _month_ticks(df: pd.DataFrame, day: str) -> str:
    """An x-axis label expression naming the month that starts in each week column."""
    names = {}
    for m in range(1, 13):
        first = dt.date(2024, m, 1)  # any leap year: column of a month's first day varies by year by <= 1
        col = (first - dt.date(2024, 1, 1)).days // 7
        names[col] = first.strftime("%b")
    table = "{" + ", ".join(f"'{k}': '{v}'" for k, v in names.items()) + "}"
    return f"{table}[datum.value] || ''"
