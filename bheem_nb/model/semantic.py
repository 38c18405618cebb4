"""SemanticModel: the governed description of tables, fields and joins that every query uses.

Example::

    model = SemanticModel.from_yaml("sales.yml")
    model.query(measures=["revenue"], dimensions=["region"]).df
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from bheem_nb.errors import ModelError, QueryError
from bheem_nb.model.fields import DimensionField, FieldCatalog, MeasureField, parse_expression
from bheem_nb.model.graph import JoinGraph
from bheem_nb.model.loader import LineIndex, read_yaml_file, validate_spec
from bheem_nb.model.schema import ModelSpec

if TYPE_CHECKING:
    from bheem_nb.connectors.base import Connector
    from bheem_nb.engine import Engine
    from bheem_nb.result import Result


class SemanticModel:
    """A validated model bound (lazily) to its connection.

    Build it from YAML (:meth:`from_yaml`), from a dict (:meth:`from_dict`) or from Python
    keyword arguments mirroring the YAML keys::

        SemanticModel(name="sales", connection="duckdb:///demo.duckdb",
                      tables={"orders": {"table": "main.orders", "measures": {...}}})
    """

    def __init__(
        self,
        spec: ModelSpec | Mapping[str, Any] | None = None,
        *,
        base_dir: str | Path | None = None,
        connector: Connector | None = None,
        engine: Engine | None = None,
        _index: LineIndex | None = None,
        **keys: Any,
    ) -> None:
        if spec is None:
            spec = keys
        elif keys:
            raise ModelError("pass either a spec or keyword arguments, not both")
        self.spec = spec if isinstance(spec, ModelSpec) else validate_spec(spec, _index)
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self.graph = JoinGraph(self.spec)
        self.fields = _build_catalog(self.spec)
        self.version = hashlib.sha256(self.spec.model_dump_json().encode()).hexdigest()[:16]
        self._connector = connector
        self._engine = engine

    @classmethod
    def from_yaml(cls, path: str | Path, **options: Any) -> SemanticModel:
        """Load a model file; a relative ``connection`` path is read relative to the file."""
        data, index = read_yaml_file(path)
        return cls(data, base_dir=Path(path).resolve().parent, _index=index, **options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **options: Any) -> SemanticModel:
        return cls(data, **options)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def connector(self) -> Connector:
        """The model's connection, opened on first use."""
        if self._connector is None:
            if not self.spec.connection:
                raise ModelError(f"model {self.name!r} has no `connection`; set one or pass connector=")
            from bheem_nb.connectors import connect

            self._connector = connect(self.spec.connection, base_dir=self.base_dir)
        return self._connector

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from bheem_nb.engine import default_engine

            self._engine = default_engine()
        return self._engine

    def query(self, **spec: Any) -> Result:
        """Run a query; keyword names equal the JSON keys (measures, dimensions, filters, ...).

        ``user=`` (a :class:`bheem_nb.User` or a user id/email of the model's ``users:``) runs
        it under that user's row-level security; default: the current user.
        """
        from bheem_nb.query.spec import QuerySpec

        user = spec.pop("user", None)
        return self.engine.run(self, QuerySpec.from_dict(spec), user=user)

    def sql(self, sql: str, user: Any = None) -> Result:
        """Run one read-only SELECT over the model's tables, guarded and row-level secured.

            model.sql("SELECT region, count(*) FROM customers GROUP BY 1", user="alice@acme.com")
        """
        return self.engine.run_sql(self, sql, user=user)

    def to_sql(self, **spec: Any) -> str:
        """The SQL a query would run on this model's connection, without running it."""
        from bheem_nb.query.spec import QuerySpec

        return self.engine.compile(self, QuerySpec.from_dict(spec)).sql

    def check(self) -> None:
        """Run a zero-row query per field on the connection; raise ModelError listing every failure.

        Catches what YAML validation cannot: a misspelt column, a wrong table name, a type error.
        """
        from bheem_nb.model.check import raise_on_problems

        raise_on_problems(self)

    def describe(self) -> list[dict[str, Any]]:
        """One row per field: what widgets, Kodee and documentation list."""
        rows = []
        for f in self.fields.by_qualified.values():
            spec = f.spec
            kind_type = f.spec.type if isinstance(f, DimensionField) else _measure_type(f)
            rows.append(
                {
                    "field": f.qualified,
                    "kind": "measure" if isinstance(f, MeasureField) else "dimension",
                    "type": kind_type,
                    "label": spec.label or f.name.replace("_", " ").capitalize(),
                    "format": spec.format,
                    "description": spec.description,
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self.spec.model_dump_json(exclude_defaults=True))  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        n_dims = sum(isinstance(f, DimensionField) for f in self.fields.by_qualified.values())
        n_meas = len(self.fields.by_qualified) - n_dims
        return f"<SemanticModel {self.name!r}: {len(self.spec.tables)} tables, {n_dims} dimensions, {n_meas} measures>"


def _measure_type(m: MeasureField) -> str:
    """``sum``…, ``derived``, ``formula`` or the time-intelligence form, e.g. ``revenue:ytd``."""
    if m.spec.ti is not None:
        return f"{m.spec.base}:{m.spec.ti}"
    if m.spec.formula is not None:
        return "formula"
    return m.spec.agg or "derived"


def _build_catalog(spec: ModelSpec) -> FieldCatalog:
    catalog = FieldCatalog(list(spec.tables))
    derived: list[tuple[str, str, exp.Expr]] = []
    for tname, table in spec.tables.items():
        for dname, dim in table.dimensions.items():
            where = f"tables.{tname}.dimensions.{dname}"
            expr = parse_expression(dim.expr or dname, tname, where)
            catalog.add(DimensionField(tname, dname, dim, expr))
        for mname, meas in table.measures.items():
            where = f"tables.{tname}.measures.{mname}"
            if meas.ti is not None or meas.formula is not None:  # resolved by the query planner
                catalog.add(MeasureField(tname, mname, meas, None, None))
                continue
            if meas.is_derived:
                assert meas.expr is not None
                derived.append((tname, mname, _parse_formula(meas.expr, where)))
                continue
            agg_expr = parse_expression(meas.expr, tname, where + ".expr") if meas.expr else None
            cond = parse_expression(meas.filter, tname, where + ".filter") if meas.filter else None
            counts_key = (
                meas.agg == "count_distinct"
                and isinstance(agg_expr, exp.Column)
                and table.key_columns == [agg_expr.name]
            )
            catalog.add(MeasureField(tname, mname, meas, agg_expr, cond, counts_key=counts_key))
    for tname, mname, formula in derived:
        catalog.add(MeasureField(tname, mname, spec.tables[tname].measures[mname], formula, None))
    for tname, mname, formula in derived:
        deps = _formula_dependencies(catalog, tname, mname, formula)
        field = catalog.by_qualified[f"{tname}.{mname}"]
        assert isinstance(field, MeasureField)
        catalog.add(MeasureField(tname, mname, field.spec, formula, None, deps))
    for tname, mname, _ in derived:
        _check_no_cycle(catalog, f"{tname}.{mname}", [])
    _check_time_intelligence(spec, catalog)
    return catalog


def _check_time_intelligence(spec: ModelSpec, catalog: FieldCatalog) -> None:
    from bheem_nb.query.formula import parse_formula
    from bheem_nb.query.time_intelligence import parse_modifier

    for tname, table in spec.tables.items():
        for mname, meas in table.measures.items():
            where = f"tables.{tname}.measures.{mname}"
            if meas.formula is not None:
                try:
                    parse_formula(meas.formula, f"{where}.formula", catalog, f"{tname}.{mname}")
                except QueryError as exc:
                    raise ModelError(str(exc)) from exc
            if meas.ti is None or meas.base is None:
                continue
            try:
                base = catalog.lookup(meas.base, tname if f"{tname}.{meas.base}" in catalog.by_qualified else None)
                parse_modifier(meas.ti, f"{where}.ti")
            except QueryError as exc:
                raise ModelError(f"{where}: {exc}") from exc
            if not isinstance(base, MeasureField) or base.spec.ti is not None:
                raise ModelError(f"{where}.base: {meas.base!r} must be a measure without a `ti` of its own")


def _parse_formula(sql: str, where: str) -> exp.Expr:
    import sqlglot

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise ModelError(f"{where}: cannot parse {sql!r}: {str(exc).splitlines()[0]}") from exc
    if tree.find(exp.AggFunc):
        raise ModelError(f"{where}: a derived measure combines measures; aggregate in a base measure with `agg`")
    return tree


def _formula_dependencies(catalog: FieldCatalog, tname: str, mname: str, formula: exp.Expr) -> tuple[str, ...]:
    where = f"tables.{tname}.measures.{mname}"
    deps: list[str] = []
    for col in formula.find_all(exp.Column):
        try:
            ref = catalog.lookup(col.name, col.table or None)
        except QueryError as exc:
            raise ModelError(f"{where}: {exc}") from exc
        if not isinstance(ref, MeasureField):
            raise ModelError(f"{where}: {col.sql()!r} is a dimension; a derived measure may only use measures")
        if ref.qualified == f"{tname}.{mname}":
            raise ModelError(f"{where}: the measure refers to itself")
        col.set("table", exp.to_identifier(ref.table))
        deps.append(ref.qualified)
    if not deps:
        raise ModelError(f"{where}: a derived measure must use at least one other measure; else give it `agg`")
    return tuple(dict.fromkeys(deps))


def _check_no_cycle(catalog: FieldCatalog, name: str, trail: list[str]) -> None:
    if name in trail:
        chain = " -> ".join([*trail[trail.index(name):], name])
        raise ModelError(f"derived measures refer to each other in a cycle: {chain}")
    field = catalog.by_qualified[name]
    assert isinstance(field, MeasureField)
    for dep in field.depends_on:
        _check_no_cycle(catalog, dep, [*trail, name])
