"""Scheduled refresh: materialise a query from any connection into the embedded DuckDB.

The rows come through the engine as the job's owner (a semantic query or guarded SQL, RLS
applied), so a refresh never reads what its owner may not. They are written to a staging table
first; only then does one transaction put them in place:

* ``full``: drop the old table and rename the staging table to its name;
* ``incremental``: only source rows whose ``watermark`` column is greater than the target's
  current maximum are read, and one transaction appends them and drops the staging table.

Readers therefore see the old table or the new one, never half of one, and a refresh killed
while staging leaves the old table as it was (the next run drops the leftover staging table).
Re-running is idempotent: a full refresh rewrites the same rows, an incremental one finds
nothing above the watermark. Afterwards ``engine.invalidate(connection)`` drops cached results
of the target database.

DuckDB lets one process write a database file. Readers in the same process share the
refresh's database through :func:`target_connection`; other processes read between refreshes.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from bheem_nb.connectors.duckdb import DuckDBConnector
from bheem_nb.engine import Engine
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.security.identity import User

from .spec import RefreshJob, SchedulerError

BATCH_ROWS = 50_000
_targets: dict[str, duckdb.DuckDBPyConnection] = {}
_targets_lock = threading.Lock()


class RefreshFailed(SchedulerError):
    """A refresh could not read its source or write its target."""


@dataclass(frozen=True)
class RefreshReport:
    table: str
    mode: str
    rows_loaded: int
    rows_total: int
    watermark: Any
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        wm = self.watermark.isoformat() if isinstance(self.watermark, dt.date) else self.watermark
        return {"table": self.table, "mode": self.mode, "rows_loaded": self.rows_loaded,
                "rows_total": self.rows_total, "watermark": wm, "seconds": round(self.seconds, 3)}


def target_connection(database: str | Path) -> duckdb.DuckDBPyConnection:
    """The process's read-write connection to a refresh target (created on first use).

    In-process readers use :func:`target_connector`.
    """
    key = str(Path(database).resolve())
    with _targets_lock:
        con = _targets.get(key)
        if con is None:
            Path(key).parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(key)
            _targets[key] = con
        return con


def target_connector(database: str | Path) -> DuckDBConnector:
    """A reader on a refresh target in this process, named like the target so a refresh invalidates it."""
    path = Path(database).resolve()
    return DuckDBConnector(path, connection=target_connection(path).cursor())


def close_targets() -> None:
    """Close every target connection (so another process may open the files)."""
    with _targets_lock:
        for con in _targets.values():
            con.close()
        _targets.clear()


def refresh(job: RefreshJob, model: SemanticModel, user: User, *, engines: tuple[Engine, ...] = (),
            on_batch: Callable[[int], None] | None = None) -> RefreshReport:
    """Run one refresh of ``job`` reading ``model`` as ``user``; see the module docstring."""
    t0 = time.perf_counter()
    con = target_connection(job.target.database).cursor()
    try:
        table, stage = _ident(job.target.table), _ident(f"_bheem_stage_{job.target.table}")
        _do(con, f"DROP TABLE IF EXISTS {stage}")  # what a killed run left behind
        exists = _exists(con, job.target.table)
        incremental = job.mode == "incremental" and exists
        mark = _max(con, table, job.watermark) if incremental and job.watermark else None
        rows = _read(job, model, user, mark)
        if incremental and job.watermark and job.watermark not in rows.column_names:
            raise RefreshFailed(f"the refresh query has no column {job.watermark!r} (the watermark); "
                                f"columns: {rows.column_names}")
        _stage(con, stage, rows, on_batch)
        _do(con, "BEGIN TRANSACTION")
        try:
            if incremental:
                _do(con, f"INSERT INTO {table} BY NAME SELECT * FROM {stage}")
                _do(con, f"DROP TABLE {stage}")
            else:
                _do(con, f"DROP TABLE IF EXISTS {table}")
                _do(con, f"ALTER TABLE {stage} RENAME TO {table}")
            _do(con, "COMMIT")
        except duckdb.Error as exc:
            _do(con, "ROLLBACK")
            raise RefreshFailed(f"swapping in {job.target.table}: {exc}") from None
        total = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
        new_mark = _max(con, table, job.watermark) if job.watermark else None
    except duckdb.Error as exc:
        raise RefreshFailed(f"writing {job.target.table} in {job.target.database}: {exc}") from None
    finally:
        con.close()
    name = f"duckdb:///{Path(job.target.database).resolve()}"
    for engine in engines:
        engine.invalidate(name)
        engine.invalidate(f"duckdb:///{job.target.database}")
    return RefreshReport(job.target.table, "incremental" if incremental else "full", rows.num_rows,
                         int(total[0]) if total else 0, new_mark, time.perf_counter() - t0)


def _read(job: RefreshJob, model: SemanticModel, user: User, mark: Any) -> pa.Table:
    """The source rows, through the engine as ``user``; above ``mark`` when incremental."""
    if job.query is not None:
        spec: dict[str, Any] = dict(job.query)
        if mark is not None:
            assert job.watermark is not None
            spec["filters"] = [*list(spec.get("filters") or []),
                               {"field": job.watermark, "op": ">", "values": [mark]}]
        return model.query(**spec, user=user).arrow
    assert job.sql is not None
    sql = job.sql
    if mark is not None:
        assert job.watermark is not None
        dialect = model.connector.dialect
        try:
            inner = sqlglot.parse_one(sql, read=dialect)
        except sqlglot.errors.ParseError as exc:
            raise RefreshFailed(f"the refresh SQL does not parse: {str(exc).splitlines()[0]}") from None
        where = exp.GT(this=exp.column(job.watermark, table="_src"), expression=_literal(mark))
        sql = exp.select("*").from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("_src"))))\
            .where(where).sql(dialect)
    return model.sql(sql, user=user).arrow


def _literal(value: Any) -> exp.Expr:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.build("TIMESTAMP"))
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    return exp.Literal.string(str(value))


def _stage(con: duckdb.DuckDBPyConnection, stage: str, rows: pa.Table, on_batch: Callable[[int], None] | None) -> None:
    """Write ``rows`` to the staging table batch by batch (each batch its own commit)."""
    con.register("_bheem_rows", rows.slice(0, 0))
    _do(con, f"CREATE TABLE {stage} AS SELECT * FROM _bheem_rows")
    con.unregister("_bheem_rows")
    for i, offset in enumerate(range(0, rows.num_rows, BATCH_ROWS)):
        con.register("_bheem_rows", rows.slice(offset, BATCH_ROWS))
        _do(con, f"INSERT INTO {stage} SELECT * FROM _bheem_rows")
        con.unregister("_bheem_rows")
        if on_batch is not None:
            on_batch(i)


def _do(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run one statement to completion (DuckDB 2 keeps a result open until it is fetched)."""
    con.execute(sql).fetchall()


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                      "AND table_name = ?", [name]).fetchall()[0]
    return bool(row and row[0])


def _max(con: duckdb.DuckDBPyConnection, table: str, column: str | None) -> Any:
    if column is None:
        return None
    row = con.execute(f"SELECT max({_ident(column)}) FROM {table}").fetchall()[0]
    return row[0] if row else None


def _ident(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql("duckdb")
