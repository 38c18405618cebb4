"""The shop star schema of ``tests/query`` on the cloud backends, plus PostgreSQL and MariaDB.

* ``spark_session``: ONE local SparkSession for the whole test session (``local[1]``, no UI,
  one shuffle partition); starting Spark takes several seconds, so nothing else starts one.
* ``spark_connect_url`` / ``spark_connect_shop``: a Spark Connect server (pyspark 4's own, see
  ``tests/cloud/connect_server.py``) on 127.0.0.1, and the connector opened on it by ``sc://``.
* ``fakesnow_server``: fakesnow's HTTP server; the real Snowflake connector talks to it.
* ``bq_server``: the loopback BigQuery REST server (``tests/cloud/bq_server.py``) on DuckDB.
* ``cloud_backends``: name -> connector holding the shop tables, DuckDB being the reference.

Server databases are the suite's own (``bheem_cloud``), so they never collide with other suites.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bheem_nb.connectors.base import Connector
from tests.query.conftest import FRAMES, _duckdb, loaded_database

#: the Arrow types of tests/query's DDL, so every backend gets the same column types
ARROW_TYPES: dict[str, dict[str, pa.DataType]] = {
    "orders": {"order_id": pa.int32(), "order_date": pa.date32(), "customer_id": pa.int32(),
               "product_id": pa.int32(), "quantity": pa.int32(), "unit_price": pa.decimal128(10, 2),
               "discount": pa.float64(), "status": pa.string(), "channel": pa.string()},
    "customers": {"customer_id": pa.int32(), "region": pa.string(), "segment": pa.string(), "email": pa.string(),
                  "credit_limit": pa.float64()},
    "products": {"product_id": pa.int32(), "category": pa.string()},
}


def arrow_frame(name: str) -> pa.Table:
    """One of the shop tables as Arrow with the DDL's types (unit_price DECIMAL(10,2))."""
    df = FRAMES[name]
    arrays = []
    for col, typ in ARROW_TYPES[name].items():
        values = [None if (isinstance(v, float) and np.isnan(v)) else v for v in df[col].tolist()]
        if pa.types.is_decimal(typ):
            from decimal import Decimal

            values = [None if v is None else Decimal(str(round(v, 2))) for v in values]
        arrays.append(pa.array(values, type=typ))
    return pa.Table.from_arrays(arrays, names=list(ARROW_TYPES[name]))


@pytest.fixture(scope="session")
def shop_parquet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shop tables as Parquet files (what a lake or a Spark cluster would read)."""
    d = tmp_path_factory.mktemp("shop_parquet")
    paths = {}
    for name in FRAMES:
        paths[name] = d / f"{name}.parquet"
        pq.write_table(arrow_frame(name), paths[name])
    return paths


# ------------------------------------------------------------------------------ Spark


@pytest.fixture(scope="session")
def spark_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's catalog warehouse (managed tables of ``saveAsTable``): a temporary folder."""
    return tmp_path_factory.mktemp("spark_warehouse")


@pytest.fixture(scope="session")
def spark_session(spark_warehouse: Path) -> Iterator[Any]:
    """The one local SparkSession of the test run (slow to start: shared by every Spark test)."""
    pyspark = pytest.importorskip("pyspark")
    del pyspark
    from pyspark.sql import SparkSession

    from bheem_nb.cloud.spark import LOCAL_CONFIG

    builder = SparkSession.builder.master("local[1]").appName("bheem_nb-tests")
    # tiny data: interpreted plans and the quick JIT tier beat whole-stage code generation by far
    for key, value in {**LOCAL_CONFIG, "spark.sql.warehouse.dir": str(spark_warehouse),
                       "spark.sql.shuffle.partitions": "1",
                       "spark.default.parallelism": "1", "spark.sql.adaptive.enabled": "false",
                       "spark.sql.codegen.wholeStage": "false",
                       "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
                       "spark.driver.memory": "1g", "spark.ui.showConsoleProgress": "false"}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


@pytest.fixture(scope="session")
def spark_shop(spark_session: Any, shop_parquet: dict[str, Path]) -> Connector:
    from bheem_nb.cloud.spark import SparkConnector

    conn = SparkConnector(session=spark_session, tables={k: str(v) for k, v in shop_parquet.items()})
    for name in shop_parquet:
        spark_session.catalog.cacheTable(name)  # read the Parquet files once, not per query
    return conn


@pytest.fixture(scope="session")
def spark_connect_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sc://127.0.0.1:PORT`` of a Spark Connect server (pyspark 4's own), started once and stopped by PID.

    Skips with the reason where it cannot start (pyspark < 4, no Java); with ``CI`` set that is a
    failure, but only while pyproject pins pyspark >= 4 (a 3.5 pin has no server to start).
    """
    from tests.cloud.connect_server import connect_server, pinned_pyspark_4, unavailable_reason
    from tests.conftest import IN_CI, free_port

    reason = unavailable_reason()
    if reason is not None:
        if IN_CI and pinned_pyspark_4():
            pytest.fail(f"{reason} (CI is set and pyproject pins pyspark >= 4, so this fails)", pytrace=False)
        pytest.skip(reason)
    try:
        with connect_server(tmp_path_factory.mktemp("spark_connect"), free_port()) as (url, _pid):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def spark_connect_shop(spark_connect_url: str, shop_parquet: dict[str, Path]) -> Iterator[Connector]:
    """The shop tables on the Connect server, opened by URL as a user would (``connect("sc://...")``)."""
    from bheem_nb.connectors import connect

    conn = connect(spark_connect_url, tables={k: str(v) for k, v in shop_parquet.items()})
    for name in shop_parquet:
        conn.session.catalog.cacheTable(name)  # type: ignore[attr-defined]
    yield conn
    conn.close()


# ------------------------------------------------------------------------------ Snowflake (fakesnow)


@pytest.fixture(scope="session")
def fakesnow_server() -> Iterator[dict[str, Any]]:
    """fakesnow's HTTP server on a free 127.0.0.1 port; yields the connect() keyword arguments."""
    fakesnow = pytest.importorskip("fakesnow")
    logging.getLogger("uvicorn").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("snowflake.connector").setLevel(logging.ERROR)
    with fakesnow.server() as kwargs:
        yield kwargs


