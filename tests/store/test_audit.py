"""The audit log: append-only, redacted, never failing the query, filterable and exportable."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

import bheem_nb as bn
from bheem_nb.store.audit import AuditLog, redact_payload, sql_hash
from tests.query.conftest import _duckdb
from tests.security.conftest import SECURE_MODEL


@pytest.fixture()
def audit(tmp_path: Path) -> AuditLog:
    log = AuditLog(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    yield log
    log.close()


@pytest.fixture()
def audited(tmp_path: Path, audit: AuditLog) -> bn.SemanticModel:
    return bn.SemanticModel(SECURE_MODEL, connector=_duckdb(tmp_path), engine=bn.Engine(audit=audit))


def test_redaction_is_recursive() -> None:
    payload = {"user": "a", "db": {"password": "p", "nested": [{"api_token": "t", "ok": 1}]},
               "Secret_Key": "s", "credentials": {"x": 1}, "url": "postgresql://bob:hunter2@h/db"}
    out = redact_payload(payload)
    assert out == {"user": "a", "db": {"password": "***", "nested": [{"api_token": "***", "ok": 1}]},
                   "Secret_Key": "***", "credentials": "***", "url": "postgresql://bob:***@h/db"}


def test_engine_writes_one_row_per_query(audited: bn.SemanticModel, audit: AuditLog) -> None:
    r = audited.query(measures=["revenue"], user="u_alice")
    audited.query(measures=["revenue"], user="u_alice")
    audited.sql("SELECT count(*) FROM customers", user="u_bob")
    audit.flush()
    rows = audit.events()
    assert [e["action"] for e in rows] == ["query", "query", "sql"]
    first, second, third = rows
    assert first["user_email"] == "alice@acme.com" and first["user_id"] == "u_alice"
    assert first["sql_hash"] == sql_hash(r.sql) and first["rows"] == 1 and first["status"] == "ok"
    assert json.loads(first["rules"]) == ["region_scope", "all_products"]
    assert not first["cache_hit"] and second["cache_hit"]
    assert third["user_email"] == "bob@partner.com" and json.loads(third["rules"]) == ["partner_regions"]
    assert first["duration_ms"] >= 0


def test_refused_sql_is_recorded_as_error(audited: bn.SemanticModel, audit: AuditLog) -> None:
    with pytest.raises(bn.SecurityError):
        audited.sql("DROP TABLE customers", user="u_eve")
    audit.flush()
    (row,) = audit.events(action="sql")
    assert row["status"] == "error" and "SecurityError" in row["error"] and row["user_id"] == "u_eve"


def test_rows_cannot_be_updated_or_deleted(audit: AuditLog) -> None:
    audit.record("view", payload={"dashboard": "sales"})
    audit.flush()
    with audit.engine.begin() as con, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        con.exec_driver_sql("UPDATE audit_events SET action = 'x'")
    with audit.engine.begin() as con, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        con.exec_driver_sql("DELETE FROM audit_events")
    assert len(audit.events()) == 1


def test_failed_write_never_fails_the_query(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    audit = AuditLog(f"sqlite:///{tmp_path / 'a.sqlite'}", background=False)
    with audit.engine.begin() as con:
        con.exec_driver_sql("DROP TABLE audit_events")
    model = bn.SemanticModel(SECURE_MODEL, connector=_duckdb(tmp_path), engine=bn.Engine(audit=audit))
    with pytest.warns(RuntimeWarning, match="audit write failed"):
        r = model.query(measures=["customers.customers"], user="u_root")
    assert r.arrow.column(0)[0].as_py() == 60
    assert audit.failures == 1 and "audit write failed" in caplog.text
    audit.close()


def test_filter_by_user_action_time_and_csv(audit: AuditLog, tmp_path: Path) -> None:
    alice = bn.User("u1", email="alice@acme.com")
    audit.record("view", user=alice, payload={"chart": "c1", "token": "abc"})
    audit.record("export", user=bn.User("u2", email="bob@x.com"), payload={"rows": 3})
    audit.flush()
    assert [e["action"] for e in audit.events(user="alice@acme.com")] == ["view"]
    assert [e["action"] for e in audit.events(user="u2")] == ["export"]
    assert [e["action"] for e in audit.events(action="export")] == ["export"]
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert audit.events(since=future) == []
    assert len(audit.events(until=future)) == 2
    out = tmp_path / "audit.csv"
    text = audit.to_csv(out, user="u1")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert text == out.read_text() and len(rows) == 1
    assert json.loads(rows[0]["payload"]) == {"chart": "c1", "token": "***"} and "abc" not in text
