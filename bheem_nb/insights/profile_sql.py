"""The SQL of a data profile, built as sqlglot trees: one scan for every column's statistics, and
one ``GROUP BY`` per column for distinct and unique counts, the top ten values and text patterns.

The trees compile to DuckDB and PostgreSQL (``PERCENTILE_CONT`` with an array of fractions is
``QUANTILE_CONT(x, [..])`` in DuckDB and ``PERCENTILE_CONT(ARRAY[..]) WITHIN GROUP`` in
PostgreSQL). Patterns are tested on the distinct values only, weighted by their counts, so a
regular expression runs once per distinct value, not once per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

QUANTILES = (0.25, 0.5, 0.75)
APPROX_DISTINCT = frozenset({"duckdb"})
TOP_VALUES = 10

#: pattern name -> regular expression (RE2, PostgreSQL and Python agree on these constructs)
PATTERNS: dict[str, str] = {
    "email": r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$",
    "url": r"^(?:https?://|www\.)[^ ]+$",
    "phone": r"^\+?[0-9][0-9 ()./-]{5,}[0-9]$",
    "date": r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4})(?:[ T].*)?$",
}


@dataclass(frozen=True)
class ColumnKind:
    name: str
    kind: str  # number, float, text, date, boolean, other
    data_type: str


def _num(n: float | int) -> exp.Expr:
    return exp.Literal.number(n)


def _count_when(cond: exp.Expr, weight: exp.Expr | None = None) -> exp.Expr:
    then = weight if weight is not None else _num(1)
    return exp.Sum(this=exp.Case(ifs=[exp.If(this=cond, true=then)], default=_num(0)))


def _finite(col: exp.Expr, dialect: str) -> exp.Expr:
    """True when a float is neither NaN nor infinite (the profile's "error" values)."""
    if dialect == "postgres":
        bad = [exp.cast(exp.Literal.string(s), "DOUBLE PRECISION") for s in ("NaN", "Infinity", "-Infinity")]
        return exp.Not(this=exp.paren(exp.In(this=col.copy(), expressions=bad)))
    return exp.Not(this=exp.paren(exp.or_(exp.IsNan(this=col.copy()), exp.IsInf(this=col.copy()))))


def stats_select(source: exp.Expr, columns: list[ColumnKind], dialect: str) -> exp.Select:
    """One row: ``n`` and, per column ``i``, ``c{i}_nonnull``, ``_min``, ``_max``, ``_errors``, ``_empty``,
    ``_mean``, ``_std``, ``_approx`` (approximate distinct count) and ``_minlen``, ``_maxlen``, ``_avglen``."""
    parts: list[exp.Expr] = [exp.alias_(exp.Count(this=exp.Star()), "n")]
    for i, c in enumerate(columns):
        col = exp.column(c.name, quoted=True)
        p = f"c{i}_"
        parts.append(exp.alias_(exp.Count(this=col.copy()), p + "nonnull"))
        if c.kind in ("number", "float", "text", "date"):
            parts += [exp.alias_(exp.Min(this=col.copy()), p + "min"), exp.alias_(exp.Max(this=col.copy()), p + "max")]
        if c.kind in ("number", "float"):
            value: exp.Expr = col.copy()
            if c.kind == "float":
                finite = _finite(col, dialect)
                parts.append(exp.alias_(_count_when(exp.Not(this=exp.paren(finite.copy()))), p + "errors"))
                value = exp.Case(ifs=[exp.If(this=finite, true=value)])
            parts += [
                exp.alias_(exp.Avg(this=value.copy()), p + "mean"),
                exp.alias_(exp.StddevSamp(this=value.copy()), p + "std"),
            ]

        if dialect in APPROX_DISTINCT and c.kind != "boolean":
            # HyperLogLog, cheap: picks how quartiles and distinct counts are computed
            parts.append(exp.alias_(exp.ApproxDistinct(this=col.copy()), p + "approx"))
        if c.kind == "text":
            length = exp.Length(this=col.copy())
            parts += [
                exp.alias_(
                    _count_when(exp.EQ(this=exp.Trim(this=col.copy()), expression=exp.Literal.string(""))), p + "empty"
                ),
                exp.alias_(exp.Min(this=length.copy()), p + "minlen"),
                exp.alias_(exp.Max(this=length.copy()), p + "maxlen"),
                exp.alias_(exp.Avg(this=length.copy()), p + "avglen"),
            ]
    return exp.select(*parts).from_(source)


def quartiles_select(source: exp.Expr, columns: list[ColumnKind], dialect: str) -> exp.Select:
    """``q{i}``: the quartiles of each (many-valued) numeric column as a list, one sort per column."""
    parts: list[exp.Expr] = []
    for i, c in enumerate(columns):
        value: exp.Expr = exp.column(c.name, quoted=True)
        if c.kind == "float":
            value = exp.Case(ifs=[exp.If(this=_finite(value, dialect), true=value.copy())])
        fractions = exp.Array(expressions=[_num(q) for q in QUANTILES])
        parts.append(exp.alias_(exp.PercentileCont(this=value, expression=fractions), f"q{i}"))
    return exp.select(*parts).from_(source)


def unique_select(source: exp.Expr, column: ColumnKind) -> exp.Select:
    """For a (nearly) all-distinct column, one sort instead of a hash table with a group per row:
    distinct ``d`` and unique ``u`` counts from each value's neighbours in order, and pattern counts."""
    v = exp.column("v")
    order = exp.Order(expressions=[exp.Ordered(this=v.copy())])
    prev = exp.Window(this=exp.Lag(this=v.copy()), order=order.copy())
    nxt = exp.Window(this=exp.Lead(this=v.copy()), order=order.copy())
    rows = (
        exp.select(exp.alias_(exp.column(column.name, quoted=True), "v"))
        .from_(source)
        .where(exp.Not(this=exp.Is(this=exp.column(column.name, quoted=True), expression=exp.Null())))
    )
    ordered = exp.select(v.copy(), exp.alias_(prev, "prev"), exp.alias_(nxt, "nxt")).from_(rows.subquery("r"))

    def differs(other: str) -> exp.Expr:
        return exp.paren(
            exp.or_(
                exp.Is(this=exp.column(other), expression=exp.Null()),
                exp.NEQ(this=v.copy(), expression=exp.column(other)),
            )
        )

    parts: list[exp.Expr] = [
        exp.alias_(_count_when(differs("prev")), "d"),
        exp.alias_(_count_when(exp.and_(differs("prev"), differs("nxt"))), "u"),
    ]
    if column.kind == "text":
        for name, pattern in PATTERNS.items():
            parts.append(
                exp.alias_(
                    _count_when(exp.RegexpLike(this=v.copy(), expression=exp.Literal.string(pattern))), f"p_{name}"
                )
            )
    return exp.select(*parts).from_(ordered.subquery("o"))


def smallest_select(source: exp.Expr, column: ColumnKind) -> exp.Select:
    """The ten smallest values: the top values of an all-distinct column (every count is 1, ties by value)."""
    col = exp.column(column.name, quoted=True)
    return (
        exp.select(exp.alias_(col.copy(), "v"))
        .from_(source)
        .where(exp.Not(this=exp.Is(this=col.copy(), expression=exp.Null())))
        .order_by(exp.Ordered(this=col.copy()))
        .limit(TOP_VALUES)
    )


def values_select(source: exp.Expr, column: ColumnKind, dialect: str, quartiles: bool = True) -> exp.Select:
    """Distinct count ``d``, unique count ``u``, pattern counts ``p_<name>`` (text), quartile bounds
    ``q<j>_lo``/``q<j>_hi`` and their count basis ``qn`` (numbers), and the top values (``v``, ``c``;
    most frequent first, ties by value): up to ten rows, at least one.

    With ``quartiles``, they are read off the grouped values with a running count (linear interpolation between
    the values at ranks floor(h) and floor(h) + 1, h = (n - 1) q, as pandas does), so a column with
    few distinct values is never sorted row by row.
    """
    v, c = exp.column("v"), exp.column("c")
    grouped = (
        exp.select(exp.alias_(exp.column(column.name, quoted=True), "v"), exp.alias_(exp.Count(this=exp.Star()), "c"))
        .from_(source)
        .group_by(exp.column(column.name, quoted=True))
    )
    not_null = exp.Not(this=exp.Is(this=v.copy(), expression=exp.Null()))
    summary: list[exp.Expr] = [
        exp.alias_(exp.Count(this=v.copy()), "d"),
        exp.alias_(_count_when(exp.and_(not_null.copy(), exp.EQ(this=c.copy(), expression=_num(1)))), "u"),
    ]
    names = ["d", "u"]
    if column.kind == "text":
        for name, pattern in PATTERNS.items():
            match = exp.RegexpLike(this=v.copy(), expression=exp.Literal.string(pattern))
            summary.append(exp.alias_(_count_when(match, c.copy()), f"p_{name}"))
            names.append(f"p_{name}")
    top = (
        exp.select(v.copy(), c.copy())
        .from_("g")
        .where(not_null.copy())
        .order_by(exp.Ordered(this=c.copy(), desc=True), exp.Ordered(this=v.copy()))
        .limit(TOP_VALUES)
    )
    outer = exp.select(
        *[exp.column(n, table="s") for n in names], exp.column("v", table="t"), exp.column("c", table="t")
    )
    outer = outer.from_(exp.select(*summary).from_("g").subquery("s"))
    if quartiles and column.kind in ("number", "float"):
        ranked, q_names = _quartiles(column, dialect)
        outer = outer.join(ranked.subquery("q"), join_type="CROSS")
        outer.set("expressions", [*outer.expressions, *[exp.column(n, table="q") for n in q_names]])
    outer = outer.join(top.subquery("t"), on=exp.true(), join_type="LEFT")
    return outer.with_("g", as_=grouped).order_by(
        exp.Ordered(this=exp.column("c", table="t"), desc=True), exp.Ordered(this=exp.column("v", table="t"))
    )


def _quartiles(column: ColumnKind, dialect: str) -> tuple[exp.Select, list[str]]:
    v, c = exp.column("v"), exp.column("c")
    keep: exp.Expr = exp.Not(this=exp.Is(this=v.copy(), expression=exp.Null()))
    if column.kind == "float":
        keep = exp.and_(keep, _finite(v, dialect))
    running = exp.Window(
        this=exp.Sum(this=c.copy()),
        order=exp.Order(expressions=[exp.Ordered(this=v.copy())]),
        spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"),
    )
    ranked = (
        exp.select(v.copy(), exp.alias_(running, "cum"), exp.alias_(exp.Window(this=exp.Sum(this=c.copy())), "qn"))
        .from_("g")
        .where(keep)
    )
    parts: list[exp.Expr] = [exp.alias_(exp.Max(this=exp.column("qn")), "qn")]
    names = ["qn"]
    for j, q in enumerate(QUANTILES):
        rank = exp.Floor(
            this=exp.Mul(this=exp.paren(exp.Sub(this=exp.column("qn"), expression=_num(1))), expression=_num(q))
        )
        for side, offset in (("lo", 0), ("hi", 1)):
            past = exp.GT(this=exp.column("cum"), expression=exp.Add(this=rank.copy(), expression=_num(offset)))
            parts.append(exp.alias_(exp.Min(this=exp.Case(ifs=[exp.If(this=past, true=v.copy())])), f"q{j}_{side}"))
            names.append(f"q{j}_{side}")
    return exp.select(*parts).from_(ranked.subquery("r")), names
