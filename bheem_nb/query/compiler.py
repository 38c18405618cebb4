"""Compile a query plan to one SELECT (a sqlglot AST) for the connection's dialect.

Shapes, simplest first:

* one measure home and many-to-one joins only: ``SELECT dims, AGG(...) FROM fact LEFT JOIN
  dims ... GROUP BY dims``, the query an analyst would write by hand;
* a join that fans out (one-to-many away from the measure's table): the measure's rows
  are de-duplicated first (``SELECT DISTINCT pk, dims``) and aggregated after, so nothing
  is double-counted;
* measures from several tables: one aggregate CTE per table, combined on the dimension
  values (a key union plus null-safe LEFT JOINs, which MySQL runs too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from bheem_nb.errors import ModelError, QueryError
from bheem_nb.model.fields import DimensionField, FieldRef, MeasureField
from bheem_nb.model.graph import MODEL_DIALECT, Step
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.query.aggregates import aggregate, safe_formula
from bheem_nb.query.dialects import PATH_QUOTING, grain_expression, plain_names
from bheem_nb.query.filters import FilterContext, build_condition
from bheem_nb.query.lod import lod_values
from bheem_nb.query.plan import Plan, make_plan
from bheem_nb.query.spec import QuerySpec

_KEYS = "_keys"


@dataclass(frozen=True)
class CompiledQuery:
    """The finished statement plus what the engine needs to label its result."""

    sql: str
    ast: exp.Query
    dialect: str
    columns: tuple[str, ...]
    as_of: dt.date


def compile_query(model: SemanticModel, spec: QuerySpec, dialect: str) -> CompiledQuery:
    plan = make_plan(model, spec)
    if not plan.dimensions and not plan.measures:
        raise QueryError("a query needs at least one measure or dimension")
    if plan.ti or plan.ti_leaves:
        from bheem_nb.query.ti_compiler import compile_ti

        ast = compile_ti(model, plan, dialect)
    else:
        ast = _Compiler(model, plan, dialect).build()
    columns = tuple(r.label for r in plan.dimensions + plan.measures)
    if dialect in PATH_QUOTING:
        ast = plain_names(ast)  # the engine renames result columns back to the labels, by position
    return CompiledQuery(ast.sql(dialect=dialect), ast, dialect, columns, plan.as_of)


class _Compiler:
    def __init__(self, model: SemanticModel, plan: Plan, dialect: str) -> None:
        self.model = model
        self.plan = plan
        self.dialect = dialect
        self.fiscal = model.spec.calendar.fiscal_year_start_month
        self.ctx = FilterContext(dialect, plan.as_of, self.fiscal)

    # -- top level -------------------------------------------------------------------
    def build(self) -> exp.Select:
        homes = self.plan.homes
        if not homes:
            select = self._grouped(self._root_without_measures(), [], labels=self._dim_labels())
        elif len(homes) == 1:
            (home, measures), = homes.items()
            select = self._grouped(home, measures, labels=self._dim_labels())
        else:
            select = self._combined()
        select = self._finish(select)
        return select

    def _dim_labels(self) -> list[str]:
        return [r.label for r in self.plan.dimensions]

    def _finish(self, select: exp.Select) -> exp.Select:
        for label, desc in self.plan.order:
            select = select.order_by(
                exp.Ordered(this=exp.column(label, quoted=True), desc=desc, nulls_first=False), copy=False
            )
        if self.plan.limit is not None:
            select = select.limit(self.plan.limit, copy=False)
        return select

    # -- one measure home (or none) --------------------------------------------------
    def _grouped(self, home: str, measures: list[MeasureField], labels: list[str]) -> exp.Select:
        """SELECT dims, measures FROM home ... GROUP BY dims, de-duplicating on fan-out."""
        reach = _filter_tables(measures, home)
        steps = self._steps(home, reach)
        fans_out = any(s.fans_out for s in steps)
        if fans_out and measures and reach:
            raise QueryError(f"a measure filtered on {', '.join(reach)} (CALCULATE) cannot be combined with the "
                             f"one-to-many join this query needs; filter the query instead")
        if fans_out and measures:
            select, dim_exprs, rename = self._deduplicated(home, steps)
        else:
            select = self._from_tree(home, steps)
            dim_exprs = [self._dim_expr(r) for r in self.plan.dimensions]
            rename = None
            for cond in self._row_conditions():
                select = select.where(cond, copy=False)
        values = {m.qualified: aggregate(m, self.dialect, rename) for m in measures}
        if self.plan.lod_leaves:
            select, lod = lod_values(self.model, self.plan, select, dim_exprs, self.dialect, rename)
            values.update(lod)
        for d in self.plan.derived:
            values[d.qualified] = safe_formula(_expr(d), values)
        for expr, label in zip(dim_exprs, labels, strict=True):
            select = select.select(exp.alias_(expr, label, quoted=True), copy=False)
        if len(self.plan.homes) <= 1:
            for ref in self.plan.measures:
                select = select.select(exp.alias_(values[ref.field.qualified], ref.label, quoted=True), copy=False)
            for ref, flt in self.plan.group_filters:
                cond = build_condition(values[ref.field.qualified], flt, "number", self.ctx)
                select = select.having(cond, copy=False)
        else:
            for i, m in enumerate(measures):
                select = select.select(exp.alias_(values[m.qualified], f"m{i}", quoted=True), copy=False)
        if dim_exprs:
            select = select.group_by(*[e.copy() for e in dim_exprs], copy=False)
        elif not measures:
            raise QueryError("a query needs at least one measure or dimension")
        return select

    def _deduplicated(self, home: str, steps: list[Step]) -> tuple[exp.Select, list[exp.Expr], dict[str, str]]:
        """Rows of ``home`` once per dimension combination, then the home table joined back."""
        table = self.model.spec.tables[home]
        keys = table.key_columns
        if not keys:
            raise QueryError(
                f"measures of {home!r} are reached through a one-to-many join here, which would count rows "
                f"twice; give table {home!r} a primary_key so bheem_nb can de-duplicate"
            )
        inner = self._from_tree(home, steps)
        key_cols = [exp.alias_(exp.column(k, table=home), f"_k{i}", quoted=True) for i, k in enumerate(keys)]
        inner = inner.select(*key_cols)
        dim_cols: list[exp.Expr] = []
        for i, ref in enumerate(self.plan.dimensions):
            inner = inner.select(exp.alias_(self._dim_expr(ref), f"_d{i}", quoted=True), copy=False)
            dim_cols.append(exp.column(f"_d{i}", table=_KEYS, quoted=True))
        for cond in self._row_conditions():
            inner = inner.where(cond, copy=False)
        inner = inner.distinct(copy=False)
        on = exp.and_(*[
            exp.EQ(this=exp.column(k, table=home), expression=exp.column(f"_k{i}", table=_KEYS, quoted=True))
            for i, k in enumerate(keys)
        ])
        outer = exp.select().from_(exp.alias_(exp.Subquery(this=inner), _KEYS), copy=False)
        outer = outer.join(self._source(home), on=on, join_type="inner", copy=False)
        return outer, dim_cols, {}

    # -- several measure homes ----------------------------------------------------------
    def _combined(self) -> exp.Select:
        n_dims = len(self.plan.dimensions)
        ctes: list[tuple[str, exp.Select]] = []
        values: dict[str, exp.Expr] = {}
        for h, (home, measures) in enumerate(self.plan.homes.items()):
            name = f"_h{h}"
            ctes.append((name, self._grouped(home, measures, labels=[f"d{i}" for i in range(n_dims)])))
            for i, m in enumerate(measures):
                values[m.qualified] = exp.column(f"m{i}", table=name, quoted=True)
        for d in self.plan.derived:
            values[d.qualified] = safe_formula(_expr(d), values)

        if n_dims:
            union: exp.Query = _dims_of(ctes[0][0], n_dims)
            for name, _ in ctes[1:]:
                union = exp.union(union, _dims_of(name, n_dims), distinct=True)
            ctes.append((_KEYS, union))  # type: ignore[arg-type]
            select = exp.select(*[
                exp.alias_(exp.column(f"d{i}", table=_KEYS, quoted=True), r.label, quoted=True)
                for i, r in enumerate(self.plan.dimensions)
            ]).from_(_KEYS)
            for name, _ in ctes[:-1]:
                on = exp.and_(*[
                    exp.NullSafeEQ(
                        this=exp.column(f"d{i}", table=_KEYS, quoted=True),
                        expression=exp.column(f"d{i}", table=name, quoted=True),
                    )
                    for i in range(n_dims)
                ])
                select = select.join(name, on=on, join_type="left", copy=False)
        else:
            select = exp.select().from_(ctes[0][0])
            for name, _ in ctes[1:]:
                select = select.join(name, join_type="cross", copy=False)
        for ref in self.plan.measures:
            select = select.select(exp.alias_(values[ref.field.qualified], ref.label, quoted=True), copy=False)
        for ref, flt in self.plan.group_filters:
            select = select.where(build_condition(values[ref.field.qualified], flt, "number", self.ctx), copy=False)
        for name, body in ctes:
            select = select.with_(name, as_=body, copy=False)
        return select

    # -- joins -------------------------------------------------------------------------
    def _needed_tables(self) -> list[str]:
        tables = [r.field.table for r in self.plan.dimensions] + [r.field.table for r, _ in self.plan.row_filters]
        return list(dict.fromkeys(tables))

    def _steps(self, root: str, extra: list[str] | None = None) -> list[Step]:
        steps: dict[str, Step] = {}
        for table in [*self._needed_tables(), *(extra or [])]:
            for step in self.model.graph.path(root, table):
                steps.setdefault(step.target, step)
        return list(steps.values())

    def _root_without_measures(self) -> str:
        """For a dimensions-only query: a table that reaches all others without fan-out."""
        needed = self._needed_tables()
        for candidate in [*needed, *self.model.spec.tables]:
            try:
                if not any(s.fans_out for s in self._steps(candidate)):
                    return candidate
            except ModelError:  # no join path from this candidate; try the next
                continue
        return needed[0]

    def _from_tree(self, root: str, steps: list[Step]) -> exp.Select:
        select = exp.select().from_(self._source(root), copy=False)
        for step in steps:
            join_type = "inner" if _inner_is_safe(step) else "left"
            select = select.join(self._source(step.target), on=step.condition.copy(), join_type=join_type, copy=False)
        return select

    def _source(self, name: str) -> exp.Expr:
        table = self.model.spec.tables[name]
        if table.table is not None:
            try:
                return exp.to_table(table.table, dialect=MODEL_DIALECT).as_(name)
            except sqlglot.errors.ParseError as exc:
                raise QueryError(f"tables.{name}.table: cannot read table name {table.table!r}") from exc
        assert table.sql is not None
        try:
            query = sqlglot.parse_one(table.sql, read=MODEL_DIALECT)
        except sqlglot.errors.ParseError as exc:
            raise QueryError(f"tables.{name}.sql: cannot parse: {str(exc).splitlines()[0]}") from exc
        if not isinstance(query, exp.Query):
            raise QueryError(f"tables.{name}.sql must be a SELECT query")
        return exp.alias_(exp.Subquery(this=query), name)

    # -- fields --------------------------------------------------------------------------
    def _dim_expr(self, ref: FieldRef) -> exp.Expr:
        assert isinstance(ref.field, DimensionField)
        base = ref.field.expr.copy()
        return grain_expression(base, ref.grain, self.fiscal, self.dialect) if ref.grain else base

    def _row_conditions(self) -> list[exp.Expr]:
        out = []
        for ref, flt in self.plan.row_filters:
            assert isinstance(ref.field, DimensionField)
            kind = {"fiscal_year": "year", "year": "time_year"}.get(ref.grain or "", ref.field.spec.type)
            out.append(build_condition(self._dim_expr(ref), flt, kind, self.ctx))
        return out


def _filter_tables(measures: list[MeasureField], home: str) -> list[str]:
    """Tables other than ``home`` that measure filters read (CALCULATE on a joined dimension)."""
    tables = [c.table for m in measures if m.filter is not None for c in m.filter.find_all(exp.Column)]
    return list(dict.fromkeys(t for t in tables if t and t != home))


def _inner_is_safe(step: Step) -> bool:
    """INNER equals LEFT when every row on the many side is known to find its one-side row."""
    j = step.join
    many_to_one_forward = step.source == j.left and j.relationship in ("many_to_one", "one_to_one")
    return j.referential_integrity and many_to_one_forward


def _expr(measure: MeasureField) -> exp.Expr:
    assert measure.expr is not None
    return measure.expr


def _dims_of(cte: str, n: int) -> exp.Select:
    return exp.select(*[exp.column(f"d{i}", table=cte, quoted=True) for i in range(n)]).from_(cte)