def snowflake_options(server: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """SnowflakeConnector keyword arguments for the fakesnow server."""
    return {"account": server["account"], "user": server["user"], "password": server["password"],
            "host": server["host"], "port": server["port"], "protocol": server["protocol"],
            "network_timeout": 5, **extra}


def _insert_statements(name: str, limit: int | None = None) -> list[str]:
    """Multi-row INSERTs built from sqlglot literals (fakesnow runs array bindings row by row)."""
    from sqlglot import exp

    table = arrow_frame(name)
    rows = table.to_pylist()[:limit]
    out = []
    for start in range(0, len(rows), 1000):
        values = []
        for row in rows[start:start + 1000]:
            items: list[exp.Expr] = []
            for v in row.values():
                if v is None:
                    items.append(exp.Null())
                elif isinstance(v, dt.date):
                    items.append(exp.cast(exp.Literal.string(v.isoformat()), "date"))
                elif isinstance(v, str):
                    items.append(exp.Literal.string(v))
                else:
                    items.append(exp.Literal.number(str(v)))
            values.append(exp.Tuple(expressions=items))
        out.append(exp.insert(exp.Values(expressions=values), name).sql("snowflake"))
    return out


_SNOWFLAKE_DDL = {
    "orders": "order_id INTEGER, order_date DATE, customer_id INTEGER, product_id INTEGER, quantity INTEGER, "
              "unit_price NUMBER(10,2), discount FLOAT, status VARCHAR(20), channel VARCHAR(40)",
    "customers": "customer_id INTEGER, region VARCHAR(20), segment VARCHAR(20), email VARCHAR(60), "
                 "credit_limit FLOAT",
    "products": "product_id INTEGER, category VARCHAR(20)",
}


@pytest.fixture(scope="session")
def snowflake_shop(fakesnow_server: dict[str, Any]) -> Iterator[Connector]:
    import snowflake.connector
    from fakesnow.server import shared_fs

    from bheem_nb.cloud.snowflake import SnowflakeConnector

    raw = snowflake.connector.connect(**fakesnow_server, database="SHOP", schema="PUBLIC")
    cur = raw.cursor()
    for name in FRAMES:
        cur.execute(f"CREATE OR REPLACE TABLE {name} ({_SNOWFLAKE_DDL[name]})")
        cur.execute(_insert_statements(name, limit=5)[0])  # a few rows the Snowflake way (INSERT over HTTP) ...
    raw.close()
    duck = shared_fs.duck_conn.cursor()  # ... the rest straight into fakesnow's DuckDB: parsing 3,000-row
    for name in FRAMES:                  # INSERTs through fakesnow's transforms takes minutes
        duck.register("_rows", arrow_frame(name).slice(5))
        duck.execute(f"INSERT INTO SHOP.PUBLIC.{name.upper()} SELECT * FROM _rows")
        duck.unregister("_rows")
    conn = SnowflakeConnector(**snowflake_options(fakesnow_server, database="SHOP", schema="PUBLIC"))
    yield conn
    conn.close()


# ------------------------------------------------------------------------------ BigQuery (loopback)


@pytest.fixture(scope="session")
def bq_server() -> Iterator[Any]:
    from tests.cloud.bq_server import BigQueryLoopback

    server = BigQueryLoopback(project="shop-project")
    for name in FRAMES:
        server.load("shop", name, arrow_frame(name))
    with server:
        yield server


@pytest.fixture(scope="session")
def bigquery_shop(bq_server: Any) -> Iterator[Connector]:
    from bheem_nb.cloud.bigquery import BigQueryConnector

    conn = BigQueryConnector(project="shop-project", dataset="shop", endpoint=bq_server.url, anonymous=True)
    yield conn
    conn.close()


# ------------------------------------------------------------------------------ servers and the reference


@pytest.fixture(scope="session")
def _pg_cloud(request: pytest.FixtureRequest) -> str:
    return loaded_database(request.getfixturevalue("postgres_url"), "bheem_cloud")


@pytest.fixture(scope="session")
def _mysql_cloud(request: pytest.FixtureRequest) -> str:
    return loaded_database(request.getfixturevalue("mysql_url"), "bheem_cloud")


@pytest.fixture(scope="session")
def duck_reference(tmp_path_factory: pytest.TempPathFactory) -> Connector:
    """DuckDB with the shop tables: the answers every other backend must equal."""
    return _duckdb(tmp_path_factory.mktemp("cloud_duck"))


BACKENDS = ["spark", "snowflake", "bigquery", pytest.param("postgres", marks=pytest.mark.postgres),
            pytest.param("mysql", marks=pytest.mark.mysql)]


@pytest.fixture(scope="session", params=BACKENDS)
def cloud_backend(request: pytest.FixtureRequest) -> Iterator[Connector]:
    """One backend holding the shop tables (session-scoped: each starts once)."""
    name = request.param
    if name in ("postgres", "mysql"):
        from bheem_nb.connectors import connect

        conn = connect(request.getfixturevalue("_pg_cloud" if name == "postgres" else "_mysql_cloud"))
        yield conn
        conn.close()
        return
    yield request.getfixturevalue(f"{name}_shop")
