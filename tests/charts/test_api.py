"""The chart API: specs from keywords and dicts, clear errors, queries, drill steps, payload size."""

from __future__ import annotations

import json

import pytest

import bheem_nb as bn
from bheem_nb.charts import KINDS, Chart, ChartSpec, chart
from bheem_nb.errors import QueryError


def test_keywords_and_dict_make_the_same_chart() -> None:
    a = chart("bar", x="region", y="revenue", sort="-y", limit=3)
    b = chart({"kind": "bar", "x": "region", "y": ["revenue"], "sort": "-y", "limit": 3})
    assert a == b
    assert Chart(ChartSpec.from_dict(a.to_dict())) == a
    assert a.to_dict() == {"kind": "bar", "x": "region", "y": ["revenue"], "sort": "-y", "limit": 3}
    assert json.loads(json.dumps(a.to_dict())) == a.to_dict()
    assert chart("bar", x="region", y="revenue", series="segment").spec.color == "segment"


def test_unknown_kind_and_key_name_the_closest_match() -> None:
    with pytest.raises(QueryError, match=r"unknown chart kind 'colum'.*did you mean 'column'"):
        chart("colum", x="region", y="revenue")
    with pytest.raises(QueryError, match=r"titel: unknown key; did you mean 'title'"):
        chart({"kind": "bar", "x": "region", "y": "revenue", "titel": "x"})
    with pytest.raises(QueryError, match="a bar chart needs y"):
        chart("bar", x="region")
    assert chart("hbar", x="region", y="revenue").kind == "horizontal_bar"
    assert set(KINDS) >= {"bar", "line", "pie", "sankey", "treemap", "matrix", "kpi", "map", "candlestick"}


def test_unknown_field_is_named_against_the_model(model: bn.SemanticModel) -> None:
    with pytest.raises(QueryError, match=r"unknown field 'regon'.*did you mean 'region'"):
        ChartSpec.from_dict({"kind": "bar", "x": "regon", "y": "revenue"}, model=model)
    with pytest.raises(QueryError, match=r"'revnue'.*did you mean 'revenue'"):
        chart("bar", x="region", y="revnue").data(model)


def test_queries_carry_filters_order_and_limit() -> None:
    c = chart("bar", x="region", y="revenue", limit=3, filters=[bn.Filter("segment", "=", "Consumer")])
    (q,) = c.queries([{"field": "channel", "op": "in", "values": ["online"]}])
    assert q["measures"] == ["revenue"] and q["dimensions"] == ["region"]
    assert [f["field"] for f in q["filters"]] == ["segment", "channel"]
    assert q["order"] == [{"field": "revenue", "desc": True}] and q["limit"] == 3


def test_at_and_with_filters_make_a_drill_step(model: bn.SemanticModel) -> None:
    top = chart("column", x="category", y="revenue", hierarchy=["category", "subcategory", "product_name"])
    first = top.data(model)["category"].iloc[0]
    step = top.at("subcategory").with_filters(bn.Filter("category", "=", first))
    assert step.category == "subcategory" and top.category == "category"  # the original is unchanged
    df = step.data(model)
    expected = model.query(measures=["revenue"], dimensions=["subcategory"],
                           filters=[bn.Filter("category", "=", first)]).df
    assert sorted(df["subcategory"]) == sorted(expected["subcategory"])
    assert df["revenue"].sum() == pytest.approx(expected["revenue"].sum())


def test_vega_lite_inlines_only_aggregated_rows(model: bn.SemanticModel) -> None:
    spec = chart("bar", x="region", y="revenue").to_vega_lite(model)
    assert spec["$schema"].endswith("vega-lite/v6.json")
    values = spec["data"]["values"]
    regions = model.query(measures=["revenue"], dimensions=["region"]).df
    assert len(values) == len(regions) == 5
    assert len(json.dumps(spec)) < 16_000


def test_single_number_visuals_have_no_category() -> None:
    kpi = chart("kpi", y="revenue")
    assert kpi.category is None
    with pytest.raises(QueryError, match="a kpi chart has no category axis"):
        kpi.at("region")
    assert chart("table", rows=["region", "segment"], y="revenue").at("country").spec.rows == ("country", "segment")


def test_sort_none_keeps_the_query_order(model: bn.SemanticModel) -> None:
    spec = chart("bar", x="region", y="revenue", sort="none").to_vega_lite(model)
    assert spec["layer"][0]["encoding"]["x"]["sort"] is None
    assert chart("bar", x="region", y="revenue").to_vega_lite(model)["layer"][0]["encoding"]["x"]["sort"] == "-y"
