"""Conditional-format styles for the KPI and matrix widgets, from :func:`bheem_nb.charts.formatting.cell_styles`.

The rules (colour scales, data bars, icon sets, if-then rules) and their evaluation live in the
visual layer; this adapter only turns a style into what the front end applies without interpreting
a rule: ``background``, ``color``, ``font-weight``, ``font-style``, ``bar`` (fractions of the cell
width) and ``icon`` (symbol and colour).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bheem_nb.charts.formatting import cell_styles


def field_format(model: Any, field: str) -> str | None:
    """The model's ``format`` of a field (``revenue:ytd`` reads like ``revenue``)."""
    name = field.split(":")[0].rsplit(".", 1)[-1]
    for info in model.describe():
        if str(info["field"]).rsplit(".", 1)[-1] == name:
            return str(info["format"]) if info.get("format") else None
    return None


def styles_for(df: pd.DataFrame, formats: Any) -> list[dict[str, dict[str, Any]]]:
    """One ``{column: css}`` dict per row of ``df`` (empty dicts when no format applies)."""
    formats = list(formats or ())
    if not formats or df.empty:
        return [{} for _ in range(len(df))]
    return [{col: css(style) for col, style in row.items() if style} for row in cell_styles(df, formats)]


def css(style: dict[str, Any]) -> dict[str, Any]:
    """``{"bold": True, "italic": True, ...}`` as ``{"font-weight": "700", "font-style": "italic", ...}``."""
    out = {k: v for k, v in style.items() if k in ("background", "color", "bar", "icon", "show_value")}
    if style.get("bold"):
        out["font-weight"] = "700"
    if style.get("italic"):
        out["font-style"] = "italic"
    return out
