"""Date arithmetic that sqlglot does not transpile faithfully, built per dialect as ASTs.

sqlglot turns ``DATE_TRUNC`` into invalid or wrong SQL for MySQL and SQLite, so those two
get hand-checked templates; every other dialect uses sqlglot's own nodes. Templates are
parsed once; the placeholder ``X`` is replaced by the (already built) operand tree, so no
value is ever spliced into SQL text.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import sqlglot
from sqlglot import exp

_MYSQL = {
    "year": "MAKEDATE(YEAR(X), 1)",
    "quarter": "DATE_ADD(MAKEDATE(YEAR(X), 1), INTERVAL (QUARTER(X) - 1) QUARTER)",
    "month": "DATE_SUB(DATE(X), INTERVAL (DAYOFMONTH(X) - 1) DAY)",
    "week": "DATE_SUB(DATE(X), INTERVAL WEEKDAY(X) DAY)",
    "day": "DATE(X)",
    "add_months": "DATE_ADD(X, INTERVAL N MONTH)",
    "add_days": "DATE_ADD(X, INTERVAL N DAY)",
    "year_number": "YEAR(X)",
}
_SQLITE = {
    "year": "DATE(X, 'start of year')",
    "quarter": "DATE(X, 'start of month', '-' || ((CAST(STRFTIME('%m', X) AS INTEGER) - 1) % 3) || ' months')",
    "month": "DATE(X, 'start of month')",
    "week": "DATE(X, '-' || ((CAST(STRFTIME('%w', X) AS INTEGER) + 6) % 7) || ' days')",
    "day": "DATE(X)",
    "add_months": "DATE(X, N)",
    "year_number": "CAST(STRFTIME('%Y', X) AS INTEGER)",
}
_TEMPLATES = {"mysql": _MYSQL, "sqlite": _SQLITE}
CALENDAR_GRAINS = ("year", "quarter", "month", "week", "day")


@cache
def _template(dialect: str, name: str) -> exp.Expr:
    return sqlglot.parse_one(_TEMPLATES[dialect][name], read=dialect)


def _fill(dialect: str, name: str, x: exp.Expr, n: exp.Expr | None = None) -> exp.Expr:
    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and not node.table:
            if node.name == "X":
                return x.copy()
            if node.name == "N" and n is not None:
                return n.copy()
        return node

    return _template(dialect, name).copy().transform(swap)


def date_literal(value: dt.date, dialect: str) -> exp.Expr:
    """A DATE constant; SQLite keeps dates as ISO text."""
    if isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
        return exp.Literal.string(text) if dialect == "sqlite" else exp.cast(exp.Literal.string(text), "timestamp")
    lit = exp.Literal.string(value.isoformat())
    return lit if dialect == "sqlite" else exp.cast(lit, "date")


def truncate(x: exp.Expr, grain: str, dialect: str) -> exp.Expr:
    """The first day of the calendar ``grain`` containing ``x``, as a DATE (weeks start Monday)."""
    if grain not in CALENDAR_GRAINS:
        raise ValueError(f"not a calendar grain: {grain}")
    if dialect in _TEMPLATES:
        return _fill(dialect, grain, x)
    if grain == "day":
        return exp.cast(x, "date")
    unit: exp.Expr = exp.var(grain.upper())
    if grain == "week" and dialect == "bigquery":  # BigQuery's plain WEEK starts on Sunday; ISOWEEK on Monday
        unit = exp.var("ISOWEEK")
    return exp.cast(exp.DateTrunc(this=x, unit=unit), "date")


def add_months(x: exp.Expr, months: int, dialect: str) -> exp.Expr:
    """``x`` shifted by a whole number of months, as a DATE."""
    if months == 0:
        return x
    if dialect == "sqlite":
        # SQLite does not clamp (Jul 31 − 1 month = Jul 1): take the earlier of that and the month's end
        moved = _fill(dialect, "add_months", x, exp.Literal.string(f"{months:+d} months"))
        month_end = exp.func("DATE", x.copy(), exp.Literal.string("start of month"),
                             exp.Literal.string(f"{months + 1:+d} months"), exp.Literal.string("-1 day"))
        return exp.func("MIN", moved, month_end)
    if dialect == "mysql":
        return _fill(dialect, "add_months", x, exp.Literal.number(months))
    return exp.cast(exp.DateAdd(this=x, expression=exp.Literal.number(months), unit=exp.var("MONTH")), "date")


def year_number(x: exp.Expr, dialect: str) -> exp.Expr:
    if dialect in _TEMPLATES:
        return _fill(dialect, "year_number", x)
    return exp.cast(exp.Extract(this=exp.var("YEAR"), expression=x), "int")


def fiscal_year(x: exp.Expr, start_month: int, dialect: str) -> exp.Expr:
    """The fiscal year label: the calendar year in which the fiscal year ends."""
    shift = (13 - start_month) % 12
    if shift == 0:
        return year_number(x, dialect)
    # month starts first: SQLite's month arithmetic overflows (Dec 31 − 3 months = Oct 1)
    return year_number(add_months(truncate(x, "month", dialect), shift, dialect), dialect)


def fiscal_quarter_start(x: exp.Expr, start_month: int, dialect: str) -> exp.Expr:
    """The first day of the fiscal quarter containing ``x``."""
    offset = start_month - 1
    if offset == 0:
        return truncate(x, "quarter", dialect)
    month = truncate(x, "month", dialect)
    return add_months(truncate(add_months(month, -offset, dialect), "quarter", dialect), offset, dialect)


def grain_expression(x: exp.Expr, grain: str, start_month: int, dialect: str) -> exp.Expr:
    if grain == "fiscal_year_start":  # internal: the fiscal year as its first day, for time intelligence
        return period_start(x, "fiscal_year", start_month, dialect)
    if grain == "fiscal_year":
        return fiscal_year(x, start_month, dialect)
    if grain == "fiscal_quarter":
        return fiscal_quarter_start(x, start_month, dialect)
    return truncate(x, grain, dialect)


def add_days(x: exp.Expr, days: int, dialect: str) -> exp.Expr:
    """``x`` shifted by a whole number of days, as a DATE."""
    if days == 0:
        return x
    if dialect == "sqlite":
        return exp.func("DATE", x, exp.Literal.string(f"{days:+d} days"))
    if dialect == "mysql":
        return _fill(dialect, "add_days", x, exp.Literal.number(days))
    return exp.cast(exp.DateAdd(this=x, expression=exp.Literal.number(days), unit=exp.var("DAY")), "date")


def period_start(x: exp.Expr, grain: str, start_month: int, dialect: str) -> exp.Expr:
    """The first day (a DATE) of the period of ``grain`` containing ``x``, fiscal grains included."""
    if grain == "fiscal_quarter":
        return fiscal_quarter_start(x, start_month, dialect)
    if grain == "fiscal_year":
        offset = start_month - 1
        if offset == 0:
            return truncate(x, "year", dialect)
        month = truncate(x, "month", dialect)
        return add_months(truncate(add_months(month, -offset, dialect), "year", dialect), offset, dialect)
    return truncate(x, grain, dialect)


def shift_date(x: exp.Expr, months: int, days: int, dialect: str) -> exp.Expr:
    """``x`` moved by whole months (month ends clamp: Mar 31 − 1 month = Feb 28/29) and days."""
    return add_days(add_months(x, months, dialect), days, dialect)


#: dialects without recursive CTEs (Spark SQL before 4.1): the period spine is built with SEQUENCE
NO_RECURSIVE_CTE = frozenset({"spark"})


def sequence_spine(lo: exp.Expr, hi: exp.Expr, months: int, days: int, source: str) -> exp.Select:
    """``SELECT EXPLODE(SEQUENCE(lo, hi, INTERVAL step)) AS _p FROM source WHERE lo IS NOT NULL``.

    The same rows as the recursive spine (``lo``, then ``lo`` + step while not past ``hi``) for
    a dialect that cannot recurse; periods start on the 1st, so month steps never clamp.
    """
    step = exp.Interval(this=exp.Literal.string(str(months or days)), unit=exp.var("MONTH" if months else "DAY"))
    periods = exp.Explode(this=exp.GenerateSeries(start=lo.copy(), end=hi.copy(), step=step))
    return exp.select(exp.alias_(periods, "_p", quoted=True)).from_(source).where(
        exp.not_(exp.Is(this=lo.copy(), expression=exp.Null())))


def percentile_cont(value: exp.Expr, p: float, dialect: str) -> exp.Expr:
    """The interpolated ``p`` quantile; sqlglot writes Spark's as the approximate PERCENTILE_APPROX."""
    if dialect == "spark":
        return exp.Quantile(this=value, quantile=exp.Literal.number(p))  # Spark: PERCENTILE(x, p), exact
    return exp.PercentileCont(this=value, expression=exp.Literal.number(p))


#: dialects reading a quoted `a.b` as the path a → b, so labels such as `order_date.month` cannot be names
PATH_QUOTING = frozenset({"bigquery"})
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def plain_names(tree: exp.Select) -> exp.Select:
    """Rename every column name and alias that is not a plain identifier to ``_c0``, ``_c1``, ...

    BigQuery reads `order_date.month` as field ``month`` of ``order_date`` and refuses ``:`` in
    names; table names (dotted ``project.dataset.table``) are left alone.
    """
    names: dict[str, str] = {}

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Identifier) and not _PLAIN.fullmatch(node.name) and not isinstance(
                node.parent, (exp.Table, exp.TableAlias)):
            new = names.setdefault(node.name, f"_c{len(names)}")
            return exp.to_identifier(new, quoted=True)
        return node

    renamed = tree.copy().transform(swap)
    assert isinstance(renamed, exp.Select)
    return renamed
