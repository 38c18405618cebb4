"""Conditional-format styles for the KPI and matrix widgets, from the visual layer's ``cell_styles``.

The rules themselves (colour scales, data bars, icon sets, if-then rules) live in
:mod:`bheem_nb.charts.formatting`; this adapter only turns its per-cell styles into the flat
CSS-like dicts the widgets' front ends apply (``background``, ``color``, ``font-weight``,
``font-style``, ``icon``, ``icon-color``, ``bar``), so JS never interprets a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

_KEYS = {
    "background_color": "background", "backgroundColor": "background", "background": "background",
    "font_color": "color", "fontColor": "color", "color": "color",
    "bold": "font-weight", "fontWeight": "font-weight", "font_weight": "font-weight",
    "italic": "font-style", "fontStyle": "font-style", "font_style": "font-style",
    "icon": "icon", "icon_color": "icon-color", "iconColor": "icon-color",
    "bar": "bar", "data_bar": "bar", "dataBar": "bar",
}


def field_format(model: Any, field: str) -> str | None:
    """The model's ``format`` of a field (``revenue:ytd`` reads like ``revenue``)."""
    name = field.split(":")[0].rsplit(".", 1)[-1]
    for info in model.describe():
        if str(info["field"]).rsplit(".", 1)[-1] == name:
            return str(info["format"]) if info.get("format") else None
    return None


def styles_for(df: pd.DataFrame, formats: Any) -> list[dict[str, dict[str, Any]]]:
    """One ``{column: style}`` dict per row of ``df`` (empty dicts when there are no formats)."""
    empty: list[dict[str, dict[str, Any]]] = [{} for _ in range(len(df))]
    formats = list(formats or ())
    if not formats or df.empty:
        return empty
    from bheem_nb.charts.formatting import cell_styles  # type: ignore[attr-defined]

    raw = cell_styles(df, formats)
    return [{str(col): css(style) for col, style in _row_items(raw, i, df) if style} for i in range(len(df))]


def _row_items(raw: Any, i: int, df: pd.DataFrame) -> Sequence[tuple[Any, Any]]:
    """Row ``i`` of whatever shape ``cell_styles`` returns: a list of row dicts, or {column: [styles]}."""
    if isinstance(raw, pd.DataFrame):
        return list(raw.iloc[i].items())
    if isinstance(raw, dict):
        return [(col, values[i]) for col, values in raw.items() if i < len(values)]
    return list(raw[i].items())


def css(style: Any) -> dict[str, Any]:
    """A style from ``cell_styles`` (dict or pydantic model) as flat CSS-like keys."""
    if hasattr(style, "model_dump"):
        style = style.model_dump(exclude_none=True)
    out: dict[str, Any] = {}
    for key, value in dict(style).items():
        if value is None or key not in _KEYS:
            continue
        name = _KEYS[key]
        if name == "font-weight" and isinstance(value, bool):
            value = "700" if value else None
        elif name == "font-style" and isinstance(value, bool):
            value = "italic" if value else None
        if value is not None:
            out[name] = value
    return out
