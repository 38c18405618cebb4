"""The one connector contract, checked on every backend (see ``conftest.BUILDERS``)."""

from __future__ import annotations

import datetime as dt
import time

import pyarrow as pa
import pytest

from bheem_nb.errors import BheemConnectionError, QueryTimeoutError
from tests.connectors.conftest import ORDER_COLUMNS, ORDERS, Backend

DIALECTS = {"duckdb": "duckdb", "files": "duckdb", "sqlite": "sqlite", "postgres": "postgres", "mariadb": "mysql"}
ORDERED = "SELECT id, customer, amount, order_date, note FROM orders ORDER BY id"


def is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def test_dialect(backend: Backend) -> None:
    assert backend.connector.dialect == DIALECTS[backend.id.split("-")[0]]
    assert backend.connector.name


def test_catalog(backend: Backend) -> None:
    conn = backend.connector
    assert backend.schema in conn.list_schemas()
    assert {"orders", "customers"} <= set(conn.list_tables())
    assert set(conn.list_tables(backend.schema)) == set(conn.list_tables())
    columns = conn.list_columns("orders")
    assert [c.name for c in columns] == ORDER_COLUMNS
    assert all(c.type for c in columns), "every column reports its declared type"
    assert [c.name for c in conn.list_columns("orders", backend.schema)] == ORDER_COLUMNS


def test_unknown_table_in_catalog(backend: Backend) -> None:
    with pytest.raises(BheemConnectionError, match="no_such_table"):
        backend.connector.list_columns("no_such_table")


def test_values_and_types(backend: Backend) -> None:
    t = backend.connector.execute(ORDERED)
    assert t.column_names == ORDER_COLUMNS
    assert t.num_rows == len(ORDERS)
    types = dict(zip(t.column_names, t.schema.types, strict=True))
    assert pa.types.is_integer(types["id"])
    assert is_text(types["customer"]) and is_text(types["note"])
    assert types["amount"] == pa.float64(), "DECIMAL/NUMERIC becomes float64"
    assert types["order_date"] == pa.date32()
    rows = t.to_pylist()
    assert [r["id"] for r in rows] == [o[0] for o in ORDERS]
    assert [r["customer"] for r in rows] == [o[1] for o in ORDERS]
    assert [r["amount"] for r in rows] == pytest.approx([float(o[2]) for o in ORDERS])
    assert [r["order_date"] for r in rows] == [o[3] for o in ORDERS]
    assert [r["note"] for r in rows] == [o[4] for o in ORDERS], "NULLs stay NULL"


def test_aggregates_follow_the_type_convention(backend: Backend) -> None:
    t = backend.connector.execute(
        "SELECT COUNT(*) AS n, SUM(id) AS id_sum, SUM(amount) AS total, AVG(amount) AS mean, "
        "MAX(order_date) AS last_day, COUNT(note) AS notes FROM orders"
    )
    row = t.to_pylist()[0]
    assert row == {
        "n": 5, "id_sum": 15, "total": pytest.approx(1355.30), "mean": pytest.approx(271.06),
        "last_day": dt.date(2024, 12, 31), "notes": 3,
    }
    types = dict(zip(t.column_names, t.schema.types, strict=True))
    assert pa.types.is_integer(types["n"]) and pa.types.is_integer(types["notes"])
    assert pa.types.is_integer(types["id_sum"]), "SUM of integers stays an integer"
    assert types["total"] == pa.float64() and types["mean"] == pa.float64()


def test_group_by_and_percent_signs(backend: Backend) -> None:
    t = backend.connector.execute(
        "SELECT customer, COUNT(*) AS n FROM orders WHERE customer LIKE 'A%' OR note LIKE '%,%' "
        "GROUP BY customer ORDER BY customer"
    )
    assert t.to_pylist() == [{"customer": "Ada", "n": 2}, {"customer": "Édith", "n": 1}]


def test_empty_result_keeps_columns(backend: Backend) -> None:
    t = backend.connector.execute("SELECT id, customer FROM orders WHERE id < 0")
    assert t.num_rows == 0
    assert t.column_names == ["id", "customer"]


def test_row_cap(backend: Backend) -> None:
    conn = backend.connector
    with pytest.raises(BheemConnectionError, match="row cap"):
        conn.execute(ORDERED, max_rows=4)
    assert conn.execute(ORDERED, max_rows=5).num_rows == 5
    assert conn.execute(ORDERED, max_rows=None).num_rows == 5
    assert conn.execute("SELECT COUNT(*) AS n FROM orders").to_pylist() == [{"n": 5}], "usable after the cap"


def test_timeout(backend: Backend) -> None:
    conn = backend.connector
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"longer than 0\.5 s"):
        conn.execute(backend.slow_sql, timeout=0.5)
    assert time.monotonic() - started < 10
    assert conn.execute("SELECT COUNT(*) AS n FROM orders", timeout=5).to_pylist() == [{"n": 5}]


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO orders (id, customer) VALUES (99, 'Mallory')",
        "UPDATE orders SET customer = 'Mallory'",
        "DELETE FROM orders",
        "CREATE TABLE sneaky (x INTEGER)",
        "DROP TABLE customers",
    ],
    ids=["insert", "update", "delete", "create", "drop"],
)
def test_writes_are_refused(backend: Backend, sql: str) -> None:
    conn = backend.connector
    with pytest.raises(BheemConnectionError):
        conn.execute(sql)
    assert conn.execute("SELECT COUNT(*) AS n FROM orders WHERE customer <> 'Mallory'").to_pylist() == [{"n": 5}]
    assert "sneaky" not in conn.list_tables()
    assert "customers" in conn.list_tables()


def test_sql_error_names_the_problem(backend: Backend) -> None:
    with pytest.raises(BheemConnectionError, match="no_such_table") as info:
        backend.connector.execute("SELECT * FROM no_such_table")
    assert not isinstance(info.value, QueryTimeoutError)
    assert backend.connector.execute("SELECT 1 AS one").to_pylist() == [{"one": 1}], "usable after an error"


def test_data_version_is_stable_without_changes(backend: Backend) -> None:
    conn = backend.connector
    assert conn.data_version() == conn.data_version()
