"""Exports through the engine: a restricted user's file holds only their rows, and an audit row says so."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

import bheem_nb as bn
from bheem_nb.charts import chart
from bheem_nb.engine import Engine
from bheem_nb.errors import QueryError
from bheem_nb.store.audit import AuditLog

ALICE = "alice@acme.com"
BOB = "bob@acme.com"


@pytest.fixture()
def audited(model: bn.SemanticModel, tmp_path: Path) -> tuple[bn.SemanticModel, AuditLog]:
    """The demo model with a region rule for Alice (Europe only) and an engine writing to a fresh audit log."""
    spec = model.to_dict()
    spec["rls"] = {"rules": [{"name": "region_scope", "table": "customers",
                              "filter": "region = USERLOOKUP('region')", "assign": [{"group": "managers"}]}]}
    spec["users"] = [{"id": "u1", "email": ALICE, "groups": ["managers"], "attributes": {"region": "Europe"}},
                     {"id": "u2", "email": BOB, "groups": ["managers"], "attributes": {"region": "North America"}}]
    audit = AuditLog(f"sqlite:///{tmp_path / 'audit.sqlite'}", background=False)
    return bn.SemanticModel.from_dict(spec, base_dir=model.base_dir, engine=Engine(audit=audit)), audit


def europe_by_country(raw: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return raw.execute("""SELECT c.country, sum(o.quantity * o.unit_price * (1 - o.discount))::DOUBLE AS revenue
                          FROM orders o JOIN customers c USING (customer_id) WHERE c.region = 'Europe'
                          GROUP BY 1 ORDER BY 1""").df()


def test_csv_of_a_restricted_user_holds_only_their_rows(audited: tuple[bn.SemanticModel, AuditLog],
                                                         raw: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    model, audit = audited
    c = chart("bar", x="country", y="revenue")
    body = c.export(model, "csv", tmp_path / "out.csv", user=ALICE)
    got = pd.read_csv(io.BytesIO(body)).sort_values("country").reset_index(drop=True)
    expected = europe_by_country(raw)
    assert list(got["country"]) == list(expected["country"])
    assert got["revenue"].tolist() == pytest.approx(expected["revenue"].tolist())
    assert (tmp_path / "out.csv").read_bytes() == body
    (event,) = audit.events(action="export")
    assert event["user_email"] == ALICE and event["rows"] == len(expected) and event["model"] == model.name
    payload = json.loads(event["payload"])
    assert payload["format"] == "csv" and payload["chart"] == "bar" and payload["rows"] == len(expected)
    bobs = pd.read_csv(io.BytesIO(c.export(model, "csv", user=BOB)))
    north = raw.execute("SELECT DISTINCT country FROM customers WHERE region = 'North America' ORDER BY 1").fetchall()
    assert sorted(bobs["country"]) == [r[0] for r in north]  # the same chart, another user's rows
    assert [e["user_email"] for e in audit.events(action="export")] == [ALICE, BOB]


def test_xlsx_keeps_number_formats_and_rls(audited: tuple[bn.SemanticModel, AuditLog],
                                          raw: duckdb.DuckDBPyConnection) -> None:
    model, audit = audited
    body = chart("bar", x="country", y="revenue", title="Revenue").export(model, "xlsx", user=ALICE)
    ws = load_workbook(io.BytesIO(body)).active
    assert ws is not None
    values = list(ws.values)
    assert values[0] == ("country", "revenue")
    expected = europe_by_country(raw)
    assert sorted(r[0] for r in values[1:]) == list(expected["country"])
    assert ws.cell(row=2, column=2).number_format == '"$"#,##0.00'
    assert json.loads(audit.events(action="export")[0]["payload"])["format"] == "xlsx"


def test_png_and_svg_exports_are_audited(audited: tuple[bn.SemanticModel, AuditLog],
                                         raw: duckdb.DuckDBPyConnection) -> None:
    model, audit = audited
    c = chart("column", x="country", y="revenue")
    png = c.export(model, "png", user=ALICE)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = c.export(model, "svg", user=ALICE).decode()
    assert svg.startswith("<svg") and "France" in svg and "United States" not in svg
    assert svg.count('aria-roledescription="bar"') == len(europe_by_country(raw))
    assert [json.loads(e["payload"])["format"] for e in audit.events(action="export")] == ["png", "svg"]


def test_unknown_format_is_refused(model: bn.SemanticModel) -> None:
    with pytest.raises(QueryError, match="unknown export format 'pdf'"):
        chart("bar", x="region", y="revenue").export(model, "pdf")
