"""``profile(model_or_connection, table)``: per-column data quality and distribution, computed in SQL.

    p = profile(model, "orders")              # a model table (RLS applies as `user`)
    p = profile("shop.duckdb", "orders")      # any connection: a one-table model is made for it
    p.to_frame()                              # one row per column; p.columns[0].to_dict() is the roadmap's shape

Every statement is a sqlglot tree run through ``model.sql(..., user=)``: the read-only guard checks
it and row-level security rewrites the table reference, so a profile shows only the user's rows.
One statement scans the table for all columns' statistics; one ``GROUP BY`` per column counts
distinct and unique values, finds the top ten and counts email/URL/phone/date-looking texts.
"""

from __future__ import annotations

import difflib
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.insights.profile_sql import (
    PATTERNS,
    QUANTILES,
    ColumnKind,
    quartiles_select,
    smallest_select,
    stats_select,
    unique_select,
    values_select,
)
from bheem_nb.insights.types import plain

#: above this many (approximately) distinct values quartiles come from one sort of the column
GROUPED_QUARTILES_MAX = 100_000
#: a column whose approximate distinct count is at least this share of its values is checked for being all
#: distinct by one sort (no hash table with a group per row); if it is not, the grouped statement runs
NEAR_UNIQUE = 0.9

_CAMEL = {
    "column_name": "columnName",
    "data_type": "dataType",
    "total_rows": "totalRows",
    "valid_rows": "validRows",
    "error_rows": "errorRows",
    "empty_rows": "emptyRows",
    "quality_percent": "qualityPercent",
    "distinct_count": "distinctCount",
    "unique_percent": "uniquePercent",
    "min_value": "minValue",
    "max_value": "maxValue",
    "std_dev": "stdDev",
    "percentile_25": "percentile25",
    "percentile_75": "percentile75",
    "min_length": "minLength",
    "max_length": "maxLength",
    "avg_length": "avgLength",
    "value_distribution": "valueDistribution",
    "null_rows": "nullRows",
    "unique_count": "uniqueCount",
    "distinct_percent": "distinctPercent",
}


@dataclass
class ColumnProfile:
    """One column, with the roadmap's ``DataProfile`` fields (``to_dict(camel=True)`` gives its key names).

    ``valid_rows`` = total - nulls - empty texts - errors (NaN or infinite floats); ``quality_percent`` =
    valid / total. ``unique_count`` counts values that occur exactly once; percents are of non-null rows.
    """

    column_name: str
    data_type: str
    kind: str
    total_rows: int
    valid_rows: int
    error_rows: int
    empty_rows: int
    null_rows: int
    quality_percent: float
    distinct_count: int
    unique_count: int
    distinct_percent: float
    unique_percent: float
    min_value: Any = None
    max_value: Any = None
    mean: float | None = None
    median: float | None = None
    std_dev: float | None = None
    percentile_25: float | None = None
    percentile_75: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    avg_length: float | None = None
    value_distribution: list[dict[str, Any]] = field(default_factory=list)
    patterns: dict[str, int] = field(default_factory=dict)

    @property
    def pattern(self) -> str | None:
        """The pattern most non-null values follow (at least 80%), e.g. ``email``."""
        non_null = self.total_rows - self.null_rows
        best = max(self.patterns.items(), key=lambda kv: kv[1], default=None)
        return best[0] if best and non_null and best[1] / non_null >= 0.8 else None

    def to_dict(self, camel: bool = False) -> dict[str, Any]:
        out = {k: _json(v) for k, v in asdict(self).items()}
        out["pattern"] = self.pattern
        return {_CAMEL.get(k, k): v for k, v in out.items()} if camel else out


