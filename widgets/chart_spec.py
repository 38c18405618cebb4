"""From a chart declaration to the Vega-Lite spec a ChartWidget shows, plus the interaction hooks.

The spec comes from the visual layer (:mod:`bheem_nb.charts`: ``chart(kind, **spec).at(dimension)
.to_vega_lite(model, filters, user)``), whose data are the engine's aggregated rows. This module
only adds what the widget needs on top, without touching the look:

* ``__bn_member`` on every data row: the member of the drill/cross-filter dimension as the engine
  filters on it (dates as ``YYYY-MM-DD``), so a click in the browser names a member exactly;
* a ``bn_sel`` parameter and an opacity condition, so selected marks stay solid and the others fade
  (the highlight of a cross-filter) without a new query or a new spec;
* a container width, so the chart follows the page's width.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

MEMBER = "__bn_member"
SELECTION_PARAM = "bn_sel"
_GRAINS = ("year", "quarter", "month", "week", "day", "fiscal_year", "fiscal_quarter")
HIGHLIGHT_TEST = f"!length({SELECTION_PARAM}) || indexof({SELECTION_PARAM}, datum.{MEMBER}) >= 0"


def member_key(dimension: str, value: Any) -> Any:
    """The JSON value a click sends back for ``value`` of ``dimension`` (a date grain as ``YYYY-MM-DD``)."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and dimension.rsplit(".", 1)[-1] in _GRAINS and len(value) >= 10 and value[4] == "-":
        return value[:10]
    return value


def _datasets(spec: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Every inline row list of a (possibly layered or concatenated) spec."""
    for rows in (spec.get("datasets") or {}).values():
        if isinstance(rows, list):
            yield rows
    data = spec.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        yield data["values"]
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key) or ():
            if isinstance(sub, dict):
                yield from _datasets(sub)


def tag_members(spec: dict[str, Any], dimension: str) -> dict[Any, None]:
    """Add ``__bn_member`` to each row that carries ``dimension``; returns the members in order."""
    members: dict[Any, None] = {}
    for rows in _datasets(spec):
        for row in rows:
            if isinstance(row, dict) and dimension in row:
                row[MEMBER] = member_key(dimension, row[dimension])
                members[row[MEMBER]] = None
    return members


def add_highlight(spec: dict[str, Any], selected: list[Any]) -> None:
    """Fade the marks whose member is not in the ``bn_sel`` parameter (empty selection: all solid)."""
    params = [p for p in spec.get("params") or [] if p.get("name") != SELECTION_PARAM]
    spec["params"] = [*params, {"name": SELECTION_PARAM, "value": list(selected)}]
    for unit in _units(spec):
        enc = unit.setdefault("encoding", {})
        if "opacity" not in enc:
            enc["opacity"] = {"condition": {"test": HIGHLIGHT_TEST, "value": 1}, "value": 0.3}


def _units(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "layer" in spec:
        for sub in spec["layer"]:
            yield from _units(sub)
    elif "mark" in spec:
        mark = spec["mark"]
        kind = mark.get("type") if isinstance(mark, dict) else mark
        if kind not in ("text", "rule"):  # labels and reference lines keep their look
            yield spec


def fit_width(spec: dict[str, Any]) -> None:
    """Follow the container's width (single and layered views; concatenations keep their own sizes)."""
    if any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        return
    spec["width"] = "container"
    # only the width follows the page; the height stays the visual layer's plot height (sized per bar)
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}


def prepare(spec: dict[str, Any], dimension: str | None, selected: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    """The widget's version of ``spec`` (members tagged, highlight, width) and the members found."""
    members = list(tag_members(spec, dimension)) if dimension else []
    if members:
        add_highlight(spec, selected)
    fit_width(spec)
    return spec, members
