"""The engine's answers on every backend equal pandas computations over the same rows."""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

import bheem_nb as bn
from tests.query.conftest import FRAMES, MODEL, joined


def _norm(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, (dt.date, pd.Timestamp, np.datetime64)):
        return str(pd.Timestamp(v).date())
    if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
        return v[:10]
    if isinstance(v, (np.integer, int)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, (np.floating, float)):
        return float(v)
    return v


def rows_of(df: pd.DataFrame) -> list[tuple[Any, ...]]:
    rows = [tuple(_norm(v) for v in r) for r in df.itertuples(index=False)]
    return sorted(rows, key=lambda r: tuple((x is None, str(x)) for x in r))


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(actual.columns) == list(expected.columns)
    a, e = rows_of(actual), rows_of(expected)
    assert len(a) == len(e), f"{len(a)} rows, expected {len(e)}"
    for ra, re_ in zip(a, e, strict=True):
        for x, y in zip(ra, re_, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                assert x == pytest.approx(y, rel=1e-6, abs=1e-6), (ra, re_)
            else:
                assert x == y, (ra, re_)


def group(df: pd.DataFrame, by: list[str], aggs: dict[str, Callable[[pd.DataFrame], Any]]) -> pd.DataFrame:
    if not by:
        return pd.DataFrame([{k: f(df) for k, f in aggs.items()}])
    out = []
    for key, part in df.groupby(by, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        out.append({**dict(zip(by, key, strict=True)), **{k: f(part) for k, f in aggs.items()}})
    return pd.DataFrame(out, columns=[*by, *aggs])


AGGS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "revenue": lambda d: d["revenue"].sum(),
    "orders": lambda d: d["order_id"].nunique(),
    "order_rows": lambda d: len(d),
    "units": lambda d: d["quantity"].sum(),
    "avg_price": lambda d: d["unit_price"].mean(),
    "min_price": lambda d: d["unit_price"].min(),
    "max_price": lambda d: d["unit_price"].max(),
    "median_price": lambda d: d["unit_price"].median(),
    "p90_price": lambda d: d["unit_price"].quantile(0.9),
    "sd_price": lambda d: d["unit_price"].std(ddof=1),
    "paid_revenue": lambda d: d.loc[d["status"] == "paid", "revenue"].sum() if (d["status"] == "paid").any() else None,
    "paid_orders": lambda d: int((d["status"] == "paid").sum()),
}
UNSUPPORTED = {"mysql": {"median_price", "p90_price"}, "sqlite": {"median_price", "p90_price", "sd_price"}}


@pytest.mark.parametrize("measure", list(AGGS))
def test_every_aggregation_by_region(shop: bn.SemanticModel, measure: str) -> None:
    if measure in UNSUPPORTED.get(shop.connector.dialect, set()):
        with pytest.raises(bn.QueryError, match=r"ha(s|ve) no .* aggregate"):
            shop.query(measures=[measure], dimensions=["region"])
        return
    res = shop.query(measures=[measure], dimensions=["region"])
    assert_same(res.df, group(joined(), ["region"], {measure: AGGS[measure]}))


def test_derived_measures_and_safe_division(shop: bn.SemanticModel) -> None:
    res = shop.query(measures=["revenue", "orders", "aov", "paid_share"], dimensions=["segment"])
    j = joined()
    exp = group(j, ["segment"], {
        "revenue": AGGS["revenue"], "orders": AGGS["orders"],
        "aov": lambda d: d["revenue"].sum() / d["order_id"].nunique(),
        "paid_share": lambda d: d.loc[d["status"] == "paid", "revenue"].sum() / d["revenue"].sum() * 100,
    })
    assert_same(res.df, exp)
    # a derived measure whose denominator is zero is blank, not an error
    res = shop.query(measures=["aov"], dimensions=["region"], filters=[bn.Filter("status", "=", "nope")])
    assert len(res) == 0
    zero = shop.query(measures=["paid_share"], dimensions=["status"])
    assert len(zero) > 0


def test_a_zero_divisor_is_blank(shop: bn.SemanticModel) -> None:
    """``revenue / paid_orders`` by status: 0 paid orders outside "paid" gives a blank, not an error."""
    spec = copy.deepcopy(MODEL)
    spec["tables"]["orders"]["measures"].update({"per_paid": {"expr": "revenue / paid_orders"},
                                                  "per_paid_f": {"formula": "revenue / paid_orders"}})
    model = bn.SemanticModel(spec, connector=shop.connector, engine=bn.Engine())
    res = model.query(measures=["per_paid", "per_paid_f"], dimensions=["status"])

    def per_paid(d: pd.DataFrame) -> float | None:
        paid = int((d["status"] == "paid").sum())
        return float(d["revenue"].sum()) / paid if paid else None

    expected = group(joined(), ["status"], {"per_paid": per_paid, "per_paid_f": per_paid})
    assert expected["per_paid"].isna().sum() == 3, "pending, refunded and blank status divide by 0"
    assert_same(res.df, expected)


DIM_FILTERS: list[tuple[bn.Filter, Callable[[pd.DataFrame], pd.Series]]] = [
    (bn.Filter("status", "=", "paid"), lambda d: d["status"] == "paid"),
    (bn.Filter("status", "!=", "paid"), lambda d: (d["status"] != "paid") | d["status"].isna()),
    (bn.Filter("status", "=", None), lambda d: d["status"].isna()),
    (bn.Filter("region", "in", ["North", "East"]), lambda d: d["region"].isin(["North", "East"])),
    (bn.Filter("region", "in", ["North", None]), lambda d: d["region"].isin(["North"]) | d["region"].isna()),
    (bn.Filter("region", "in", []), lambda d: pd.Series(False, index=d.index)),
    (bn.Filter("region", "not_in", ["North"]), lambda d: ~d["region"].isin(["North"])),
    (bn.Filter("quantity", ">", 5), lambda d: d["quantity"] > 5),
    (bn.Filter("quantity", ">=", 5), lambda d: d["quantity"] >= 5),
    (bn.Filter("quantity", "<", 3), lambda d: d["quantity"] < 3),
    (bn.Filter("quantity", "<=", 3), lambda d: d["quantity"] <= 3),
    (bn.Filter("quantity", "between", [3, 5]), lambda d: d["quantity"].between(3, 5)),
    (bn.Filter("email", "contains", "USER1"), lambda d: d["email"].str.contains("user1", na=False)),
    (bn.Filter("channel", "contains", "50%_"), lambda d: d["channel"].str.contains("50%_", regex=False, na=False)),
    (bn.Filter("channel", "starts_with", "st"), lambda d: d["channel"].str.startswith("st", na=False)),
    (bn.Filter("channel", "contains", "_"), lambda d: d["channel"].str.contains("_", regex=False, na=False)),
    (bn.Filter("region", "is_null"), lambda d: d["region"].isna()),
    (bn.Filter("region", "not_null"), lambda d: d["region"].notna()),
    (bn.Filter("order_date", "date_range", ["2023-02-01", "2023-03-31"]),
     lambda d: d["order_date"].between(dt.date(2023, 2, 1), dt.date(2023, 3, 31))),
    (bn.Filter("order_date", "between", ["2023-02-01", "2023-02-28"]),
     lambda d: d["order_date"].between(dt.date(2023, 2, 1), dt.date(2023, 2, 28))),
    (bn.Filter("order_date", ">=", "2024-12-01"), lambda d: d["order_date"] >= dt.date(2024, 12, 1)),
    (bn.Filter("order_date", "relative_date", [-30, "day"]),
     lambda d: (d["order_date"] > dt.date(2024, 5, 31)) & (d["order_date"] <= dt.date(2024, 6, 30))),
    (bn.Filter("order_date", "relative_date", [2, "month"]),
     lambda d: (d["order_date"] > dt.date(2024, 6, 30)) & (d["order_date"] <= dt.date(2024, 8, 30))),
    (bn.Filter("order_date", "relative_period", [0, "year"]),
     lambda d: d["order_date"].between(dt.date(2024, 1, 1), dt.date(2024, 6, 30))),
    (bn.Filter("order_date", "relative_period", [-1, "quarter"]),
     lambda d: d["order_date"].between(dt.date(2024, 1, 1), dt.date(2024, 3, 31))),
    (bn.Filter("order_date", "relative_period", [-1, "month"]),
     lambda d: d["order_date"].between(dt.date(2024, 5, 1), dt.date(2024, 5, 31))),
    (bn.Filter("order_date.year", "in", [2022, "2024"]),
     lambda d: d["order_date"].map(lambda x: x.year in (2022, 2024))),
    (bn.Filter("order_date.year", "between", [2023, 2024]), lambda d: d["order_date"].map(lambda x: x.year >= 2023)),
    (bn.Filter("order_date.fiscal_year", "=", 2023), lambda d: d["order_date"].map(lambda x: x.year == 2023)),
    (bn.Filter("order_date.month", "=", "2023-07-01"),
     lambda d: d["order_date"].between(dt.date(2023, 7, 1), dt.date(2023, 7, 31))),
]


@pytest.mark.parametrize(("flt", "mask"), DIM_FILTERS, ids=[f"{f.field}{f.op}{list(f.values)}" for f, _ in DIM_FILTERS])
def test_every_row_filter(shop: bn.SemanticModel, flt: bn.Filter, mask: Callable[[pd.DataFrame], pd.Series]) -> None:
    res = shop.query(measures=["revenue", "orders"], dimensions=["segment"], filters=[flt], as_of="2024-06-30")
    j = joined()
    expected = group(j[mask(j).fillna(False).astype(bool)], ["segment"],
                     {"revenue": AGGS["revenue"], "orders": AGGS["orders"]})
    assert_same(res.df, expected)


def test_filters_combine_with_and(shop: bn.SemanticModel) -> None:
    flts = [bn.Filter("status", "!=", "paid"), bn.Filter("region", "=", "North")]
    res = shop.query(measures=["orders"], filters=flts)
    j = joined()
    n = j[((j["status"] != "paid") | j["status"].isna()) & (j["region"] == "North")]["order_id"].nunique()
    assert res.df["orders"].iloc[0] == n


@pytest.mark.parametrize("case", ["revenue>", "revenue_between", "aov<"])
def test_measure_filters_act_on_groups(shop: bn.SemanticModel, case: str) -> None:
    j = joined()
    full = group(j, ["region", "segment"], {"revenue": AGGS["revenue"],
                                            "aov": lambda d: d["revenue"].sum() / d["order_id"].nunique()})
    rev, aov = full["revenue"], full["aov"]
    if case == "revenue>":
        flt, keep = bn.Filter("revenue", ">", float(rev.median())), rev > rev.median()
    elif case == "revenue_between":
        lo, hi = float(rev.quantile(0.25)), float(rev.quantile(0.75))
        flt, keep = bn.Filter("revenue", "between", [lo, hi]), rev.between(lo, hi)
    else:
        flt, keep = bn.Filter("aov", "<", float(aov.median())), aov < aov.median()
    res = shop.query(measures=["revenue"], dimensions=["region", "segment"], filters=[flt])
    expected = full[keep][["region", "segment", "revenue"]]
    assert 0 < len(expected) < len(full), "the case must keep some groups and drop others"
    assert_same(res.df, expected)


def _fiscal_year(d: dt.date, start: int) -> int:
    return d.year + 1 if (start > 1 and d.month >= start) else d.year


GRAINS: dict[str, Callable[[dt.date], Any]] = {
    "year": lambda d: dt.date(d.year, 1, 1),
    "quarter": lambda d: dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1),
    "month": lambda d: d.replace(day=1),
    "week": lambda d: d - dt.timedelta(days=d.weekday()),
    "day": lambda d: d,
    "fiscal_year": lambda d: _fiscal_year(d, 1),
    "fiscal_quarter": lambda d: dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1),
}


