"""Aggregate expressions for base measures, portable across dialects.

A measure-level ``filter`` becomes ``AGG(CASE WHEN filter THEN expr END)``, which every
backend runs (MySQL has no ``FILTER (WHERE ...)``) and which equals hand-written SQL.
"""

from __future__ import annotations

from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import MeasureField
from bheem_nb.query.dialects import percentile_cont

# (aggregation, dialect) pairs the backend cannot run; the message says what to do instead.
_UNSUPPORTED = {
    ("median", "mysql"): "MySQL/MariaDB have no MEDIAN aggregate",
    ("percentile", "mysql"): "MySQL/MariaDB have no PERCENTILE_CONT aggregate",
    ("median", "sqlite"): "SQLite has no MEDIAN aggregate",
    ("percentile", "sqlite"): "SQLite has no PERCENTILE_CONT aggregate",
    ("stddev", "sqlite"): "SQLite has no STDDEV aggregate",
    ("median", "bigquery"): "BigQuery has no MEDIAN aggregate",
    ("percentile", "bigquery"): "BigQuery's PERCENTILE_CONT is a window function, not an aggregate",
}


def aggregate(measure: MeasureField, dialect: str, rename: dict[str, str] | None = None) -> exp.Expr:
    """``SUM(orders.quantity)`` and friends for one base measure.

    ``rename`` maps the model table alias to another alias (used when the measure's table
    is read through a de-duplicating key subquery).
    """
    agg = measure.spec.agg
    if agg is None:
        raise QueryError(f"{measure.qualified} is derived; it has no aggregate of its own")
    reason = _UNSUPPORTED.get((agg, dialect))
    if reason:
        raise QueryError(f"measure {measure.qualified} uses agg {agg!r}, but {reason}; choose another aggregation")
    value = _retable(measure.expr, rename) if measure.expr is not None else None
    if measure.filter is not None:
        cond = _retable(measure.filter, rename)
        value = exp.Case(ifs=[exp.If(this=cond, true=value if value is not None else exp.Literal.number(1))])
    if agg == "count":
        return exp.Count(this=value if value is not None else exp.Star())
    assert value is not None
    if agg == "count_distinct":
        if measure.counts_key:  # the compiler never repeats a row of the measure's own table within a group
            return exp.Count(this=value)
        return exp.Count(this=exp.Distinct(expressions=[value]))
    if agg == "sum":
        return exp.Sum(this=value)
    if agg == "avg":
        return exp.Avg(this=value)
    if agg == "min":
        return exp.Min(this=value)
    if agg == "max":
        return exp.Max(this=value)
    if agg == "median":  # interpolated: on a DECIMAL column DuckDB would round to its scale
        return exp.Median(this=exp.cast(value, "double"))
    if agg == "percentile":
        assert measure.spec.p is not None
        return percentile_cont(exp.cast(value, "double"), measure.spec.p, dialect)
    if agg == "stddev":
        return exp.StddevSamp(this=value)
    raise QueryError(f"unknown aggregation {agg!r} on {measure.qualified}")


def _retable(tree: exp.Expr, rename: dict[str, str] | None) -> exp.Expr:
    tree = tree.copy()
    if not rename:
        return tree
    for col in tree.find_all(exp.Column):
        if col.table in rename:
            col.set("table", exp.to_identifier(rename[col.table]))
    return tree


def wrap(node: exp.Expr) -> exp.Expr:
    """``node`` in parentheses unless it is atomic: sqlglot prints trees without adding any."""
    if isinstance(node, (exp.Column, exp.Literal, exp.Func, exp.Paren, exp.Null, exp.Boolean)):
        return node
    return exp.Paren(this=node)


def safe_formula(formula: exp.Expr, values: dict[str, exp.Expr]) -> exp.Expr:
    """Substitute measure references in a derived formula; division by zero gives NULL.

    The divisor is written as ``NULLIF(d, 0)`` in every dialect rather than left to sqlglot's
    ``safe`` division, which writes a bare ``/`` where the dialect *usually* returns NULL: Spark 4
    (ANSI mode by default) raises DIVIDE_BY_ZERO instead.
    """

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column):
            key = f"{node.table}.{node.name}"
            if key in values:
                return wrap(values[key].copy())
        if isinstance(node, exp.Div):  # changed in place, so the divisor's measure names are still swapped
            divisor = node.expression.unnest() if isinstance(node.expression, exp.Paren) else node.expression
            node.set("expression", exp.Nullif(this=divisor, expression=exp.Literal.number(0)))
        return node

    return formula.copy().transform(swap)
