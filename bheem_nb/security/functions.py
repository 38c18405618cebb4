"""Functions raw SQL may call: pure scalar, aggregate and window functions, per dialect.

An allowlist, so a function sqlglot does not know (``pg_read_file``, ``dblink``,
``set_config``, ``query_to_xml``, ``duckdb_secrets``, ``current_setting``, ``load_file``,
``getvariable``) is refused unless a dialect lists its name below. Typed sqlglot functions
are allowed by class, so every spelling sqlglot maps to one class is judged alike; session,
file, catalog and user functions (``CURRENT_USER``, ``READ_CSV``, ``SECRET``...) are not listed.
"""

from __future__ import annotations

from sqlglot import exp

_TYPED = """
And Or Xor Exists Case If Coalesce Nullif Nvl2 Cast TryCast Collate Greatest Least EqualNull
Sum Avg Min Max Count CountIf AnyValue ArgMax ArgMin Median Mode Quantile PercentileCont PercentileDisc
ApproxDistinct ApproxQuantile Stddev StddevPop StddevSamp Variance VariancePop Corr CovarPop CovarSamp
First Last FirstValue LastValue NthValue Lag Lead Rank DenseRank RowNumber Ntile CumeDist PercentRank
LogicalAnd LogicalOr GroupConcat ArrayAgg Grouping Kurtosis Skewness
Abs Ceil Floor Round Trunc Sign Sqrt Cbrt Exp Ln Log Pow Pi Degrees Radians Sin Cos Tan Asin Acos Atan Atan2
Sinh Cosh Tanh SafeDivide IsNan IsInf Factorial
Lower Upper Length Trim Pad Left Right Substring Replace Reverse Repeat Concat ConcatWs StrPosition Initcap
StartsWith EndsWith Contains SplitPart Split Translate Ascii Chr Format Space Levenshtein Soundex
RegexpLike RegexpILike RegexpExtract RegexpReplace RegexpSplit RegexpCount RegexpFullMatch
MD5 SHA SHA2 Hex Unhex LowerHex
CurrentDate CurrentTimestamp CurrentTime Localtime Localtimestamp UtcDate UtcTimestamp
Date DateAdd DateSub DateDiff DateTrunc DateBin DateFromParts DateStrToDate DateToDateStr Datetime
DatetimeAdd DatetimeSub DatetimeDiff DatetimeTrunc Timestamp TimestampAdd TimestampSub TimestampDiff
TimestampTrunc TimestampFromParts Time TimeAdd TimeSub TimeDiff TimeTrunc TimeToStr TimeStrToTime
TimeStrToDate TimeToUnix UnixToTime StrToDate StrToTime Extract LastDay AddMonths MonthsBetween
Year Quarter Month Week WeekOfYear Day DayOfMonth DayOfWeek DayOfWeekIso DayOfYear Hour Minute Second
Dayname Monthname YearOfWeek YearOfWeekIso MakeInterval TsOrDsAdd TsOrDsDiff TsOrDsToDate
TsOrDsToDateStr TsOrDsToTimestamp TsOrDiToDi DiToDate ToChar ToNumber ToDouble NumberToStr
Array ArraySize ArrayContains ArrayConcat ArraySlice ArrayToString ArrayDistinct List Struct
StructExtract Map Unnest Explode GenerateSeries GenerateDateArray Typeof
"""

_TYPED_CLASSES: frozenset[type[exp.Expr]] = frozenset(
    getattr(exp, name) for name in _TYPED.split() if hasattr(exp, name)
)

#: function names sqlglot leaves as ``Anonymous`` that are safe per dialect
_ANONYMOUS: dict[str, frozenset[str]] = {
    "duckdb": frozenset({
        "date_part", "datepart", "strftime", "strptime", "make_date", "epoch", "epoch_ms", "isodow", "isoyear",
        "yearweek", "dayofweek", "weekday", "ifnull", "nullif", "len", "strlen", "lpad", "rpad", "ltrim", "rtrim",
        "prefix", "suffix", "string_split", "list_value", "list_contains", "regexp_matches", "fsum", "favg",
        "bool_and", "bool_or", "arbitrary", "quantile_cont", "quantile_disc", "product", "round_even",
        "even", "greatest", "least", "to_years", "to_months", "to_days", "century", "millennium", "era",
    }),
    "postgres": frozenset({
        "date_part", "to_char", "to_date", "to_timestamp", "make_date", "justify_days", "lpad", "rpad",
        "ltrim", "rtrim", "btrim", "bool_and", "bool_or", "every", "string_agg", "width_bucket", "div", "mod",
        "age", "isfinite", "percentile_cont", "percentile_disc",
    }),
    "mysql": frozenset({
        "date_format", "str_to_date", "ifnull", "lpad", "rpad", "ltrim", "rtrim", "yearweek", "weekday",
        "dayofweek", "makedate", "period_diff", "timestampdiff", "truncate", "mod",
    }),
    "sqlite": frozenset({
        "strftime", "julianday", "date", "datetime", "ifnull", "iif", "instr", "ltrim", "rtrim", "printf",
        "total", "mod",
    }),
}
_ANONYMOUS["mariadb"] = _ANONYMOUS["mysql"]


def allowed_function(func: str | type[exp.Expr], dialect: str) -> bool:
    """True when a typed sqlglot function class or an anonymous function name may run."""
    if isinstance(func, str):
        return func.casefold() in _ANONYMOUS.get(dialect, frozenset())
    return func in _TYPED_CLASSES
