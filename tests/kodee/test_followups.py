"""The follow-ups Kodee offers under an answer are questions it can answer next, and answer rightly.

A person clicks a chip under an answer; the chip's text is asked in the same conversation. Each
offered follow-up must give rows, change the previous question (not repeat it), and for a typical
answer give the rows that hand-written SQL on the raw tables gives for what the chip says.
"""

from __future__ import annotations

from typing import Any

import pytest

from bheem_nb.kodee import Kodee
from bheem_nb.model.semantic import SemanticModel
from tests.kodee.conftest import AS_OF
from tests.kodee.test_offline import R, _same

TYPICAL = [
    "revenue by region in 2024",
    "top 5 countries by revenue in 2024",
    "revenue this year vs last year",
    "orders by month",
    "how many customers",
    "revenue growth by year",
    "what share of revenue comes from each category",
    "average order value by segment",
]


def _ask_after(model: SemanticModel, question: str, follow_up: str) -> Any:
    kodee = Kodee(model, as_of=AS_OF)
    kodee.ask(question)
    return kodee.ask(follow_up)


@pytest.mark.parametrize("question", TYPICAL)
def test_every_offered_follow_up_is_answered(demo_model: SemanticModel, question: str) -> None:
    first = Kodee(demo_model, as_of=AS_OF).ask(question)
    assert first.ok and len(first.follow_ups) >= 3, (first.explanation, first.follow_ups)
    for chip in first.follow_ups:
        answer = _ask_after(demo_model, question, chip)
        assert answer.ok and len(answer.df) > 0, f"{question!r} -> {chip!r}: {answer.error}: {answer.explanation}"
        assert answer.query_spec != first.query_spec, f"{question!r} -> {chip!r} changed nothing"
        if chip == "top 5":
            assert first.df is not None and len(first.df) > 5, f"{question!r} offers a top 5 of {first.df}"


def _value_column(raw: Any, value: str) -> str:
    """Which raw column holds ``value`` (found on the tables, not through Kodee)."""
    for table, column in (("orders", "channel"), ("orders", "status"), ("customers", "segment"),
                          ("customers", "region"), ("products", "category")):
        if raw(f"SELECT count(*) FROM {table} WHERE {column} = '{value}'")[0][0]:
            return f"{'o' if table == 'orders' else 'c' if table == 'customers' else 'p'}.{column}"
    raise AssertionError(f"{value!r} is in no text column")


def test_follow_ups_of_a_typical_answer_give_the_right_rows(demo_model: SemanticModel, raw: Any) -> None:
    question = "revenue by region in 2024"
    first = Kodee(demo_model, as_of=AS_OF).ask(question)
    join = ("FROM orders o JOIN customers c USING (customer_id) JOIN products p USING (product_id) "
            "WHERE year(o.order_date) = 2024")
    kinds = set()
    for chip in first.follow_ups:
        answer = _ask_after(demo_model, question, chip)
        if chip == "by month instead":
            expected = raw(f"SELECT date_trunc('month', o.order_date), SUM({R}) {join} GROUP BY 1")
        elif chip.startswith("now only "):
            column = _value_column(raw, chip.removeprefix("now only "))
            expected = raw(f"SELECT c.region, SUM({R}) {join} AND {column} = '{chip.removeprefix('now only ')}' "
                           "GROUP BY 1")
        elif chip == "what about orders":
            expected = raw(f"SELECT c.region, COUNT(DISTINCT o.order_id) {join} GROUP BY 1")
        else:
            raise AssertionError(f"unexpected follow-up {chip!r}")
        kinds.add(chip.split()[0])
        _same(answer, expected)
    assert kinds == {"by", "now", "what"}  # a time series, a filter and another measure are all offered


def test_a_comparison_keeps_comparing_after_its_follow_ups(demo_model: SemanticModel, raw: Any) -> None:
    """After "this year vs last year", "what about orders" compares orders, and the split is by a category."""
    question = "revenue this year vs last year"
    first = Kodee(demo_model, as_of=AS_OF).ask(question)
    assert "what about orders" in first.follow_ups and "what about revenue" not in first.follow_ups
    orders = _ask_after(demo_model, question, "what about orders")
    this, last = raw("SELECT COUNT(DISTINCT order_id) FILTER (WHERE year(order_date) = 2025), "
                     "COUNT(DISTINCT order_id) FILTER (WHERE year(order_date) = 2024) FROM orders")[0]
    _same(orders, [(this, last, (this - last) / abs(last) * 100)])
    split = next(c for c in first.follow_ups if c.startswith("by "))
    assert split != "by month"  # a year-to-date figure per month is not what a person asked for
    by = _ask_after(demo_model, question, split)
    assert by.ok and by.query_spec is not None and len(by.query_spec["dimensions"]) == 1


def test_a_refusal_offers_questions_that_are_answered(demo_model: SemanticModel) -> None:
    refused = Kodee(demo_model, as_of=AS_OF).ask("profit margin by region")
    assert not refused.ok and refused.error == "cannot answer" and "'profit'" in refused.explanation
    assert refused.follow_ups
    for suggestion in refused.follow_ups:
        answer = Kodee(demo_model, as_of=AS_OF).ask(suggestion)
        assert answer.ok and answer.df is not None and len(answer.df) > 0, (suggestion, answer.explanation)
