"""The last step of a time-intelligence query: apply each modifier to the values it reads.

Sequences (running totals, moving averages) and shares (share of total, rank, share of the
parent level) are window functions over the gap-free grid, so they count calendar periods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from bheem_nb.model.fields import DimensionField
from bheem_nb.query.aggregates import wrap
from bheem_nb.query.dialects import NO_RECURSIVE_CTE, grain_expression, period_start
from bheem_nb.query.filters import FilterContext, build_condition
from bheem_nb.query.time_intelligence import GRAIN_RANK, SHIFTS, Modifier

if TYPE_CHECKING:
    from bheem_nb.query.ti_compiler import _TimeIntelligence

_DEFAULT_HIERARCHY = ("year", "quarter", "month", "day")


def _col(name: str, table: str | None = "_x") -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def pct_change(cur: exp.Expr, prev: exp.Expr) -> exp.Expr:
    """(cur − prev) / |prev| × 100; blank when prev is 0 or blank."""
    change = exp.Mul(this=exp.cast(exp.Sub(this=wrap(cur), expression=wrap(prev.copy())), "double"),
                     expression=exp.Literal.number("100.0"))
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=wrap(prev.copy()), expression=exp.Literal.number(0)),
                                true=exp.Null())],
                    default=exp.Div(this=change, expression=exp.Abs(this=prev.copy())))


def _over(fn: exp.Expr, partition: list[exp.Expr], order: list[exp.Ordered] | None = None,
          preceding: int | None = None) -> exp.Window:
    args: dict[str, object] = {"this": fn, "partition_by": [p.copy() for p in partition] or None}
    if order:
        args["order"] = exp.Order(expressions=order)
        args["spec"] = exp.WindowSpec(kind="ROWS", start="UNBOUNDED" if preceding is None else
                                      exp.Literal.number(preceding), start_side="PRECEDING", end="CURRENT ROW")
    return exp.Window(**args)


def _share(value: exp.Expr, partition: list[exp.Expr]) -> exp.Expr:
    total = exp.Nullif(this=_over(exp.Sum(this=value.copy()), partition), expression=exp.Literal.number(0))
    return exp.Div(this=exp.Mul(this=exp.cast(value, "double"), expression=exp.Literal.number("100.0")),
                   expression=total)


class _Final:
    def __init__(self, ti: _TimeIntelligence, with_period: bool) -> None:
        self.ti, self.with_period = ti, with_period
        self.dims: list[exp.Expr] = [_col(n) for n in ti.dim_names]
        self.period: list[exp.Expr] = [_col("_p")] if with_period else []

    def parent_partition(self) -> list[exp.Expr]:
        dims = self.ti.plan.dimensions
        if not dims:
            return []
        last = dims[-1]
        if last is self.ti.time or last in self.ti.coarser:
            time = self.ti.time
            assert self.ti.grain is not None and time is not None and isinstance(time.field, DimensionField)
            parent = self._parent_grain(self.ti.grain, list(time.field.spec.hierarchy or ()))
            if parent is None:
                return list(self.dims)
            up = period_start(_col("_p"), parent, self.ti.fiscal, self.ti.dialect)
            return [*self.dims, up]
        i = self.ti.others.index(last)
        return [*self.period, *[d for k, d in enumerate(self.dims) if k != i]]

    def _parent_grain(self, grain: str, hierarchy: list[str] | None) -> str | None:
        levels = list(hierarchy or _DEFAULT_HIERARCHY)
        if grain.startswith("fiscal"):
            levels = ["fiscal_year", "fiscal_quarter", "month", "day"]
        coarser = [lv for lv in levels if GRAIN_RANK[lv] > GRAIN_RANK[grain]]
        return min(coarser, key=lambda lv: GRAIN_RANK[lv]) if coarser else None

    def value(self, mod: Modifier | None, vals: list[exp.Expr]) -> exp.Expr:
        v0 = vals[0]
        if mod is None:
            return v0
        name = mod.name
        if name == "ytd_growth_pct":
            return pct_change(v0, vals[1])
        if mod.kind == "window":
            return v0
        if mod.kind == "shift":
            how = SHIFTS[name][2] if name in SHIFTS else ("value" if name == "shift" else "diff")
            if how == "value":
                return v0
            if how == "diff":
                return exp.Sub(this=wrap(v0), expression=wrap(vals[1]))
            return pct_change(v0, vals[1])
        if mod.kind == "sequence":
            if not self.with_period:
                return v0  # running_total as of a date: everything through as_of
            order = [exp.Ordered(this=_col("_p"), nulls_first=False)]
            fn: exp.Expr = exp.Sum(this=v0) if name == "running_total" else exp.Avg(this=v0)
            return _over(fn, self.dims, order, mod.n - 1 if name == "moving_avg" else None)
        total = self.period if self.dims else []
        if name == "share_of_total":
            return _share(v0, total)
        if name == "rank":
            order = [exp.Ordered(this=v0, desc=True, nulls_first=False)]
            return exp.Window(this=exp.Rank(),
                              partition_by=[p.copy() for p in total] or None, order=exp.Order(expressions=order))
        return _share(v0, self.parent_partition())


def final_select(ti: _TimeIntelligence, ctes: list[tuple[str, exp.Select]],
                 vals: list[list[dict[str, exp.Expr]]], with_period: bool) -> exp.Select:
    """SELECT the query's columns from ``_x``, then measure filters, order and limit."""
    plan, fin = ti.plan, _Final(ti, with_period)
    sel = exp.select().from_("_x")
    for ref in plan.dimensions:
        if ref is ti.time or ref in ti.coarser:
            expr: exp.Expr = _col("_p")
            grain = (ti.grain if ref is ti.time else ref.grain) or "day"
            if grain != ti.grain or grain == "fiscal_year":
                expr = grain_expression(expr, grain, ti.fiscal, ti.dialect)
        else:
            expr = _col(ti.dim_names[ti.others.index(ref)])
        sel = sel.select(exp.alias_(expr, ref.label, quoted=True), copy=False)
    terms = [fin.value(mod, [v[ref.field.qualified] for v in views])
             for (ref, mod), views in zip(ti._mods(), vals, strict=True)]
    n = len(plan.measures)
    hidden = {ref.label: value for (ref, _), value in zip(ti._mods()[n:], terms[n:], strict=True)}

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and f"{node.table}.{node.name}" in hidden:
            return hidden[f"{node.table}.{node.name}"].copy()
        return node

    for ref, value in zip(plan.measures, terms[:n], strict=True):
        sel = sel.select(exp.alias_(value.transform(swap) if hidden else value, ref.label, quoted=True), copy=False)
    if plan.group_filters:
        ctes = [*ctes, ("_y", sel)]
        sel = exp.select(*[exp.column(r.label, quoted=True) for r in plan.dimensions + plan.measures]).from_("_y")
        ctx = FilterContext(ti.dialect, plan.as_of, ti.fiscal)
        for ref, flt in plan.group_filters:
            sel = sel.where(build_condition(exp.column(ref.label, quoted=True), flt, "number", ctx), copy=False)
    for name, body in ctes:
        sel = sel.with_(name, as_=body, recursive=with_period and ti.dialect not in NO_RECURSIVE_CTE, copy=False)
    for label, desc in plan.order:
        sel = sel.order_by(exp.Ordered(this=exp.column(label, quoted=True), desc=desc, nulls_first=False), copy=False)
    if plan.limit is not None:
        sel = sel.limit(plan.limit, copy=False)
    return sel
