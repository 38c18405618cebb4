"""Turn a :class:`Filter` into a sqlglot condition with every value bound as a literal.

Semantics a BI user expects, not raw SQL three-valued logic: ``!=`` and ``not_in`` keep
blank (NULL) rows, ``contains``/``starts_with`` ignore case and treat ``%`` and ``_`` as
plain characters, and date ranges include whole end days even on timestamp columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.query import dates
from bheem_nb.query.dialects import date_literal
from bheem_nb.query.spec import Filter

ValueKind = str  # "string" | "number" | "time" | "boolean" | "year"
_COMPARE: dict[str, type[exp.Binary]] = {"=": exp.EQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
_TIME_ONLY = ("relative_date", "relative_period", "date_range")
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class FilterContext:
    dialect: str
    as_of: dt.date
    fiscal_start_month: int = 1


def build_condition(target: exp.Expr, flt: Filter, kind: ValueKind, ctx: FilterContext) -> exp.Expr:
    """The condition for one filter applied to ``target`` (a column or aggregate expression)."""
    op = flt.op
    if op in _TIME_ONLY and kind not in ("time", "time_year"):
        raise QueryError(f"filter {op!r} on {flt.field!r} needs a time dimension (day, week, month, ... grain)")
    values = [_coerce(v, kind, flt) for v in flt.values]
    lit = lambda v: _literal(v, ctx.dialect)  # noqa: E731

    if op in ("is_null", "not_null"):
        _arity(flt, values, 0)
        cond: exp.Expr = exp.Is(this=target.copy(), expression=exp.Null())
        return cond if op == "is_null" else exp.not_(cond)
    if op in ("=", "!="):
        _arity(flt, values, 1)
        if values[0] is None:
            cond = exp.Is(this=target.copy(), expression=exp.Null())
            return cond if op == "=" else exp.not_(cond)
        if op == "=":
            return exp.EQ(this=target.copy(), expression=lit(values[0]))
        return _or_null(exp.NEQ(this=target.copy(), expression=lit(values[0])), target)
    if op in _COMPARE:
        _arity(flt, values, 1, allow_null=False)
        return _COMPARE[op](this=target.copy(), expression=lit(values[0]))
    if op in ("in", "not_in"):
        return _membership(target, flt, values, ctx)
    if op in ("between", "date_range"):
        _arity(flt, values, 2)
        lo, hi = values
        if lo is None and hi is None:
            raise QueryError(f"filter {op!r} on {flt.field!r} needs at least one bound")
        parts: list[exp.Expr] = []
        if lo is not None:
            parts.append(exp.GTE(this=target.copy(), expression=lit(lo)))
        if hi is not None:
            if kind in ("time", "time_year") and isinstance(hi, dt.date) and not isinstance(hi, dt.datetime):
                parts.append(exp.LT(this=target.copy(), expression=lit(hi + _ONE_DAY)))
            else:
                parts.append(exp.LTE(this=target.copy(), expression=lit(hi)))
        return exp.and_(*parts)
    if op in ("contains", "starts_with"):
        _arity(flt, values, 1, allow_null=False)
        text = str(values[0]).lower().replace("!", "!!").replace("%", "!%").replace("_", "!_")
        pattern = (f"%{text}%" if op == "contains" else f"{text}%")
        subject = exp.Lower(this=exp.cast(target.copy(), "text"))
        like = exp.Like(this=subject, expression=exp.Literal.string(pattern))
        return exp.Escape(this=like, expression=exp.Literal.string("!"))
    if op in ("relative_date", "relative_period"):
        start, end = _relative_bounds(flt, ctx)
        return exp.and_(
            exp.GTE(this=target.copy(), expression=lit(start)),
            exp.LT(this=target.copy(), expression=lit(end)),
        )
    raise QueryError(f"filter op {op!r} is not supported here")


def _membership(target: exp.Expr, flt: Filter, values: list[Any], ctx: FilterContext) -> exp.Expr:
    wants_null = any(v is None for v in values)
    items = [_literal(v, ctx.dialect) for v in values if v is not None]
    if flt.op == "in":
        if not items and not wants_null:
            return exp.false()  # an empty selection selects nothing
        parts: list[exp.Expr] = []
        if items:
            parts.append(exp.In(this=target.copy(), expressions=items))
        if wants_null:
            parts.append(exp.Is(this=target.copy(), expression=exp.Null()))
        return exp.or_(*parts) if len(parts) > 1 else parts[0]
    if not items and not wants_null:
        return exp.true()
    not_null = exp.not_(exp.Is(this=target.copy(), expression=exp.Null()))
    if not items:
        return not_null
    excluded = exp.not_(exp.In(this=target.copy(), expressions=items))
    return exp.and_(excluded, not_null) if wants_null else _or_null(excluded, target)


def _or_null(cond: exp.Expr, target: exp.Expr) -> exp.Expr:
    return exp.or_(cond, exp.Is(this=target.copy(), expression=exp.Null()))


def _relative_bounds(flt: Filter, ctx: FilterContext) -> tuple[dt.date, dt.date]:
    if len(flt.values) != 2:
        got = list(flt.values)
        raise QueryError(f"filter {flt.op!r} on {flt.field!r} takes [n, unit], e.g. [-30, 'day']; got {got}")
    n, unit = flt.values
    if isinstance(n, bool) or not isinstance(n, int):
        raise QueryError(f"filter {flt.op!r} on {flt.field!r}: the count must be a whole number, got {n!r}")
    try:
        if flt.op == "relative_date":
            return dates.relative_date_bounds(ctx.as_of, n, str(unit))
        return dates.relative_period_bounds(ctx.as_of, n, str(unit), ctx.fiscal_start_month)
    except ValueError as exc:
        raise QueryError(f"filter {flt.op!r} on {flt.field!r}: {exc}") from exc


def _arity(flt: Filter, values: list[Any], n: int, *, allow_null: bool = True) -> None:
    if len(values) != n:
        need = {0: "no values", 1: "one value", 2: "two values [low, high]"}[n]
        raise QueryError(f"filter {flt.op!r} on {flt.field!r} takes {need}, got {list(flt.values)}")
    if not allow_null and any(v is None for v in values):
        raise QueryError(f"filter {flt.op!r} on {flt.field!r} cannot compare with null; use is_null/not_null")


def _coerce(value: Any, kind: ValueKind, flt: Filter) -> Any:
    if value is None or flt.op in ("relative_date", "relative_period", "contains", "starts_with"):
        return value
    whole_year = isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())
    if kind == "time_year" and whole_year:  # order_date.year = 2024
        return dt.date(int(value), 1, 1)
    if kind in ("time", "time_year"):
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
            except ValueError as exc:
                raise QueryError(f"filter on {flt.field!r}: {value!r} is not an ISO date like 2024-06-30") from exc
        raise QueryError(f"filter on {flt.field!r}: expected a date, got {value!r}")
    if kind in ("number", "year") and isinstance(value, str):
        try:
            return int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError as exc:
            raise QueryError(f"filter on {flt.field!r}: expected a number, got {value!r}") from exc
    return value


def _literal(value: Any, dialect: str) -> exp.Expr:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    if isinstance(value, dt.date):
        return date_literal(value, dialect)
    return exp.Literal.string(str(value))
