"""Kodee's words come from the model it is asked about: no other model's field names leak in.

A small shop model that is not the demo (its own table, field names and data) checks that the
demo's words ("refunds", "discount rate") mean nothing there, that the generic business words
("sales" for revenue) are read off its own names, and that a derived ratio is found as "A per B".
References are hand-written SQL on the same DuckDB file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from bheem_nb.kodee import Kodee
from bheem_nb.kodee.context import build_context
from bheem_nb.kodee.evaluation import rows_of, tables_equal
from bheem_nb.kodee.synonyms import model_synonyms, ring_variants
from bheem_nb.model.semantic import SemanticModel


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("shop") / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE tickets AS SELECT i AS ticket_id, ['Leeds', 'York', 'Hull'][i % 3 + 1] AS store, "
                "CASE WHEN i % 7 = 0 THEN 'refunded' ELSE 'ok' END AS state, (i % 11) * 2.5 AS amount, "
                "i % 4 AS discount FROM range(1, 300) t(i)")
    con.close()
    return path, duckdb.connect(str(path), read_only=True)


def shop_spec(**measures: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {
        "revenue": {"agg": "sum", "expr": "amount"},
        "refunded_revenue": {"agg": "sum", "expr": "amount", "filter": "state = 'refunded'"},
        "gross_revenue": {"agg": "sum", "expr": "amount + discount"},
        "tickets": {"agg": "count_distinct", "expr": "ticket_id"},
        "avg_ticket_value": {"expr": "revenue / tickets"},
    }
    base.update(measures)
    return {"name": "shop", "connection": "duckdb:///shop.duckdb",
            "tables": {"tickets": {"table": "tickets", "primary_key": "ticket_id",
                                   "dimensions": {"store": {"type": "string"}, "state": {"type": "string"}},
                                   "measures": base}}}


def _ask(shop: tuple[Path, Any], question: str, **measures: dict[str, Any]) -> Any:
    path, _ = shop
    return Kodee(SemanticModel(shop_spec(**measures), base_dir=path.parent)).ask(question)


def _same(answer: Any, con: Any, sql: str) -> None:
    assert answer.ok, (answer.error, answer.explanation)
    ok, why = tables_equal(rows_of(answer.df), [tuple(float(v) if isinstance(v, (int, float)) else v for v in r)
                                                 for r in con.execute(sql).fetchall()], ordered=False)
    assert ok, f"{answer.question}: {why}\n{answer.df}"


def test_demo_words_mean_nothing_on_another_model(shop: tuple[Path, Any]) -> None:
    """The demo YAML calls refunded_revenue "refunds"; a model that does not say so is not guessed at."""
    a = _ask(shop, "refunds by store")
    assert not a.ok and a.error == "cannot answer" and "'refund'" in a.explanation
    b = _ask(shop, "refunds by store", refunded_revenue={"agg": "sum", "expr": "amount",
                                                         "filter": "state = 'refunded'", "synonyms": ["refunds"]})
    _same(b, shop[1], "SELECT store, SUM(amount) FILTER (WHERE state = 'refunded') FROM tickets GROUP BY 1")


def test_generic_business_words_follow_the_models_own_names(shop: tuple[Path, Any]) -> None:
    _same(_ask(shop, "sales by store"), shop[1], "SELECT store, SUM(amount) FROM tickets GROUP BY 1")
    _same(_ask(shop, "gross turnover"), shop[1], "SELECT SUM(amount + discount) FROM tickets")
    _same(_ask(shop, "revenue per ticket by store"), shop[1],
          "SELECT store, SUM(amount) / COUNT(DISTINCT ticket_id) FROM tickets GROUP BY 1")


def test_a_field_called_sales_keeps_its_own_name(shop: tuple[Path, Any]) -> None:
    """With both a `sales` and a `revenue` measure, "sales" is the one called that, not a synonym of the other."""
    a = _ask(shop, "sales by store", sales={"agg": "sum", "expr": "discount"})
    _same(a, shop[1], "SELECT store, SUM(discount) FROM tickets GROUP BY 1")
    assert a.query_spec is not None and a.query_spec["measures"] == ["tickets.sales"]


def test_derived_words_and_the_llm_prompt(shop: tuple[Path, Any]) -> None:
    path, _ = shop
    model = SemanticModel(shop_spec(), base_dir=path.parent)
    words = model_synonyms(model)
    assert "revenue per tickets" in words["tickets.avg_ticket_value"]
    assert "atv" in words["tickets.avg_ticket_value"]  # initials of a three-word name
    assert "gross sales" in words["tickets.gross_revenue"]
    assert not {"refunds", "refund"} & set(words["tickets.refunded_revenue"])
    kodee = Kodee(model)
    context = build_context(model, kodee.vocab)
    entry = next(m for m in context["measures"] if m["name"] == "tickets.revenue")
    assert "sales" in entry["synonyms"]
    assert ring_variants("unit price") == []  # "unit" is not "units": a price is not a quantity
