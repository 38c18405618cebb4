"""Levels of detail in formulas (``FIXED``, ``EXCLUDE``, ``CALCULATE(…, ALL(field))``).

A measure at a coarser level than the query's rows is a window over the grouped rows:
``SUM(SUM(x)) OVER (PARTITION BY <the dimensions kept>)``. That is exact for measures whose
aggregate can be re-aggregated (sum, count, min, max, avg as sum/count) and costs no second scan.
Other measures (count_distinct, median, …) and ``ALL`` of a field the query filters are computed
by a grouped subquery of their own, joined on the dimensions kept.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import FieldRef, MeasureField
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.query.aggregates import aggregate, safe_formula
from bheem_nb.query.formula import Lod
from bheem_nb.query.plan import Plan


def lod_values(model: SemanticModel, plan: Plan, select: exp.Select, dim_exprs: list[exp.Expr], dialect: str,
               rename: dict[str, str] | None) -> tuple[exp.Select, dict[str, exp.Expr]]:
    """The value of every level-of-detail leaf: a window over the grouped rows, or a joined subquery."""
    if len(plan.homes) > 1:
        raise QueryError("FIXED, EXCLUDE and ALL work on measures of one table per query for now")
    out: dict[str, exp.Expr] = {}
    in_query = [(r.field.qualified, r.grain) for r in plan.dimensions]
    for k, (name, lod) in enumerate(plan.lod_leaves.items()):
        kept = [_keeps(lod, key, plan) for key in in_query]
        if _needs_subquery(lod, plan):
            select, out[name] = _joined(model, plan, select, dim_exprs, kept, lod, dialect, f"_lod{k}")
            continue
        if plan.group_filters:
            raise QueryError("FIXED, EXCLUDE and ALL cannot be combined with filters on measures yet")
        partition = [e.copy() for e, keep in zip(dim_exprs, kept, strict=True) if keep]
        out[name] = _windowed(lod.base, partition, plan, dialect, rename, lod.text)
    return select, out


def _needs_subquery(lod: Lod, plan: Plan) -> bool:
    if lod.mode == "include":
        return True
    removed = {q for q, _ in lod.dims} if lod.mode == "all" else set()
    if any(r.field.qualified in removed for r, _ in plan.row_filters):
        return True
    return any(b.spec.agg not in ("sum", "count", "min", "max", "avg") for b in _bases(lod.base, plan))


def _bases(m: MeasureField, plan: Plan) -> list[MeasureField]:
    if not m.is_derived:
        return [m]
    out: list[MeasureField] = []
    for dep in m.depends_on:
        f = plan.extra.get(dep) or plan.base_measures.get(dep) or _find(plan, dep)
        out += _bases(f, plan)
    return out


def _joined(model: SemanticModel, plan: Plan, select: exp.Select, dim_exprs: list[exp.Expr], kept: list[bool],
            lod: Lod, dialect: str, alias: str) -> tuple[exp.Select, exp.Expr]:
    """LEFT JOIN (SELECT kept dims, value FROM … GROUP BY kept dims) and read MAX(value) per group."""
    from bheem_nb.query.compiler import _Compiler
    from bheem_nb.query.plan import _expand

    removed = {q for q, _ in lod.dims} if lod.mode == "all" else set()
    dims = [replace(r, label=f"d{i}") for i, r in enumerate(r for r, keep in zip(plan.dimensions, kept, strict=True)
                                                             if keep)]
    finer = [replace(model.fields.resolve(f"{q}.{g}" if g else q), label=f"i{i}")
             for i, (q, g) in enumerate(lod.dims)] if lod.mode == "include" else []
    base, derived = _expand([lod.base], model, plan.extra)
    homes: dict[str, list[MeasureField]] = {}
    for m in base.values():
        homes.setdefault(m.table, []).append(m)
    sub = Plan(dimensions=[*dims, *finer], measures=[FieldRef(lod.base, None, "v")],
               row_filters=[(r, f) for r, f in plan.row_filters if r.field.qualified not in removed],
               group_filters=[], base_measures=base, derived=derived, order=[], limit=None, as_of=plan.as_of,
               homes=homes, extra=plan.extra)
    body = _Compiler(model, sub, dialect).build()
    if finer:  # INCLUDE: per finer group first, then the outer aggregate per query row
        outer = {"avg": exp.Avg, "min": exp.Min, "max": exp.Max, "sum": exp.Sum}[lod.outer or "avg"]
        keys = [exp.column(f"d{i}", table="_in", quoted=True) for i in range(len(dims))]
        body = exp.select(*keys, exp.alias_(outer(this=exp.column("v", table="_in", quoted=True)), "v", quoted=True)
                          ).from_(exp.alias_(exp.Subquery(this=body), "_in"))
        if keys:
            body = body.group_by(*[k.copy() for k in keys], copy=False)
    kept_exprs = [e for e, keep in zip(dim_exprs, kept, strict=True) if keep]
    on: exp.Expr = exp.and_(*[exp.NullSafeEQ(this=e.copy(), expression=exp.column(f"d{i}", table=alias, quoted=True))
                              for i, e in enumerate(kept_exprs)]) if kept_exprs else exp.true()
    select = select.join(exp.alias_(exp.Subquery(this=body), alias), on=on, join_type="left", copy=False)
    return select, exp.Max(this=exp.column("v", table=alias, quoted=True))


def _keeps(lod: Lod, key: tuple[str, str | None], plan: Plan) -> bool:
    in_query = [(r.field.qualified, r.grain) for r in plan.dimensions]
    if lod.mode == "fixed":
        missing = [f"{q}.{g}" if g else q for q, g in lod.dims if (q, g) not in in_query]
        if missing:
            raise QueryError(f"{lod.text}: FIXED at {', '.join(missing)} needs those dimensions in the query "
                             "(a finer level than the query's rows is not supported yet)")
        return key in lod.dims
    if lod.mode == "include":
        return True
    if lod.mode == "all":
        return key[0] not in {q for q, _ in lod.dims}
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
