"""The one small interface every backend implements.

The engine only ever talks to a :class:`Connector`: it asks for the sqlglot dialect to
compile to, runs a finished, read-only SQL statement and gets an Arrow table back. Catalog
listing feeds the model builder, Kodee and profiling.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

import pyarrow as pa

from bheem_nb.errors import BheemConnectionError

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MAX_ROWS = 1_000_000

_URL_SECRET = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]*)@")
_PARAM_SECRET = re.compile(r"(?i)\b(password|passwd|pwd|token|secret|api_key|private_key)=([^&\s;]+)")


def redact(text: str) -> str:
    """Hide passwords and tokens in URLs or driver messages before they reach a log or error."""
    text = _URL_SECRET.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _PARAM_SECRET.sub(lambda m: f"{m[1]}=***", text)


@dataclass(frozen=True)
class Column:
    """One column of a table as the backend reports it."""

    name: str
    type: str
    nullable: bool = True


class Connector(ABC):
    """A live connection to one backend.

    Subclasses set ``dialect`` (a sqlglot dialect name) and implement the abstract methods.
    ``execute`` must enforce ``timeout`` (seconds) and ``max_rows`` and raise
    :class:`~bheem_nb.errors.QueryTimeoutError` / :class:`BheemConnectionError` with a
    redacted message.
    """

    dialect: str = "duckdb"
    #: a redacted, human-readable name for errors, audit rows and cache keys
    name: str = ""

    @abstractmethod
    def list_schemas(self) -> list[str]:
        """Schemas (or databases) visible to this connection."""

    @abstractmethod
    def list_tables(self, schema: str | None = None) -> list[str]:
        """Tables and views in ``schema`` (the default schema when None)."""

    @abstractmethod
    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        """Columns of one table or view."""

    @abstractmethod
    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        """Run one read-only statement and return its rows as Arrow.

        More than ``max_rows`` rows raises instead of silently truncating a total. Decimal
        columns follow the convention of ``connectors/_arrow.py`` (float64, or int64 when the
        scale is 0 and the values fit); the engine relies on it.
        """

    def data_version(self) -> str:
        """A token that changes when the data may have changed; part of the result-cache key.

        The default is constant: the engine's ``invalidate(connection)`` bumps its own
        counter, so a backend without change tracking is still correct after a refresh.
        """
        return "0"

    @abstractmethod
    def close(self) -> None:
        """Release the connection; further calls raise."""

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fail(self, action: str, exc: BaseException | str) -> BheemConnectionError:
        """Build a connection error that names the backend and never leaks a secret."""
        return BheemConnectionError(redact(f"{action} on {self.name or self.dialect} failed: {exc}"))


def check_row_cap(table: pa.Table, max_rows: int | None, name: str) -> pa.Table:
    """Raise when a result is longer than the cap; callers fetch ``max_rows + 1`` to detect it."""
    if max_rows is not None and table.num_rows > max_rows:
        raise BheemConnectionError(
            f"the query on {name} returned more than {max_rows:,} rows (the row cap); "
            "add filters, aggregate further or raise max_rows"
        )
    return table
