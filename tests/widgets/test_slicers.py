"""Slicers and the filter context without a browser: traitlet sync, generated filters, cascading, sharing.

Each test compares what a widget shows with a direct ``model.query`` on the same 20k-row demo.
``set_state`` is what the browser's ``model.save_changes()`` calls in the kernel, so using it
here exercises the same path as a click.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import bheem_nb.widgets
import pytest
from bheem_nb.widgets import (
    SLICERS,
    Between,
    Dashboard,
    DateRange,
    FilterContext,
    Hierarchy,
    ListSlicer,
    RelativeDate,
    Search,
    TableView,
    Tile,
    format_value,
)

import bheem_nb as bn

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> bn.SemanticModel:
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BHEEM_DEMO_DIR", str(folder))
        return bn.demo.model(rows=20_000)


@pytest.fixture
def page(model: bn.SemanticModel) -> FilterContext:
    return Dashboard(model, as_of=AS_OF)


def table_rows(view: TableView) -> list[list[Any]]:
    return [[cell["value"] for cell in row] for row in view.rows]


def reference(model: bn.SemanticModel, filters: list[bn.Filter]) -> list[list[Any]]:
    df = model.query(measures=["revenue", "orders"], dimensions=["category"], filters=filters,
                     order=[("category", "asc")], as_of=AS_OF).df
    return [[r.category, pytest.approx(float(r.revenue)), int(r.orders)] for r in df.itertuples()]


def category_table(page: FilterContext) -> TableView:
    return page.table(measures=["revenue", "orders"], dimensions=["category"], order=[("category", "asc")])


def test_every_front_end_file_is_built() -> None:
    static = Path(bheem_nb.widgets.__file__).parent / "static"
    for name in ("dropdown", "list", "tile", "search", "between", "relative_date", "table"):
        path = static / f"{name}.js"
        assert path.is_file(), f"{path} is missing: run `npm ci && npm run build` in js/"
        text = path.read_text()
        assert "export" in text and "http://" not in text and "https://" not in text  # bundled, no CDN
        if name in ("dropdown", "list", "search"):
            assert "bn-more-btn" in text, f"{path} predates the Show more button: run `npm run build` in js/"
    assert (static / "widgets.css").is_file()
    for cls in (*SLICERS.values(), TableView):
        assert "export" in str(cls._esm)  # anywidget loaded the file's text


def test_dropdown_options_are_the_engines_distinct_values_with_counts(page: FilterContext,
                                                                      model: bn.SemanticModel) -> None:
    region = page.dropdown("region")
    df = model.query(measures=["orders"], dimensions=["region"], order=[("region", "asc")]).df
    assert [(o["value"], o["count"]) for o in region.options] == list(zip(df["region"], df["orders"], strict=True))
    assert region.label == "Region" and region.value == [] and region.multi
    assert page.filters == []


def test_synced_state_carries_no_sql_or_identity(model: bn.SemanticModel) -> None:
    page = Dashboard(model, user=None, as_of=AS_OF)
    state = page.dropdown("region").get_state()
    assert {"options", "value", "label", "search"} <= set(state)
    assert not {k for k in state if k in ("sql", "user", "field", "filters")}
    assert "SELECT" not in repr(state)


def test_a_click_in_the_browser_filters_the_table(page: FilterContext, model: bn.SemanticModel) -> None:
    region = page.dropdown("region")
    table = category_table(page)
    region.set_state({"value": ["Europe", "Asia Pacific"]})  # what the front end sends
    assert page.filters == [bn.Filter("region", "in", ["Europe", "Asia Pacific"])]
    assert table_rows(table) == reference(model, page.filters)
    region.set_state({"value": ["Europe"]})
    assert page.filters == [bn.Filter("region", "=", "Europe")]
    assert table_rows(table) == reference(model, [bn.Filter("region", "=", "Europe")])


def test_search_narrows_in_the_engine_and_pages(page: FilterContext, model: bn.SemanticModel) -> None:
    city = page.dropdown("city", page_size=3)
    assert len(city.options) == 3 and city.has_more and city.total == -1  # more than a page: "Show more"
    city.set_state({"search": "san"})
    df = model.query(measures=["orders"], dimensions=["city"], filters=[bn.Filter("city", "contains", "san")]).df
    assert {o["value"] for o in city.options} == set(df["city"][:3])
    assert all("san" in o["value"].lower() for o in city.options)
    assert page.filters == []  # searching is not filtering


def test_cascading_options_follow_the_other_slicers(page: FilterContext, model: bn.SemanticModel) -> None:
    region, segment = page.dropdown("region"), page.checklist("segment")
    region.value = ["Europe"]
    df = model.query(measures=["orders"], dimensions=["segment"], filters=[bn.Filter("region", "=", "Europe")],
                     order=[("segment", "asc")]).df
    assert [(o["value"], o["count"]) for o in segment.options] == list(zip(df["segment"], df["orders"], strict=True))
    segment.value = ["Corporate"]
    # a slicer's own filter never narrows its own options
    assert len(region.options) == 5
    europe = next(o for o in region.options if o["value"] == "Europe")
    corp = model.query(measures=["orders"], filters=[bn.Filter("region", "=", "Europe"),
                                                     bn.Filter("segment", "=", "Corporate")]).df
    assert europe["count"] == int(corp.iloc[0, 0])


def test_list_and_tile_share_the_dropdown_semantics(page: FilterContext, model: bn.SemanticModel) -> None:
    segment, channel = page.checklist("segment"), page.tile("channel")
    assert isinstance(segment, ListSlicer) and isinstance(channel, Tile)
    assert segment.multi and not channel.multi
    table = category_table(page)
    channel.set_state({"value": ["online"]})
    segment.set_state({"value": ["Consumer", "Home Office"]})
    want = [bn.Filter("segment", "in", ["Consumer", "Home Office"]), bn.Filter("channel", "=", "online")]
    assert sorted(page.filters, key=repr) == sorted(want, key=repr)
    assert table_rows(table) == reference(model, want)


def test_between_takes_its_range_from_the_engine(page: FilterContext, model: bn.SemanticModel) -> None:
    month = page.between("dates.month")
    assert isinstance(month, Between) and (month.min, month.max) == (1.0, 12.0)
    table = category_table(page)
    month.set_state({"value": [1, 12]})
    assert page.filters == []  # the full range is no filter
    month.set_state({"value": [3, 5]})
    assert page.filters == [bn.Filter("dates.month", "between", [3, 5])]
    assert table_rows(table) == reference(model, page.filters)


@pytest.mark.parametrize(("value", "want"), [
    ({"mode": "last", "n": 30, "unit": "day"}, [bn.Filter("order_date", "relative_date", [-30, "day"])]),
    ({"mode": "next", "n": 2, "unit": "week"}, [bn.Filter("order_date", "relative_date", [2, "week"])]),
    ({"mode": "this", "unit": "quarter"}, [bn.Filter("order_date", "relative_period", [0, "quarter"])]),
    ({"mode": "previous", "unit": "year"}, [bn.Filter("order_date", "relative_period", [-1, "year"])]),
    ({"mode": "last", "n": 0, "unit": "day"}, []),
    ({"mode": "sideways", "unit": "day"}, []),
    ({}, []),
])
def test_relative_date_filters(page: FilterContext, model: bn.SemanticModel, value: dict[str, Any],
                               want: list[bn.Filter]) -> None:
    period = page.relative_date("order_date")
    assert isinstance(period, RelativeDate) and period.as_of == AS_OF
    table = category_table(page)
    period.set_state({"value": value})
    assert page.filters == want
    assert table_rows(table) == reference(model, want)


def test_relative_date_defaults_to_today() -> None:
    class Model:
        def describe(self) -> list[dict[str, Any]]:
            return [{"field": "orders.orders", "kind": "measure", "type": "count", "label": "Orders"}]

    assert RelativeDate(FilterContext(Model()), "order_date").as_of == dt.date.today().isoformat()


def test_clear_all_and_the_query_string_round_trip(page: FilterContext, model: bn.SemanticModel) -> None:
    region, month, period = page.dropdown("region"), page.between("dates.month"), page.relative_date("order_date")
    table = category_table(page)
    region.value = ["Europe"]
    month.value = [3, 9]
    period.value = {"mode": "last", "n": 12, "unit": "month"}
    shared, filters, rows = page.to_query_string(), list(page.filters), table_rows(table)
    assert shared.startswith("region=")
    page.clear_all()
    assert page.filters == [] and region.value == [] and month.value == [] and period.value == {}
    assert table_rows(table) == reference(model, [])
    page.from_query_string("?" + shared + "&unrelated=1")
    assert page.filters == filters and table_rows(table) == rows
    assert page.to_query_string() == shared


def test_the_page_user_reaches_every_query() -> None:
    calls: list[dict[str, Any]] = []

    class Model:
        def describe(self) -> list[dict[str, Any]]:
            return [{"field": "orders.orders", "kind": "measure", "type": "count_distinct", "label": "Orders"}]

        def query(self, **spec: Any) -> Any:
            import pandas as pd

            calls.append(spec)
            return type("R", (), {"df": pd.DataFrame({"region": ["A"], "orders": [1]})})()

    page = FilterContext(Model(), user="alice@acme.com")
    assert page.count_measure == "orders.orders"
    page.dropdown("region").value = ["A"]
    page.table(measures=["orders"], dimensions=["region"])
    assert calls and all(c["user"] == "alice@acme.com" for c in calls)


def test_two_slicers_on_one_field_need_keys(page: FilterContext) -> None:
    page.dropdown("region")
    with pytest.raises(ValueError, match="key="):
        page.dropdown("region")
    page.dropdown("region", key="region2")
    with pytest.raises(ValueError, match="unknown slicer type"):
        page.slicer("calendar", "order_date")


def test_table_view_formats_and_reports_errors(page: FilterContext) -> None:
    table = page.table(measures=["revenue", "orders"], title="Totals")
    assert [c["name"] for c in table.columns] == ["revenue", "orders"]
    assert table.rows[0][0]["text"].startswith("$") and table.version == 1
    bad = page.table(measures=["revenu"])
    assert "revenue" in bad.error and bad.rows == []
    assert format_value(1234.5, "currency") == "$1,234.50"
    assert format_value(0.125, "percent") == "12.5%"
    assert format_value(1234, None) == "1,234" and format_value(None, None) == ""
    assert format_value(dt.date(2025, 1, 2), None) == "2025-01-02"


def test_date_range_takes_its_bounds_from_the_engine(page: FilterContext, model: bn.SemanticModel) -> None:
    dates = page.date_range("order_date")
    assert isinstance(dates, DateRange)
    days = model.query(dimensions=["order_date.day"], order=[("order_date.day", "asc")]).df["order_date.day"]
    assert (dates.min, dates.max) == (str(days.iloc[0])[:10], str(days.iloc[-1])[:10])
    table = category_table(page)
    dates.set_state({"value": ["2024-03-01", "2024-05-31"]})
    want = [bn.Filter("order_date", "date_range", [dt.date(2024, 3, 1), dt.date(2024, 5, 31)])]
    assert page.filters == want
    assert table_rows(table) == reference(model, want)
    # inclusive end: the same as "March to May" by month
    by_month = model.query(measures=["orders"], filters=[bn.Filter("order_date.month", "between",
                                                                   ["2024-03-01", "2024-05-01"])]).df
    assert sum(r[2] for r in table_rows(table)) == int(by_month.iloc[0, 0])
    dates.set_state({"value": ["2024-05-31", None]})
    assert page.filters == [bn.Filter("order_date", "date_range", [dt.date(2024, 5, 31), None])]
    dates.set_state({"value": [None, None]})
    assert page.filters == []


def test_search_lists_nothing_until_typed_then_one_page(page: FilterContext, model: bn.SemanticModel) -> None:
    customer = page.search("customers.name")
    assert isinstance(customer, Search)
    assert customer.options == [] and customer.total == 0 and customer.page_size == 20
    customer.set_state({"search": "ma"})
    assert 0 < len(customer.options) <= 20
    assert all("ma" in o["value"].lower() for o in customer.options)
    name = customer.options[0]["value"]
    table = category_table(page)
    customer.set_state({"value": [name]})
    assert page.filters == [bn.Filter("customers.name", "=", name)]
    assert table_rows(table) == reference(model, page.filters)


def test_deferred_options_follow_the_numbers_one_slicer_per_loop_turn(model: bn.SemanticModel) -> None:
    import asyncio

    async def scenario() -> None:
        page = Dashboard(model, as_of=AS_OF, defer_options=True)
        region, segment, channel = page.dropdown("region"), page.checklist("segment"), page.tile("channel")
        table = category_table(page)
        before = [o["count"] for o in segment.options]
        region.value = ["Europe"]
        assert table_rows(table) == reference(model, page.filters)  # numbers at once
        assert [o["count"] for o in segment.options] == before  # options not yet
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        europe = model.query(measures=["orders"], dimensions=["segment"], order=[("segment", "asc")],
                             filters=[bn.Filter("region", "=", "Europe")]).df
        assert [o["count"] for o in segment.options] == list(europe["orders"])
        channel.value = ["online"]
        page.flush()
        assert all(o["count"] > 0 for o in region.options) and not page._stale

    asyncio.run(scenario())


def test_row_level_security_reaches_options_and_numbers(model: bn.SemanticModel) -> None:
    """A page opened as a user sees only that user's rows: in the slicer options and in the table."""
    spec = model.to_dict()
    spec["rls"] = {"rules": [{"name": "region_scope", "table": "customers",
                              "filter": "region = USERLOOKUP('region')", "assign": [{"group": "managers"}]}]}
    spec["users"] = [{"id": "u1", "email": "alice@acme.com", "groups": ["managers"],
                      "attributes": {"region": "Europe"}}]
    secured = bn.SemanticModel.from_dict(spec, base_dir=model.base_dir)
    page = Dashboard(secured, user="alice@acme.com", as_of=AS_OF)
    region, segment = page.dropdown("region"), page.checklist("segment")
    table = category_table(page)
    assert [o["value"] for o in region.options] == ["Europe"]
    europe = model.query(measures=["orders"], dimensions=["segment"], order=[("segment", "asc")],
                         filters=[bn.Filter("region", "=", "Europe")]).df
    assert [o["count"] for o in segment.options] == list(europe["orders"])
    assert table_rows(table) == reference(model, [bn.Filter("region", "=", "Europe")])


