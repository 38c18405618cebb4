"""`bheem rls test` and `bheem audit` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import yaml

import bheem_nb as bn
from bheem_nb.cli import main
from bheem_nb.store.audit import AuditLog
from tests.query.conftest import _DDL, FRAMES
from tests.security.conftest import SECURE_MODEL, cust_ids_ref


@pytest.fixture()
def model_file(tmp_path: Path) -> Path:
    db = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(db))
    for name, df in FRAMES.items():
        con.execute(f"CREATE TABLE {name} ({_DDL[name]})")
        con.register("frame", df)
        con.execute(f"INSERT INTO {name} SELECT * FROM frame")
        con.unregister("frame")
    con.close()
    path = tmp_path / "shop.yml"
    path.write_text(yaml.safe_dump({**SECURE_MODEL, "connection": "shop.duckdb"}))
    return path


def test_rls_test_semantic_query(model_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rls", "test", "--model", str(model_file), "--as", "alice@acme.com",
                 "--json", '{"measures": ["customers.customers"]}'])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["user"] == {"id": "u_alice", "email": "alice@acme.com"}
    assert out["rules"] == ["region_scope"]
    assert "'North'" in out["sql"] and out["rows"] == [{"customers.customers": len(cust_ids_ref("u_alice"))}]


def test_rls_test_raw_sql(model_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rls", "test", "--model", str(model_file), "--as", "u_bob", "--sql",
                 "SELECT customer_id FROM customers ORDER BY 1"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["rules"] == ["partner_regions"]
    assert [r["customer_id"] for r in out["rows"]] == cust_ids_ref("u_bob")


def test_rls_test_refusal_exits_2(model_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rls", "test", "--model", str(model_file), "--as", "u_bob", "--sql", "DROP TABLE customers"])
    assert code == 2 and "refused: the statement is DROP" in capsys.readouterr().err


def test_audit_listing_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    log = AuditLog(url, background=False)
    log.record("view", user=bn.User("u1", email="alice@acme.com"), payload={"password": "pw"})
    log.record("export", user=bn.User("u2", email="bob@x.com"))
    log.close()
    assert main(["audit", "--db", url, "--user", "alice@acme.com"]) == 0
    listing = capsys.readouterr().out
    assert "view" in listing and "alice@acme.com" in listing and "export" not in listing
    assert main(["audit", "--db", url, "--action", "export", "--csv", "-"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("id,ts,action") and len(lines) == 2 and "bob@x.com" in lines[1]
