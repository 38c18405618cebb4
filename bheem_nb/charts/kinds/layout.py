"""Treemap and sankey: layouts Vega-Lite lacks, computed here from aggregated rows, drawn as rect/area marks.

Positions are in pixels on identity-like linear scales (no axes), so the same spec renders in the
browser and in a PNG without a Vega (non-Lite) runtime.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from bheem_nb.charts.kinds.base import Ctx, Visual, data, selectable
from bheem_nb.charts.render import PALETTE, format_number

if TYPE_CHECKING:
    from bheem_nb.charts.spec import ChartSpec

Rect = tuple[float, float, float, float]  # x, y, width, height


def squarify(values: Sequence[float], x: float, y: float, w: float, h: float) -> list[Rect]:
    """Squarified treemap (Bruls, Huizing, van Wijk): rectangles for ``values`` (sorted descending) in a box."""
    total = float(sum(values))
    if total <= 0 or not values:
        return [(x, y, 0.0, 0.0) for _ in values]
    areas = [v * w * h / total for v in values]
    out: list[Rect] = []
    i = 0
    while i < len(areas):
        side = min(w, h)
        row = [areas[i]]
        j = i + 1
        while j < len(areas) and _worst([*row, areas[j]], side) <= _worst(row, side):
            row.append(areas[j])
            j += 1
        s = sum(row)
        if w >= h:  # a column on the left
            cw = s / h if h else 0.0
            cy = y
            for a in row:
                out.append((x, cy, cw, a / cw if cw else 0.0))
                cy += a / cw if cw else 0.0
            x, w = x + cw, w - cw
        else:  # a row along the top
            rh = s / w if w else 0.0
            cx = x
            for a in row:
                out.append((cx, y, a / rh if rh else 0.0, rh))
                cx += a / rh if rh else 0.0
            y, h = y + rh, h - rh
        i = j
    return out


def _worst(row: list[float], side: float) -> float:
    s = sum(row)
    if s <= 0 or side <= 0:
        return float("inf")
    return max(max(side * side * r / (s * s), s * s / (side * side * r)) for r in row if r > 0) if any(row) else 0.0


def _pixels(width: int, height: int) -> dict[str, Any]:
    return {"x": {"scale": {"domain": [0, width], "nice": False, "zero": False}, "axis": None},
            "y": {"scale": {"domain": [0, height], "nice": False, "zero": False, "reverse": True}, "axis": None}}


class Treemap(Visual):
    """Areas by ``y`` for each ``x``; with ``color`` as the parent, children are nested inside their parent."""

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        return [(spec.y[0], "desc")]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        y, w, h = spec.y[0], ctx.width, ctx.height
        df = df[df[y] > 0]
        ym = ctx.meta(y)
        rows: list[dict[str, Any]] = []
        if spec.color:
            parents = df.groupby(spec.color, sort=False)[y].sum().sort_values(ascending=False)
            for (parent, value), (px, py, pw, ph) in zip(parents.items(), squarify(list(parents), 0, 0, w, h),
                                                         strict=True):
                kids = df[df[spec.color] == parent].sort_values(y, ascending=False)
                inner = squarify(list(kids[y]), px + 1.5, py + 1.5, max(pw - 3, 0), max(ph - 3, 0))
                for (_, kid), box in zip(kids.iterrows(), inner, strict=True):
                    rows.append(_cell(kid[spec.x], parent, kid[y], box, ym.format, value))
        else:
            kids = df.sort_values(y, ascending=False)
            for (_, kid), box in zip(kids.iterrows(), squarify(list(kids[y]), 0, 0, w, h), strict=True):
                rows.append(_cell(kid[spec.x], kid[spec.x], kid[y], box, ym.format, None))
        cells = pd.DataFrame(rows)
        pix = _pixels(w, h)
        group_title = ctx.meta(spec.color).label if spec.color else ctx.meta(spec.x).label
        rect = {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
                "encoding": {"x": {"field": "x0", "type": "quantitative", **pix["x"]}, "x2": {"field": "x1"},
                             "y": {"field": "y0", "type": "quantitative", **pix["y"]}, "y2": {"field": "y1"},
                             "color": {"field": "group", "type": "nominal", "title": group_title,
                                       "scale": {"range": list(PALETTE)},
                                       "legend": None if not spec.color else {"orient": "bottom"}},
                             "tooltip": [{"field": "name", "title": ctx.meta(spec.x).label},
                                         *([{"field": "group", "title": group_title}] if spec.color else []),
                                         {"field": "value", "title": ym.label, "format": ym.value_format}]}}
        label = {"mark": {"type": "text", "align": "left", "baseline": "top", "dx": 5, "dy": 5, "fill": "white",
                          "fontSize": 11, "lineBreak": "\n", "lineHeight": 14},
                 "transform": [{"filter": "datum.x1 - datum.x0 > 56 && datum.y1 - datum.y0 > 32"}],
                 "encoding": {"x": {"field": "x0", "type": "quantitative", **pix["x"]},
                              "y": {"field": "y0", "type": "quantitative", **pix["y"]},
                              "text": {"field": "label"}}}
        return {"data": data(cells), "width": w, "height": h,
                "layer": [selectable(rect, [spec.x], ctx), label]}


def _cell(name: Any, group: Any, value: float, rect: Rect, fmt: str | None, parent_total: float | None
          ) -> dict[str, Any]:
    x, y, w, h = rect
    text = format_number(value, fmt, compact=True)
    return {"name": str(name), "group": str(group), "value": float(value), "x0": x, "x1": x + w, "y0": y,
            "y1": y + h, "label": f"{_short(str(name), w)}\n{text}"}


def _short(text: str, width: float) -> str:
    room = max(int((width - 10) / 6.6), 3)
    return text if len(text) <= room else text[: room - 1] + "…"


class Sankey(Visual):
    """Flows of ``y`` from each ``source`` member to each ``destination`` member, band width by value."""

    requires = ("source", "destination", "y")
    category_key = "source"

    def dimensions(self, spec: ChartSpec) -> list[str]:
        return [d for d in (spec.source, spec.destination) if d]

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        return [(spec.y[0], "desc")]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.source and spec.destination
        y, w, h = spec.y[0], ctx.width, ctx.height
        ym = ctx.meta(y)
        df = df[df[y] > 0].head(int(ctx.option("max_links", 80)))
        src, dst = df[spec.source].astype(str), df[spec.destination].astype(str)
        left = df.groupby(src)[y].sum().sort_values(ascending=False)
        right = df.groupby(dst)[y].sum().sort_values(ascending=False)
        left.index, right.index = left.index.astype(str), right.index.astype(str)
        node_w, pad, label_room = 14, 8, 150
        x0, x1 = label_room, w - label_room
        scale = (h - pad * (max(len(left), len(right)) - 1)) / float(left.sum() or 1)
        tops_l = _stack(left, scale, pad)
        tops_r = _stack(right, scale, pad)
        nodes = [{"name": str(n), "side": "source", "x0": x0 - node_w, "x1": x0, "y0": tops_l[str(n)],
                  "y1": tops_l[str(n)] + v * scale, "value": float(v)} for n, v in left.items()]
        nodes += [{"name": str(n), "side": "destination", "x0": x1, "x1": x1 + node_w, "y0": tops_r[str(n)],
                   "y1": tops_r[str(n)] + v * scale, "value": float(v)} for n, v in right.items()]
        out_l, in_r = dict(tops_l), dict(tops_r)
        links: list[dict[str, Any]] = []
        order = sorted(zip(src, dst, df[y], strict=True), key=lambda r: (list(left.index).index(r[0]),
                                                                          list(right.index).index(r[1])))
        for i, (s, d, v) in enumerate(order):
            thick = float(v) * scale
            sy, ty = out_l[s], in_r[d]
            out_l[s] += thick
            in_r[d] += thick
            for k in range(25):
                t = k / 24
                ease = t * t * (3 - 2 * t)
                links.append({"link": i, "source": s, "destination": d, "value": float(v), "x": x0 + t * (x1 - x0),
                              "top": sy + ease * (ty - sy), "bottom": sy + thick + ease * (ty - sy)})
        pix = _pixels(w, h)
        tips = [{"field": "source", "title": ctx.meta(spec.source).label},
                {"field": "destination", "title": ctx.meta(spec.destination).label},
                {"field": "value", "title": ym.label, "format": ym.value_format}]
        sources = list(left.index)
        color = {"field": "source", "type": "nominal", "scale": {"domain": sources, "range": list(PALETTE)},
                 "legend": None}
        node_rows = pd.DataFrame(nodes)
        node_rows["label"] = [f"{n}  {format_number(v, ym.format, compact=True)}"
                              for n, v in zip(node_rows["name"], node_rows["value"], strict=True)]
        node_rows["source"] = [n if s == "source" else "" for n, s in zip(node_rows["name"], node_rows["side"],
                                                                         strict=True)]
        node_rows["mid"] = (node_rows["y0"] + node_rows["y1"]) / 2
        band = {"data": data(pd.DataFrame(links)), "mark": {"type": "area", "opacity": 0.4, "interpolate": "linear"},
                "encoding": {"x": {"field": "x", "type": "quantitative", **pix["x"]},
                             "y": {"field": "top", "type": "quantitative", **pix["y"]}, "y2": {"field": "bottom"},
                             "detail": {"field": "link"}, "color": color, "tooltip": tips}}
        node = {"data": data(node_rows), "mark": {"type": "rect"},
                "encoding": {"x": {"field": "x0", "type": "quantitative", **pix["x"]}, "x2": {"field": "x1"},
                             "y": {"field": "y0", "type": "quantitative", **pix["y"]}, "y2": {"field": "y1"},
                             "color": {"condition": {"test": "datum.side === 'destination'", "value": "#7F7F7F"},
                                       **color},
                             "tooltip": [{"field": "name", "title": "Node"},
                                         {"field": "value", "title": ym.label, "format": ym.value_format}]}}
        labels = [{"data": data(node_rows), "transform": [{"filter": f"datum.side === '{side}'"}],
                   "mark": {"type": "text", "align": align, "dx": dx, "baseline": "middle", "fontSize": 11},
                   "encoding": {"x": {"field": xf, "type": "quantitative", **pix["x"]},
                                "y": {"field": "mid", "type": "quantitative", **pix["y"]},
                                "text": {"field": "label"}}}
                  for side, align, dx, xf in (("source", "right", -4, "x0"), ("destination", "left", 4, "x1"))]
        return {"width": w, "height": h, "layer": [band, selectable(node, ["name"], ctx), *labels]}


def _stack(values: pd.Series, scale: float, pad: float) -> dict[str, float]:
    tops: dict[str, float] = {}
    y = 0.0
    for name, v in values.items():
        tops[str(name)] = y
        y += float(v) * scale + pad
    return tops
