"""Spark: the connector on the session's one local SparkSession, tables from Parquet files and the catalog."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest

import bheem_nb as bn
from bheem_nb.cloud.spark import SparkConnector
from bheem_nb.connectors import connect
from bheem_nb.connectors.base import Connector
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError
from tests.query.conftest import FRAMES, MODEL
from tests.query.test_engine_backends import assert_same


def test_parquet_tables_and_catalog(spark_shop: Connector) -> None:
    assert {"customers", "orders", "products"} <= set(spark_shop.list_tables())
    assert "default" in spark_shop.list_schemas()
    cols = {c.name: c.type for c in spark_shop.list_columns("orders")}
    assert cols["unit_price"] == "decimal(10,2)" and cols["order_date"] == "date"
    with pytest.raises(BheemConnectionError, match="table nope not found"):
        spark_shop.list_columns("nope")


def test_values_types_cap_and_read_only(spark_shop: Connector) -> None:
    table = spark_shop.execute("SELECT order_id, unit_price FROM orders ORDER BY order_id")
    assert table.column("order_id").to_pylist() == FRAMES["orders"]["order_id"].tolist()
    assert str(table.schema.field("unit_price").type) == "double"
    assert table.column("unit_price").to_pylist() == pytest.approx(FRAMES["orders"]["unit_price"].tolist())
    with pytest.raises(BheemConnectionError, match="more than 5 rows"):
        spark_shop.execute("SELECT order_id FROM orders", max_rows=5)
    for statement in ("DROP TABLE orders", "INSERT INTO orders SELECT * FROM orders", "CREATE TABLE x AS SELECT 1"):
        with pytest.raises(BheemConnectionError, match="read-only"):
            spark_shop.execute(statement)


def test_timeout_cancels_the_spark_job(spark_shop: Connector) -> None:
    t0 = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="longer than 2 s"):
        spark_shop.execute("SELECT SUM(id * id % 7) AS s FROM range(100000000000)", timeout=2)
    assert time.monotonic() - t0 < 60
    assert spark_shop.execute("SELECT 1 AS one").column(0).to_pylist() == [1]  # the session survives


def test_engine_sql_runs_as_spark_sql(spark_shop: Connector) -> None:
    """The time-intelligence spine is a SEQUENCE, not a recursive CTE (Spark before 4.1 has none)."""
    m = bn.SemanticModel(MODEL, connector=spark_shop, engine=bn.Engine())
    res = m.query(measures=["revenue", "revenue:ytd", "p90_price"], dimensions=["order_date.year"])
    assert "RECURSIVE" not in res.sql and "SEQUENCE(" in res.sql and "PERCENTILE(" in res.sql
    j = FRAMES["orders"].assign(y=[d.year for d in FRAMES["orders"]["order_date"]])
    j["revenue"] = j["quantity"] * j["unit_price"] * (1 - j["discount"])
    by_year = j.groupby("y")["revenue"].sum()
    assert res.df["revenue:ytd"].tolist() == pytest.approx(by_year.tolist())
    assert res.df["p90_price"].tolist() == pytest.approx(j.groupby("y")["unit_price"].quantile(0.9).tolist())


def test_connect_url_with_a_session_and_delta_hint(spark_session: Any, shop_parquet: dict[str, Path],
                                                  tmp_path: Path) -> None:
    conn = connect("spark://local[1]", session=spark_session, tables={"p": str(shop_parquet["products"])})
    assert isinstance(conn, SparkConnector) and conn.execute("SELECT COUNT(*) FROM p").column(0)[0].as_py() == 20
    version = conn.data_version()
    conn.register("p", shop_parquet["products"])
    assert conn.data_version() != version, "re-registering a table changes the cache key"
    (tmp_path / "fake_delta" / "_delta_log").mkdir(parents=True)
    with pytest.raises(BheemConnectionError, match="delta-spark"):
        conn.register("d", tmp_path / "fake_delta")
    with pytest.raises(BheemConnectionError, match="no such file or folder"):
        conn.register("x", tmp_path / "missing.parquet")
    with pytest.raises(BheemConnectionError, match="not a Spark URL"):
        SparkConnector("hive://x")


def test_an_older_pyspark_is_refused_clearly(spark_session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyspark

    monkeypatch.setattr(pyspark, "__version__", "3.5.9")
    with pytest.raises(BheemConnectionError, match=r"needs pyspark 4 or later, found 3\.5\.9"):
        SparkConnector(session=spark_session)


#: the catalog database the lake test saves the shop tables into (managed tables in the test warehouse)
LAKE = "bheem_lake"


@pytest.fixture(scope="module")
def lake_tables(spark_session: Any, spark_warehouse: Path, shop_parquet: dict[str, Path]) -> dict[str, str]:
    """The shop tables saved with ``saveAsTable`` into ``bheem_lake`` of the session's (temporary) warehouse."""
    spark_session.sql(f"CREATE DATABASE IF NOT EXISTS {LAKE}")
    for name, path in shop_parquet.items():
        spark_session.read.parquet(str(path)).write.mode("overwrite").saveAsTable(f"{LAKE}.{name}")
    return {name: f"{LAKE}.{name}" for name in shop_parquet}


