"""MySQL and MariaDB through PyMySQL, read-only and with a per-query time limit.

Before every query the session is set read-only again (``SET SESSION TRANSACTION READ ONLY``
can be undone by a statement, so it is re-asserted rather than trusted) together with the
time limit, whose variable depends on the server: MariaDB's ``max_statement_time`` (seconds,
all statements) or MySQL's ``max_execution_time`` (milliseconds, SELECT only). Rows stream
from an unbuffered cursor; past the row cap the connection is dropped, which stops the
server sending, and reopened on the next query.

Types (by result field type): integer types and YEAR → int64 (BIGINT UNSIGNED above 2⁶³
falls back to uint64), FLOAT/DOUBLE → float64, DECIMAL → float64, or int64 for scale 0 (what
``SUM`` of an integer column returns), DATE → date32, DATETIME/TIMESTAMP → timestamp[us],
TIME → duration[us], text types → string, BLOB/BINARY → binary. Invalid "zero" dates
(``0000-00-00``) come back as text, which turns that column into strings.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyarrow as pa
import pymysql
import pymysql.cursors
from pymysql.constants import FIELD_TYPE

from bheem_nb.connectors._arrow import decimal_values, table_from_arrays, to_array, transpose
from bheem_nb.connectors.base import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT_S,
    Column,
    Connector,
    check_row_cap,
    redact,
)
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError

_TYPES: dict[int, pa.DataType | None] = {
    FIELD_TYPE.TINY: pa.int64(), FIELD_TYPE.SHORT: pa.int64(), FIELD_TYPE.LONG: pa.int64(),
    FIELD_TYPE.INT24: pa.int64(), FIELD_TYPE.LONGLONG: pa.int64(), FIELD_TYPE.YEAR: pa.int64(),
    FIELD_TYPE.FLOAT: pa.float64(), FIELD_TYPE.DOUBLE: pa.float64(),
    FIELD_TYPE.DATE: pa.date32(), FIELD_TYPE.NEWDATE: pa.date32(),
    FIELD_TYPE.DATETIME: pa.timestamp("us"), FIELD_TYPE.TIMESTAMP: pa.timestamp("us"),
    FIELD_TYPE.TIME: pa.duration("us"),
    FIELD_TYPE.VARCHAR: pa.string(), FIELD_TYPE.VAR_STRING: pa.string(), FIELD_TYPE.STRING: pa.string(),
    FIELD_TYPE.ENUM: pa.string(), FIELD_TYPE.SET: pa.string(), FIELD_TYPE.JSON: pa.string(),
    FIELD_TYPE.NULL: pa.null(),
}
_DECIMALS = (FIELD_TYPE.DECIMAL, FIELD_TYPE.NEWDECIMAL)
#: server errors that mean "the time limit stopped the statement" (MariaDB 1969, MySQL 3024, 1317 interrupted)
_TIMEOUT_CODES = frozenset({1969, 3024, 1317})
#: client errors after which the connection is unusable and must be reopened
_LOST_CODES = frozenset({2006, 2013, 2014, 2055})
_SYSTEM_SCHEMAS = ("information_schema", "mysql", "performance_schema", "sys")


class MySQLConnector(Connector):
    """A MySQL or MariaDB database, e.g. ``mysql://user:password@host:3306/dbname``.

    ``mariadb://`` and ``mysql+pymysql://`` URLs are accepted too; ``?unix_socket=/path`` and
    ``?charset=`` query parameters are passed to the driver.
    """

    dialect = "mysql"

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        self.name = redact(url)
        parts = urlsplit(url)
        if parts.scheme not in ("mysql", "mariadb", "mysql+pymysql"):
            raise BheemConnectionError(f"not a MySQL URL: {self.name}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            port = parts.port or 3306
        except ValueError as exc:
            raise BheemConnectionError(f"invalid port in {self.name}") from exc
        self._params: dict[str, Any] = {
            "host": parts.hostname or "localhost",
            "port": port,
            "user": unquote(parts.username or "") or None,
            "password": unquote(parts.password or ""),
            "database": unquote(parts.path.lstrip("/")) or None,
            "charset": query.get("charset", "utf8mb4"),
            "unix_socket": query.get("unix_socket"),
            "connect_timeout": connect_timeout,
            "autocommit": True,
        }
        self._lock = threading.Lock()
        self._conn: pymysql.connections.Connection[Any] | None = None
        self._closed = False
        self.is_mariadb = False
        with self._lock:
            self._connection()

    def list_schemas(self) -> list[str]:
        rows = self._query(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN (%s, %s, %s, %s) "
            "ORDER BY 1",
            list(_SYSTEM_SCHEMAS),
        )
        return [r[0] for r in rows]

    def list_tables(self, schema: str | None = None) -> list[str]:
        rows = self._query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = COALESCE(%s, DATABASE()) "
            "ORDER BY 1",
            [schema],
        )
        return [r[0] for r in rows]

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        rows = self._query(
            "SELECT column_name, column_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = COALESCE(%s, DATABASE()) AND table_name = %s ORDER BY ordinal_position",
            [schema, table],
        )
        if not rows:
            where = schema or "(default database)"
            raise BheemConnectionError(f"table {where}.{table} not found on {self.name}")
        return [Column(r[0], r[1], r[2] == "YES") for r in rows]

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        with self._lock:
            try:
                try:
                    description, rows = self._run(sql, timeout, max_rows)
                except pymysql.MySQLError as exc:
                    if not _lost(exc):
                        raise
                    # the server dropped the connection (restart, wait_timeout): once more on a new one
                    self._drop()
                    description, rows = self._run(sql, timeout, max_rows)
            except pymysql.MySQLError as exc:
                if _lost(exc):
                    self._drop()
                code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
                if code in _TIMEOUT_CODES:
                    raise QueryTimeoutError(
                        f"the query on {self.name} ran longer than {timeout:g} s and was cancelled"
                    ) from exc
                raise self._fail("the query", _plain(exc)) from exc
        names = [d[0] for d in description]
        columns = transpose(rows, len(names))
        arrays = [_column(values, d) for d, values in zip(description, columns, strict=True)]
        return check_row_cap(table_from_arrays(names, arrays), max_rows, self.name)

    def _run(
        self, sql: str, timeout: float | None, max_rows: int | None
    ) -> tuple[tuple[tuple[Any, ...], ...], list[tuple[Any, ...]]]:
        conn = self._connection()
        with conn.cursor() as cur:
            self._prepare_session(cur, timeout)
        cur = conn.cursor(pymysql.cursors.SSCursor)
        cur.execute(sql)
        description: tuple[tuple[Any, ...], ...] = cur.description or ()  # type: ignore[assignment]
        rows = list(cur.fetchall() if max_rows is None else cur.fetchmany(max_rows + 1))
        if max_rows is not None and len(rows) > max_rows:
            # closing the cursor would first read every remaining row; drop the socket instead
            result = getattr(cur, "_result", None)
            if result is not None:
                result.unbuffered_active = False  # nothing left to drain once the socket is gone
            self._drop()
        else:
            cur.close()
        return description, rows

    def close(self) -> None:
        with self._lock:
            self._drop()
            self._closed = True

    def _prepare_session(self, cur: pymysql.cursors.Cursor, timeout: float | None) -> None:
        if self.is_mariadb:
            cur.execute("SET SESSION max_statement_time = %s", [float(timeout or 0)])
        else:
            ms = max(1, round(timeout * 1000)) if timeout else 0
            cur.execute("SET SESSION max_execution_time = %s", [ms])
        cur.execute("SET SESSION TRANSACTION READ ONLY")

    def _connection(self) -> pymysql.connections.Connection[Any]:
        """The open connection, (re)connecting if needed; call with the lock held."""
        if self._closed:
            raise BheemConnectionError(f"the connection {self.name} is closed")
        if self._conn is None or not self._conn.open:
            try:
                conn = pymysql.connect(**self._params)
                with conn.cursor() as cur:
                    cur.execute("SELECT VERSION()")
                    row = cur.fetchone()
                    cur.execute("SET SESSION TRANSACTION READ ONLY")
            except pymysql.MySQLError as exc:
                raise self._fail("opening the connection", _plain(exc)) from exc
            self.is_mariadb = "mariadb" in str(row[0] if row else "").lower()
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(pymysql.MySQLError):  # already gone
                self._conn.close()
            self._conn = None

    def _query(self, sql: str, params: list[str | None]) -> list[tuple[Any, ...]]:
        with self._lock:
            conn = self._connection()
            try:
                with conn.cursor() as cur:
                    cur.execute(sql, params)
                    return list(cur.fetchall())
            except pymysql.MySQLError as exc:
                raise self._fail("reading the catalog", _plain(exc)) from exc


def _column(values: list[Any], description: tuple[Any, ...]) -> pa.Array:
    type_code, scale = description[1], description[5]
    if type_code in _DECIMALS:
        try:
            return decimal_values(values, scale)
        except (TypeError, ValueError):
            pass  # not Decimal values after all: infer below
    return to_array(values, _TYPES.get(type_code))


def _lost(exc: pymysql.MySQLError) -> bool:
    """Whether the connection is unusable after ``exc`` and must be reopened."""
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    return code in _LOST_CODES or isinstance(exc, pymysql.err.InterfaceError)


def _plain(exc: pymysql.MySQLError) -> str:
    """``(1045, "Access denied ...")`` as ``Access denied ... (error 1045)``."""
    if len(exc.args) == 2 and isinstance(exc.args[0], int):
        return f"{exc.args[1]} (error {exc.args[0]})"
    return str(exc)
