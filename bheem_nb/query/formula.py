"""Calculated measures in a small formula language, parsed by sqlglot and checked node by node.

    margin_pct: {formula: "DIVIDE(revenue - cost, revenue, 0) * 100"}
    north_share: {formula: "DIVIDE(CALCULATE(revenue, region = 'North'), revenue)"}

Arithmetic over measures, comparisons, ``DIVIDE(a, b[, alternate])``, ``IF(cond, a[, b])``,
``COALESCE``, ``ABS``, ``ROUND(x[, digits])`` and ``CALCULATE(expr, field = value, …)`` (the
expression under extra row filters on dimensions). Nothing is evaluated in Python and no text is
spliced into SQL: only whitelisted node types survive, and every error quotes the formula with a
caret under the offending token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import sqlglot
from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import DimensionField, MeasureField
from bheem_nb.query.aggregates import wrap
from bheem_nb.query.time_intelligence import Modifier

_ARITH = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Neg, exp.Paren, exp.Literal, exp.Null, exp.Boolean)
_COMPARE = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or, exp.Not, exp.Is)
_FUNCS = (exp.If, exp.Case, exp.Coalesce, exp.Abs, exp.Round)
_CONDITION = (*_COMPARE, exp.In, exp.Between, exp.Paren, exp.Literal, exp.Null, exp.Boolean, exp.Neg, exp.Column,
              exp.Identifier, exp.Tuple)
_NOT_YET: tuple[str, ...] = ()
_OUTER = {exp.Avg: "avg", exp.Min: "min", exp.Max: "max", exp.Sum: "sum"}
_LOD = ("FIXED", "EXCLUDE")
_REMOVE = ("ALL", "AL_", "REMOVEFILTERS")
_PERIODS = ("SAMEPERIODLASTYEAR", "DATEADD")
_DATEADD_UNITS = ("day", "week", "month", "quarter", "year")
FUNCTIONS = ("DIVIDE", "IF", "COALESCE", "ABS", "ROUND", "CALCULATE", "SAMEPERIODLASTYEAR", "DATEADD", "ALL",
             "REMOVEFILTERS", "FIXED", "EXCLUDE", "AVG/MIN/MAX/SUM(INCLUDE)")


@dataclass(frozen=True)
class Lod:
    """A measure at another level of detail: ``fixed`` at ``dims``, or the query's dims without them."""

    base: MeasureField
    mode: str  # "fixed" | "exclude" | "all"
    dims: tuple[tuple[str, str | None], ...]  # (qualified field, grain)
    text: str
    outer: str | None = None  # INCLUDE: how the finer values become one per query row (avg, min, max, sum)
Shift = Modifier | None


def _caret(text: str, start: int, end: int | None = None) -> str:
    width = max(1, (end if end is not None else start) - start + 1)
    return f"\n    {text}\n    {' ' * start}{'^' * width}"


def _position(text: str, token: str) -> int:
    match = re.search(rf"\b{re.escape(token)}\b", text, re.IGNORECASE)
    return match.start() if match else 0


@dataclass
class Formula:
    """A parsed formula: a tree whose measure leaves are ``table.name`` columns of ``fields``."""

    tree: exp.Expr
    fields: dict[str, MeasureField] = field(default_factory=dict)  # synthetic measures by qualified name
    ti_leaves: dict[str, tuple[MeasureField, Modifier]] = field(default_factory=dict)  # period comparisons
    lod_leaves: dict[str, Lod] = field(default_factory=dict)  # FIXED / EXCLUDE / ALL


