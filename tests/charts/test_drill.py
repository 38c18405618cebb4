"""Drill state as pure data: levels, down/up/breadcrumb, the filters it produces, drill-through targets."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

import bheem_nb as bn
from bheem_nb.charts.drill import (
    DrillConfig,
    DrillState,
    member_label,
    model_hierarchy,
    through_filters,
    through_url,
    time_hierarchy,
)
from bheem_nb.errors import QueryError

PRODUCTS = ("category", "subcategory", "product_name")


def test_down_three_levels_and_back_up() -> None:
    state = DrillState(PRODUCTS)
    assert (state.level, state.dimension, state.can_up, state.can_down) == (0, "category", False, True)
    state = state.down("Furniture").down("Chairs")
    assert (state.level, state.dimension, state.can_down) == (2, "product_name", False)
    assert state.filters() == [bn.Filter("category", "=", "Furniture"), bn.Filter("subcategory", "=", "Chairs")]
    assert [c.label for c in state.breadcrumb()] == ["All", "Furniture", "Chairs"]
    with pytest.raises(QueryError, match="last level"):
        state.down("Chair 1")
    assert state.up().dimension == "subcategory"
    assert state.up().up() == DrillState(PRODUCTS)
    assert state.up().up().up() == DrillState(PRODUCTS)  # up at the top stays at the top


def test_breadcrumb_click_returns_to_that_level() -> None:
    state = DrillState(time_hierarchy("order_date")).down("2024-01-01").down("2024-07-01").down("2024-08-01")
    assert state.dimension == "order_date.day"
    assert [(c.label, c.level) for c in state.breadcrumb()] == [
        ("All", 0), ("2024", 1), ("2024 Q3", 2), ("Aug 2024", 3)]
    back = state.to(1)
    assert back.path == ("2024-01-01",) and back.dimension == "order_date.quarter"
    with pytest.raises(QueryError, match="outside"):
        state.to(4)


def test_time_hierarchy_and_the_models_declared_one() -> None:
    assert time_hierarchy("order_date") == ("order_date.year", "order_date.quarter", "order_date.month",
                                            "order_date.day")
    # the demo declares year, quarter, month, week, day; weeks cross months, so drilling skips them
    assert model_hierarchy(bn.demo.model(rows=20_000), "order_date") == time_hierarchy("order_date")
    with pytest.raises(QueryError, match="declares no hierarchy"):
        model_hierarchy(bn.demo.model(rows=20_000), "category")
    with pytest.raises(QueryError, match="unknown time grain 'fortnight'"):
        time_hierarchy("order_date", ["year", "fortnight"])


@pytest.mark.parametrize(("field", "member", "label"), [
    ("order_date.year", "2023-01-01", "2023"),
    ("order_date.quarter", "2023-10-01", "2023 Q4"),
    ("order_date.month", "2023-02-01T00:00:00", "Feb 2023"),
    ("order_date.day", "2023-02-14", "2023-02-14"),
    ("category", "Technology", "Technology"),
    ("dates.year", 2024, "2024"),
])
def test_member_labels(field: str, member: object, label: str) -> None:
    assert member_label(field, member) == label


def test_drill_config_validates_the_declaration() -> None:
    cfg = DrillConfig(drill_type="both", hierarchy=list(PRODUCTS), target="https://bi.example/detail",
                      target_type="dashboard")
    assert cfg.hierarchy == PRODUCTS and cfg.pass_filters
    with pytest.raises(QueryError, match="at least two fields"):
        DrillConfig(drill_type="down", hierarchy=["category"])
    with pytest.raises(QueryError, match="needs a target"):
        DrillConfig(drill_type="through")
    with pytest.raises(QueryError, match="repeats a field"):
        DrillConfig(hierarchy=["category", "category"])


def test_drill_through_passes_the_clicked_context() -> None:
    state = DrillState(PRODUCTS).down("Furniture")
    page = [bn.Filter("region", "in", ["Europe"])]
    passed = through_filters(state, "Chairs", page)
    assert passed == [*page, bn.Filter("category", "=", "Furniture"), bn.Filter("subcategory", "=", "Chairs")]
    url = through_url("http://127.0.0.1:8866/voila/render/detail.ipynb?theme=light", passed)
    query = parse_qs(urlsplit(url).query)
    assert query["theme"] == ["light"]
    assert {k: json.loads(v[0]) for k, v in query.items() if k != "theme"} == {
        "region": ["Europe"], "category": ["Furniture"], "subcategory": ["Chairs"]}
