"""``connect()`` picks the right connector for every URL and path form."""

from __future__ import annotations

from pathlib import Path

import pytest

from bheem_nb.connectors import (
    Connector,
    DuckDBConnector,
    FilesConnector,
    MySQLConnector,
    PostgresConnector,
    SQLiteConnector,
    connect,
)
from bheem_nb.errors import BheemConnectionError
from tests.conftest import ServerInfo
from tests.connectors.conftest import write_csv, write_duckdb_file, write_sqlite


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    """A folder with a DuckDB file (two names), a SQLite file (three names) and a CSV folder."""
    write_duckdb_file(tmp_path / "shop.duckdb")
    write_duckdb_file(tmp_path / "duck.db")
    write_sqlite(tmp_path / "shop.sqlite")
    (tmp_path / "shop.sqlite3").write_bytes((tmp_path / "shop.sqlite").read_bytes())
    (tmp_path / "lite.db").write_bytes((tmp_path / "shop.sqlite").read_bytes())
    (tmp_path / "csv").mkdir()
    write_csv(tmp_path / "csv")
    return tmp_path


def opened(conn: Connector, cls: type[Connector]) -> Connector:
    assert type(conn) is cls
    assert "orders" in conn.list_tables()
    conn.close()
    return conn


@pytest.mark.parametrize("url", ["duckdb://", "duckdb:///:memory:", "duckdb://:memory:"])
def test_duckdb_memory(url: str) -> None:
    conn = connect(url)
    assert isinstance(conn, DuckDBConnector) and conn.name == "duckdb:///:memory:"
    assert conn.execute("SELECT 42 AS x").to_pylist() == [{"x": 42}]


def test_duckdb_urls(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened(connect(f"duckdb:///{files}/shop.duckdb"), DuckDBConnector)  # four slashes: absolute
    opened(connect("duckdb:///shop.duckdb", base_dir=files), DuckDBConnector)
    monkeypatch.chdir(files)
    opened(connect("duckdb:///shop.duckdb"), DuckDBConnector)


def test_duckdb_file_is_read_only_by_default(files: Path) -> None:
    conn = connect(files / "shop.duckdb")
    with pytest.raises(BheemConnectionError, match="read-only"):
        conn.execute("CREATE TABLE x (a INTEGER)")
    conn.close()
    writable = connect(files / "shop.duckdb", read_only=False)
    writable.execute("CREATE TABLE x (a INTEGER)")
    writable.close()


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("shop.duckdb", DuckDBConnector),
        ("duck.db", DuckDBConnector),
        ("shop.sqlite", SQLiteConnector),
        ("shop.sqlite3", SQLiteConnector),
        ("lite.db", SQLiteConnector),
        ("csv", FilesConnector),
        ("csv/orders.csv", FilesConnector),
        ("csv/*.csv", FilesConnector),
    ],
)
def test_bare_paths(files: Path, name: str, cls: type[Connector]) -> None:
    opened(connect(files / name), cls)  # a Path
    opened(connect(str(files / name)), cls)  # an absolute string
    opened(connect(name, base_dir=files), cls)  # relative to a model file's folder


def test_files_connector_per_format(tmp_path: Path) -> None:
    from tests.connectors.conftest import write_json, write_parquet, write_xlsx

    for writer, name in ((write_parquet, "orders.parquet"), (write_json, "orders.json"), (write_xlsx, "orders.xlsx")):
        folder = tmp_path / name.split(".")[1]
        folder.mkdir()
        writer(folder)
        opened(connect(folder / name), FilesConnector)
        opened(connect(f"files:///{folder}"), FilesConnector)


def test_sqlite_urls(files: Path) -> None:
    opened(connect(f"sqlite:///{files}/shop.sqlite"), SQLiteConnector)
    opened(connect("sqlite:///shop.sqlite", base_dir=str(files)), SQLiteConnector)


def test_db_file_of_unknown_kind(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"not a database at all")
    with pytest.raises(BheemConnectionError, match="neither a DuckDB nor a SQLite"):
        connect(tmp_path / "junk.db")


@pytest.mark.parametrize("name", ["missing.duckdb", "missing.sqlite", "missing.db", "missing.csv", "missing"])
def test_missing_files(tmp_path: Path, name: str) -> None:
    with pytest.raises(BheemConnectionError, match="not found"):
        connect(tmp_path / name)


def test_unsupported_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(BheemConnectionError, match="cannot tell which connector"):
        connect(tmp_path / "notes.txt")


def test_not_a_sqlite_file(tmp_path: Path) -> None:
    (tmp_path / "fake.sqlite").write_text("plain text, not SQLite")
    with pytest.raises(BheemConnectionError, match="not a database"):
        connect(tmp_path / "fake.sqlite")


def test_unknown_scheme_lists_the_supported_ones() -> None:
    with pytest.raises(BheemConnectionError) as info:
        connect("oracle://scott:Tiger-Secret-1@db.example:1521/orcl")
    message = str(info.value)
    assert "Tiger-Secret-1" not in message
    for scheme in ("duckdb://", "postgresql://", "postgres://", "mysql://", "mariadb://", "sqlite://"):
        assert scheme in message


def test_two_slashes_for_a_file_url() -> None:
    with pytest.raises(BheemConnectionError, match="three slashes"):
        connect("sqlite://shop.sqlite")


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgres_urls(postgres_server: ServerInfo, scheme: str) -> None:
    url = postgres_server.url.replace("postgresql://", f"{scheme}://")
    conn = connect(url)
    assert isinstance(conn, PostgresConnector) and conn.dialect == "postgres"
    assert conn.execute("SELECT 1 AS one").to_pylist() == [{"one": 1}]
    conn.close()


@pytest.mark.mysql
@pytest.mark.parametrize("scheme", ["mysql", "mariadb", "mysql+pymysql"])
def test_mysql_urls(mysql_server: ServerInfo, scheme: str) -> None:
    url = mysql_server.url.replace("mysql://", f"{scheme}://")
    conn = connect(url)
    assert isinstance(conn, MySQLConnector) and conn.dialect == "mysql"
    assert conn.execute("SELECT 1 AS one").to_pylist() == [{"one": 1}]
    conn.close()


def test_closed_connectors_refuse_queries(files: Path) -> None:
    for target in ("shop.duckdb", "shop.sqlite", "csv"):
        conn = connect(target, base_dir=files)
        conn.close()
        with pytest.raises(BheemConnectionError, match="closed"):
            conn.execute("SELECT 1")

