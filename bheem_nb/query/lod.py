"""Levels of detail in formulas (``FIXED``, ``EXCLUDE``, ``CALCULATE(…, ALL(field))``).

A measure at a coarser level than the query's rows is a window over the grouped rows:
``SUM(SUM(x)) OVER (PARTITION BY <the dimensions kept>)``. That is exact for measures whose
aggregate can be re-aggregated (sum, count, min, max, avg as sum/count) and costs no second scan.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import MeasureField
from bheem_nb.query.aggregates import aggregate, safe_formula
from bheem_nb.query.formula import Lod
from bheem_nb.query.plan import Plan


def lod_values(plan: Plan, dim_exprs: list[exp.Expr], dialect: str,
               rename: dict[str, str] | None) -> dict[str, exp.Expr]:
    """The value of every level-of-detail leaf, as a window over the query's grouped rows."""
    if len(plan.homes) > 1:
        raise QueryError("FIXED, EXCLUDE and ALL work on measures of one table per query for now")
    if plan.group_filters:
        raise QueryError("FIXED, EXCLUDE and ALL cannot be combined with filters on measures yet")
    out: dict[str, exp.Expr] = {}
    in_query = [(r.field.qualified, r.grain) for r in plan.dimensions]
    for name, lod in plan.lod_leaves.items():
        partition = [e.copy() for e, key in zip(dim_exprs, in_query, strict=True) if _keeps(lod, key, plan)]
        out[name] = _windowed(lod.base, partition, plan, dialect, rename, lod.text)
    return out


def _keeps(lod: Lod, key: tuple[str, str | None], plan: Plan) -> bool:
    in_query = [(r.field.qualified, r.grain) for r in plan.dimensions]
    if lod.mode == "fixed":
        missing = [f"{q}.{g}" if g else q for q, g in lod.dims if (q, g) not in in_query]
        if missing:
            raise QueryError(f"{lod.text}: FIXED at {', '.join(missing)} needs those dimensions in the query "
                             "(a finer level than the query's rows is not supported yet)")
        return key in lod.dims
    if lod.mode == "all":
        removed = {q for q, _ in lod.dims}
        filtered = [r.label for r, _ in plan.row_filters if r.field.qualified in removed]
        if filtered:
            raise QueryError(f"{lod.text}: the query filters {', '.join(filtered)}; ALL/REMOVEFILTERS of a "
                             "filtered field is not supported yet")
        return key[0] not in removed
    return key not in lod.dims and key[0] not in {q for q, g in lod.dims if g is None}


def _windowed(m: MeasureField, partition: list[exp.Expr], plan: Plan, dialect: str,
              rename: dict[str, str] | None, text: str) -> exp.Expr:
    def over(fn: exp.Expr) -> exp.Expr:
        return exp.Window(this=fn, partition_by=[p.copy() for p in partition] or None)

    if m.is_derived:
        assert m.expr is not None
        parts = {}
        for dep in m.depends_on:
            f = plan.extra.get(dep) or plan.base_measures.get(dep) or _find(plan, dep)
            parts[dep] = _windowed(f, partition, plan, dialect, rename, text)
        return safe_formula(m.expr, parts)
    agg = m.spec.agg
    if agg in ("sum", "count"):
        return over(exp.Sum(this=aggregate(m, dialect, rename)))
    if agg in ("min", "max"):
        fn = exp.Min if agg == "min" else exp.Max
        return over(fn(this=aggregate(m, dialect, rename)))
    if agg == "avg":
        total = aggregate(replace(m, spec=m.spec.model_copy(update={"agg": "sum"})), dialect, rename)
        count = aggregate(replace(m, spec=m.spec.model_copy(update={"agg": "count"})), dialect, rename)
        return exp.Div(this=exp.cast(over(exp.Sum(this=total)), "double"),
                       expression=exp.Nullif(this=over(exp.Sum(this=count)), expression=exp.Literal.number(0)))
    raise QueryError(f"{text}: {m.qualified} uses agg {agg!r}, which cannot be re-aggregated at another level of "
                     "detail; use a sum, count, min, max or avg measure")


def _find(plan: Plan, qualified: str) -> MeasureField:
    for d in plan.derived:
        if d.qualified == qualified:
            return d
    raise QueryError(f"internal: measure {qualified} of a level of detail was not planned")
