"""A small star schema loaded into every backend, plus pandas copies for reference answers.

The engine suite is written once and parametrised over DuckDB, SQLite, PostgreSQL and
MariaDB (ibis style): the same query must give the same numbers everywhere, and those
numbers must equal a pandas computation over the same rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.connectors.base import Connector

REGIONS = ["North", "South", "East", "West"]
SEGMENTS = ["Consumer", "Corporate", "Home Office"]
STATUSES = ["paid", "paid", "paid", "refunded", "pending"]
CHANNELS = ["online", "store", "partner_50%_off"]  # a % and _ to test LIKE escaping

MODEL: dict[str, Any] = {
    "name": "shop",
    "tables": {
        "orders": {
            "table": "orders",
            "primary_key": "order_id",
            "time_dimension": "order_date",
            "dimensions": {
                "order_date": {"type": "time", "hierarchy": ["year", "quarter", "month", "week", "day"]},
                "status": {"type": "string"},
                "channel": {"type": "string"},
                "quantity": {"type": "number"},
            },
            "measures": {
                "revenue": {"agg": "sum", "expr": "quantity * unit_price * (1 - discount)", "format": "currency"},
                "orders": {"agg": "count_distinct", "expr": "order_id"},
                "order_rows": {"agg": "count"},
                "units": {"agg": "sum", "expr": "quantity"},
                "avg_price": {"agg": "avg", "expr": "unit_price"},
                "min_price": {"agg": "min", "expr": "unit_price"},
                "max_price": {"agg": "max", "expr": "unit_price"},
                "median_price": {"agg": "median", "expr": "unit_price"},
                "p90_price": {"agg": "percentile", "expr": "unit_price", "p": 0.9},
                "sd_price": {"agg": "stddev", "expr": "unit_price"},
                "paid_revenue": {"agg": "sum", "expr": "quantity * unit_price * (1 - discount)",
                                 "filter": "status = 'paid'"},
                "paid_orders": {"agg": "count", "filter": "status = 'paid'"},
                "aov": {"expr": "revenue / orders"},
                "paid_share": {"expr": "paid_revenue / revenue * 100"},
            },
        },
        "customers": {
            "table": "customers",
            "primary_key": "customer_id",
            "dimensions": {"region": {}, "segment": {}, "email": {}},
            "measures": {
                "credit": {"agg": "sum", "expr": "credit_limit"},
                "customers": {"agg": "count_distinct", "expr": "customer_id"},
            },
        },
        "products": {
            "table": "products",
            "primary_key": "product_id",
            "dimensions": {"category": {}},
        },
    },
    "joins": [
        {"left": "orders", "right": "customers", "on": "orders.customer_id = customers.customer_id",
         "relationship": "many_to_one"},
        {"left": "orders", "right": "products", "on": "orders.product_id = products.product_id",
         "relationship": "many_to_one"},
    ],
}


def make_frames(seed: int = 7, n_orders: int = 3000) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_cust = 60
    customers = pd.DataFrame({
        "customer_id": np.arange(1, n_cust + 1),
        "region": [REGIONS[i % 4] for i in range(n_cust)],
        "segment": [SEGMENTS[i % 3] for i in range(n_cust)],
        "email": [f"user{i}@example.com" for i in range(1, n_cust + 1)],
        "credit_limit": rng.integers(1, 100, n_cust).astype(float) * 100,
    })
    customers.loc[5, "region"] = None  # a blank region
    products = pd.DataFrame({"product_id": np.arange(1, 21), "category": [["Tech", "Furniture", "Office"][i % 3]
                                                                          for i in range(20)]})
    start = dt.date(2022, 1, 1)
    days = rng.integers(0, 3 * 365 + 1, n_orders)
    # customers 58-60 never order: the fan-out trap needs customers without orders
    cust = rng.integers(1, n_cust - 2, n_orders)
    cust[:5] = 999  # orphan orders: no matching customer (blank region)
    orders = pd.DataFrame({
        "order_id": np.arange(1, n_orders + 1),
        "order_date": [start + dt.timedelta(days=int(d)) for d in days],
        "customer_id": cust,
        "product_id": rng.integers(1, 21, n_orders),
        "quantity": rng.integers(1, 10, n_orders),
        "unit_price": np.round(rng.uniform(1, 500, n_orders), 2),
        "discount": rng.choice([0.0, 0.1, 0.2], n_orders),
        "status": rng.choice(STATUSES, n_orders),
        "channel": rng.choice(CHANNELS, n_orders),
    })
    orders.loc[10:14, "status"] = None
    return {"orders": orders, "customers": customers, "products": products}


FRAMES = make_frames()

_DDL = {
    "orders": "order_id INTEGER PRIMARY KEY, order_date DATE, customer_id INTEGER, product_id INTEGER, "
              "quantity INTEGER, unit_price DECIMAL(10,2), discount DOUBLE PRECISION, status VARCHAR(20), "
              "channel VARCHAR(40)",
    "customers": "customer_id INTEGER PRIMARY KEY, region VARCHAR(20), segment VARCHAR(20), email VARCHAR(60), "
                 "credit_limit DOUBLE PRECISION",
    "products": "product_id INTEGER PRIMARY KEY, category VARCHAR(20)",
}


def _rows(df: pd.DataFrame) -> list[tuple[Any, ...]]:
    out = []
    for rec in df.itertuples(index=False):
        out.append(tuple(None if (isinstance(v, float) and np.isnan(v)) else
                         (v.item() if hasattr(v, "item") else v) for v in rec))
    return out


def _load_dbapi(con: Any, placeholder: str) -> None:
    cur = con.cursor()
    for name, df in FRAMES.items():
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(f"CREATE TABLE {name} ({_DDL[name]})")
        marks = ", ".join([placeholder] * len(df.columns))
        cur.executemany(f"INSERT INTO {name} VALUES ({marks})", _rows(df))
    con.commit()


def _duckdb(tmp: Path) -> Connector:
    from bheem_nb.connectors.duckdb import DuckDBConnector

    conn = DuckDBConnector()
    for name, df in FRAMES.items():
        conn.raw.execute(f"CREATE TABLE {name} ({_DDL[name]})")
        conn.raw.register("frame", df)
        conn.raw.execute(f"INSERT INTO {name} SELECT * FROM frame")
        conn.raw.unregister("frame")
    return conn


def _sqlite(tmp: Path) -> Connector:
    from bheem_nb.connectors.sqlite import SQLiteConnector

    path = tmp / "shop.sqlite"
    con = sqlite3.connect(path)
    rows = {n: [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in r) for r in _rows(df)]
            for n, df in FRAMES.items()}
    for name in FRAMES:
        con.execute(f"CREATE TABLE {name} ({_DDL[name]})")
        marks = ", ".join(["?"] * len(FRAMES[name].columns))
        con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows[name])
    con.commit()
    con.close()
    return SQLiteConnector(path)


def loaded_database(server_url: str, name: str | None = None) -> str:
    """The shop tables loaded on a PostgreSQL or MariaDB server; returns the database's URL.

    With ``name``, into a new empty database of that name (dropped first if a previous run left
    it), so a suite's own database is never blocked by another suite's open connections.
    """
    from urllib.parse import urlparse

    url = server_url if name is None else server_url.rsplit("/", 1)[0] + "/" + name
    if server_url.startswith("postgres"):
        import psycopg

        if name is not None:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(url) as con:
            _load_dbapi(con, "%s")
        return url
    import pymysql

    u = urlparse(url)
    con = pymysql.connect(host=u.hostname, port=u.port or 3306, user=u.username or "root",
                          password=u.password or "", autocommit=True)
    try:
        if name is not None:
            with con.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
                cur.execute(f"CREATE DATABASE `{name}`")
        con.select_db(u.path.lstrip("/"))
        _load_dbapi(con, "%s")
    finally:
        con.close()
    return url


@pytest.fixture(scope="session")
def _pg_loaded(request: pytest.FixtureRequest) -> str:
    return loaded_database(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="session")
def _mysql_loaded(request: pytest.FixtureRequest) -> str:
    return loaded_database(request.getfixturevalue("mysql_url"))


BACKENDS = ["duckdb", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres),
            pytest.param("mysql", marks=pytest.mark.mysql)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connector]:
    """A read-only connector holding the star schema, one per backend."""
    name = request.param
    if name == "duckdb":
        conn = _duckdb(tmp_path_factory.mktemp("duck"))
    elif name == "sqlite":
        conn = _sqlite(tmp_path_factory.mktemp("sqlite"))
    elif name == "postgres":
        from bheem_nb.connectors import connect

        conn = connect(request.getfixturevalue("_pg_loaded"))
    else:
        from bheem_nb.connectors import connect

        conn = connect(request.getfixturevalue("_mysql_loaded"))
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def shop(backend: Connector) -> bn.SemanticModel:
    """The shop model bound to one backend, with its own engine (fresh cache)."""
    return bn.SemanticModel(MODEL, connector=backend, engine=bn.Engine())


@pytest.fixture()
def duck_shop(tmp_path: Path) -> bn.SemanticModel:
    return bn.SemanticModel(MODEL, connector=_duckdb(tmp_path), engine=bn.Engine())


def joined() -> pd.DataFrame:
    """orders LEFT JOIN customers LEFT JOIN products, the reference for many-to-one queries."""
    o = FRAMES["orders"].copy()
    o["revenue"] = o["quantity"] * o["unit_price"] * (1 - o["discount"])
    j = o.merge(FRAMES["customers"], on="customer_id", how="left")
    return j.merge(FRAMES["products"], on="product_id", how="left")
