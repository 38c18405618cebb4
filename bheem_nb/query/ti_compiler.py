"""Compile a query with time-intelligence measures to one SELECT (CTEs and window functions).

With a time dimension at grain G the statement is built from these CTEs:

* ``_v``: each base measure per other-dimension combination and G period (``_p``, the period's
  first day), computed exactly by the ordinary compiler (filters, joins and fan-out included);
* ``_f``: only when a date window is needed: partial aggregates per day;
* ``_b`` / ``_s``: the first and last period with data, and a recursive spine of every G
  period between them, so empty periods appear (with zero sums) but none outside the range;
* ``_g``: the grid (combinations × spine), with each row's window bounds and shifted periods;
* ``_w<i>``: a window's value per grid row, a range join of ``_g`` on the daily partials;
* ``_x``: the grid with every value a modifier reads; the final SELECT applies the modifiers.

Without a time dimension every window is a literal date range around ``as_of`` applied as a
measure filter, so one ordinary grouped query answers it (any aggregation works).
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import DimensionField, FieldRef, MeasureField
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.query.aggregates import safe_formula
from bheem_nb.query.dialects import (
    NO_RECURSIVE_CTE,
    add_days,
    date_literal,
    period_start,
    sequence_spine,
    shift_date,
)
from bheem_nb.query.plan import Plan
from bheem_nb.query.ti_final import final_select
from bheem_nb.query.ti_parts import (
    ADDITIVE,
    CUR,
    DECOMPOSABLE,
    View,
    asof_bounds,
    combine,
    partials,
    step,
    views_of,
)
from bheem_nb.query.time_intelligence import GRAIN_RANK, Modifier, check_grain


def compile_ti(model: SemanticModel, plan: Plan, dialect: str) -> exp.Select:
    return _TimeIntelligence(model, plan, dialect).build()


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _sub_select(model: SemanticModel, plan: Plan, dims: list[FieldRef], measures: list[tuple[MeasureField, str]],
                dialect: str) -> exp.Select:
    """The ordinary compiler's grouped SELECT for ``measures`` by ``dims`` under the query's filters."""
    from bheem_nb.query.compiler import _Compiler

    homes: dict[str, list[MeasureField]] = {}
    for m, _ in measures:
        homes.setdefault(m.table, []).append(m)
    sub = Plan(
        dimensions=dims, measures=[FieldRef(m, None, label) for m, label in measures],
        row_filters=plan.row_filters, group_filters=[], base_measures={m.qualified: m for m, _ in measures},
        derived=[], order=[], limit=None, as_of=plan.as_of, homes=homes,
    )
    return _Compiler(model, sub, dialect).build()


class _TimeIntelligence:
    def __init__(self, model: SemanticModel, plan: Plan, dialect: str) -> None:
        self.model, self.plan, self.dialect = model, plan, dialect
        self.fiscal = model.spec.calendar.fiscal_year_start_month
        times = [r for r in plan.dimensions if isinstance(r.field, DimensionField) and r.field.spec.type == "time"]
        if len({r.field.qualified for r in times}) > 1:
            raise QueryError("time intelligence needs one date field in the query; got "
                             + ", ".join(repr(r.label) for r in times))
        # order_date.year beside order_date.month: the finest grain drives, coarser ones label its periods
        times.sort(key=lambda r: GRAIN_RANK[r.grain or "day"])
        self.time = times[0] if times else None
        self.coarser = times[1:]
        self.grain = (self.time.grain or "day") if self.time else None
        for r in self.coarser:
            assert self.time is not None and self.grain is not None
            if self.grain == "week" or GRAIN_RANK[r.grain or "day"] == GRAIN_RANK[self.grain]:
                raise QueryError(f"{r.label!r} cannot label the periods of {self.time.label!r}"
                                 f"{' (weeks cross months and years)' if self.grain == 'week' else ''}; "
                                 "list only one of them")
        self.others = [r for r in plan.dimensions if r is not self.time and r not in self.coarser]
        if plan.lod_leaves:
            raise QueryError("a formula with FIXED, EXCLUDE or ALL cannot be combined with time intelligence yet")
        for label, mod in plan.ti.items():
            check_grain(mod, self.grain, label)
        # a period comparison inside a formula (SAMEPERIODLASTYEAR) is a hidden term after the outputs
        self.terms: list[tuple[FieldRef, Modifier | None]] = [(ref, plan.ti.get(ref.label)) for ref in plan.measures]
        for qualified, (base, mod) in plan.ti_leaves.items():
            if self.grain is None:  # the formula's other measures would cover all dates, not a period
                raise QueryError(f"a formula comparing periods ({base.qualified} {mod.text()}) needs a time "
                                 "dimension in the query, e.g. order_date.month")
            check_grain(mod, self.grain, f"{base.qualified} ({mod.text()})")
            self.terms.append((FieldRef(base, None, qualified), mod))
        for ref, _ in plan.group_filters:
            if ref.label not in [m.label for m in plan.measures]:
                raise QueryError(f"with time intelligence, filter only on measures the query lists; "
                                 f"add {ref.label!r} to measures")
        self.bases = list(plan.base_measures.values())
        self.dim_names = [f"d{i}" for i in range(len(self.others))]

    # -- values of a measure under a view ---------------------------------------------
    def _values(self, cols: dict[str, exp.Expr]) -> dict[str, exp.Expr]:
        values = dict(cols)
        for d in self.plan.derived:
            assert d.expr is not None
            values[d.qualified] = safe_formula(d.expr, values)
        return values

    def _mods(self) -> list[tuple[FieldRef, Modifier | None]]:
        return self.terms

    def build(self) -> exp.Select:
        if self.time is None:
            return self._as_of()
        return self._by_period()

    # -- no time dimension: literal windows around as_of ------------------------------
    def _as_of(self) -> exp.Select:
        ranges: list[tuple[object, object]] = []
        per_out: list[list[int]] = []
        for _ref, mod in self._mods():
            bounds = [(None, None)] if mod is None else asof_bounds(mod, self.plan.as_of, self.fiscal)
            idx = []
            for b in bounds:
                if b not in ranges:
                    ranges.append(b)
                idx.append(ranges.index(b))
            per_out.append(idx)
        synthetic: list[tuple[MeasureField, str]] = []
        for i, (lo, hi) in enumerate(ranges):
            for j, m in enumerate(self.bases):
                synthetic.append((self._windowed(m, lo, hi, i), f"x{i}_{j}"))
        body = _sub_select(self.model, self.plan, [replace(r, label=n) for r, n in zip(self.others, self.dim_names,
                                                                                     strict=True)],
                           synthetic, self.dialect)
        def value(i: int, j: int, m: MeasureField) -> exp.Expr:
            col: exp.Expr = _col(f"x{i}_{j}", "_x")
            if m.spec.agg in ADDITIVE and ranges[i] != (None, None):  # an empty window sums to 0
                col = exp.func("COALESCE", col, exp.Literal.number(0))
            return col

        vals = [[self._values({m.qualified: value(i, j, m) for j, m in enumerate(self.bases)}) for i in idx]
                for idx in per_out]
        return final_select(self, [("_x", body)], vals, with_period=False)

    def _windowed(self, m: MeasureField, lo: object, hi: object, i: int) -> MeasureField:
        if lo is None and hi is None:
            return replace(m, name=f"{m.name}__x{i}")
        table = self.model.spec.tables[m.table]
        # no time_dimension declared: the table's only time-typed dimension is its date
        dated = [n for n, d in table.dimensions.items() if d.type == "time"]
        date_name = table.time_dimension or (dated[0] if len(dated) == 1 else None)
        if date_name is None:
            found = f"time dimensions {', '.join(dated)}" if dated else "no time dimension"
            raise QueryError(f"{m.qualified}: table {m.table!r} has no time_dimension and {found}, so a "
                             "time-intelligence modifier cannot tell its dates; declare time_dimension or add a "
                             "time dimension to the query")
        date_field = self.model.fields.by_qualified[f"{m.table}.{date_name}"]
        assert isinstance(date_field, DimensionField)
        parts: list[exp.Expr] = [m.filter.copy()] if m.filter is not None else []
        if lo is not None:
            parts.append(exp.GTE(this=date_field.expr.copy(), expression=date_literal(lo, self.dialect)))  # type: ignore[arg-type]
        if hi is not None:
            parts.append(exp.LT(this=date_field.expr.copy(), expression=date_literal(hi, self.dialect)))  # type: ignore[arg-type]
        return replace(m, name=f"{m.name}__x{i}", filter=exp.and_(*parts))

    # -- a time dimension at grain G: spine, grid, windows ----------------------------
    def _bases_of(self, m: MeasureField) -> list[MeasureField]:
        if not m.is_derived:
            return [m]
        out: list[MeasureField] = []
        for dep in m.depends_on:
            if dep in self.plan.ti_leaves:
                continue  # a hidden term of its own
            f = self.plan.extra.get(dep) or self.model.fields.by_qualified[dep]
            assert isinstance(f, MeasureField)
            out += [b for b in self._bases_of(f) if b not in out]
        return out

    def _fans_out(self, m: MeasureField) -> bool:
        """Whether rows of ``m``'s table repeat per date (the date sits across a one-to-many join)."""
        assert self.time is not None
        return any(step.fans_out for step in self.model.graph.path(m.table, self.time.field.table))

    def _by_period(self) -> exp.Select:
        assert self.time is not None and self.grain is not None
        g = self.grain
        views: list[View] = []
        per_out: list[list[int]] = []
        window_bases: list[MeasureField] = []
        for ref, mod in self._mods():
            vs = views_of(mod, self.fiscal, fine=g in ("day", "week"))
            if mod is not None and mod.name == "diff_from_previous":
                months, days = step(g, -1)
                vs = [CUR, View("shift", months=months, days=days)]
            if any(v.kind == "win" for v in vs):
                assert isinstance(ref.field, MeasureField)
                for b in self._bases_of(ref.field):
                    if b.spec.agg not in DECOMPOSABLE:
                        partials(b, False, ref.label)  # raises with the reason
                    if self._fans_out(b):
                        raise QueryError(
                            f"{ref.label!r}: {b.qualified} reaches {self.time.label!r} through a one-to-many join, "
                            "so its daily values cannot be added up over a date window; use a measure of the "
                            "table that holds the date")
                    if b not in window_bases:
                        window_bases.append(b)
            for v in vs:
                if v not in views:
                    views.append(v)
            per_out.append([views.index(v) for v in vs])
        dims_sub = [replace(r, label=n) for r, n in zip(self.others, self.dim_names, strict=True)]
        ctes: list[tuple[str, exp.Select]] = []
        one_scan = bool(window_bases) and all(b.spec.agg in DECOMPOSABLE and not self._fans_out(b)
                                              for b in self.bases)
        if one_scan:
            window_bases = list(self.bases)
        pcols: dict[str, list[str]] = {}
        if window_bases:
            plist: list[tuple[MeasureField, str]] = []
            for b in window_bases:
                pcols[b.qualified] = []
                for p in partials(b, False, b.qualified):
                    pcols[b.qualified].append(f"p{len(plist)}")
                    plist.append((p, f"p{len(plist)}"))
            day = FieldRef(self.time.field, "day", "_d")
            ctes.append(("_f", _sub_select(self.model, self.plan, [*dims_sub, day], plist, self.dialect)))
        if one_scan:
            day_col = _col("_d", "_f")
            per_day = day_col if g == "day" else period_start(day_col, g, self.fiscal, self.dialect)
            vsel = exp.select(*[_col(n, "_f") for n in self.dim_names], exp.alias_(per_day, "_p", quoted=True))
            vsel = vsel.from_("_f")
            for j, b in enumerate(self.bases):
                cols: list[exp.Expr] = [_col(c, "_f") for c in pcols[b.qualified]]
                vsel = vsel.select(exp.alias_(combine(b, cols, False), f"v{j}", quoted=True), copy=False)
            ctes.append(("_v", vsel.group_by(*[_col(n, "_f") for n in self.dim_names], per_day.copy(), copy=False)))
        else:
            grain = "fiscal_year_start" if g == "fiscal_year" else g
            per = FieldRef(self.time.field, grain, "_p")
            ctes.append(("_v", _sub_select(self.model, self.plan, [*dims_sub, per],
                                           [(b, f"v{j}") for j, b in enumerate(self.bases)], self.dialect)))
        ctes += self._spine_and_grid(views)
        ctes += self._windows(views, window_bases, pcols)
        vals = [[self._values({b.qualified: _col(f"x{i}_{j}", "_x") for j, b in enumerate(self.bases)})
                 for i in idx] for idx in per_out]
        grid_values, copies = self._grid_values(views, window_bases)
        ctes += [*copies, ("_x", grid_values)]
        return final_select(self, ctes, vals, with_period=True)

    def _spine_and_grid(self, views: list[View]) -> list[tuple[str, exp.Select]]:
        assert self.grain is not None
        g, dl = self.grain, self.dialect
        bounds = exp.select(exp.alias_(exp.Min(this=_col("_p")), "_lo", quoted=True),
                            exp.alias_(exp.Max(this=_col("_p")), "_hi", quoted=True)).from_("_v")
        nxt = shift_date(_col("_p", "_s"), *step(g), dl)
        anchor = exp.select(exp.alias_(_col("_lo", "_b"), "_p", quoted=True)).from_("_b").where(
            exp.not_(exp.Is(this=_col("_lo", "_b"), expression=exp.Null())))
        more = exp.select(exp.alias_(nxt, "_p", quoted=True)).from_("_s").join("_b", join_type="cross").where(
            exp.LTE(this=nxt.copy(), expression=_col("_hi", "_b")))
        spine = exp.union(anchor, more, distinct=False)
        if dl in NO_RECURSIVE_CTE:
            spine = sequence_spine(_col("_lo", "_b"), _col("_hi", "_b"), *step(g), "_b")  # type: ignore[assignment]
        p = _col("_p", "_s")
        end = shift_date(p, *step(g), dl)
        last = add_days(end, -1, dl)
        grid = exp.select(*[_col(n, "_k") for n in self.dim_names], p)
        for i, v in enumerate(views):
            if v.kind == "win":
                grid = grid.select(exp.alias_(self._anchor(v.lo, end, last), f"_lo{i}", quoted=True),
                                   exp.alias_(self._anchor(v.hi, end, last), f"_hi{i}", quoted=True), copy=False)
            elif v.kind == "shift":
                target = period_start(shift_date(p.copy(), v.months, v.days, dl), g, self.fiscal, dl)
                if g == "day":
                    target = shift_date(p.copy(), v.months, v.days, dl)
                grid = grid.select(exp.alias_(target, f"_t{i}", quoted=True), copy=False)
        if self.dim_names:
            keys = exp.select(*[_col(n) for n in self.dim_names]).from_("_v").distinct()
            grid = grid.from_(exp.alias_(exp.Subquery(this=keys), "_k")).join("_s", join_type="cross")
        else:
            grid = grid.from_("_s")
        return [("_b", bounds), ("_s", spine), ("_g", grid)]  # type: ignore[list-item]

    def _anchor(self, spec: tuple[str, int, int], end: exp.Expr, last: exp.Expr) -> exp.Expr:
        name, months, days = spec
        if name.startswith("start:"):
            base = period_start(last.copy(), name.removeprefix("start:"), self.fiscal, self.dialect)
        else:
            base = (end if name == "end" else last).copy()
        return shift_date(base, months, days, self.dialect)

    def _same_dims(self, left: str, right: str) -> list[exp.Expr]:
        return [exp.NullSafeEQ(this=_col(n, left), expression=_col(n, right)) for n in self.dim_names]

    def _windows(self, views: list[View], bases: list[MeasureField],
                 pcols: dict[str, list[str]]) -> list[tuple[str, exp.Select]]:
        out = []
        for i, v in enumerate(views):
            if v.kind != "win":
                continue
            on = exp.and_(*self._same_dims("_g", "_f"),
                          exp.GTE(this=_col("_d", "_f"), expression=_col(f"_lo{i}", "_g")),
                          exp.LT(this=_col("_d", "_f"), expression=_col(f"_hi{i}", "_g")))
            keys = [_col(n, "_g") for n in [*self.dim_names, "_p"]]
            w = exp.select(*keys).from_("_g").join("_f", on=on, join_type="inner")
            for j, b in enumerate(bases):
                cols: list[exp.Expr] = [_col(c, "_f") for c in pcols[b.qualified]]
                w = w.select(exp.alias_(combine(b, cols, False), f"v{j}", quoted=True), copy=False)
            out.append((f"_w{i}", w.group_by(*[k.copy() for k in keys], copy=False)))
        return out

    def _grid_values(self, views: list[View], window_bases: list[MeasureField]
                     ) -> tuple[exp.Select, list[tuple[str, exp.Select]]]:
        """The grid with every view's values. ``_v`` is joined once per view through a copy CTE
        (``_c0 AS (SELECT * FROM _v)``) rather than an alias: the RLS rewrite renames CTEs."""
        x = exp.select(*[_col(n, "_g") for n in [*self.dim_names, "_p"]]).from_("_g").join("_b", join_type="cross")
        copies: list[tuple[str, exp.Select]] = []
        for i, v in enumerate(views):
            alias = f"_w{i}" if v.kind == "win" else f"_c{i}"
            if v.kind != "win":
                copies.append((alias, exp.select(exp.Star()).from_("_v")))
            guard: exp.Expr | None = None
            if v.kind == "cur":
                src, at = "_v", _col("_p", "_g")
            elif v.kind == "win":
                src, at = f"_w{i}", _col("_p", "_g")
                guard = exp.GT(this=_col(f"_hi{i}", "_g"), expression=_col("_lo", "_b"))
            else:
                src, at = "_v", _col(f"_t{i}", "_g")
                guard = exp.GTE(this=_col(f"_t{i}", "_g"), expression=_col("_lo", "_b"))
            on = exp.and_(*self._same_dims("_g", alias), exp.EQ(this=_col("_p", alias), expression=at))
            assert src in ("_v", alias)
            x = x.join(exp.to_table(alias), on=on, join_type="left", copy=False)
            for j, b in enumerate(self.bases):
                col: exp.Expr = exp.Null()
                if v.kind != "win" or b in window_bases:
                    k = window_bases.index(b) if v.kind == "win" else j
                    col = _col(f"v{k}", alias)
                    if b.spec.agg in ADDITIVE:
                        col = exp.func("COALESCE", col, exp.Literal.number(0))
                if guard is not None:
                    col = exp.Case(ifs=[exp.If(this=guard.copy(), true=col)])
                x = x.select(exp.alias_(col, f"x{i}_{j}", quoted=True), copy=False)
        return x, copies

