"""The shop star schema with row-level security rules and a cast of users, on DuckDB, SQLite, PostgreSQL
and MariaDB.

``visible(user)`` is the hand-filtered pandas reference: which customers, products and orders a
user may see, written as plain Python predicates independent of the SQL rewrite.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.connectors.base import Connector
from tests.query.conftest import FRAMES, MODEL, _duckdb, _sqlite, loaded_database

RLS: dict[str, Any] = {
    "rules": [
        {"name": "region_scope", "table": "customers", "filter": "region = USERLOOKUP('region')",
         "assign": [{"group": "managers"}]},
        {"name": "partner_regions", "table": "customers", "filter": "[Region] = USERLOOKUP('regions')",
         "assign": [{"email_domain": "@partner.com"}]},
        {"name": "own_account", "table": "customers", "filter": "email = USERNAME()",
         "assign": [{"user": "u_carol"}]},
        {"name": "consumer_desk", "table": "customers", "filter": "segment = 'Consumer'",
         "assign": [{"group": "consumer_desk"}]},
        {"name": "all_products", "table": "products", "filter": "TRUE",
         "assign": [{"group": "managers"}, {"email_domain": "partner.com"}]},
        {"name": "tech_only", "table": "products", "filter": "category = 'Tech'",
         "assign": [{"group": "tech"}]},
    ]
}

USERS: list[dict[str, Any]] = [
    {"id": "u_alice", "email": "alice@acme.com", "groups": ["managers"], "attributes": {"region": "North"}},
    {"id": "u_bob", "email": "bob@partner.com", "attributes": {"regions": ["South", "East"]}},
    {"id": "u_carol", "email": "user7@example.com", "groups": ["tech"]},
    {"id": "u_dave", "email": "dave@acme.com", "groups": ["managers", "consumer_desk"],
     "attributes": {"region": "West"}},
    {"id": "u_eve", "email": "eve@evil.com"},
    {"id": "u_root", "email": "admin@acme.com", "roles": ["rls_bypass"]},
    {"id": "u_mallory", "email": "mallory@partner.com", "attributes": {"regions": "North' OR 1=1 --"}},
    {"id": "u_frank", "email": "frank@evilpartner.com", "groups": ["Managers "],
     "attributes": {"region": "North"}},
]
USER_IDS = [u["id"] for u in USERS]

SECURE_MODEL: dict[str, Any] = {**copy.deepcopy(MODEL), "rls": RLS, "users": USERS}


def _customer_pred(uid: str) -> Callable[[pd.DataFrame], pd.Series]:
    preds: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
        "u_alice": lambda c: c["region"] == "North",
        "u_bob": lambda c: c["region"].isin(["South", "East"]),
        "u_carol": lambda c: c["email"] == "user7@example.com",
        "u_dave": lambda c: (c["region"] == "West") | (c["segment"] == "Consumer"),
        "u_eve": lambda c: c["customer_id"] != c["customer_id"],
        "u_root": lambda c: c["customer_id"] == c["customer_id"],
        "u_mallory": lambda c: c["region"] == "North' OR 1=1 --",
        "u_frank": lambda c: c["customer_id"] != c["customer_id"],
    }
    return preds[uid]


def _product_pred(uid: str) -> Callable[[pd.DataFrame], pd.Series]:
    every: Callable[[pd.DataFrame], pd.Series] = lambda p: p["product_id"] == p["product_id"]  # noqa: E731
    none: Callable[[pd.DataFrame], pd.Series] = lambda p: p["product_id"] != p["product_id"]  # noqa: E731
    preds = {"u_alice": every, "u_bob": every, "u_carol": lambda p: p["category"] == "Tech",
             "u_dave": every, "u_eve": none, "u_root": every, "u_mallory": every, "u_frank": none}
    return preds[uid]


def visible(uid: str) -> dict[str, pd.DataFrame]:
    """The rows ``uid`` may see, computed by hand from the frames."""
    c, p, o = FRAMES["customers"], FRAMES["products"], FRAMES["orders"].copy()
    cust = c[_customer_pred(uid)(c).fillna(False).astype(bool)]
    prod = p[_product_pred(uid)(p).fillna(False).astype(bool)]
    if uid == "u_root":
        orders = o
    else:
        orders = o[o["customer_id"].isin(cust["customer_id"]) & o["product_id"].isin(prod["product_id"])]
    orders = orders.assign(revenue=orders["quantity"] * orders["unit_price"] * (1 - orders["discount"]))
    return {"customers": cust, "products": prod, "orders": orders}


def cust_ids_ref(uid: str) -> list[int]:
    return sorted(int(v) for v in visible(uid)["customers"]["customer_id"])


SEC_BACKENDS = ["duckdb", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres),
                pytest.param("mysql", marks=pytest.mark.mysql)]


@pytest.fixture(scope="session")
def _pg_security(request: pytest.FixtureRequest) -> str:
    """Its own database on the session's PostgreSQL, so other suites' open connections never block it."""
    return loaded_database(request.getfixturevalue("postgres_url"), "bheem_security")


@pytest.fixture(scope="session")
def _mysql_security(request: pytest.FixtureRequest) -> str:
    """Its own database on the session's MariaDB."""
    return loaded_database(request.getfixturevalue("mysql_url"), "bheem_security")


@pytest.fixture(scope="session", params=SEC_BACKENDS)
def sec_backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connector]:
    if request.param == "duckdb":
        conn = _duckdb(tmp_path_factory.mktemp("secduck"))
    elif request.param == "sqlite":
        conn = _sqlite(tmp_path_factory.mktemp("secsqlite"))
    else:
        from bheem_nb.connectors import connect

        conn = connect(request.getfixturevalue(f"_{'pg' if request.param == 'postgres' else 'mysql'}_security"))
    yield conn
    conn.close()


@pytest.fixture()
def secure(sec_backend: Connector) -> bn.SemanticModel:
    """The shop model with RLS, on one backend, with a fresh engine (empty cache)."""
    return bn.SemanticModel(SECURE_MODEL, connector=sec_backend, engine=bn.Engine())


@pytest.fixture()
def secure_duck(tmp_path: Path) -> bn.SemanticModel:
    return bn.SemanticModel(SECURE_MODEL, connector=_duckdb(tmp_path), engine=bn.Engine())