class _Translator:
    def __init__(self, text: str, where: str, catalog: object, owner: str) -> None:
        from bheem_nb.model.fields import FieldCatalog

        assert isinstance(catalog, FieldCatalog)
        self.text, self.where, self.catalog, self.owner = text, where, catalog, owner
        self.fields: dict[str, MeasureField] = {}
        self.ti_leaves: dict[str, tuple[MeasureField, Modifier]] = {}
        self.lod_leaves: dict[str, Lod] = {}
        self.lod: tuple[str, tuple[tuple[str, str | None], ...], str, str | None] | None = None

    def error(self, message: str, start: int, end: int | None = None) -> QueryError:
        return QueryError(f"{self.where}: {message}{_caret(self.text, start, end)}")

    def node_error(self, node: exp.Expr, message: str) -> QueryError:
        if isinstance(node, exp.Func):
            name = str(node.name) if isinstance(node, exp.Anonymous) else node.sql_name()
            start = _position(self.text, name)
            return self.error(message, start, start + len(name) - 1)
        ident = node.find(exp.Identifier)
        meta = ident.meta if ident is not None else {}
        if "start" in meta:
            return self.error(message, meta["start"], meta.get("end"))
        name = node.name if isinstance(node, exp.Anonymous) else node.key.upper()
        return self.error(message, _position(self.text, str(name)))

    def translate(self, node: exp.Expr, filters: tuple[exp.Expr, ...], shift: Shift = None) -> exp.Expr:
        if isinstance(node, exp.Column):
            return self.leaf(node, filters, shift)
        if isinstance(node, exp.Anonymous):
            return self.function(node, filters, shift)
        inner = node.this if isinstance(node, tuple(_OUTER)) else None
        if isinstance(inner, exp.Anonymous) and str(inner.name).upper() == "INCLUDE":
            args = inner.expressions
            if not args:
                raise self.node_error(inner, "INCLUDE takes (dimension, …: expression)")
            dims = self.lod_dims(inner, args[:-1])
            outer = next(v for k, v in _OUTER.items() if isinstance(node, k))
            return self.at_level("include", dims, inner, lambda: self.translate(args[-1], filters, shift), outer)
        if not isinstance(node, (*_ARITH, *_COMPARE, *_FUNCS)):
            raise self.node_error(node, f"{node.key.upper()} is not allowed in a formula; use arithmetic, "
                                        f"comparisons and {', '.join(FUNCTIONS)}")
        out = node.copy()
        for key, value in list(out.args.items()):
            if isinstance(value, exp.Expr):
                out.set(key, self.translate(node.args[key], filters, shift))
            elif isinstance(value, list):
                out.set(key, [self.translate(v, filters, shift) if isinstance(v, exp.Expr) else v
                              for v in node.args[key]])
        return out

    def function(self, node: exp.Anonymous, filters: tuple[exp.Expr, ...], shift: Shift) -> exp.Expr:
        name, args = str(node.name).upper().replace("AL_", "ALL"), node.expressions
        if name == "DIVIDE":
            if len(args) not in (2, 3):
                raise self.node_error(node, "DIVIDE takes (numerator, denominator[, alternate result])")
            num, den = (self.translate(a, filters, shift) for a in args[:2])
            alt = self.translate(args[2], filters, shift) if len(args) == 3 else exp.Null()
            zero = exp.or_(exp.EQ(this=den.copy(), expression=exp.Literal.number(0)),
                           exp.Is(this=den.copy(), expression=exp.Null()))
            return exp.Case(ifs=[exp.If(this=zero, true=alt)], default=exp.Div(this=wrap(num), expression=wrap(den)))
        if name == "CALCULATE":
            if not args:
                raise self.node_error(node, "CALCULATE takes (expression, filter, …)")
            periods = [a for a in args[1:] if isinstance(a, exp.Anonymous) and str(a.name).upper() in _PERIODS]
            if len(periods) > 1:
                raise self.node_error(periods[1], "CALCULATE takes at most one SAMEPERIODLASTYEAR or DATEADD")
            for p in periods:
                if str(p.name).upper() == "SAMEPERIODLASTYEAR" and p.expressions:
                    raise self.node_error(p, "inside CALCULATE write SAMEPERIODLASTYEAR() without arguments")
                shift = self.period(p, shift)
            removes = [a for a in args[1:] if isinstance(a, exp.Anonymous) and str(a.name).upper() in _REMOVE]
            extra = tuple(self.condition(a) for a in args[1:] if a not in periods and a not in removes)
            if removes:
                dims = tuple(d for r in removes for d in self.lod_dims(r, r.expressions))
                inner = args[0]
                return self.at_level("all", dims, removes[0],
                                     lambda: self.translate(inner, (*filters, *extra), shift))
            return exp.Paren(this=self.translate(args[0], (*filters, *extra), shift))
        if name in _LOD:
            if not args:
                raise self.node_error(node, f"{name} takes (dimension, …: expression), e.g. {name}(region: revenue)")
            dims = self.lod_dims(node, args[:-1])
            return self.at_level(name.lower(), dims, node, lambda: self.translate(args[-1], filters, shift))
        if name in _REMOVE:
            raise self.node_error(node, f"{name}(field) is a CALCULATE filter, e.g. CALCULATE(revenue, {name}(region))")
        if name == "SAMEPERIODLASTYEAR":
            if len(args) != 1:
                raise self.node_error(node, "SAMEPERIODLASTYEAR takes (expression), or use it inside CALCULATE")
            return exp.Paren(this=self.translate(args[0], filters, self.period(node, shift)))
        if name == "DATEADD":
            raise self.node_error(node, "DATEADD(n, unit) is a CALCULATE filter, e.g. "
                                        "CALCULATE(revenue, DATEADD(-1, month))")
        if name == "INCLUDE":
            raise self.node_error(node, "INCLUDE needs an outer aggregate for the finer values, e.g. "
                                        "AVG(INCLUDE(customer: revenue)); AVG, MIN, MAX and SUM work")
        if name in _NOT_YET:
            hint = ("; for time comparisons use a time-intelligence measure, e.g. {base: revenue, ti: py}"
                    if name in ("SAMEPERIODLASTYEAR", "DATEADD") else "")
            raise self.node_error(node, f"{name} is not supported in formulas yet{hint}")
        raise self.node_error(node, f"unknown function {name}; formulas know {', '.join(FUNCTIONS)}")

    def lod_dims(self, node: exp.Expr, args: list[exp.Expr]) -> tuple[tuple[str, str | None], ...]:
        out = []
        for a in args:
            if not isinstance(a, exp.Column):
                raise self.node_error(a if isinstance(a, exp.Func) else node, "list dimensions (fields) here")
            meta = a.this.meta if isinstance(a.this, exp.Identifier) else {}
            try:
                ref = self.catalog.resolve(a.sql())
            except QueryError as exc:
                raise self.error(str(exc), meta.get("start", 0), meta.get("end")) from exc
            if not isinstance(ref.field, DimensionField):
                raise self.error(f"{a.sql()!r} is a measure; list dimensions here",
                                 meta.get("start", 0), meta.get("end"))
            out.append((ref.field.qualified, ref.grain))
        return tuple(out)

    def at_level(self, mode: str, dims: tuple[tuple[str, str | None], ...], node: exp.Expr,
                 inner: object, outer: str | None = None) -> exp.Expr:
        if self.lod is not None:
            raise self.node_error(node, "levels of detail do not nest")
        self.lod = (mode, dims, node.sql(), outer)
        try:
            assert callable(inner)
            return exp.Paren(this=inner())
        finally:
            self.lod = None

    def period(self, node: exp.Anonymous, shift: Shift) -> Modifier:
        """SAMEPERIODLASTYEAR() or DATEADD(n, unit) as a time-intelligence shift."""
        if shift is not None:
            raise self.node_error(node, "period comparisons do not nest")
        name, args = str(node.name).upper(), node.expressions
        if name == "SAMEPERIODLASTYEAR":
            return Modifier("py")
        n_node, unit_node = (args[0], args[1]) if len(args) == 2 else (None, None)
        n_text = n_node.sql() if n_node is not None else ""
        unit = unit_node.name.lower().removesuffix("s") if isinstance(unit_node, exp.Column) else ""
        if not n_text.lstrip("-").isdigit() or int(n_text) == 0 or unit not in _DATEADD_UNITS:
            raise self.node_error(node, f"DATEADD takes (n, unit): a non-zero whole number and one of "
                                        f"{', '.join(_DATEADD_UNITS)}, e.g. DATEADD(-1, month)")
        return Modifier("shift", int(n_text), unit)

    def condition(self, node: exp.Expr) -> exp.Expr:
        for sub in node.walk():
            if not isinstance(sub, _CONDITION):
                raise self.node_error(sub, f"a CALCULATE filter compares dimensions with values; "
                                           f"{sub.key.upper()} is not allowed there")
        out = node.copy()
        for col in list(out.find_all(exp.Column)):
            meta = col.this.meta if isinstance(col.this, exp.Identifier) else {}
            try:
                ref = self.catalog.resolve(col.sql())
            except QueryError as exc:
                raise self.error(str(exc), meta.get("start", 0), meta.get("end")) from exc
            if not isinstance(ref.field, DimensionField) or ref.grain is not None:
                raise self.error(f"{col.sql()!r} must be a dimension (without a time grain) in a CALCULATE filter",
                                 meta.get("start", 0), meta.get("end"))
            col.replace(ref.field.expr.copy())
        return out

    def leaf(self, node: exp.Column, filters: tuple[exp.Expr, ...], shift: Shift = None) -> exp.Expr:
        meta = node.this.meta if isinstance(node.this, exp.Identifier) else {}
        try:
            found = self.catalog.lookup(node.name, node.table or None)
        except QueryError as exc:
            raise self.error(str(exc), meta.get("start", 0), meta.get("end")) from exc
        if not isinstance(found, MeasureField):
            raise self.error(f"{node.sql()!r} is a dimension; compare dimensions only inside CALCULATE(…, filter)",
                             meta.get("start", 0), meta.get("end"))
        if found.spec.ti is not None or found.spec.formula is not None:
            raise self.error(f"{found.qualified} is itself a time-intelligence or formula measure; formulas use "
                             "plain and derived measures", meta.get("start", 0), meta.get("end"))
        m = self.filtered(found, exp.and_(*[f.copy() for f in filters])) if filters else found
        if self.lod is not None:
            if shift is not None:
                raise self.error("a level of detail and a period comparison cannot be combined yet",
                                 meta.get("start", 0), meta.get("end"))
            mode, dims, text, outer = self.lod
            name = f"{m.name}__{self.owner}{len(self.fields) + len(self.ti_leaves) + len(self.lod_leaves)}"
            self.lod_leaves[f"{m.table}.{name}"] = Lod(m, mode, dims, text, outer)
            return exp.column(name, table=m.table)
        if shift is not None:
            name = f"{m.name}__{self.owner}{len(self.fields) + len(self.ti_leaves)}"
            self.ti_leaves[f"{m.table}.{name}"] = (m, shift)
            return exp.column(name, table=m.table)
        return exp.column(m.name, table=m.table)

    def filtered(self, m: MeasureField, cond: exp.Expr) -> MeasureField:
        """``m`` under an extra row condition; a derived measure gets it on each measure it uses."""
        name = f"{m.name}__{self.owner}{len(self.fields)}"  # unique per formula measure
        if not m.is_derived:
            both = exp.and_(m.filter.copy(), cond.copy()) if m.filter is not None else cond.copy()
            out = replace(m, name=name, filter=both)
        else:
            assert m.expr is not None
            tree, deps = m.expr.copy(), []
            for dep in m.depends_on:
                inner = self.catalog.by_qualified[dep]
                assert isinstance(inner, MeasureField)
                sub = self.filtered(inner, cond)
                deps.append(sub.qualified)
                for col in tree.find_all(exp.Column):
                    if f"{col.table}.{col.name}" == dep:
                        col.replace(exp.column(sub.name, table=sub.table))
            out = replace(m, name=name, expr=tree, depends_on=tuple(deps))
        self.fields[out.qualified] = out
        return out


