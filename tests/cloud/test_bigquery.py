"""BigQuery: the real google-cloud-bigquery client against the loopback REST server (queries run on DuckDB)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import jwt
import pytest
import sqlglot
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import bheem_nb as bn
from bheem_nb.cloud.bigquery import BigQueryConnector, QueryCostError
from bheem_nb.connectors import connect
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError
from tests.cloud.bq_server import BigQueryLoopback
from tests.query.conftest import MODEL


def _conn(server: BigQueryLoopback, **kw: Any) -> BigQueryConnector:
    return BigQueryConnector(project=server.project, dataset="shop", endpoint=server.url, anonymous=True, **kw)


def test_query_sends_sql_labels_cap_and_dataset(bq_server: BigQueryLoopback) -> None:
    conn = _conn(bq_server, maximum_bytes_billed=10**9, labels={"team": "bi"})
    model = bn.SemanticModel(MODEL, connector=conn, engine=bn.Engine())
    res = model.query(measures=["revenue"], dimensions=["region"], filters=[bn.Filter("segment", "=", "Consumer")])
    sent = bq_server.requests_to("/queries", "POST")[-1].body
    assert sent["query"] == res.sql and sqlglot.parse_one(sent["query"], read="bigquery")
    assert sent["useLegacySql"] is False
    assert sent["maximumBytesBilled"] == "1000000000"
    assert sent["labels"] == {"app": "bheem_nb", "team": "bi"}
    assert sent["defaultDataset"] == {"projectId": "shop-project", "datasetId": "shop"}
    assert int(sent["jobTimeoutMs"]) == 300_000
    expected = dict(bq_server.duck.execute(
        "SELECT c.region, SUM(o.quantity * o.unit_price * (1 - o.discount)) FROM shop.orders o "
        "LEFT JOIN shop.customers c USING (customer_id) WHERE c.segment = 'Consumer' GROUP BY 1").fetchall())
    got = dict(zip(res.df["region"], res.df["revenue"], strict=True))
    assert got == pytest.approx({k: float(v) for k, v in expected.items()})


def test_long_results_page_through_get_query_results(bq_server: BigQueryLoopback) -> None:
    conn = _conn(bq_server)
    before = len(bq_server.requests)
    table = conn.execute("SELECT order_id, order_date, unit_price FROM orders ORDER BY order_id")
    pages = [r for r in bq_server.requests[before:] if r.method == "GET" and "/queries/" in r.path]
    assert len(pages) >= 3000 // bq_server.page_rows - 1, "rows beyond the first page come from getQueryResults"
    assert table.column("order_id").to_pylist() == list(range(1, 3001))
    assert str(table.schema.field("unit_price").type) == "double"  # NUMERIC follows the decimal convention
    with pytest.raises(BheemConnectionError, match="more than 100 rows"):
        conn.execute("SELECT order_id FROM orders", max_rows=100)


def test_dry_run_refuses_a_query_above_the_threshold(bq_server: BigQueryLoopback) -> None:
    conn = _conn(bq_server, confirm_bytes=1000)
    sql = "SELECT SUM(quantity) AS units FROM orders"
    estimate = bq_server.estimate(sql, "shop")
    before = len(bq_server.requests)
    with pytest.raises(QueryCostError, match=rf"about .* \({estimate:,} bytes, dry-run estimate\).*confirm_bytes"):
        conn.execute(sql)
    sent = bq_server.requests[before:]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in sent] == [("POST", "jobs")], "only the dry run was sent"
    assert sent[0].body["configuration"]["dryRun"] is True
    assert conn.last_estimate == estimate


def test_dry_run_warns_and_runs_when_configured(bq_server: BigQueryLoopback, caplog: pytest.LogCaptureFixture) -> None:
    conn = _conn(bq_server, confirm_bytes=1000, on_large="warn")
    with caplog.at_level(logging.WARNING, logger="bheem_nb.cloud.bigquery"):
        table = conn.execute("SELECT COUNT(*) AS n FROM orders")
    assert table.column("n").to_pylist() == [3000]
    assert any("dry-run estimate" in r.getMessage() and "running it anyway" in r.getMessage() for r in caplog.records)
    assert _conn(bq_server, confirm_bytes=10**12).execute("SELECT 1 AS one").num_rows == 1  # below: no warning needed


def test_maximum_bytes_billed_is_enforced_by_the_server(bq_server: BigQueryLoopback) -> None:
    conn = _conn(bq_server, maximum_bytes_billed=10)
    with pytest.raises(QueryCostError, match="maximum_bytes_billed = 10 B"):
        conn.execute("SELECT COUNT(*) FROM orders")


def test_timeout_cancels_the_job(bq_server: BigQueryLoopback) -> None:
    conn = _conn(bq_server)
    slow = ("SELECT SUM(CAST(a.order_id AS FLOAT64) + b.order_id + c.order_id + d.order_id) FROM orders a "
            "CROSS JOIN orders b CROSS JOIN orders c CROSS JOIN orders d")  # 8e13 rows: never finishes by itself
    with pytest.raises(QueryTimeoutError, match="longer than 1 s"):
        conn.execute(slow, timeout=1)
    cancels = bq_server.requests_to("/cancel", "POST")
    assert cancels, "the client cancelled the job after waiting"
    assert conn.execute("SELECT 2 AS two").column(0).to_pylist() == [2]


def test_catalog_datasets_tables_columns(bq_server: BigQueryLoopback) -> None:
    """datasets.list, tables.list and tables.get, each sent as the exact REST call BigQuery documents."""
    conn = _conn(bq_server)
    api = "/bigquery/v2/projects/shop-project"
    before = len(bq_server.requests)
    assert conn.list_schemas() == ["shop"]
    assert conn.list_tables() == ["customers", "orders", "products"]
    cols = {c.name: c.type for c in conn.list_columns("orders")}
    assert cols["unit_price"] == "NUMERIC" and cols["order_date"] == "DATE" and cols["status"] == "STRING"
    with pytest.raises(BheemConnectionError, match="not found"):
        conn.list_columns("nope")
    sent = [(r.method, r.path) for r in bq_server.requests[before:]]
    assert sent == [("GET", f"{api}/datasets"),                      # datasets.list
                    ("GET", f"{api}/datasets/shop/tables"),          # tables.list
                    ("GET", f"{api}/datasets/shop/tables/orders"),   # tables.get
                    ("GET", f"{api}/datasets/shop/tables/nope")]     # tables.get, answered 404


def test_bigquery_week_starts_on_sunday_so_the_engine_asks_for_isoweek(bq_server: BigQueryLoopback) -> None:
    conn = _conn(bq_server)
    row = conn.execute("SELECT DATE_TRUNC(DATE '2024-06-30', WEEK) AS w, DATE_TRUNC(DATE '2024-06-30', ISOWEEK) AS i")
    assert str(row.column("w")[0].as_py())[:10] == "2024-06-30" and str(row.column("i")[0].as_py())[:10] == "2024-06-24"
    sql = bn.SemanticModel(MODEL, connector=conn, engine=bn.Engine()).to_sql(measures=["revenue"],
                                                                             dimensions=["order_date.week"])
    assert "ISOWEEK" in sql and "`order_date.week`" not in sql  # a dotted name would be read as a field path


def _service_account(tmp_path: Path, token_uri: str) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "shop-project", "private_key_id": "k1", "private_key": pem,
            "client_email": "bi@shop-project.iam.gserviceaccount.com", "client_id": "1", "token_uri": token_uri}
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(info))
    return path


def _check_token_flow(server: BigQueryLoopback, before: int) -> None:
    sent = server.requests[before:]
    tokens = [r for r in sent if r.path == "/token"]
    assert tokens and tokens[0].body["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    claims = jwt.decode(tokens[0].body["assertion"], options={"verify_signature": False})
    assert claims["iss"] == "bi@shop-project.iam.gserviceaccount.com" and "bigquery" in claims["scope"]
    api = [r for r in sent if r.path.startswith("/bigquery/")]
    assert api and all(r.headers.get("authorization", "").startswith("Bearer loopback-token-") for r in api)


def test_service_account_json(bq_server: BigQueryLoopback, tmp_path: Path) -> None:
    sa = _service_account(tmp_path, f"{bq_server.url}/token")
    before = len(bq_server.requests)
    conn = BigQueryConnector(dataset="shop", credentials_file=sa, endpoint=bq_server.url)
    assert conn.project == "shop-project"  # from the JSON
    assert conn.execute("SELECT COUNT(*) AS n FROM customers").column(0).to_pylist() == [60]
    _check_token_flow(bq_server, before)


def test_application_default_credentials(bq_server: BigQueryLoopback, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(_service_account(tmp_path, f"{bq_server.url}/token")))
    before = len(bq_server.requests)
    conn = connect(f"bigquery://shop-project/shop?endpoint={bq_server.url}")
    assert conn.list_tables() == ["customers", "orders", "products"]
    _check_token_flow(bq_server, before)


def test_bad_credentials_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "sa.json"
    bad.write_text('{"type": "service_account", "private_key": "-----BEGIN nonsense"}')
    with pytest.raises(BheemConnectionError, match=r"service-account file .*sa.json could not be loaded"):
        BigQueryConnector(project="p", credentials_file=bad)
    with pytest.raises(BheemConnectionError, match="invalid BigQuery job label Team=x"):
        BigQueryConnector(project="p", anonymous=True, labels={"Team": "x"})
    with pytest.raises(BheemConnectionError, match="read-only"):
        BigQueryConnector(project="p", anonymous=True, endpoint="http://127.0.0.1:9").execute("DROP TABLE shop.orders")


def test_one_sql_two_labellings_share_the_cache_but_not_the_names(bq_server: BigQueryLoopback) -> None:
    """BigQuery SQL names columns _c0.. so `quarter` and `fiscal_quarter` (fiscal year from January) are one SQL."""
    model = bn.SemanticModel(MODEL, connector=_conn(bq_server), engine=bn.Engine())
    first = model.query(measures=["revenue"], dimensions=["order_date.quarter"])
    second = model.query(measures=["revenue"], dimensions=["order_date.fiscal_quarter"])
    assert first.sql == second.sql and second.cache_hit
    assert first.columns == ["order_date.quarter", "revenue"]
    assert second.columns == ["order_date.fiscal_quarter", "revenue"]
