"""One small data set loaded into every backend, and a ``backend`` fixture parametrised over them.

Server backends use their own database (``bheem_connectors``) so they never collide with the
tables other suites create on the shared session servers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bheem_nb.connectors import (
    Connector,
    DuckDBConnector,
    FilesConnector,
    MySQLConnector,
    PostgresConnector,
    SQLiteConnector,
)
from tests.conftest import ServerInfo

ORDER_COLUMNS = ["id", "customer", "amount", "order_date", "note"]
ORDERS = [
    (1, "Ada", Decimal("12.50"), dt.date(2024, 1, 5), "first"),
    (2, "Grace", Decimal("100.00"), dt.date(2024, 2, 10), None),
    (3, "Linus", Decimal("7.25"), dt.date(2024, 2, 29), "leap day"),
    (4, "Ada", Decimal("0.99"), dt.date(2024, 3, 1), None),
    (5, "Édith", Decimal("1234.56"), dt.date(2024, 12, 31), "ünïcode, with a comma"),
]
CUSTOMERS = [("Ada", "North"), ("Grace", "South"), ("Linus", "North"), ("Édith", "West")]
ORDERS_SQL = "id INTEGER, customer VARCHAR(40), amount DECIMAL(10,2), order_date DATE, note VARCHAR(60)"
CUSTOMERS_SQL = "name VARCHAR(40), region VARCHAR(20)"
SERVER_DB = "bheem_connectors"

#: slow statements that run far longer than the tests' time limit
DUCKDB_SLOW = "SELECT sum(a.range * b.range) FROM range(100000000) a CROSS JOIN range(100000) b"
SLOW_SQL = {
    "duckdb": DUCKDB_SLOW,
    "sqlite": "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r",
    "postgres": "SELECT pg_sleep(30)",
    "mysql": "SELECT SLEEP(30)",
}


@dataclass
class Backend:
    """A read-only connector over the test data, with what the tests need to know about it."""

    id: str
    connector: Connector
    schema: str
    slow_sql: str
    server: ServerInfo | None = None
    url: str | None = None


# ------------------------------------------------------------------ writers for each source


def write_duckdb(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE orders ({ORDERS_SQL})")
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", ORDERS)
    con.execute(f"CREATE TABLE customers ({CUSTOMERS_SQL})")
    con.executemany("INSERT INTO customers VALUES (?, ?)", CUSTOMERS)


def write_duckdb_file(path: Path) -> Path:
    con = duckdb.connect(str(path))
    write_duckdb(con)
    con.close()
    return path


def write_sqlite(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE orders ({ORDERS_SQL})")
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)",
                    [(i, c, float(a), d.isoformat(), n) for i, c, a, d, n in ORDERS])
    con.execute(f"CREATE TABLE customers ({CUSTOMERS_SQL})")
    con.executemany("INSERT INTO customers VALUES (?, ?)", CUSTOMERS)
    con.commit()
    con.close()
    return path


def write_csv(folder: Path) -> Path:
    with (folder / "orders.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ORDER_COLUMNS)
        w.writerows([(i, c, f"{a:.2f}", d.isoformat(), n or "") for i, c, a, d, n in ORDERS])
    with (folder / "customers.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "region"])
        w.writerows(CUSTOMERS)
    return folder


def _arrow_orders() -> pa.Table:
    cols = list(zip(*ORDERS, strict=True))
    return pa.table({
        "id": pa.array(cols[0], pa.int32()),
        "customer": pa.array(cols[1], pa.string()),
        "amount": pa.array(cols[2], pa.decimal128(10, 2)),
        "order_date": pa.array(cols[3], pa.date32()),
        "note": pa.array(cols[4], pa.string()),
    })


def _arrow_customers() -> pa.Table:
    names, regions = zip(*CUSTOMERS, strict=True)
    return pa.table({"name": list(names), "region": list(regions)})


def write_parquet(folder: Path) -> Path:
    pq.write_table(_arrow_orders(), folder / "orders.parquet")
    pq.write_table(_arrow_customers(), folder / "customers.parquet")
    return folder


def write_json(folder: Path) -> Path:
    rows = [{"id": i, "customer": c, "amount": float(a), "order_date": d.isoformat(), "note": n}
            for i, c, a, d, n in ORDERS]
    (folder / "orders.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    (folder / "customers.jsonl").write_text(
        "\n".join(json.dumps({"name": n, "region": r}, ensure_ascii=False) for n, r in CUSTOMERS), encoding="utf-8"
    )
    return folder


def write_xlsx(folder: Path) -> Path:
    import pandas as pd

    orders = pd.DataFrame(
        [(i, c, float(a), pd.Timestamp(d), n) for i, c, a, d, n in ORDERS], columns=ORDER_COLUMNS
    )
    orders.to_excel(folder / "orders.xlsx", index=False)
    pd.DataFrame(CUSTOMERS, columns=["name", "region"]).to_excel(folder / "customers.xlsx", index=False)
    return folder


def load_dbapi(con: object, marker: str) -> None:
    """Create and fill both tables through a DB-API connection (psycopg or pymysql)."""
    cur = con.cursor()  # type: ignore[attr-defined]
    cur.execute(f"CREATE TABLE orders ({ORDERS_SQL})")
    cur.executemany(f"INSERT INTO orders VALUES ({', '.join([marker] * 5)})", ORDERS)
    cur.execute(f"CREATE TABLE customers ({CUSTOMERS_SQL})")
    cur.executemany(f"INSERT INTO customers VALUES ({marker}, {marker})", CUSTOMERS)
    con.commit()  # type: ignore[attr-defined]


def with_database(url: str, database: str) -> str:
    """``url`` pointing at another database on the same server."""
    head, _, _ = url.rpartition("/")
    return f"{head}/{database}"


@pytest.fixture(scope="session")
def pg_db(postgres_server: ServerInfo) -> str:
    """URL of a PostgreSQL database holding the test tables."""
    import psycopg

    with psycopg.connect(postgres_server.url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {SERVER_DB}")
    url = with_database(postgres_server.url, SERVER_DB)
    with psycopg.connect(url) as con:
        load_dbapi(con, "%s")
    return url


@pytest.fixture(scope="session")
def mysql_db(mysql_server: ServerInfo) -> str:
    """URL of a MariaDB database holding the test tables."""
    import pymysql

    con = pymysql.connect(host=mysql_server.host, port=mysql_server.port, user="root")
    try:
        con.cursor().execute(f"CREATE DATABASE {SERVER_DB}")
        con.select_db(SERVER_DB)
        load_dbapi(con, "%s")
    finally:
        con.close()
    return with_database(mysql_server.url, SERVER_DB)


# ------------------------------------------------------------------ the parametrised fixture


def _files(writer: Callable[[Path], Path]) -> Callable[[pytest.FixtureRequest, Path], Backend]:
    def make(request: pytest.FixtureRequest, tmp: Path) -> Backend:
        return Backend(request.param, FilesConnector(writer(tmp)), "main", SLOW_SQL["duckdb"])

    return make


def _duckdb_memory(request: pytest.FixtureRequest, tmp: Path) -> Backend:
    conn = DuckDBConnector(":memory:", read_only=True)
    write_duckdb(conn.raw)
    return Backend(request.param, conn, "main", SLOW_SQL["duckdb"])


def _duckdb_file(request: pytest.FixtureRequest, tmp: Path) -> Backend:
    path = write_duckdb_file(tmp / "shop.duckdb")
    return Backend(request.param, DuckDBConnector(path), "main", SLOW_SQL["duckdb"])


def _sqlite(request: pytest.FixtureRequest, tmp: Path) -> Backend:
    return Backend(request.param, SQLiteConnector(write_sqlite(tmp / "shop.sqlite")), "main", SLOW_SQL["sqlite"])


def _postgres(request: pytest.FixtureRequest, tmp: Path) -> Backend:
    url = request.getfixturevalue("pg_db")
    server = request.getfixturevalue("postgres_server")
    return Backend(request.param, PostgresConnector(url), "public", SLOW_SQL["postgres"], server, url)


def _mariadb(request: pytest.FixtureRequest, tmp: Path) -> Backend:
    url = request.getfixturevalue("mysql_db")
    server = request.getfixturevalue("mysql_server")
    return Backend(request.param, MySQLConnector(url), SERVER_DB, SLOW_SQL["mysql"], server, url)


BUILDERS: dict[str, Callable[[pytest.FixtureRequest, Path], Backend]] = {
    "duckdb-memory": _duckdb_memory,
    "duckdb-file": _duckdb_file,
    "files-csv": _files(write_csv),
    "files-parquet": _files(write_parquet),
    "files-json": _files(write_json),
    "files-xlsx": _files(write_xlsx),
    "sqlite": _sqlite,
    "postgres": _postgres,
    "mariadb": _mariadb,
}
MARKS = {"postgres": pytest.mark.postgres, "mariadb": pytest.mark.mysql}
BACKEND_PARAMS = [pytest.param(name, marks=MARKS.get(name, ()), id=name) for name in BUILDERS]


@pytest.fixture(scope="session", params=BACKEND_PARAMS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """Every backend in turn, each holding ``orders`` and ``customers``."""
    b = BUILDERS[request.param](request, tmp_path_factory.mktemp(request.param))
    yield b
    b.connector.close()
