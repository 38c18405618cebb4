"""The contract every visual kind follows: which queries it needs, how it fetches, how it draws.

A kind never sees table rows: :meth:`Visual.fetch` asks the engine (``model.query(..., user=)``
or, for bins and quartiles, ``model.sql(..., user=)`` over the compiled query) for aggregated
rows, and :meth:`Visual.build` turns those rows into a Vega-Lite view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from bheem_nb.charts.meta import FieldMeta, field_meta, fref
from bheem_nb.charts.render import HEIGHT, WIDTH, records

if TYPE_CHECKING:
    from bheem_nb.charts.spec import ChartSpec
    from bheem_nb.model.semantic import SemanticModel

QueryDict = dict[str, Any]
CHAR_PX = 6.6  # average width of an 11 px label character


def query(measures: list[str] | tuple[str, ...] = (), dimensions: list[str] | tuple[str, ...] = (),
          filters: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (), order: list[tuple[str, str]] | None = None,
          limit: int | None = None) -> QueryDict:
    """A ``model.query`` spec as a JSON-able dict (only the keys in use)."""
    out: QueryDict = {"measures": list(dict.fromkeys(measures)), "dimensions": list(dict.fromkeys(dimensions))}
    if filters:
        out["filters"] = [dict(f) for f in filters]
    if order:
        out["order"] = [{"field": f, "desc": d == "desc"} for f, d in order]
    if limit is not None:
        out["limit"] = limit
    return out


def run(model: SemanticModel, q: QueryDict, user: Any) -> pd.DataFrame:
    """One query through the engine (RLS, guard, cache, audit) as a data frame."""
    return model.query(**q, user=user).df


@dataclass
class Ctx:
    """What a kind needs while drawing: the spec, the model's field descriptions and the size."""

    spec: ChartSpec
    model: SemanticModel | None
    _meta: dict[str, FieldMeta] = field(default_factory=dict)

    def meta(self, name: str) -> FieldMeta:
        if name not in self._meta:
            self._meta[name] = field_meta(self.model, name)
        return self._meta[name]

    def option(self, key: str, default: Any = None) -> Any:
        return self.spec.options.get(key, default)

    @property
    def width(self) -> int:
        return int(self.option("width", WIDTH))

    @property
    def height(self) -> int:
        return int(self.option("height", HEIGHT))


class Visual:
    """Default behaviour: one query of ``y`` (and ``size``) by ``x`` and ``color``, drawn by :meth:`build`."""

    #: spec keys that must be set
    requires: tuple[str, ...] = ("x", "y")
    #: the spec key holding the dimension a click selects and drill replaces
    category_key: str = "x"

    def measures(self, spec: ChartSpec) -> list[str]:
        return [*spec.y, *([spec.size] if spec.size else []), *([spec.target] if spec.target else [])]

    def dimensions(self, spec: ChartSpec) -> list[str]:
        return [d for d in (spec.x, spec.color) if d]

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        if spec.limit and spec.y:
            return [(spec.y[0], "desc")]
        return [(d, "asc") for d in self.dimensions(spec)]

    def queries(self, spec: ChartSpec, filters: list[dict[str, Any]]) -> list[QueryDict]:
        limit = spec.limit if not spec.color else None  # with series, top-N picks categories first (fetch)
        return [query(self.measures(spec), self.dimensions(spec), filters, self.order(spec), limit)]

    def fetch(self, model: SemanticModel, spec: ChartSpec, filters: list[dict[str, Any]], user: Any) -> pd.DataFrame:
        if spec.limit and spec.color and spec.x and spec.y:
            top = run(model, query([spec.y[0]], [spec.x], filters, [(spec.y[0], "desc")], spec.limit), user)
            filters = [*filters, {"field": spec.x, "op": "in", "values": [_jsonable(v) for v in top[spec.x]]}]
        return run(model, self.queries(spec, filters)[0], user)

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        raise NotImplementedError(type(self).__name__)


def _jsonable(v: Any) -> Any:
    from bheem_nb.charts.render import plain

    return plain(v)


def data(df: pd.DataFrame) -> dict[str, Any]:
    """Inline aggregated rows (the only data a browser ever receives)."""
    return {"values": records(df)}


def tooltips(ctx: Ctx, names: list[str | None]) -> list[dict[str, Any]]:
    return [ctx.meta(n).tooltip() for n in dict.fromkeys(n for n in names if n)]


def category_axis(ctx: Ctx, df: pd.DataFrame, name: str, horizontal: bool = False) -> dict[str, Any]:
    """Axis settings that keep category labels legible: wrapped or angled when crowded, never overlapping."""
    values = sorted({str(v) for v in df[name]}) if name in df else []
    axis: dict[str, Any] = {"labelOverlap": True, "labelLimit": 160 if horizontal else 120}
    if horizontal or not values:
        return axis
    band = ctx.width / len(values)
    longest = max(len(v) for v in values) * CHAR_PX
    longest_word = max(len(w) for v in values for w in (v.split() or [""])) * CHAR_PX
    if longest <= band - 6:
        axis["labelAngle"] = 0
    elif longest_word <= band - 6 and len(values) <= 12:
        lines = {v: wrap(v, int((band - 6) / CHAR_PX)) for v in values}
        table = json.dumps({v: ls for v, ls in lines.items() if len(ls) > 1})
        axis.update(labelAngle=0, labelExpr=f"{table}[datum.label] || datum.label", labelLineHeight=13)
    else:
        axis.update(labelAngle=-40, labelAlign="right", labelBaseline="top")
    return axis


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap: "Middle East & Africa" at 12 characters is ["Middle East", "& Africa"]."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def selectable(unit: dict[str, Any], fields: list[str], ctx: Ctx) -> dict[str, Any]:
    """With ``options.interactive``: a point selection named ``select`` on ``fields`` and dimming of the rest."""
    if not ctx.option("interactive"):
        return unit
    unit = dict(unit)
    unit["params"] = [{"name": "select", "select": {"type": "point", "fields": [fref(f) for f in fields]}}]
    enc = dict(unit.get("encoding", {}))
    enc["opacity"] = {"condition": {"param": "select", "value": 1, "empty": True}, "value": 0.35}
    unit["encoding"] = enc
    return unit
