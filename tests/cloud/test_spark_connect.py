"""Spark Connect: the connector opened by ``sc://127.0.0.1:PORT`` on pyspark 4's bundled Connect server.

The server (``spark_connect_url``, tests/cloud/conftest.py) runs Spark 4's defaults, ANSI SQL mode
included, so these tests also show the compiled SQL holds under ANSI over Connect.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from bheem_nb.connectors import connect
from bheem_nb.connectors.base import Connector
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError
from tests.cloud.specs import CASES, Case, refused
from tests.cloud.test_dialects import _model
from tests.query.conftest import FRAMES
from tests.query.test_engine_backends import assert_same

#: one or two cases of each kind (aggregates, derived and zero divisors, filters, grains, fan-out, ordering,
#: time intelligence, RLS on semantic and raw SQL); BHEEM_SPARK_ALL=1 runs every case of the dialect suite
CONNECT_CASES = {"agg-revenue", "agg-p90_price", "agg-median_price", "agg-sd_price", "derived", "derived-zero-divisor",
                 "filter-channelcontains['50%_']", "filter-order_daterelative_period[-1, 'quarter']",
                 "group-filter-aov<", "grain-week", "grain-fiscal_quarter", "fan-out-by-channel", "two-tables",
                 "order-limit", "ti-month-ytd", "ti-spine-in-range", "rls-ti-u_bob", "rls-raw-sql-u_alice",
                 "rls-injection-filter", "doc-dashboard"}
assert not CONNECT_CASES - {c.id for c in CASES}, f"unknown case ids: {CONNECT_CASES - {c.id for c in CASES}}"
SELECTED = [c for c in CASES if c.id in CONNECT_CASES or os.environ.get("BHEEM_SPARK_ALL")]


def test_a_connect_session_with_the_shop_tables(spark_connect_shop: Connector) -> None:
    session: Any = spark_connect_shop.session  # type: ignore[attr-defined]
    assert type(session).__module__.startswith("pyspark.sql.connect"), "a Spark Connect client, not a local JVM"
    assert session.conf.get("spark.sql.ansi.enabled") == "true", "Spark 4's default: ANSI mode"
    assert {"customers", "orders", "products"} <= set(spark_connect_shop.list_tables())
    assert "default" in spark_connect_shop.list_schemas()
    cols = {c.name: c.type for c in spark_connect_shop.list_columns("orders")}
    assert cols["unit_price"] == "decimal(10,2)" and cols["order_date"] == "date"

    table = spark_connect_shop.execute("SELECT order_id, unit_price FROM orders ORDER BY order_id")
    assert table.column("order_id").to_pylist() == FRAMES["orders"]["order_id"].tolist()
    assert str(table.schema.field("unit_price").type) == "double"
    assert table.column("unit_price").to_pylist() == pytest.approx(FRAMES["orders"]["unit_price"].tolist())
    with pytest.raises(BheemConnectionError, match="more than 5 rows"):
        spark_connect_shop.execute("SELECT order_id FROM orders", max_rows=5)
    with pytest.raises(BheemConnectionError, match="read-only"):
        spark_connect_shop.execute("DROP TABLE orders")


def test_the_time_limit_interrupts_the_operation(spark_connect_shop: Connector) -> None:
    """The operation tag is interrupted on the server: its one core is free for the next query at once.

    The statement takes a minute or more on one core (about 10M rows/s here), so without the
    interrupt it would end by itself and ``pytest.raises`` would fail.
    """
    t0 = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="longer than 2 s"):
        spark_connect_shop.execute("SELECT SUM(id % 7) AS s FROM range(1000000000)", timeout=2)
    assert time.monotonic() - t0 < 30
    # local[1]: a job still running would hold the only task slot and this count would time out
    count = spark_connect_shop.execute("SELECT COUNT(*) AS n FROM orders", timeout=30)
    assert count.column("n").to_pylist() == [len(FRAMES["orders"])]


def test_each_connector_has_its_own_session_beside_a_local_one(spark_connect_url: str, spark_connect_shop: Connector,
                                                               spark_shop: Connector,
                                                               shop_parquet: dict[str, Path]) -> None:
    """A second ``sc://`` connector gets a session of its own: its views stay its own and closing it
    leaves the first working; a local session in the same process does not stop either."""
    other = connect(spark_connect_url, tables={"p": str(shop_parquet["products"])})
    try:
        assert other.session is not spark_connect_shop.session  # type: ignore[attr-defined]
        assert "p" in other.list_tables() and "p" not in spark_connect_shop.list_tables()
    finally:
        other.close()
    sql = "SELECT channel, COUNT(*) AS n FROM orders GROUP BY channel ORDER BY channel"
    assert spark_connect_shop.execute(sql).to_pylist() == spark_shop.execute(sql).to_pylist()


@pytest.mark.parametrize("case", SELECTED, ids=[c.id for c in SELECTED])
def test_engine_queries_equal_duckdb(spark_connect_shop: Connector, duck_reference: Connector, case: Case) -> None:
    assert not refused(case, "spark")
    got = case.run(_model(case, spark_connect_shop)).df
    assert_same(got, case.run(_model(case, duck_reference)).df)
