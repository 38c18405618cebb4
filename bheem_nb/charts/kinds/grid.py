"""Static drawing of tables, matrices and KPI cards as Vega-Lite rect/text/line marks.

The interactive widgets render the same rows and :func:`~bheem_nb.charts.formatting.cell_styles`
in HTML; this module is what an export (SVG/PNG, a scheduled e-mail) shows. Everything is laid
out in pixels here, so a cell's background, data bar, icon and text line up in any renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROW_H = 26
PAD = 10
CHAR = 6.9
HEADER_BG = "#f2f4f7"
RULE = "#e3e6ea"


@dataclass
class Grid:
    """A table to draw: header, cell texts, per-cell styles, and which columns are numeric."""

    header: list[str]
    cells: list[list[str]]
    numeric: list[bool]
    styles: list[list[dict[str, Any]]] = field(default_factory=list)
    bold_rows: set[int] = field(default_factory=set)
    indent: dict[int, int] = field(default_factory=dict)
    sparklines: dict[int, list[float]] = field(default_factory=dict)  # row -> values, drawn in the last column
    note: str | None = None


def grid_spec(grid: Grid) -> dict[str, Any]:
    """A layered Vega-Lite view (no axes) drawing ``grid``: backgrounds, data bars, icons, texts, sparklines."""
    n_cols = len(grid.header)
    widths = []
    for c in range(n_cols):
        longest = max([len(grid.header[c]), *(len(r[c]) + 2 * grid.indent.get(i, 0) for i, r in enumerate(grid.cells))])
        extra = 18 if any(grid.styles and grid.styles[i][c].get("icon") for i in range(len(grid.cells))) else 0
        widths.append(min(max(longest * CHAR + 2 * PAD + extra, 64), 260))
    spark_w = 96 if grid.sparklines else 0
    lefts = [sum(widths[:c]) for c in range(n_cols)]
    width = int(sum(widths) + spark_w)
    height = int(ROW_H * (len(grid.cells) + 1))
    rects: list[dict[str, Any]] = [{"x0": 0, "x1": width, "y0": 0, "y1": ROW_H, "fill": HEADER_BG, "opacity": 1}]
    texts: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for c, title in enumerate(grid.header):
        right = grid.numeric[c]
        texts.append({"x": lefts[c] + (widths[c] - PAD if right else PAD), "y": ROW_H / 2, "text": title,
                      "align": "right" if right else "left", "bold": True, "color": "#333", "italic": False})
    if grid.sparklines:
        texts.append({"x": width - spark_w + 6, "y": ROW_H / 2, "text": "Trend", "align": "left", "bold": True,
                      "color": "#333", "italic": False})
    for i, row in enumerate(grid.cells):
        top = ROW_H * (i + 1)
        mid = top + ROW_H / 2
        lines.append({"x0": 0, "x1": width, "y0": top, "y1": top, "fill": RULE})
        if i in grid.bold_rows:
            rects.append({"x0": 0, "x1": width, "y0": top, "y1": top + ROW_H, "fill": "#f7f8fa", "opacity": 1})
        for c, text in enumerate(row):
            style = grid.styles[i][c] if grid.styles else {}
            left, w = lefts[c], widths[c]
            if style.get("background"):
                rects.append({"x0": left, "x1": left + w, "y0": top, "y1": top + ROW_H, "fill": style["background"],
                              "opacity": 1})
            bar = style.get("bar")
            if bar:
                inner = w - 2 * PAD
                rects.append({"x0": left + PAD + bar["start"] * inner, "x1": left + PAD + bar["end"] * inner,
                              "y0": top + 5, "y1": top + ROW_H - 5, "fill": bar["color"], "opacity": 0.55})
                if bar.get("axis") is not None:
                    ax = left + PAD + bar["axis"] * inner
                    lines.append({"x0": ax, "x1": ax, "y0": top + 3, "y1": top + ROW_H - 3, "fill": "#555"})
            icon = style.get("icon")
            if icon:
                texts.append({"x": left + PAD, "y": mid, "text": icon["symbol"], "align": "left", "bold": False,
                              "color": icon["color"], "italic": False})
            if bar and not style.get("show_value", True):
                continue
            right = grid.numeric[c]
            x = left + (w - PAD if right else PAD + 14 * grid.indent.get(i, 0) * (c == 0))
            texts.append({"x": x, "y": mid, "text": text, "align": "right" if right else "left",
                          "bold": bool(style.get("bold") or i in grid.bold_rows), "italic": bool(style.get("italic")),
                          "color": style.get("color") or "#1f1f1f"})
    spark_points: list[dict[str, Any]] = []
    for i, series in grid.sparklines.items():
        nums = [float(v) for v in series if v is not None]
        if len(nums) < 2:
            continue
        lo, hi = min(nums), max(nums)
        top = ROW_H * (i + 1)
        x0 = width - spark_w + 6
        for k, v in enumerate(nums):
            spark_points.append({"row": i, "x": x0 + k * (spark_w - 12) / (len(nums) - 1),
                                 "y": top + ROW_H - 5 - (v - lo) / ((hi - lo) or 1) * (ROW_H - 10)})
    lines.append({"x0": 0, "x1": width, "y0": height, "y1": height, "fill": "#9a9a9a"})
    pix = {"x": {"scale": {"domain": [0, width], "nice": False, "zero": False}, "axis": None},
           "y": {"scale": {"domain": [0, height], "nice": False, "zero": False, "reverse": True}, "axis": None}}
    layers: list[dict[str, Any]] = [
        {"data": {"values": rects}, "mark": {"type": "rect"},
         "encoding": {"x": {"field": "x0", "type": "quantitative", **pix["x"]}, "x2": {"field": "x1"},
                      "y": {"field": "y0", "type": "quantitative", **pix["y"]}, "y2": {"field": "y1"},
                      "fill": {"field": "fill", "type": "nominal", "scale": None},
                      "opacity": {"field": "opacity", "type": "quantitative", "scale": None}}},
        {"data": {"values": lines}, "mark": {"type": "rule", "strokeWidth": 1},
         "encoding": {"x": {"field": "x0", "type": "quantitative", **pix["x"]}, "x2": {"field": "x1"},
                      "y": {"field": "y0", "type": "quantitative", **pix["y"]}, "y2": {"field": "y1"},
                      "color": {"field": "fill", "type": "nominal", "scale": None}}},
    ]
    for align in ("left", "right"):
        for bold in (False, True):
            subset = [t for t in texts if t["align"] == align and t["bold"] == bold]
            if not subset:
                continue
            layers.append({"data": {"values": subset},
                           "mark": {"type": "text", "align": align, "baseline": "middle", "fontSize": 12,
                                    "fontWeight": "bold" if bold else "normal"},
                           "encoding": {"x": {"field": "x", "type": "quantitative", **pix["x"]},
                                        "y": {"field": "y", "type": "quantitative", **pix["y"]},
                                        "text": {"field": "text"},
                                        "fontStyle": {"condition": {"test": "datum.italic", "value": "italic"},
                                                      "value": "normal"},
                                        "color": {"field": "color", "type": "nominal", "scale": None}}})
    if spark_points:
        layers.append({"data": {"values": spark_points}, "mark": {"type": "line", "strokeWidth": 1.5,
                                                                  "color": "#0072B2"},
                       "encoding": {"x": {"field": "x", "type": "quantitative", **pix["x"]},
                                    "y": {"field": "y", "type": "quantitative", **pix["y"]},
                                    "detail": {"field": "row"}}})
    body: dict[str, Any] = {"width": width, "height": height, "layer": layers}
    if grid.note:
        body["_subtitle"] = grid.note
    return body