def test_catalog_tables_from_the_warehouse(spark_session: Any, spark_warehouse: Path, lake_tables: dict[str, str],
                                           shop_parquet: dict[str, Path], duck_reference: Connector) -> None:
    """Tables the model names as ``db.table`` come from the session's catalog, not from registered files."""
    conn = SparkConnector(session=spark_session, tables={"products_file": shop_parquet["products"]})
    assert LAKE in conn.list_schemas()
    assert conn.list_tables(LAKE) == ["customers", "orders", "products"], "the database's tables, no views"
    assert "products_file" in conn.list_tables()
    cols = {c.name: c.type for c in conn.list_columns("orders", LAKE)}
    assert cols["unit_price"] == "decimal(10,2)" and cols["order_date"] == "date"
    stored = spark_session.catalog.getTable(lake_tables["orders"])
    assert stored.tableType == "MANAGED"
    assert list((spark_warehouse / f"{LAKE}.db" / "orders").glob("*.parquet")), "saved in the test warehouse"

    spec = copy.deepcopy(MODEL)
    for name, table in spec["tables"].items():
        table["table"] = lake_tables[name]
    model = bn.SemanticModel(spec, connector=conn, engine=bn.Engine())
    duck = duck_reference.raw  # type: ignore[attr-defined]

    res = model.query(measures=["revenue", "orders"], dimensions=["customers.region", "order_date.month"],
                      filters=[bn.Filter("segment", "=", "Consumer"),
                               bn.Filter("order_date", "date_range", ["2024-01-01", "2024-06-30"])])
    assert f"FROM {LAKE}.orders AS orders" in res.sql and f"JOIN {LAKE}.customers AS customers" in res.sql
    expected = duck.execute(
        "SELECT c.region, CAST(DATE_TRUNC('month', o.order_date) AS DATE) AS m, "
        "CAST(SUM(o.quantity * o.unit_price * (1 - o.discount)) AS DOUBLE) AS revenue, "
        "COUNT(DISTINCT o.order_id) AS orders FROM orders o LEFT JOIN customers c ON o.customer_id = c.customer_id "
        "WHERE c.segment = 'Consumer' AND o.order_date BETWEEN DATE '2024-01-01' AND DATE '2024-06-30' "
        "GROUP BY 1, 2").df()
    expected.columns = res.df.columns
    assert len(expected) > 10
    assert_same(res.df, expected)

    res = model.query(measures=["revenue", "units"], dimensions=["category", "channel"],
                      filters=[bn.Filter("status", "=", "paid")])
    assert f"JOIN {LAKE}.products AS products" in res.sql
    expected = duck.execute(
        "SELECT p.category, o.channel, CAST(SUM(o.quantity * o.unit_price * (1 - o.discount)) AS DOUBLE) AS revenue, "
        "SUM(o.quantity) AS units FROM orders o LEFT JOIN products p ON o.product_id = p.product_id "
        "WHERE o.status = 'paid' GROUP BY 1, 2").df()
    expected.columns = res.df.columns
    assert len(expected) == 9  # 3 categories x 3 channels
    assert_same(res.df, expected)


def test_database_option_picks_the_current_database(spark_session: Any, lake_tables: dict[str, str]) -> None:
    """``database=`` makes unqualified names resolve in that database (the session's temporary views still win)."""
    try:
        conn = SparkConnector(session=spark_session, database=LAKE)
        assert conn.execute("SELECT current_database() AS db").column("db").to_pylist() == [LAKE]
    finally:
        spark_session.catalog.setCurrentDatabase("default")
    with pytest.raises(BheemConnectionError, match=r"choosing the database 'no_such_db' on .* failed: .*no_such_db"):
        SparkConnector(session=spark_session, database="no_such_db")