@dataclass
class DataProfile:
    """Every column of one table, the row count, and how long the profile took."""

    table: str
    row_count: int
    columns: list[ColumnProfile]
    seconds: float
    statements: int

    @property
    def quality_percent(self) -> float:
        return sum(c.quality_percent for c in self.columns) / len(self.columns) if self.columns else 100.0

    def column(self, name: str) -> ColumnProfile:
        for c in self.columns:
            if c.column_name == name:
                return c
        close = difflib.get_close_matches(name, [c.column_name for c in self.columns], n=1)
        raise QueryError(
            f"no column {name!r} in the profile of {self.table}" + (f"; did you mean {close[0]!r}?" if close else "")
        )

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {k: v for k, v in c.to_dict().items() if k not in ("value_distribution", "patterns")} for c in self.columns
        ]
        return pd.DataFrame(rows)

    def to_dict(self, camel: bool = False) -> dict[str, Any]:
        return {
            "table": self.table,
            "rowCount" if camel else "row_count": self.row_count,
            "qualityPercent" if camel else "quality_percent": self.quality_percent,
            "seconds": self.seconds,
            "columns": [c.to_dict(camel) for c in self.columns],
        }

    def _repr_html_(self) -> str:
        html: str = self.to_frame()._repr_html_()  # type: ignore[operator]
        return (
            f"<b>{self.table}</b>: {self.row_count:,} rows, quality {self.quality_percent:.1f}% "
            f"({self.seconds:.2f} s){html}"
        )


def profile(source: Any, table: str, user: Any = None) -> DataProfile:
    """Profile ``table`` of a :class:`~bheem_nb.SemanticModel` (a model table name or its physical
    name), or of a connector / URL / file path (wrapped in a one-table model)."""
    start = time.perf_counter()
    model, relation, name = _resolve(source, table)
    dialect = model.connector.dialect
    schema = model.sql(exp.select("*").from_(relation.copy()).limit(0).sql(dialect=dialect), user=user).arrow.schema
    columns = [ColumnKind(f.name, _kind(f.type), str(f.type)) for f in schema]
    stats = model.sql(stats_select(relation.copy(), columns, dialect).sql(dialect=dialect), user=user).to_dicts()[0]
    n = int(stats["n"])
    approx = {i: stats.get(f"c{i}_approx") for i in range(len(columns))}
    near_unique = {
        i
        for i, a in approx.items()
        if a is not None and stats[f"c{i}_nonnull"] and a >= NEAR_UNIQUE * stats[f"c{i}_nonnull"]
    }
    # many distinct values: one sort of the column (PERCENTILE_CONT); few: read off the grouped counts
    sorted_cols = [
        i
        for i, c in enumerate(columns)
        if c.kind in ("number", "float")
        and (approx[i] is None or approx[i] > GROUPED_QUARTILES_MAX or i in near_unique)
    ]
    statements = 2
    direct: dict[int, list[float | None]] = {}
    if sorted_cols:
        select = quartiles_select(relation.copy(), [columns[i] for i in sorted_cols], dialect)
        row = model.sql(select.sql(dialect=dialect), user=user).to_dicts()[0]
        direct = {i: list(row[f"q{j}"] or [None] * 3) for j, i in enumerate(sorted_cols)}
        statements += 1
    profiles = []
    for i, c in enumerate(columns):
        rows = None
        if i in near_unique:
            rows, used = _all_distinct_rows(model, relation, c, int(stats[f"c{i}_nonnull"]), dialect, user)
            statements += used
        if rows is None:
            select = values_select(relation.copy(), c, dialect, quartiles=i not in direct)
            rows = model.sql(select.sql(dialect=dialect), user=user).to_dicts()
            statements += 1
        mine = {k[len(f"c{i}_") :]: v for k, v in stats.items() if k.startswith(f"c{i}_")}
        profiles.append(_column(c, n, mine, rows, direct.get(i)))
    return DataProfile(name, n, profiles, time.perf_counter() - start, statements)


def _all_distinct_rows(
    model: Any, relation: exp.Expr, c: ColumnKind, non_null: int, dialect: str, user: Any
) -> tuple[list[dict[str, Any]] | None, int]:
    """Rows shaped like ``values_select``'s for a column whose values are all distinct (checked by one sort),
    else None (then the grouped statement runs). Returns (rows, statements run)."""
    counts = model.sql(unique_select(relation.copy(), c).sql(dialect=dialect), user=user).to_dicts()[0]
    if int(counts["u"] or 0) != non_null:
        return None, 1
    smallest = model.sql(smallest_select(relation.copy(), c).sql(dialect=dialect), user=user).to_dicts()
    base = {k: v for k, v in counts.items()}
    return [{**base, "v": r["v"], "c": 1} for r in smallest] or [base], 2