@pytest.mark.parametrize("grain", list(GRAINS))
def test_every_time_grain(shop: bn.SemanticModel, grain: str) -> None:
    res = shop.query(measures=["revenue"], dimensions=[f"order_date.{grain}"])
    j = joined()
    j["g"] = j["order_date"].map(GRAINS[grain])
    expected = group(j, ["g"], {"revenue": AGGS["revenue"]}).rename(columns={"g": f"order_date.{grain}"})
    assert_same(res.df, expected)
    labels = res.df[f"order_date.{grain}"].tolist()
    assert [_norm(x) for x in labels] == sorted(_norm(x) for x in labels), "time grains sort ascending by default"


@pytest.mark.parametrize("grain", ["fiscal_year", "fiscal_quarter"])
def test_fiscal_calendar_starting_in_april(shop: bn.SemanticModel, grain: str) -> None:
    spec = {**shop.to_dict(), "calendar": {"fiscal_year_start_month": 4}}
    fiscal = bn.SemanticModel(spec, connector=shop.connector, engine=bn.Engine())
    res = fiscal.query(measures=["orders"], dimensions=[f"order_date.{grain}"])
    j = joined()

    def fq(d: dt.date) -> dt.date:  # shift back 3 months, take the calendar quarter, shift forward
        moved = d - relativedelta(months=3)
        return dt.date(moved.year, 3 * ((moved.month - 1) // 3) + 1, 1) + relativedelta(months=3)

    j["g"] = j["order_date"].map(lambda d: _fiscal_year(d, 4) if grain == "fiscal_year" else fq(d))
    expected = group(j, ["g"], {"orders": AGGS["orders"]}).rename(columns={"g": f"order_date.{grain}"})
    assert_same(res.df, expected)
    if grain == "fiscal_year":
        assert set(res.df["order_date.fiscal_year"]) == {2022, 2023, 2024, 2025}


def test_fan_out_trap_never_double_counts(shop: bn.SemanticModel) -> None:
    """credit lives on customers; grouping it by an orders field must count each customer once."""
    total = FRAMES["customers"]["credit_limit"].sum()
    assert shop.query(measures=["credit"]).df["credit"].iloc[0] == pytest.approx(total)
    res = shop.query(measures=["credit", "customers"], dimensions=["channel"])
    o, c = FRAMES["orders"], FRAMES["customers"]
    pairs = o[["customer_id", "channel"]].drop_duplicates().merge(c, on="customer_id", how="right")
    expected = group(pairs, ["channel"], {"credit": lambda d: d["credit_limit"].sum(),
                                          "customers": lambda d: d["customer_id"].nunique()})
    assert_same(res.df, expected)
    naive = o.merge(c, on="customer_id")["credit_limit"].sum()
    assert res.df["credit"].sum() < naive, "a naive join would have multiplied credit by orders"


def test_measures_from_two_tables_in_one_query(shop: bn.SemanticModel) -> None:
    res = shop.query(measures=["revenue", "credit", "aov"], dimensions=["region"])
    j, c = joined(), FRAMES["customers"]
    rev = group(j, ["region"], {"revenue": AGGS["revenue"],
                                "aov": lambda d: d["revenue"].sum() / d["order_id"].nunique()})
    cred = group(c, ["region"], {"credit": lambda d: d["credit_limit"].sum()})
    expected = rev.merge(cred, on="region", how="outer")[["region", "revenue", "credit", "aov"]]
    assert_same(res.df, expected)


def test_dimensions_only_lists_existing_combinations(shop: bn.SemanticModel) -> None:
    res = shop.query(dimensions=["region", "category"])
    expected = joined()[["region", "category"]].drop_duplicates()
    assert_same(res.df, expected)


def test_order_and_limit(shop: bn.SemanticModel) -> None:
    res = shop.query(measures=["revenue"], dimensions=["customers.region", "segment"],
                     order=[("revenue", "desc")], limit=3)
    full = group(joined(), ["region", "segment"], {"revenue": AGGS["revenue"]}).sort_values("revenue", ascending=False)
    assert list(res.df.columns) == ["customers.region", "segment", "revenue"]
    assert res.df["revenue"].tolist() == pytest.approx(full["revenue"].head(3).tolist())


def test_three_part_field_names_and_json_shape(shop: bn.SemanticModel) -> None:
    spec = {"measures": ["revenue"], "dimensions": ["customers.region", "orders.order_date.year"],
            "filters": [{"field": "segment", "op": "in", "values": ["Consumer"]}],
            "order": [{"field": "revenue", "desc": True}], "limit": 100, "as_of": "2024-06-30"}
    res = shop.query(**spec)
    j = joined()
    j = j[j["segment"] == "Consumer"].assign(y=j["order_date"].map(lambda d: dt.date(d.year, 1, 1)))
    expected = group(j, ["region", "y"], {"revenue": AGGS["revenue"]})
    expected.columns = ["customers.region", "orders.order_date.year", "revenue"]
    assert_same(res.df, expected)
    assert res.df["revenue"].is_monotonic_decreasing


def test_referential_integrity_joins_inner_and_drops_orphans(shop: bn.SemanticModel) -> None:
    """With referential_integrity the join is INNER (faster); the 5 orphan orders then drop out."""
    spec = shop.to_dict()
    for join in spec["joins"]:
        join["referential_integrity"] = True
    trusting = bn.SemanticModel(spec, connector=shop.connector, engine=bn.Engine())
    res = trusting.query(measures=["orders"], dimensions=["region"])
    assert " LEFT JOIN " not in res.sql and " JOIN " in res.sql
    j = joined()
    expected = group(j[j["customer_id"] != 999], ["region"], {"orders": AGGS["orders"]})
    assert_same(res.df, expected)
    assert " LEFT JOIN " in shop.query(measures=["orders"], dimensions=["region"]).sql


def test_counting_a_primary_key_needs_no_distinct(shop: bn.SemanticModel) -> None:
    sql = shop.to_sql(measures=["orders", "customers"], dimensions=["channel"])
    assert "COUNT(DISTINCT" not in sql.upper()
