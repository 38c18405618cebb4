"""PostgreSQL through psycopg 3, read-only and with a per-query statement timeout.

Read-only twice over: the session starts with ``default_transaction_read_only=on`` and every
query runs in a ``BEGIN READ ONLY`` transaction, which a ``set_config`` in one query cannot
undo for the next. Queries run through a server-side cursor, so the row cap stops the
transfer after ``max_rows + 1`` rows instead of pulling a whole table into the notebook; only
queries (SELECT, WITH, VALUES, TABLE) can run that way, so any other statement is refused.

Types (by result type OID): int2/int4/int8 → int16/int32/int64, float4/float8 →
float32/float64, numeric → float64 (also ``SUM(bigint)`` and ``AVG``), date → date32,
timestamp → timestamp[us], timestamptz → timestamp[us, UTC], time → time64[us], interval →
duration[us], text-like, uuid and json → string, bytea → binary, bool → bool; anything else
is left to Arrow's inference with text as the fallback.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import psycopg
import pyarrow as pa
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.numeric import FloatLoader
from psycopg.types.string import TextLoader

from bheem_nb.connectors._arrow import table_from_arrays, to_array, transpose
from bheem_nb.connectors.base import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT_S,
    Column,
    Connector,
    check_row_cap,
    redact,
)
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError

#: result type OID → Arrow type (OIDs of built-in types never change)
_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(),
    20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 26: pa.int64(),
    700: pa.float32(), 701: pa.float64(), 1700: pa.float64(),
    1082: pa.date32(), 1114: pa.timestamp("us"), 1184: pa.timestamp("us", tz="UTC"),
    1083: pa.time64("us"), 1186: pa.duration("us"),
    18: pa.string(), 19: pa.string(), 25: pa.string(), 1042: pa.string(), 1043: pa.string(),
    114: pa.string(), 3802: pa.string(), 2950: pa.string(),
    17: pa.binary(),
}
#: first words of the statements a server-side cursor can run
_QUERY_STARTS = frozenset({"SELECT", "WITH", "VALUES", "TABLE"})
_FIRST_WORD = re.compile(r"[\s(]*(\w+)")
_SESSION_OPTIONS = "-c default_transaction_read_only=on"


class PostgresConnector(Connector):
    """A PostgreSQL database, e.g. ``postgresql://user:password@host:5432/dbname``.

    The connection opens at construction (so a bad URL or password fails early) and reopens
    by itself on the next query if the server dropped it.
    """

    dialect = "postgres"

    def __init__(self, url: str, *, connect_timeout: int = 10, application_name: str = "bheem_nb") -> None:
        self.name = redact(url)
        try:
            info = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise BheemConnectionError(redact(f"invalid PostgreSQL URL {url}: {exc}")) from exc
        options = " ".join(o for o in (str(info.get("options") or ""), _SESSION_OPTIONS) if o)
        extra: dict[str, Any] = {"options": options}
        if "connect_timeout" not in info:
            extra["connect_timeout"] = max(2, int(connect_timeout))
        if "application_name" not in info:
            extra["application_name"] = application_name
        self._conninfo = make_conninfo(url, **extra)
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._closed = False
        with self._lock:
            self._connection()

    def list_schemas(self) -> list[str]:
        rows = self._query(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name <> 'information_schema' "
            "AND schema_name NOT LIKE 'pg\\_%' ORDER BY 1"
        )
        return [r[0] for r in rows]

    def list_tables(self, schema: str | None = None) -> list[str]:
        rows = self._query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = COALESCE(%s, current_schema()) ORDER BY 1",
            [schema],
        )
        return [r[0] for r in rows]

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        rows = self._query(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = COALESCE(%s, current_schema()) AND table_name = %s "
            "ORDER BY ordinal_position",
            [schema, table],
        )
        if not rows:
            where = schema or "(default schema)"
            raise BheemConnectionError(f"table {where}.{table} not found on {self.name}")
        return [Column(r[0], r[1], r[2] == "YES") for r in rows]

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        timeout_ms = max(1, round(timeout * 1000)) if timeout else 0
        with self._lock:
            try:
                try:
                    description, rows = self._run(self._connection(), sql, timeout_ms, max_rows)
                except psycopg.OperationalError:
                    if self._conn is None or not self._conn.broken:
                        raise
                    # the server dropped the connection (restart, idle kill): once more on a new one
                    description, rows = self._run(self._connection(), sql, timeout_ms, max_rows)
            except psycopg.errors.SyntaxError as exc:
                first = _FIRST_WORD.match(sql)
                if first and first[1].upper() not in _QUERY_STARTS:
                    raise BheemConnectionError(
                        f"{self.name} is read-only: only queries ({', '.join(sorted(_QUERY_STARTS))}) run "
                        f"here, not {first[1].upper()} statements"
                    ) from exc
                raise self._fail("the query", exc) from exc
            except psycopg.errors.QueryCanceled as exc:
                raise QueryTimeoutError(
                    f"the query on {self.name} ran longer than {timeout:g} s and was cancelled"
                ) from exc
            except psycopg.Error as exc:
                raise self._fail("the query", exc) from exc
        columns = transpose(rows, len(description))
        arrays = [to_array(v, _TYPES.get(d.type_code)) for d, v in zip(description, columns, strict=True)]
        return check_row_cap(table_from_arrays([d.name for d in description], arrays), max_rows, self.name)

    @staticmethod
    def _run(
        conn: psycopg.Connection[tuple[Any, ...]], sql: str, timeout_ms: int, max_rows: int | None
    ) -> tuple[list[psycopg.Column], list[tuple[Any, ...]]]:
        with conn.transaction():
            # plan for reading every row (a cursor's default plans for the first 10 %), and the time limit
            conn.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('cursor_tuple_fraction', '1', true)",
                [str(timeout_ms)],
            )
            with conn.cursor(name="bheem_query") as cur:
                cur.execute(sql)
                rows = cur.fetchall() if max_rows is None else cur.fetchmany(max_rows + 1)
                return list(cur.description or []), rows

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._closed = True

    def _connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        """The open connection, (re)connecting if needed; call with the lock held."""
        if self._closed:
            raise BheemConnectionError(f"the connection {self.name} is closed")
        if self._conn is None or self._conn.closed or self._conn.broken:
            try:
                conn = psycopg.connect(self._conninfo, autocommit=True)
            except psycopg.Error as exc:
                raise self._fail("opening the connection", exc) from exc
            conn.read_only = True  # every transaction() block starts with BEGIN READ ONLY
            conn.adapters.register_loader("numeric", FloatLoader)
            for name in ("json", "jsonb", "uuid"):
                conn.adapters.register_loader(name, TextLoader)
            self._conn = conn
        return self._conn

    def _query(self, sql: str, params: list[str | None] | None = None) -> list[tuple[Any, ...]]:
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    return conn.execute(sql, params).fetchall()
            except psycopg.Error as exc:
                raise self._fail("reading the catalog", exc) from exc
