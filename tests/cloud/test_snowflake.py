"""Snowflake: the real snowflake-connector-python over HTTP to fakesnow's server (DuckDB underneath)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bheem_nb.cloud.snowflake import SnowflakeConnector
from bheem_nb.connectors import connect
from bheem_nb.connectors.base import Connector
from bheem_nb.errors import BheemConnectionError
from tests.cloud.conftest import snowflake_options
from tests.query.conftest import FRAMES


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
