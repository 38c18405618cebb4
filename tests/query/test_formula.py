"""Formula measures (DIVIDE, IF, CALCULATE, ...) equal pandas computations on every backend."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.connectors.base import Connector
from tests.query.conftest import MODEL, joined
from tests.query.test_engine_backends import assert_same, group

FORMULAS = {
    "north_share": "DIVIDE(CALCULATE(revenue, region = 'North'), revenue) * 100",
    "paid_aov": "CALCULATE(aov, status = 'paid')",
    "shaped": "IF(revenue > 300000, ROUND(revenue / 1000, 1), ABS(0 - units))",
    "fallback": "DIVIDE(paid_revenue, CALCULATE(revenue, status = 'nope'), -1)",
    "two_filters": "CALCULATE(revenue, region IN ('North', 'East'), channel = 'online')",
    "nested": "CALCULATE(revenue - CALCULATE(revenue, channel <> 'store'), quantity >= 5)",
    "blank_safe": "COALESCE(CALCULATE(revenue, region IS NULL), 0) + 1",
    "is_big": "revenue > units * 250",
    "compound": "DIVIDE(revenue - paid_revenue, units - 1000) / aov",
    "growth": "DIVIDE(revenue - SAMEPERIODLASTYEAR(revenue), SAMEPERIODLASTYEAR(revenue)) * 100",
    "prev_month": "CALCULATE(revenue, DATEADD(-1, month))",
    "north_py": "CALCULATE(revenue, region = 'North', SAMEPERIODLASTYEAR())",
}
TIME_ONLY = ("growth", "prev_month", "north_py")


def with_formulas(extra: dict[str, str]) -> dict[str, Any]:
    orders = dict(MODEL["tables"]["orders"])
    orders["measures"] = {**orders["measures"], **{k: {"formula": v} for k, v in extra.items()}}
    return {**MODEL, "tables": {**MODEL["tables"], "orders": orders}}


@pytest.fixture(scope="module")
def model(backend: Connector) -> bn.SemanticModel:
    return bn.SemanticModel(with_formulas(FORMULAS), connector=backend, engine=bn.Engine())


def _rev(d: pd.DataFrame) -> float | None:
    return float(d["revenue"].sum()) if len(d) else None


REFS = {
    "north_share": lambda d: (_rev(d[d["region"] == "North"]) or 0) * 100 / d["revenue"].sum()
    if (d["region"] == "North").any() else None,
    "paid_aov": lambda d: d.loc[d["status"] == "paid", "revenue"].sum() / d.loc[d["status"] == "paid", "order_id"]
    .nunique() if (d["status"] == "paid").any() else None,
    "shaped": lambda d: round(d["revenue"].sum() / 1000, 1) if d["revenue"].sum() > 300000 else float(d["quantity"]
                                                                                                      .sum()),
    "fallback": lambda d: -1.0,
    "two_filters": lambda d: _rev(d[d["region"].isin(["North", "East"]) & (d["channel"] == "online")]),
    "nested": lambda d: (lambda q: None if not len(q) else float(q["revenue"].sum()) - (
        _rev(q[q["channel"] != "store"]) if (q["channel"] != "store").any() else float("nan")))(d[d["quantity"] >= 5]),
    "blank_safe": lambda d: (_rev(d[d["region"].isna()]) or 0) + 1,
    "is_big": lambda d: bool(d["revenue"].sum() > d["quantity"].sum() * 250),
    "compound": lambda d: (d["revenue"].sum() - d.loc[d["status"] == "paid", "revenue"].sum())
    / (d["quantity"].sum() - 1000) / (d["revenue"].sum() / d["order_id"].nunique()),
}


@pytest.mark.parametrize("name", [f for f in FORMULAS if f not in TIME_ONLY])
def test_formula_by_segment(model: bn.SemanticModel, name: str) -> None:
    res = model.query(measures=[name], dimensions=["segment"])
    expected = group(joined(), ["segment"], {name: REFS[name]})
    if name == "is_big":
        res_df = res.df.assign(is_big=res.df["is_big"].astype(bool))
        assert_same(res_df, expected)
        return
    assert_same(res.df, expected)


def test_formulas_with_query_filters(model: bn.SemanticModel) -> None:
    res = model.query(measures=["revenue", "north_share", "two_filters"], dimensions=["category"],
                      filters=[bn.Filter("status", "=", "paid")])
    j = joined()
    j = j[j["status"] == "paid"]
    expected = group(j, ["category"], {"revenue": lambda d: d["revenue"].sum(), "north_share": REFS["north_share"],
                                       "two_filters": REFS["two_filters"]})
    assert_same(res.df, expected)


def test_formula_with_time_intelligence(model: bn.SemanticModel) -> None:
    res = model.query(measures=["north_share", "north_share:py"], dimensions=["order_date.year"])
    j = joined().assign(y=lambda d: d["order_date"].map(lambda x: pd.Timestamp(x.year, 1, 1).date()))
    expected = group(j, ["y"], {"north_share": REFS["north_share"]})
    expected["north_share:py"] = [None, *expected["north_share"].tolist()[:-1]]
    expected.columns = ["order_date.year", "north_share", "north_share:py"]
    assert_same(res.df, expected)


def test_period_comparisons_in_formulas(model: bn.SemanticModel) -> None:
    """SAMEPERIODLASTYEAR and DATEADD inside formulas equal the time-intelligence modifiers."""
    res = model.query(measures=["growth", "revenue:yoy_pct", "prev_month", "north_py"],
                      dimensions=["order_date.month"]).df
    by_month = model.query(measures=["revenue"], dimensions=["order_date.month"]).df["revenue"].tolist()
    north = model.query(measures=["revenue:py"], dimensions=["order_date.month"],
                        filters=[bn.Filter("region", "=", "North")]).df["revenue:py"].tolist()
    assert res["growth"].tolist() == pytest.approx(res["revenue:yoy_pct"].tolist(), nan_ok=True)
    assert res["prev_month"].tolist() == pytest.approx([float("nan"), *by_month[:-1]], nan_ok=True)
    assert res["north_py"].tolist() == pytest.approx(north, nan_ok=True)
    assert res["growth"].isna().sum() == 12 and res["growth"].notna().sum() == 24
    with pytest.raises(bn.QueryError, match="needs a time dimension"):
        model.query(measures=["growth"], dimensions=["region"])


@pytest.mark.parametrize(("formula", "message", "caret"), [
    ("SAMEPERIODLASTYEAR(SAMEPERIODLASTYEAR(revenue))", "period comparisons do not nest", None),
    ("CALCULATE(revenue, DATEADD(1.5, month))", "DATEADD takes (n, unit)", None),
    ("CALCULATE(revenue, DATEADD(-1, fortnight))", "DATEADD takes (n, unit)", None),
    ("DATEADD(-1, month)", "DATEADD(n, unit) is a CALCULATE filter", "    ^^^^^^^"),
    ("DIVIDE(revenue)", "DIVIDE takes", "    ^^^^^^"),
    ("revenue + regon", "unknown field 'regon'; did you mean 'region'", "              ^^^^^"),
    ("FOO(revenue)", "unknown function FOO", "    ^^^"),
    ("SUM(revenue)", "SUM is not allowed in a formula", "    ^^^"),
    ("CALCULATE(revenue, revenue > 3)", "must be a dimension", " " * 23 + "^^^^^^^"),
    ("CALCULATE(revenue, region = 'North' OR region LIKE 'N%')", "LIKE is not allowed there", None),
    ("revenue + region", "'region' is a dimension", " " * 14 + "^^^^^^"),
    ("revenue +* 2", "cannot read the formula", None),
])
def test_errors_point_at_the_token(formula: str, message: str, caret: str | None) -> None:
    with pytest.raises(bn.ModelError) as info:
        bn.SemanticModel(with_formulas({"bad": formula}))
    text = str(info.value)
    assert "tables.orders.measures.bad.formula" in text and message in text
    if caret is not None:
        assert text.splitlines()[-1] == caret, text


def test_formula_key_stands_alone() -> None:
    spec = with_formulas({})
    spec["tables"]["orders"]["measures"]["bad"] = {"formula": "revenue", "agg": "sum"}
    with pytest.raises(bn.ModelError, match="takes only `formula`"):
        bn.SemanticModel(spec)


def test_nested_derived_measures_keep_precedence(backend: Connector) -> None:
    """``revenue / aov`` with aov = revenue / orders is orders, not revenue / revenue / orders."""
    spec = with_formulas({"f_orders": "revenue / aov", "f_gap": "units - (units - orders)"})
    spec["tables"]["orders"]["measures"]["d_orders"] = {"expr": "revenue / aov"}
    m = bn.SemanticModel(spec, connector=backend, engine=bn.Engine())
    res = m.query(measures=["orders", "d_orders", "f_orders", "f_gap"], dimensions=["region"]).df
    assert res["d_orders"].tolist() == pytest.approx(res["orders"].astype(float).tolist())
    assert res["f_orders"].tolist() == pytest.approx(res["orders"].astype(float).tolist())
    assert res["f_gap"].tolist() == pytest.approx(res["orders"].astype(float).tolist())


LODS = {
    "region_share": "DIVIDE(revenue, CALCULATE(revenue, ALL(region))) * 100",
    "seg_total": "FIXED(segment: revenue)",
    "seg_units": "EXCLUDE(region: units)",
    "grand": "FIXED(: revenue)",
    "vs_avg": "avg_price - EXCLUDE(segment: avg_price)",
    "removed": "CALCULATE(order_rows, REMOVEFILTERS(segment), status = 'paid')",
}


def test_levels_of_detail(backend: Connector) -> None:
    m = bn.SemanticModel(with_formulas(LODS), connector=backend, engine=bn.Engine())
    res = m.query(measures=["revenue", *LODS], dimensions=["segment", "region"])
    j = joined()
    df = group(j, ["segment", "region"], {"revenue": lambda d: d["revenue"].sum()})
    seg = j.groupby("segment", dropna=False)
    reg = j.groupby("region", dropna=False)
    key_seg = df["segment"].fillna("<na>")
    key_reg = df["region"].fillna("<na>")
    seg_rev = {("<na>" if pd.isna(k) else k): v for k, v in seg["revenue"].sum().items()}
    df["region_share"] = df["revenue"] * 100 / key_seg.map(seg_rev)
    df["seg_total"] = key_seg.map(seg_rev)
    df["seg_units"] = key_seg.map({("<na>" if pd.isna(k) else k): v for k, v in seg["quantity"].sum().items()})
    df["grand"] = j["revenue"].sum()
    reg_avg = {("<na>" if pd.isna(k) else k): v for k, v in reg["unit_price"].mean().items()}
    per_group = group(j, ["segment", "region"], {"p": lambda d: d["unit_price"].mean()})["p"]
    df["vs_avg"] = per_group.to_numpy() - key_reg.map(reg_avg).to_numpy()
    paid = j[j["status"] == "paid"].groupby("region", dropna=False).size()
    df["removed"] = key_reg.map({("<na>" if pd.isna(k) else k): float(v) for k, v in paid.items()})
    assert_same(res.df, df)


@pytest.mark.parametrize(("spec", "message"), [
    ({"measures": ["seg_total"], "dimensions": ["region"]}, "FIXED at customers.segment needs those dimensions"),
    ({"measures": ["region_share:ytd"], "dimensions": ["order_date.month"]}, "cannot be combined with time"),
    ({"measures": ["seg_total", "credit"], "dimensions": ["segment"]}, "one table per query"),
])
def test_level_of_detail_limits(duck_shop: bn.SemanticModel, spec: dict[str, Any], message: str) -> None:
    m = bn.SemanticModel(with_formulas(LODS), connector=duck_shop.connector, engine=bn.Engine())
    with pytest.raises(bn.QueryError, match=message):
        m.query(**spec)


@pytest.mark.parametrize(("formula", "message"), [
    ("INCLUDE(region: revenue)", "INCLUDE needs an outer aggregate"),
    ("FIXED(region: EXCLUDE(segment: revenue))", "levels of detail do not nest"),
    ("FIXED(revenue: revenue)", "'revenue' is a measure; list dimensions here"),
    ("ALL(region)", "ALL(field) is a CALCULATE filter"),
])
def test_level_of_detail_errors(formula: str, message: str) -> None:
    with pytest.raises(bn.ModelError, match=re.escape(message)):
        bn.SemanticModel(with_formulas({"bad": formula}))


def test_all_of_a_filtered_field_and_distinct_counts(backend: Connector) -> None:
    """ALL(region) ignores the query's region filter (as DAX does); FIXED of a distinct count is exact."""
    m = bn.SemanticModel(with_formulas({**LODS, "all_orders": "FIXED(: orders)",
                                        "seg_customers": "EXCLUDE(region: CALCULATE(orders, status = 'paid'))"}),
                         connector=backend, engine=bn.Engine())
    res = m.query(measures=["revenue", "region_share", "all_orders", "seg_customers"],
                  dimensions=["segment", "region"], filters=[bn.Filter("region", "in", ["North", "South"])])
    j = joined()
    seen = j[j["region"].isin(["North", "South"])]
    df = group(seen, ["segment", "region"], {"revenue": lambda d: d["revenue"].sum()})
    seg_all = {("<na>" if pd.isna(k) else k): v for k, v in j.groupby("segment", dropna=False)["revenue"].sum().items()}
    df["region_share"] = df["revenue"] * 100 / df["segment"].fillna("<na>").map(seg_all)
    df["all_orders"] = float(seen["order_id"].nunique())
    paid = seen[seen["status"] == "paid"].groupby("segment", dropna=False)["order_id"].nunique()
    df["seg_customers"] = df["segment"].fillna("<na>").map({("<na>" if pd.isna(k) else k): float(v)
                                                           for k, v in paid.items()})
    assert_same(res.df, df)


def test_include_with_an_outer_aggregate(backend: Connector) -> None:
    """AVG(INCLUDE(email: revenue)) by region: the average customer's revenue in each region."""
    m = bn.SemanticModel(with_formulas({"avg_customer": "AVG(INCLUDE(email: revenue))",
                                        "best_day": "MAX(INCLUDE(order_date.day: revenue))",
                                        "paid_days":
                                            "SUM(INCLUDE(order_date.month: CALCULATE(orders, status = 'paid')))"}),
                         connector=backend, engine=bn.Engine())
    res = m.query(measures=["revenue", "avg_customer", "best_day", "paid_days"], dimensions=["region"])
    j = joined()
    df = group(j, ["region"], {
        "revenue": lambda d: d["revenue"].sum(),
        "avg_customer": lambda d: d.groupby("email", dropna=False)["revenue"].sum().mean(),
        "best_day": lambda d: d.groupby("order_date")["revenue"].sum().max(),
        "paid_days": lambda d: float(d[d["status"] == "paid"]
                                     .assign(mo=d["order_date"].map(lambda x: (x.year, x.month)))
                                     .groupby("mo")["order_id"].nunique().sum()),
    })
    assert_same(res.df, df)
