"""Snowflake: the real snowflake-connector-python over HTTP to fakesnow's server (DuckDB underneath)."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import bheem_nb as bn
from bheem_nb.cloud.snowflake import SnowflakeConnector
from bheem_nb.connectors import connect
from bheem_nb.connectors.base import Connector
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError
from tests.cloud.conftest import snowflake_options
from tests.query.conftest import FRAMES, MODEL
from tests.query.test_engine_backends import assert_same


def test_show_based_catalog(snowflake_shop: Connector) -> None:
    assert "PUBLIC" in snowflake_shop.list_schemas()
    assert snowflake_shop.list_tables() == ["CUSTOMERS", "ORDERS", "PRODUCTS"]
    assert snowflake_shop.list_tables("PUBLIC") == ["CUSTOMERS", "ORDERS", "PRODUCTS"]
    cols = {c.name: c.type for c in snowflake_shop.list_columns("orders")}
    assert cols["UNIT_PRICE"] == "NUMBER(10,2)" and cols["ORDER_DATE"] == "DATE" and cols["STATUS"] == "VARCHAR"
    with pytest.raises(BheemConnectionError, match="not found"):
        snowflake_shop.list_columns("nope")


def test_arrow_fetch_types_and_values(snowflake_shop: Connector) -> None:
    table = snowflake_shop.execute("SELECT order_id, order_date, unit_price, status FROM orders ORDER BY order_id")
    assert isinstance(table, pa.Table) and table.num_rows == len(FRAMES["orders"])
    assert pa.types.is_date(table.schema.field("ORDER_DATE").type)
    assert table.schema.field("UNIT_PRICE").type == pa.float64()  # NUMBER(10,2) follows the decimal convention
    assert table.column("UNIT_PRICE").to_pylist() == pytest.approx(FRAMES["orders"]["unit_price"].tolist())
    assert table.column("ORDER_DATE").to_pylist() == FRAMES["orders"]["order_date"].tolist()
    empty = snowflake_shop.execute("SELECT order_id FROM orders WHERE 1 = 0")
    assert empty.num_rows == 0 and empty.column_names == ["ORDER_ID"]


def test_row_cap_and_read_only(snowflake_shop: Connector) -> None:
    with pytest.raises(BheemConnectionError, match="more than 10 rows"):
        snowflake_shop.execute("SELECT order_id FROM orders", max_rows=10)
    for statement in ("DROP TABLE orders", "DELETE FROM orders", "SELECT 1; DROP TABLE orders"):
        with pytest.raises(BheemConnectionError, match=r"read-only|one statement"):
            snowflake_shop.execute(statement)
    assert snowflake_shop.execute("SELECT COUNT(*) AS n FROM orders").column(0).to_pylist() == [3000]


def test_week_starts_on_monday(snowflake_shop: Connector) -> None:
    got = snowflake_shop.execute("SELECT DATE_TRUNC('WEEK', CAST('2024-06-30' AS DATE)) AS w").column(0)[0].as_py()
    assert str(got)[:10] == "2024-06-24"


def _key(tmp_path: Path, password: str | None) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    enc = (serialization.BestAvailableEncryption(password.encode()) if password
           else serialization.NoEncryption())
    path = tmp_path / "rsa_key.p8"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc))
    return path


def test_key_pair_auth(fakesnow_server: dict[str, Any], snowflake_shop: Connector, tmp_path: Path) -> None:
    key = _key(tmp_path, "k3y-Passphrase")
    opts = {k: v for k, v in snowflake_options(fakesnow_server).items() if k != "password"}
    conn = SnowflakeConnector(**opts, private_key_file=str(key), private_key_password="k3y-Passphrase",
                              database="SHOP", schema="PUBLIC", warehouse="BI_WH")
    assert conn.execute("SELECT COUNT(*) AS n FROM customers").column(0).to_pylist() == [60]
    conn.close()
    with pytest.raises(BheemConnectionError, match="wrong or missing private_key_password") as err:
        SnowflakeConnector(**opts, private_key_file=str(key), private_key_password="not-It")
    assert "not-It" not in str(err.value)


def test_url_form_through_connect(fakesnow_server: dict[str, Any], snowflake_shop: Connector) -> None:
    s = fakesnow_server
    url = (f"snowflake://{s['user']}:{s['password']}@{s['account']}/SHOP/PUBLIC"
           f"?host={s['host']}&port={s['port']}&protocol=http&warehouse=BI_WH")
    conn = connect(url)
    assert isinstance(conn, SnowflakeConnector) and conn.name.startswith(f"snowflake://{s['user']}:***@")
    assert conn.execute("SELECT COUNT(*) AS n FROM products").column(0).to_pylist() == [20]
    conn.close()
    with pytest.raises(BheemConnectionError, match=r"unknown Snowflake URL option.*wearhouse"):
        connect("snowflake://u:pw@acct/DB?wearhouse=X")


def test_dead_server_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(BheemConnectionError, match="opening the connection on snowflake://") as err:
        SnowflakeConnector(account="acct", user="bi", password="Sup3r-Secret", host="127.0.0.1", port=9,
                           protocol="http", login_timeout=3, network_timeout=3)
    assert "Sup3r-Secret" not in str(err.value)


class _CancelShim:
    """What fakesnow lacks for time-outs, wrapped around its two HTTP routes for one test.

    fakesnow acknowledges ``POST /queries/v1/abort-request`` but cannot stop a statement: DuckDB
    finishes it and the result comes back. The shim records every query and abort (arrival time
    and body); while ``hold_s`` is set, a query-request is held as a long statement would be,
    until an abort for it arrives or ``hold_s`` passes, and then fakesnow answers it; an aborted
    statement's answer is replaced by Snowflake's ``000604 SQL execution canceled``.
    """

    def __init__(self, query_endpoint: Any) -> None:
        self._query_endpoint = query_endpoint
        self.hold_s = 0.0
        self.aborts: list[tuple[float, dict[str, Any]]] = []
        self.queries: dict[str, tuple[float, str]] = {}  # requestId -> (arrival, sqlText)
        self.abort_arrived = threading.Event()

    @staticmethod
    async def _json(request: Any) -> dict[str, Any]:
        body = await request.body()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return dict(json.loads(body))

    async def abort(self, request: Any) -> Any:
        from starlette.responses import JSONResponse

        self.aborts.append((time.monotonic(), await self._json(request)))
        self.abort_arrived.set()
        return JSONResponse({"success": True})

    async def query(self, request: Any) -> Any:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import JSONResponse

        request_id = request.query_params["requestId"]
        self.queries[request_id] = (time.monotonic(), (await self._json(request))["sqlText"])
        if self.hold_s:
            await run_in_threadpool(self.abort_arrived.wait, self.hold_s)
        response = await self._query_endpoint(request)
        if any(body.get("requestId") == request_id for _, body in self.aborts):
            return JSONResponse({"data": {"errorCode": "000604", "sqlState": "57014"}, "code": "000604",
                                 "message": "SQL execution canceled", "success": False})
        return response


@pytest.fixture
def cancel_shim(fakesnow_server: dict[str, Any]) -> Iterator[_CancelShim]:
    from fakesnow.server import app
    from starlette.routing import Route

    routes = app.router.routes
    original = list(routes)
    index = {getattr(r, "path", ""): i for i, r in enumerate(routes)}
    served = routes[index["/queries/v1/query-request"]]
    assert isinstance(served, Route)
    shim = _CancelShim(served.endpoint)
    routes[index["/queries/v1/query-request"]] = Route("/queries/v1/query-request", shim.query, methods=["POST"])
    routes[index["/queries/v1/abort-request"]] = Route("/queries/v1/abort-request", shim.abort, methods=["POST"])
    try:
        yield shim
    finally:
        shim.abort_arrived.set()  # nothing stays held
        routes[:] = original


REVENUE_BY_REGION = ("SELECT c.region, CAST(SUM(o.quantity * o.unit_price * (1 - o.discount)) AS DOUBLE) AS revenue "
                     "FROM orders o LEFT JOIN customers c ON o.customer_id = c.customer_id GROUP BY 1")


def test_timeout_aborts_the_running_statement(snowflake_shop: Connector, cancel_shim: _CancelShim) -> None:
    """The engine's time limit reaches Snowflake as an abort of that statement and comes back a QueryTimeoutError.

    fakesnow cannot stop a statement, so the long statement and Snowflake's answer to the abort are
    the shim's (see _CancelShim); what is checked is what the connector sends and how it reads the answer.
    """
    model = bn.SemanticModel(MODEL, connector=snowflake_shop, engine=bn.Engine(timeout=1))
    cancel_shim.hold_s = 60
    t0 = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="ran longer than 1 s and was cancelled"):
        model.query(measures=["revenue"], dimensions=["region"])
    assert time.monotonic() - t0 < 30, "the statement ended by the abort, not after 60 s"
    [(request_id, (started, sql))] = cancel_shim.queries.items()
    aborted, body = cancel_shim.aborts[0]
    assert body == {"sqlText": sql, "requestId": request_id}, "the abort names the running statement"
    assert "SUM(" in sql
    assert 0.9 <= aborted - started < 4, f"abort sent {aborted - started:.2f} s after the statement, timeout 1 s"
    cancel_shim.hold_s = 0
    assert snowflake_shop.execute("SELECT COUNT(*) AS n FROM products").column(0).to_pylist() == [20]


def test_no_abort_within_the_time_limit(snowflake_shop: Connector, cancel_shim: _CancelShim,
                                        duck_reference: Connector) -> None:
    """A statement that ends before its time limit is answered and never aborted."""
    model = bn.SemanticModel(MODEL, connector=snowflake_shop, engine=bn.Engine(timeout=5))
    cancel_shim.hold_s = 1.5  # the statement "runs" 1.5 s, within 5 s
    t0 = time.monotonic()
    res = model.query(measures=["revenue"], dimensions=["region"])
    assert time.monotonic() - t0 >= 1.4 and cancel_shim.aborts == []
    expected = duck_reference.raw.execute(REVENUE_BY_REGION).df()  # type: ignore[attr-defined]
    assert_same(res.df, expected)
