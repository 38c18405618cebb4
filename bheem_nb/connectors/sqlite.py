"""SQLite files, opened read-only (``file:...?mode=ro``) with the standard ``sqlite3`` module.

Three locks keep it read-only: the file is opened in read-only mode, ``PRAGMA query_only``
is on, and an authorizer refuses ``ATTACH``/``DETACH`` and every pragma that is not a plain
catalog read (so ``PRAGMA query_only = off`` cannot undo the second lock).

SQLite columns have no fixed type, so result types come from the values: integers → int64,
integers mixed with reals (a DECIMAL column holding ``10`` and ``12.5``) → float64, text in
ISO-8601 form (``2024-01-31``, ``2024-01-31 08:00:00``) → date32 / timestamp[us], other text →
string, blobs → binary; a column of only NULLs is Arrow's ``null`` type.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlglot import exp

from bheem_nb.connectors._arrow import infer_array, table_from_arrays, transpose
from bheem_nb.connectors.base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, Column, Connector, check_row_cap
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError

#: pragmas that only read the catalog; any other pragma is refused
_READ_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "database_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list",
})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")
#: how many SQLite VM instructions run between two deadline checks (a few microseconds)
_PROGRESS_STEPS = 10_000


class SQLiteConnector(Connector):
    """A SQLite database file; relative paths resolve against ``base_dir``."""

    dialect = "sqlite"

    def __init__(self, path: str | Path, *, base_dir: str | Path | None = None) -> None:
        p = Path(path)
        if not p.is_absolute():
            p = (Path(base_dir) if base_dir is not None else Path.cwd()) / p
        self.path = p.resolve()
        self.name = f"sqlite:///{self.path}"
        if not self.path.is_file():
            raise BheemConnectionError(f"SQLite file not found: {self.path}")
        self._lock = threading.Lock()
        try:
            self._con = sqlite3.connect(
                f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
            )
            self._con.execute("PRAGMA query_only = ON")
            self._con.set_authorizer(_authorize)
            self._con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails now if not SQLite
        except sqlite3.Error as exc:
            raise self._fail("opening the database", exc) from exc
        self._closed = False

    def list_schemas(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM pragma_database_list ORDER BY seq")]

    def list_tables(self, schema: str | None = None) -> list[str]:
        schema = self._schema(schema)
        master = exp.to_identifier(schema, quoted=True).sql("sqlite")
        rows = self._query(
            f"SELECT name FROM {master}.sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
        return [r[0] for r in rows]

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        schema = self._schema(schema)
        rows = self._query(
            'SELECT name, type, "notnull" FROM pragma_table_info(?, ?) ORDER BY cid', [table, schema]
        )
        if not rows:
            raise BheemConnectionError(f"table {schema}.{table} not found on {self.name}")
        return [Column(r[0], r[1] or "", not r[2]) for r in rows]

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        self._check_open()
        deadline = time.monotonic() + timeout if timeout else None
        timed_out = False

        def past_deadline() -> int:
            nonlocal timed_out
            if deadline is not None and time.monotonic() > deadline:
                timed_out = True
                return 1  # non-zero aborts the statement with "interrupted"
            return 0

        with self._lock:
            self._con.set_progress_handler(past_deadline, _PROGRESS_STEPS)
            cur = self._con.cursor()
            try:
                cur.execute(sql)
                rows = cur.fetchall() if max_rows is None else cur.fetchmany(max_rows + 1)
                names = [d[0] for d in cur.description or ()]
            except sqlite3.Error as exc:
                if timed_out:
                    raise QueryTimeoutError(
                        f"the query on {self.name} ran longer than {timeout:g} s and was cancelled"
                    ) from exc
                raise self._fail("the query", exc) from exc
            finally:
                cur.close()
                self._con.set_progress_handler(None, 0)
        table = table_from_arrays(names, [_column(c) for c in transpose(rows, len(names))])
        return check_row_cap(table, max_rows, self.name)

    def data_version(self) -> str:
        st = self.path.stat()
        return f"{st.st_size}-{st.st_mtime_ns}"

    def close(self) -> None:
        if not self._closed:
            self._con.close()
            self._closed = True

    def _schema(self, schema: str | None) -> str:
        schema = schema or "main"
        schemas = self.list_schemas()
        if schema not in schemas:
            raise BheemConnectionError(f"schema {schema!r} not found on {self.name}; it has {schemas}")
        return schema

    def _query(self, sql: str, params: list[str] | None = None) -> list[tuple[Any, ...]]:
        self._check_open()
        with self._lock:
            try:
                return self._con.execute(sql, params or []).fetchall()
            except sqlite3.Error as exc:
                raise self._fail("reading the catalog", exc) from exc

    def _check_open(self) -> None:
        if self._closed:
            raise BheemConnectionError(f"the connection {self.name} is closed")


def _authorize(action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() not in _READ_PRAGMAS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _column(values: list[Any]) -> pa.Array:
    arr = infer_array(values)
    if not pa.types.is_string(arr.type) or len(arr) == arr.null_count:
        return arr
    present = [v for v in values if v is not None]
    if not all(isinstance(v, str) for v in present):
        return arr  # mixed values that infer_array turned into text
    for pattern, type_ in ((_DATE, pa.date32()), (_TIMESTAMP, pa.timestamp("us"))):
        if all(pattern.match(v) for v in present):
            try:
                return arr.cast(type_)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return arr
    return arr
