"""Histogram and box plot over any data size: bins and quartiles are computed by the database.

The values being distributed are a measure per ``detail`` member (e.g. revenue per customer).
The engine compiles that query; we wrap it as a sqlglot subquery that bins or takes quartiles,
and run it with ``model.sql(..., user=)`` so the read-only guard and row-level security apply.
Only bins (at most ``options.bins`` + 1 rows) or five numbers per box reach Python.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot
from sqlglot import exp

from bheem_nb.charts.kinds.base import Ctx, QueryDict, Visual, category_axis, data, query
from bheem_nb.charts.render import PALETTE

if TYPE_CHECKING:
    from bheem_nb.charts.spec import ChartSpec
    from bheem_nb.model.semantic import SemanticModel

QUARTILES = (("q1", 0.25), ("median", 0.5), ("q3", 0.75))


def _col(name: str) -> exp.Column:
    return exp.Column(this=exp.to_identifier(name, quoted=True))


def _inner(model: SemanticModel, q: QueryDict) -> exp.Subquery:
    dialect = model.connector.dialect
    tree = sqlglot.parse_one(model.to_sql(**q), read=dialect)
    assert isinstance(tree, exp.Query)
    return tree.subquery("t")


def _run(model: SemanticModel, tree: exp.Expr, user: Any) -> pd.DataFrame:
    return model.sql(tree.sql(model.connector.dialect), user=user).df


def nice_step(span: float, bins: int) -> float:
    """A bin width of 1, 2 or 5 times a power of ten, giving about ``bins`` bins over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    return float(next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw))


class Histogram(Visual):
    """Counts of ``detail`` members per bin of the measure ``x`` (``options.bins``: about 20)."""

    requires = ("x", "detail")
    category_key = "detail"

    def queries(self, spec: ChartSpec, filters: list[dict[str, Any]]) -> list[QueryDict]:
        assert spec.x and spec.detail
        return [query([spec.x], [spec.detail, *([spec.color] if spec.color else [])], filters)]

    def fetch(self, model: SemanticModel, spec: ChartSpec, filters: list[dict[str, Any]], user: Any) -> pd.DataFrame:
        assert spec.x
        inner = _inner(model, self.queries(spec, filters)[0])
        v = _col(spec.x)
        stats = _run(model, exp.select(exp.Min(this=v).as_("lo"), exp.Max(this=v.copy()).as_("hi"))
                     .from_(inner), user)
        lo, hi = stats["lo"].iloc[0], stats["hi"].iloc[0]
        if lo is None or pd.isna(lo):
            return pd.DataFrame({"bin_start": [], "bin_end": [], "count": []})
        step = nice_step(float(hi) - float(lo), int(spec.options.get("bins", 20)))
        start = math.floor(float(lo) / step) * step
        shifted = exp.paren(exp.Sub(this=v.copy(), expression=exp.Literal.number(start)), copy=False)
        index = exp.Floor(this=exp.Div(this=shifted, expression=exp.Literal.number(step)))
        tree = (exp.select(index.as_("b"), exp.Count(this=exp.Star()).as_("n")).from_(inner.copy())
                .where(exp.Not(this=exp.Is(this=v.copy(), expression=exp.Null()))).group_by(index.copy())
                .order_by("b"))
        bins = _run(model, tree, user)
        b = bins["b"].astype(float)
        return pd.DataFrame({"bin_start": start + b * step, "bin_end": start + (b + 1) * step,
                             "count": bins["n"].astype(int)})

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x and spec.detail
        xm, dm = ctx.meta(spec.x), ctx.meta(spec.detail)
        count_title = f"Number of {dm.label.lower()}s" if not dm.label.endswith("s") else f"Number of {dm.label}"
        return {"data": data(df), "mark": {"type": "bar", "color": PALETTE[0], "binSpacing": 1},
                "encoding": {
                    "x": {"field": "bin_start", "type": "quantitative", "bin": {"binned": True},
                          "title": f"{xm.label} per {dm.label.lower()}", "axis": xm.axis()},
                    "x2": {"field": "bin_end"},
                    "y": {"field": "count", "type": "quantitative", "title": count_title},
                    "tooltip": [{"field": "bin_start", "title": "From", "format": xm.value_format},
                                {"field": "bin_end", "title": "To", "format": xm.value_format},
                                {"field": "count", "title": count_title, "format": ",d"}]}}