def _resolve(source: Any, table: str) -> tuple[Any, exp.Expr, str]:
    """(model, the FROM relation, a display name)."""
    from bheem_nb.model.semantic import SemanticModel

    if not isinstance(source, SemanticModel):
        from bheem_nb.connectors import Connector, connect

        conn = source if isinstance(source, Connector) else connect(source if isinstance(source, Path) else str(source))
        ref = exp.to_table(table, dialect=conn.dialect)
        model = SemanticModel(name="profile", tables={"profiled": {"table": ref.sql(dialect="duckdb")}}, connector=conn)
        return model, ref, table
    tables = source.spec.tables
    if table in tables:
        spec = tables[table]
        if spec.table is not None:
            return source, exp.to_table(spec.table, dialect=source.connector.dialect), table
        inner = sqlglot.parse_one(spec.sql or "", read=source.connector.dialect)
        return source, exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("profiled"))), table
    physical = {exp.to_table(t.table).name.casefold(): t.table for t in tables.values() if t.table}
    wanted = exp.to_table(table).name.casefold()
    if wanted in physical:
        return source, exp.to_table(physical[wanted], dialect=source.connector.dialect), table
    close = difflib.get_close_matches(table, sorted(tables), n=2)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else f"; tables are {sorted(tables)}"
    raise QueryError(f"unknown table {table!r} in model {source.name!r}{hint}")


def _kind(t: pa.DataType) -> str:
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_integer(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "text"
    if pa.types.is_temporal(t):
        return "date"
    if pa.types.is_boolean(t):
        return "boolean"
    return "other"


def _column(
    c: ColumnKind, n: int, s: dict[str, Any], rows: list[dict[str, Any]], quartiles: list[float | None] | None
) -> ColumnProfile:
    non_null = int(s["nonnull"])
    errors, empty = int(s.get("errors") or 0), int(s.get("empty") or 0)
    first = rows[0] if rows else {}
    distinct, unique = int(first.get("d") or 0), int(first.get("u") or 0)
    q = quartiles if quartiles is not None else _quartiles(first)
    valid = n - (n - non_null) - errors - empty
    return ColumnProfile(
        column_name=c.name,
        data_type=c.data_type,
        kind="number" if c.kind == "float" else c.kind,
        total_rows=n,
        valid_rows=valid,
        error_rows=errors,
        empty_rows=empty,
        null_rows=n - non_null,
        quality_percent=100.0 * valid / n if n else 100.0,
        distinct_count=distinct,
        unique_count=unique,
        distinct_percent=100.0 * distinct / non_null if non_null else 0.0,
        unique_percent=100.0 * unique / non_null if non_null else 0.0,
        min_value=s.get("min"),
        max_value=s.get("max"),
        mean=s.get("mean"),
        median=q[1],
        std_dev=s.get("std"),
        percentile_25=q[0],
        percentile_75=q[2],
        min_length=s.get("minlen"),
        max_length=s.get("maxlen"),
        avg_length=s.get("avglen"),
        value_distribution=[
            {"value": r["v"], "count": int(r["c"]), "percent": 100.0 * int(r["c"]) / n}
            for r in rows
            if r.get("c") is not None
        ],
        patterns={p: int(first.get(f"p_{p}") or 0) for p in PATTERNS} if c.kind == "text" else {},
    )


def _quartiles(row: dict[str, Any]) -> list[float | None]:
    """Linear interpolation between the values at ranks floor(h) and floor(h) + 1, h = (n - 1) q."""
    n = row.get("qn")
    if not n:
        return [None, None, None]
    out: list[float | None] = []
    for j, q in enumerate(QUANTILES):
        h = (int(n) - 1) * q
        lo, hi = row[f"q{j}_lo"], row[f"q{j}_hi"]
        lo_f = float(lo)
        out.append(lo_f if hi is None else lo_f + (h - math.floor(h)) * (float(hi) - lo_f))
    return out


def _json(value: Any) -> Any:
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return plain(value)
