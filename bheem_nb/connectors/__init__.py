"""Connectors: one class per backend behind :class:`Connector`, and :func:`connect` to pick one.

    >>> from bheem_nb.connectors import connect
    >>> conn = connect("sales.duckdb")                       # a DuckDB file, read-only
    >>> conn = connect("postgresql://bi:secret@db:5432/shop")
    >>> conn = connect("data/orders.csv", base_dir="models/")  # relative to a model file
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bheem_nb.connectors.base import Column, Connector, redact
from bheem_nb.connectors.duckdb import DuckDBConnector
from bheem_nb.connectors.files import FilesConnector, file_kind
from bheem_nb.connectors.mysql import MySQLConnector
from bheem_nb.connectors.postgres import PostgresConnector
from bheem_nb.connectors.sqlite import SQLiteConnector
from bheem_nb.errors import BheemConnectionError

__all__ = [
    "Column",
    "Connector",
    "DuckDBConnector",
    "FilesConnector",
    "MySQLConnector",
    "PostgresConnector",
    "SQLiteConnector",
    "connect",
]

CLOUD_SCHEMES = ("bigquery", "snowflake", "spark", "sc")
SCHEMES = ("duckdb", "files", "mariadb", "mysql", "mysql+pymysql", "postgres", "postgresql", "sqlite",
           *CLOUD_SCHEMES)
_MEMORY = ("", ":memory:")
_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of a DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"


def connect(url_or_path: str | Path, **options: Any) -> Connector:
    """Open a connector for a URL or a file path.

    URLs: ``duckdb:///path.duckdb`` (``duckdb:///:memory:`` or ``duckdb://`` for memory),
    ``postgresql://`` / ``postgres://``, ``mysql://`` / ``mariadb://`` / ``mysql+pymysql://``,
    ``sqlite:///path.sqlite``, ``files:///folder``, and the cloud warehouses ``bigquery://PROJECT/DATASET``,
    ``snowflake://USER@ACCOUNT/DB/SCHEMA``, ``spark://local`` and ``sc://HOST:15002`` (Spark Connect; see
    :mod:`bheem_nb.cloud`). As with SQLAlchemy, three slashes start a
    relative path and four an absolute one (``sqlite:////srv/app.db``).

    Bare paths: ``.duckdb``, or ``.db`` holding a DuckDB file → DuckDB; ``.sqlite``/``.sqlite3``
    (or a ``.db`` holding SQLite) → SQLite; CSV, Parquet, JSON, Excel files, a folder or a glob →
    the files connector.

    ``base_dir`` resolves relative paths (a model YAML passes its own folder); the other
    options go to the connector class (``read_only=``, ``connect_timeout=``, ...).
    """
    base_value = options.pop("base_dir", None)
    base_dir = Path(base_value) if base_value is not None else None
    target = str(url_or_path)
    if isinstance(url_or_path, Path) or "://" not in target:
        return _connect_path(_resolve(target, base_dir), options)
    scheme = target.split("://", 1)[0].lower()
    rest = target.split("://", 1)[1]
    if scheme in ("postgresql", "postgres"):
        return PostgresConnector(target, **options)
    if scheme in ("mysql", "mariadb", "mysql+pymysql"):
        return MySQLConnector(target, **options)
    if scheme == "duckdb":
        path = _url_path(rest)
        if path in _MEMORY:
            return DuckDBConnector(":memory:", **options)
        return DuckDBConnector(_resolve(path, base_dir), **options)
    if scheme == "sqlite":
        return SQLiteConnector(_resolve(_url_path(rest), base_dir), **options)
    if scheme == "files":
        return FilesConnector(_resolve(_url_path(rest), base_dir), **options)
    if scheme in CLOUD_SCHEMES:  # imported on use: the core runs without the cloud libraries
        return _cloud(scheme, target, options)
    raise BheemConnectionError(
        f"unsupported connection URL scheme {scheme!r} in {redact(target)}; supported: "
        f"{', '.join(s + '://' for s in SCHEMES)}, or a path to a .duckdb, .sqlite, CSV, Parquet, JSON or "
        "Excel file or a folder"
    )


def _cloud(scheme: str, url: str, options: dict[str, Any]) -> Connector:
    """``bigquery://``, ``snowflake://``, ``spark://`` and ``sc://`` (Spark Connect) connectors."""
    package = {"bigquery": "google-cloud-bigquery", "snowflake": "snowflake-connector-python"}.get(scheme, "pyspark")
    try:
        if scheme == "bigquery":
            from bheem_nb.cloud.bigquery import BigQueryConnector

            return BigQueryConnector(url, **options)
        if scheme == "snowflake":
            from bheem_nb.cloud.snowflake import SnowflakeConnector

            return SnowflakeConnector(url, **options)
        from bheem_nb.cloud.spark import SparkConnector

        return SparkConnector(url, **options)
    except ImportError as exc:
        raise BheemConnectionError(
            f"{scheme}:// needs the {package} package (pip install 'bheem_nb[cloud]'): {exc}"
        ) from None
    except TypeError as exc:
        raise BheemConnectionError(f"bad option for a {scheme}:// connection: {exc}") from None


def _url_path(rest: str) -> str:
    """The path of ``scheme:///path`` (``rest`` is what follows ``://``), without a query string."""
    if rest.startswith("/"):
        rest = rest[1:]
    elif rest not in _MEMORY:
        raise BheemConnectionError(
            "expected three slashes before the path (scheme:///relative or scheme:////absolute), "
            f"got {rest!r}"
        )
    return unquote(rest.split("?", 1)[0])


def _resolve(path: str, base_dir: Path | None) -> Path:
    p = Path(path).expanduser()
    if not p.is_absolute() and base_dir is not None:
        p = base_dir / p
    return p


def _connect_path(path: Path, options: dict[str, Any]) -> Connector:
    suffix = path.suffix.lower()
    if suffix in (".duckdb", ".ddb"):
        return DuckDBConnector(path, **options)
    if suffix in (".sqlite", ".sqlite3"):
        return SQLiteConnector(path, **options)
    if suffix == ".db":
        magic = _magic(path)
        if magic[8:12] == _DUCKDB_MAGIC:
            return DuckDBConnector(path, **options)
        if magic.startswith(_SQLITE_MAGIC):
            return SQLiteConnector(path, **options)
        raise BheemConnectionError(f"{path} is neither a DuckDB nor a SQLite database file")
    if path.is_dir() or file_kind(path) or any(c in str(path) for c in "*?["):
        return FilesConnector(path, **options)
    if not path.exists():
        raise BheemConnectionError(f"file or folder not found: {path}")
    raise BheemConnectionError(
        f"cannot tell which connector reads {path}; use a .duckdb, .sqlite, .csv, .parquet, .json or .xlsx "
        "file, a folder, or a URL such as postgresql://..."
    )


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(16)
    except FileNotFoundError as exc:
        raise BheemConnectionError(f"database file not found: {path}") from exc
    except OSError as exc:
        raise BheemConnectionError(f"cannot read {path}: {exc}") from exc