class Box(Visual):
    """Min, quartiles and max of the measure ``y`` per ``detail`` member, one box per ``x`` category."""

    requires = ("y", "detail")

    def queries(self, spec: ChartSpec, filters: list[dict[str, Any]]) -> list[QueryDict]:
        assert spec.detail
        return [query(spec.y[:1], [d for d in (spec.x, spec.detail) if d], filters)]

    def fetch(self, model: SemanticModel, spec: ChartSpec, filters: list[dict[str, Any]], user: Any) -> pd.DataFrame:
        inner = _inner(model, self.queries(spec, filters)[0])
        v = _col(spec.y[0])
        cols: list[exp.Expr] = [exp.Min(this=v.copy()).as_("lo")]
        for name, q in QUARTILES:
            cols.append(exp.WithinGroup(this=exp.PercentileCont(this=exp.Literal.number(q)),
                                        expression=exp.Order(expressions=[exp.Ordered(this=v.copy())])).as_(name))
        cols += [exp.Max(this=v.copy()).as_("hi"), exp.Count(this=v.copy()).as_("n")]
        tree = exp.select(*cols).from_(inner)
        if spec.x:
            tree = exp.select(_col(spec.x).as_(spec.x, quoted=True), *cols).from_(inner).group_by(_col(spec.x))
            tree = tree.order_by(exp.Ordered(this=exp.column("median"), desc=True))
        return _run(model, tree, user)

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.detail
        ym, dm = ctx.meta(spec.y[0]), ctx.meta(spec.detail)
        y_title = f"{ym.label} per {dm.label.lower()}"
        x: dict[str, Any] = {"value": ctx.width / 2}
        if spec.x:
            x = {**ctx.meta(spec.x).encoding("x"), "type": "nominal", "sort": None,
                 "axis": category_axis(ctx, df, spec.x)}
        y_axis = ym.axis()
        tips = [{"field": k, "type": "quantitative", "title": t, "format": ym.value_format}
                for k, t in (("hi", "Max"), ("q3", "Upper quartile"), ("median", "Median"), ("q1", "Lower quartile"),
                             ("lo", "Min"))]
        tips.append({"field": "n", "type": "quantitative", "title": f"{dm.label}s", "format": ",d"})
        if spec.x:
            tips.insert(0, ctx.meta(spec.x).tooltip())
        return {"data": data(df), "encoding": {"x": x}, "layer": [
            {"mark": {"type": "rule", "color": "#555"},
             "encoding": {"y": {"field": "lo", "type": "quantitative", "title": y_title, "axis": y_axis},
                          "y2": {"field": "hi"}}},
            {"mark": {"type": "bar", "size": 36, "color": PALETTE[4], "stroke": "#1f1f1f", "strokeWidth": 0.8},
             "encoding": {"y": {"field": "q1", "type": "quantitative"}, "y2": {"field": "q3"}, "tooltip": tips}},
            {"mark": {"type": "tick", "size": 36, "color": "#1f1f1f", "thickness": 2},
             "encoding": {"y": {"field": "median", "type": "quantitative"}}},
            {"mark": {"type": "tick", "size": 16, "color": "#555"},
             "encoding": {"y": {"field": "lo", "type": "quantitative"}}},
            {"mark": {"type": "tick", "size": 16, "color": "#555"},
             "encoding": {"y": {"field": "hi", "type": "quantitative"}}},
        ]}

