"""PostgreSQL and MariaDB specifics: authentication errors, redaction, read-only locks, types."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from bheem_nb.connectors import MySQLConnector, PostgresConnector, connect
from bheem_nb.errors import BheemConnectionError
from tests.conftest import ServerInfo, free_port

WRONG = "Wr0ng-Secret-4711"

pg = pytest.mark.postgres
my = pytest.mark.mysql


def assert_no_secret(exc: BaseException, *secrets: str) -> None:
    text = str(exc)
    for secret in secrets:
        assert secret not in text, f"secret leaked into: {text}"


# ------------------------------------------------------------------ PostgreSQL


@pg
def test_pg_wrong_password(postgres_server: ServerInfo) -> None:
    assert postgres_server.password_url and postgres_server.password
    url = postgres_server.password_url.replace(postgres_server.password, WRONG)
    with pytest.raises(BheemConnectionError, match="password authentication failed") as info:
        connect(url)
    assert_no_secret(info.value, WRONG)
    assert "***" in str(info.value)


@pg
def test_pg_password_in_query_string_is_redacted(postgres_server: ServerInfo) -> None:
    url = f"postgresql://127.0.0.1:{postgres_server.port}/postgres?user=bheem_auth&password={WRONG}"
    with pytest.raises(BheemConnectionError) as info:
        connect(url)
    assert_no_secret(info.value, WRONG)


def test_pg_dead_port() -> None:
    with pytest.raises(BheemConnectionError, match="opening the connection") as info:
        PostgresConnector(f"postgresql://someone:{WRONG}@127.0.0.1:{free_port()}/db", connect_timeout=2)
    assert_no_secret(info.value, WRONG)


def test_pg_bad_url() -> None:
    with pytest.raises(BheemConnectionError) as info:
        PostgresConnector(f"postgresql://someone:{WRONG}@127.0.0.1:notaport/db")
    assert_no_secret(info.value, WRONG)


@pg
def test_pg_name_is_redacted(postgres_server: ServerInfo) -> None:
    assert postgres_server.password_url and postgres_server.password
    with PostgresConnector(postgres_server.password_url) as conn:
        assert postgres_server.password not in conn.name
        assert conn.execute("SELECT current_user AS u").to_pylist() == [{"u": "bheem_auth"}]


@pg
def test_pg_each_transaction_is_read_only(pg_db: str) -> None:
    import psycopg

    with psycopg.connect(pg_db, autocommit=True) as con:
        con.execute("CREATE SEQUENCE IF NOT EXISTS bheem_seq")
    with PostgresConnector(pg_db) as conn:
        # a query may switch the session default back, but every transaction starts READ ONLY
        conn.execute("SELECT set_config('default_transaction_read_only', 'off', false) AS x")
        with pytest.raises(BheemConnectionError, match="read-only transaction"):
            conn.execute("SELECT nextval('bheem_seq') AS n")
        with pytest.raises(BheemConnectionError, match="only queries"):
            conn.execute("  INSERT INTO orders (id) VALUES (7)")


@pg
def test_pg_reconnects_after_the_server_drops_it(pg_db: str) -> None:
    import psycopg

    with PostgresConnector(pg_db, application_name="bheem_victim") as conn:
        assert conn.execute("SELECT 1 AS one").to_pylist() == [{"one": 1}]
        with psycopg.connect(pg_db, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'bheem_victim'")
        assert conn.execute("SELECT 2 AS two").to_pylist() == [{"two": 2}]


@pg
def test_pg_types(pg_db: str) -> None:
    with PostgresConnector(pg_db) as conn:
        t = conn.execute(
            "SELECT 2::smallint AS i2, 3::integer AS i4, 4::bigint AS i8, 1.5::real AS f4, 2.5::float8 AS f8, "
            "12345678901234.5678::numeric AS num, SUM(id::bigint) AS sum_big, SUM(id) AS sum_int, "
            "TRUE AS b, DATE '2024-02-29' AS d, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, "
            "TIMESTAMPTZ '2024-01-02 03:04:05+02' AS tstz, TIME '01:02:03' AS t, "
            "INTERVAL '1 day 2 hours' AS iv, '{\"a\": 1}'::jsonb AS j, "
            "'6f9619ff-8b86-d011-b42d-00cf4fc964ff'::uuid AS u, '\\x0102'::bytea AS raw, "
            "'padded'::char(8) AS c8, ARRAY[1, 2] AS arr FROM orders"
        )
    types = dict(zip(t.column_names, t.schema.types, strict=True))
    assert types == {
        "i2": pa.int16(), "i4": pa.int32(), "i8": pa.int64(), "f4": pa.float32(), "f8": pa.float64(),
        "num": pa.float64(), "sum_big": pa.float64(), "sum_int": pa.int64(), "b": pa.bool_(), "d": pa.date32(),
        "ts": pa.timestamp("us"), "tstz": pa.timestamp("us", tz="UTC"), "t": pa.time64("us"),
        "iv": pa.duration("us"), "j": pa.string(), "u": pa.string(), "raw": pa.binary(), "c8": pa.string(),
        "arr": pa.list_(pa.int64()),
    }
    row = t.to_pylist()[0]
    assert row["num"] == pytest.approx(12345678901234.5678)
    assert row["sum_big"] == 15.0
    assert row["tstz"] == dt.datetime(2024, 1, 2, 1, 4, 5, tzinfo=dt.UTC)
    assert row["ts"] == dt.datetime(2024, 1, 2, 3, 4, 5, 123456)
    assert row["iv"] == dt.timedelta(days=1, hours=2)
    assert row["j"] == '{"a": 1}'
    assert row["u"] == "6f9619ff-8b86-d011-b42d-00cf4fc964ff"
    assert row["raw"] == b"\x01\x02"
    assert row["arr"] == [1, 2]


# ------------------------------------------------------------------ MariaDB


@my
def test_mysql_wrong_password(mysql_server: ServerInfo) -> None:
    assert mysql_server.password_url and mysql_server.password
    url = mysql_server.password_url.replace(mysql_server.password, WRONG)
    with pytest.raises(BheemConnectionError, match="Access denied") as info:
        connect(url)
    assert_no_secret(info.value, WRONG)
    assert "***" in str(info.value)


def test_mysql_dead_port() -> None:
    with pytest.raises(BheemConnectionError, match="opening the connection") as info:
        MySQLConnector(f"mysql://someone:{WRONG}@127.0.0.1:{free_port()}/db", connect_timeout=2)
    assert_no_secret(info.value, WRONG)


def test_mysql_bad_port() -> None:
    with pytest.raises(BheemConnectionError, match="invalid port") as info:
        MySQLConnector(f"mysql://someone:{WRONG}@127.0.0.1:99999999/db")
    assert_no_secret(info.value, WRONG)


@my
def test_mysql_name_is_redacted_and_flavour_detected(mysql_server: ServerInfo) -> None:
    assert mysql_server.password_url and mysql_server.password
    with MySQLConnector(mysql_server.password_url) as conn:
        assert mysql_server.password not in conn.name
        assert conn.is_mariadb
        assert conn.execute("SELECT CURRENT_USER() AS u").to_pylist()[0]["u"].startswith("bheem_auth@")


@my
def test_mysql_read_only_is_reasserted(mysql_db: str) -> None:
    with MySQLConnector(mysql_db) as conn:
        conn.execute("SET SESSION TRANSACTION READ WRITE")
        with pytest.raises(BheemConnectionError, match="READ ONLY"):
            conn.execute("INSERT INTO orders (id) VALUES (7)")
        assert conn.execute("SELECT COUNT(*) AS n FROM orders").to_pylist() == [{"n": 5}]


@my
def test_mysql_reconnects_after_the_server_drops_it(mysql_server: ServerInfo, mysql_db: str) -> None:
    import pymysql

    with MySQLConnector(mysql_db) as conn:
        thread_id = conn.execute("SELECT CONNECTION_ID() AS id").to_pylist()[0]["id"]
        admin = pymysql.connect(host=mysql_server.host, port=mysql_server.port, user="root")
        try:
            admin.cursor().execute(f"KILL {int(thread_id)}")
        finally:
            admin.close()
        assert conn.execute("SELECT 2 AS two").to_pylist() == [{"two": 2}]


@my
def test_mysql_types(mysql_db: str) -> None:
    with MySQLConnector(mysql_db) as conn:
        t = conn.execute(
            "SELECT CAST(18446744073709551615 AS UNSIGNED) AS big, CAST(1.5 AS DECIMAL(5,2)) AS dec2, "
            "SUM(id) AS sum_int, AVG(id) AS mean, COUNT(*) AS n, CAST(2.5 AS DOUBLE) AS dbl, "
            "TIMESTAMP('2024-01-02 03:04:05.123456') AS ts, DATE('2024-02-29') AS d, TIME('01:02:03') AS t, "
            "x'0102' AS raw, JSON_OBJECT('a', 1) AS j, 'text' AS s, NULL AS nothing, YEAR('2024-05-01') AS y "
            "FROM orders"
        )
    types = dict(zip(t.column_names, t.schema.types, strict=True))
    assert types == {
        "big": pa.uint64(), "dec2": pa.float64(), "sum_int": pa.int64(), "mean": pa.float64(), "n": pa.int64(),
        "dbl": pa.float64(), "ts": pa.timestamp("us"), "d": pa.date32(), "t": pa.duration("us"),
        "raw": pa.binary(), "j": pa.string(), "s": pa.string(), "nothing": pa.null(), "y": pa.int64(),
    }
    row = t.to_pylist()[0]
    assert row["big"] == 18446744073709551615
    assert row["sum_int"] == 15 and row["mean"] == pytest.approx(3.0)
    assert row["ts"] == dt.datetime(2024, 1, 2, 3, 4, 5, 123456)
    assert row["t"] == dt.timedelta(hours=1, minutes=2, seconds=3)
    assert row["raw"] == b"\x01\x02"