def _lod_colons(text: str) -> str:
    """``FIXED(region: revenue)`` → ``FIXED(region, revenue)`` (same length, so carets stay put).

    ``ALL(x)`` becomes ``AL_(x)``: sqlglot reads ``ALL (x)`` as the SQL quantifier and drops it.
    """
    out = list(text)
    for match in re.finditer(r"\bALL(?=\s*\()", text, re.IGNORECASE):
        out[match.start() + 2] = "_"
    for match in re.finditer(r"\b(FIXED|EXCLUDE|INCLUDE)\s*\(", text, re.IGNORECASE):
        depth, quote = 1, ""
        for i in range(match.end(), len(text)):
            ch = text[i]
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    break
            elif ch == ":" and depth == 1:
                before = text[match.end():i].strip()
                out[i] = "," if before else " "
                break
    return "".join(out)


def parse_formula(text: str, where: str, catalog: object, owner: str) -> Formula:
    """Parse and check ``text``; measure leaves become columns, CALCULATE leaves synthetic measures.

    ``owner`` (the formula measure's qualified name) keeps synthetic measure names unique.
    """
    try:
        tree = sqlglot.parse_one(_lod_colons(text), read="duckdb")
    except sqlglot.errors.ParseError as exc:
        err = exc.errors[0] if exc.errors else {}
        col = max(0, int(err.get("col", 1)) - 1)
        raise QueryError(f"{where}: cannot read the formula: {err.get('description', exc)}"
                         f"{_caret(text, col)}") from exc
    t = _Translator(text, where, catalog, owner.replace(".", "_"))
    return Formula(t.translate(tree, ()), t.fields, t.ti_leaves, t.lod_leaves)
