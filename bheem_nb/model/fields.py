"""Fields of a model, parsed once, and the rules for addressing them by name.

A field is written ``table.field`` or by a unique short name, optionally followed by a
time grain: ``order_date.month``, ``orders.order_date.fiscal_year``. Ambiguous or unknown
names fail with the candidates and the closest matches, as a spell checker would.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from bheem_nb.errors import ModelError, QueryError
from bheem_nb.model.graph import MODEL_DIALECT
from bheem_nb.model.schema import GRAINS, Dimension, Measure


@dataclass(frozen=True)
class DimensionField:
    table: str
    name: str
    spec: Dimension
    expr: exp.Expr  # columns qualified with the model table name

    @property
    def qualified(self) -> str:
        return f"{self.table}.{self.name}"


@dataclass(frozen=True)
class MeasureField:
    table: str
    name: str
    spec: Measure
    expr: exp.Expr | None  # base: the aggregated expression; derived: formula over measures
    filter: exp.Expr | None
    depends_on: tuple[str, ...] = ()  # qualified names of measures a derived measure uses
    counts_key: bool = False  # count_distinct of the table's own primary key: COUNT(pk) is equal and cheaper

    @property
    def qualified(self) -> str:
        return f"{self.table}.{self.name}"

    @property
    def is_derived(self) -> bool:
        return self.spec.is_derived


Field = DimensionField | MeasureField


@dataclass(frozen=True)
class FieldRef:
    """A field as a query names it: the field, an optional grain and the output column name."""

    field: Field
    grain: str | None
    label: str


def parse_expression(sql: str, table: str, where: str) -> exp.Expr:
    """Parse a model expression and qualify bare columns with ``table``."""
    try:
        tree = sqlglot.parse_one(sql, read=MODEL_DIALECT)
    except sqlglot.errors.ParseError as exc:
        raise ModelError(f"{where}: cannot parse {sql!r}: {str(exc).splitlines()[0]}") from exc
    if isinstance(tree, exp.Query) or tree.find(exp.Select):
        raise ModelError(f"{where}: {sql!r} must be an expression over columns, not a query")
    for col in tree.find_all(exp.Column):
        if not col.table:
            col.set("table", exp.to_identifier(table))
        elif col.table != table:
            raise ModelError(
                f"{where}: {col.sql()!r} belongs to table {col.table!r}; expressions here may only use "
                f"columns of {table!r}"
            )
    return tree


class FieldCatalog:
    """Every dimension and measure of a model, addressable by qualified or short name."""

    def __init__(self, tables: list[str]) -> None:
        self.tables = tables
        self.by_qualified: dict[str, Field] = {}
        self.by_short: dict[str, list[Field]] = {}

    def add(self, f: Field) -> None:
        self.by_qualified[f.qualified] = f
        same = [g for g in self.by_short.get(f.name, []) if g.qualified != f.qualified]
        self.by_short[f.name] = [*same, f]

    def lookup(self, name: str, table: str | None = None) -> Field:
        """Find one field by short or qualified name; raise QueryError with suggestions."""
        if table is not None:
            found = self.by_qualified.get(f"{table}.{name}")
            if found is None:
                raise QueryError(self._unknown(f"{table}.{name}", list(self.by_qualified)))
            return found
        matches = self.by_short.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            options = ", ".join(sorted(m.qualified for m in matches))
            raise QueryError(f"field {name!r} is ambiguous: it exists as {options}; write one of those")
        raise QueryError(self._unknown(name, list(self.by_short) + list(self.by_qualified)))

    def resolve(self, text: str) -> FieldRef:
        """Resolve ``field``, ``table.field``, ``field.grain`` or ``table.field.grain``."""
        if not isinstance(text, str) or not text:
            raise QueryError(f"a field must be a non-empty string, got {text!r}")
        parts = text.split(".")
        if len(parts) == 1:
            return FieldRef(self.lookup(parts[0]), None, text)
        if len(parts) == 2:
            first, second = parts
            if first in self.tables and f"{first}.{second}" in self.by_qualified:
                return FieldRef(self.by_qualified[f"{first}.{second}"], None, text)
            if second in GRAINS and first in self.by_short:
                return self._with_grain(self.lookup(first), second, text)
            if first in self.tables:
                return FieldRef(self.lookup(second, first), None, text)
            if second not in GRAINS and first in self.by_short:
                raise QueryError(f"unknown time grain {second!r} in {text!r}; grains are {', '.join(GRAINS)}")
            return FieldRef(self.lookup(first), None, text)  # raises with suggestions
        if len(parts) == 3:
            table, name, grain = parts
            if table not in self.tables:
                raise QueryError(self._unknown(table, self.tables, what="table"))
            if grain not in GRAINS:
                raise QueryError(f"unknown time grain {grain!r} in {text!r}; grains are {', '.join(GRAINS)}")
            return self._with_grain(self.lookup(name, table), grain, text)
        raise QueryError(f"cannot read field {text!r}: write field, table.field or table.field.grain")

    def _with_grain(self, f: Field, grain: str, text: str) -> FieldRef:
        if not isinstance(f, DimensionField) or f.spec.type != "time":
            raise QueryError(f"{text!r}: a time grain needs a time dimension, but {f.qualified} is not one")
        return FieldRef(f, grain, text)

    @staticmethod
    def _unknown(name: str, options: list[str], what: str = "field") -> str:
        close = difflib.get_close_matches(name, sorted(set(options)), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return f"unknown {what} {name!r}{hint}"
