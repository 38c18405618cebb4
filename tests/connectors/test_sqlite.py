"""SQLite specifics: the three read-only locks and types inferred from values."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest

from bheem_nb.connectors import SQLiteConnector
from bheem_nb.errors import BheemConnectionError
from tests.connectors.conftest import write_sqlite


@pytest.fixture()
def conn(tmp_path: Path) -> SQLiteConnector:
    path = write_sqlite(tmp_path / "shop.sqlite")
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE mixed (n, t, ts, blob)")
    raw.executemany("INSERT INTO mixed VALUES (?, ?, ?, ?)", [
        (1, "2024-01-05", "2024-01-05 08:30:00", b"\x00\x01"),
        (2.5, "2024-02-29", "2024-02-29T23:59:59.5", None),
        (None, None, None, None),
    ])
    raw.execute("CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 10")
    raw.commit()
    raw.close()
    return SQLiteConnector(path)


@pytest.mark.parametrize(
    "sql",
    [
        "PRAGMA query_only = OFF",
        "PRAGMA journal_mode = DELETE",
        "ATTACH DATABASE '{tmp}/new.db' AS other",
        "CREATE TEMP TABLE scratch (a)",
        "VACUUM INTO '{tmp}/copy.db'",
    ],
)
def test_locks(conn: SQLiteConnector, tmp_path: Path, sql: str) -> None:
    with pytest.raises(BheemConnectionError):
        conn.execute(sql.format(tmp=tmp_path))
    assert not (tmp_path / "new.db").exists()
    assert not (tmp_path / "copy.db").exists()
    with pytest.raises(BheemConnectionError, match="readonly"):
        conn.execute("INSERT INTO orders (id) VALUES (9)")


def test_catalog_reads_are_allowed(conn: SQLiteConnector) -> None:
    assert conn.list_tables() == ["big_orders", "customers", "mixed", "orders"]
    assert conn.execute("PRAGMA table_info(orders)").num_rows == 5
    with pytest.raises(BheemConnectionError, match="schema 'nope' not found"):
        conn.list_tables("nope")


def test_types_from_values(conn: SQLiteConnector) -> None:
    t = conn.execute("SELECT n, t, ts, blob, NULL AS empty, 'x' || n AS label FROM mixed ORDER BY rowid")
    types = dict(zip(t.column_names, t.schema.types, strict=True))
    assert types == {"n": pa.float64(), "t": pa.date32(), "ts": pa.timestamp("us"), "blob": pa.binary(),
                     "empty": pa.null(), "label": pa.string()}
    assert t.column("ts").to_pylist()[:2] == [
        dt.datetime(2024, 1, 5, 8, 30), dt.datetime(2024, 2, 29, 23, 59, 59, 500000)
    ]


def test_text_that_only_looks_like_dates_stays_text(conn: SQLiteConnector) -> None:
    t = conn.execute("SELECT '2024-01-01' AS a UNION ALL SELECT 'not a date'")
    assert t.schema.types == [pa.string()]
    bad = conn.execute("SELECT '2024-13-45' AS d")
    assert bad.schema.types == [pa.string()]


def test_mixed_types_fall_back_to_text(conn: SQLiteConnector) -> None:
    t = conn.execute("SELECT 1 AS v UNION ALL SELECT 'one'")
    assert t.schema.types == [pa.string()]
    assert sorted(t.column("v").to_pylist()) == ["1", "one"]


def test_data_version_follows_the_file(tmp_path: Path) -> None:
    path = write_sqlite(tmp_path / "v.sqlite")
    conn = SQLiteConnector(path)
    before = conn.data_version()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO customers VALUES ('Zed', 'East')")
    raw.commit()
    raw.close()
    assert conn.data_version() != before