def test_hierarchy_tree_and_partial_selection(page: FilterContext, model: bn.SemanticModel) -> None:
    calendar = page.hierarchy("order_date")
    assert isinstance(calendar, Hierarchy)
    years = model.query(measures=["orders"], dimensions=["order_date.year"], order=[("order_date.year", "asc")]).df
    assert [n["label"] for n in calendar.options] == [str(y)[:4] for y in years["order_date.year"]]
    first = calendar.options[0]
    assert len(first["children"]) == 12 and first["children"][0]["label"] == first["label"] + "-01"
    assert sum(c["count"] for c in first["children"]) == first["count"]
    table = category_table(page)
    picked = [c["value"] for c in first["children"]] + ["2024-03-01"]  # a whole year and one month
    calendar.set_state({"value": picked})
    assert page.filters == [bn.Filter("order_date.month", "in", picked)]
    assert table_rows(table) == reference(model, page.filters)
    whole = model.query(measures=["orders"], filters=[bn.Filter("order_date", "date_range", [
        f"{first['label']}-01-01", f"{first['label']}-12-31"])]).df
    march = model.query(measures=["orders"], filters=[bn.Filter("order_date.month", "=", "2024-03-01")]).df
    assert sum(r[2] for r in table_rows(table)) == int(whole.iloc[0, 0]) + int(march.iloc[0, 0])
