"""DuckDB, the embedded default: a file or an in-memory database, no server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from bheem_nb.connectors._arrow import normalize_decimals
from bheem_nb.connectors.base import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT_S,
    Column,
    Connector,
    check_row_cap,
)
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError

#: statement kinds a read-only in-memory database still runs (SHOW, DESCRIBE, FROM ... are SELECTs)
_READ_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class DuckDBConnector(Connector):
    """A DuckDB database file (opened read-only by default) or ``:memory:``.

    Each ``execute`` runs on its own cursor so a timeout can interrupt it without
    disturbing other queries; reads from several threads are safe.

    DuckDB cannot open ``:memory:`` read-only, so ``read_only=True`` on an in-memory database
    (or on a passed ``connection``) makes ``execute`` refuse every statement that is not a
    SELECT or EXPLAIN; load data through :attr:`raw` instead. DECIMAL results follow the
    project's convention (see ``_arrow``): float64, or int64 for scale 0.
    """

    dialect = "duckdb"

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool | None = None,
        connection: duckdb.DuckDBPyConnection | None = None,
        threads: int | None = None,
    ) -> None:
        self.path = str(path)
        in_memory = self.path in (":memory:", "")
        self.name = "duckdb:///:memory:" if in_memory else f"duckdb:///{self.path}"
        self._refuse_writes = bool(read_only) and (in_memory or connection is not None)
        if connection is not None:
            self._con = connection
        else:
            if not in_memory and not Path(self.path).exists():
                raise BheemConnectionError(f"DuckDB file not found: {self.path}")
            ro = False if in_memory else (True if read_only is None else read_only)
            config: dict[str, str | bool | int | float | list[str]] = {}
            if threads:
                config["threads"] = threads
            try:
                self._con = duckdb.connect(
                    ":memory:" if in_memory else self.path, read_only=ro, config=config
                )
            except duckdb.Error as exc:
                raise self._fail("opening the database", exc) from exc
        self._closed = False
        self._version = 0
        self._hardened = False
        self._watchdog = _Watchdog()

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection, for loading data in tests and demos."""
        return self._con

    def list_schemas(self) -> list[str]:
        rows = self._query("SELECT DISTINCT schema_name FROM information_schema.schemata ORDER BY 1")
        return [r[0] for r in rows if r[0] not in ("information_schema", "pg_catalog")]

    def list_tables(self, schema: str | None = None) -> list[str]:
        rows = self._query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
            "AND table_catalog = current_database() ORDER BY 1",
            [schema or "main"],
        )
        return [r[0] for r in rows]

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        rows = self._query(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database() "
            "ORDER BY ordinal_position",
            [schema or "main", table],
        )
        if not rows:
            raise BheemConnectionError(f"table {schema or 'main'}.{table} not found on {self.name}")
        return [Column(r[0], r[1], r[2] == "YES") for r in rows]

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        self._check_open()
        cur = self._con.cursor()
        try:
            if self._refuse_writes:
                self._check_read_only(cur, sql)
            if timeout:
                self._watchdog.watch(cur, timeout)
            rel = cur.sql(sql)
            if rel is None:  # a statement without rows
                table = pa.table({})
            elif max_rows is None:
                table = rel.to_arrow_table()
            else:
                table = _fetch_capped(rel, max_rows)
        except duckdb.InterruptException as exc:
            raise QueryTimeoutError(
                f"the query on {self.name} ran longer than {timeout:g} s and was cancelled"
            ) from exc
        except duckdb.Error as exc:
            raise self._fail("the query", exc) from exc
        finally:
            if timeout:
                self._watchdog.release(cur)
            cur.close()
        return normalize_decimals(check_row_cap(table, max_rows, self.name))

    def _check_read_only(self, cur: duckdb.DuckDBPyConnection, sql: str) -> None:
        for statement in cur.extract_statements(sql):
            if statement.type not in _READ_STATEMENTS:
                raise BheemConnectionError(
                    f"{self.name} is read-only: {statement.type.name} statements are refused; "
                    "only queries run here"
                )

    def harden(self) -> None:
        """Lock the connection down before it serves user queries; idempotent.

        No file, URL or attached-database access, no scanning of Python variables by name,
        no extension install or autoload, and the configuration is frozen so a later SET
        cannot undo any of it. Loading through :attr:`raw` (CREATE/INSERT, ``register``)
        still works.
        """
        if self._hardened:
            return
        self._check_open()
        settings = [
            "SET enable_external_access = false",
            "SET python_enable_replacements = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            "SET allow_community_extensions = false",
            "SET lock_configuration = true",
        ]
        try:
            for statement in settings:
                self._con.execute(statement)
        except duckdb.Error as exc:
            if "lock" not in str(exc).lower():  # already locked by its owner: keep going
                raise self._fail("locking down the connection", exc) from exc
        self._hardened = True

    def data_version(self) -> str:
        return str(self._version)

    def bump_version(self) -> None:
        """Mark the data as changed (called after a refresh writes to this database)."""
        self._version += 1

    def close(self) -> None:
        if not self._closed:
            self._con.close()
            self._closed = True

    def _query(self, sql: str, params: list[str] | None = None) -> list[tuple[str, ...]]:
        self._check_open()
        cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        except duckdb.Error as exc:
            raise self._fail("reading the catalog", exc) from exc
        finally:
            cur.close()

    def _check_open(self) -> None:
        if self._closed:
            raise BheemConnectionError(f"the connection {self.name} is closed")


def _fetch_capped(rel: duckdb.DuckDBPyRelation, max_rows: int) -> pa.Table:
    """Read batches until one row past the cap (no second plan, as a LIMIT wrapper would cost)."""
    reader = rel.arrow(122_880)
    batches: list[pa.RecordBatch] = []
    seen = 0
    for batch in reader:
        batches.append(batch)
        seen += batch.num_rows
        if seen > max_rows:
            break
    return pa.Table.from_batches(batches, schema=reader.schema)


class _Watchdog:
    """One thread per connection that interrupts cursors past their deadline.

    Cheaper than a ``threading.Timer`` per query (a thread start each time) and it cancels
    exactly the statement that overran, not the connection's other work.
    """

    def __init__(self) -> None:
        self._deadlines: dict[int, tuple[float, duckdb.DuckDBPyConnection]] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, cur: duckdb.DuckDBPyConnection, timeout: float) -> None:
        with self._cond:
            self._deadlines[id(cur)] = (time.monotonic() + timeout, cur)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bheem-duckdb-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def release(self, cur: duckdb.DuckDBPyConnection) -> None:
        with self._cond:
            self._deadlines.pop(id(cur), None)

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                for key, (deadline, cur) in list(self._deadlines.items()):
                    if deadline <= now:
                        cur.interrupt()
                        del self._deadlines[key]
                soonest = min((d for d, _ in self._deadlines.values()), default=now + 60.0)
                self._cond.wait(timeout=max(0.005, soonest - now))
