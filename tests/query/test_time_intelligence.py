"""Time-intelligence modifiers equal an independent pandas reference on DuckDB, PostgreSQL, SQLite and MariaDB."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.connectors.base import Connector
from tests.query.conftest import FRAMES, MODEL, joined
from tests.query.test_engine_backends import assert_same
from tests.query.ti_reference import Reference, fiscal_year

TI_BACKENDS = ("duckdb", "postgres", "sqlite", "mysql")
MODS = ["ytd", "qtd", "mtd", "pytd", "pqtd", "pmtd", "ytd_growth_pct", "py", "yoy", "yoy_pct", "qoq",
        "qoq_pct", "mom", "mom_pct", "rolling(3, month)", "rolling(90, day)", "rolling(1, year)",
        "moving_avg(3)", "running_total", "running_avg", "diff_from_previous"]


@pytest.fixture(scope="module")
def ti_backend(backend: Connector) -> Connector:
    if backend.dialect not in TI_BACKENDS:
        pytest.skip("time intelligence is specified and tested on DuckDB and PostgreSQL")
    return backend


def model_on(conn: Connector, fiscal: int = 1, extra: dict[str, Any] | None = None) -> bn.SemanticModel:
    spec = {**MODEL, "calendar": {"fiscal_year_start_month": fiscal}}
    if extra:
        tables = dict(spec["tables"])
        orders = dict(tables["orders"])
        orders["measures"] = {**orders["measures"], **extra}
        tables["orders"] = orders
        spec["tables"] = tables
    return bn.SemanticModel(spec, connector=conn, engine=bn.Engine())


def facts(region: str | None = None) -> pd.DataFrame:
    j = joined().rename(columns={"order_date": "day"})
    if region is not None:
        j = j[j["region"] == region]
    return j


@pytest.mark.parametrize("mod", MODS)
def test_each_modifier_by_month(ti_backend: Connector, mod: str) -> None:
    res = model_on(ti_backend).query(measures=["revenue", f"revenue:{mod}"], dimensions=["order_date.month"])
    ref = Reference(facts(), [], "revenue", "sum", "month")
    assert_same(res.df, ref.frame(["revenue", f"revenue:{mod}"], [], "order_date.month"))


@pytest.mark.parametrize(("grain", "mods"), [
    ("quarter", ["ytd", "pytd", "qtd", "pqtd", "py", "yoy_pct", "qoq", "running_total", "moving_avg(2)"]),
    ("year", ["ytd", "py", "yoy", "yoy_pct", "running_avg", "rolling(2, year)", "diff_from_previous"]),
    ("week", ["ytd", "mtd", "wtd", "pmtd", "wow_pct", "py", "rolling(4, week)", "rolling(1, month)"]),
])
def test_grains_by_region(ti_backend: Connector, grain: str, mods: list[str]) -> None:
    labels = [f"revenue:{m}" for m in mods]
    res = model_on(ti_backend).query(measures=labels, dimensions=["region", f"order_date.{grain}"])
    ref = Reference(facts(), ["region"], "revenue", "sum", grain)
    assert_same(res.df, ref.frame(labels, ["region"], f"order_date.{grain}"))


@pytest.mark.parametrize("fiscal", [1, 4, 7, 10])
@pytest.mark.parametrize("grain", ["month", "fiscal_quarter", "fiscal_year"])
def test_fiscal_years(ti_backend: Connector, fiscal: int, grain: str) -> None:
    mods = ["ytd", "pytd", "ytd_growth_pct", "py", "yoy_pct"] + (["qtd", "pqtd"] if grain != "fiscal_year" else [])
    labels = [f"revenue:{m}" for m in mods]
    res = model_on(ti_backend, fiscal).query(measures=["revenue", *labels], dimensions=[f"order_date.{grain}"])
    ref = Reference(facts(), [], "revenue", "sum", grain, fiscal)
    label = (lambda p: fiscal_year(p, fiscal)) if grain == "fiscal_year" else (lambda p: p)
    assert_same(res.df, ref.frame(["revenue", *labels], [], f"order_date.{grain}", label))


@pytest.mark.parametrize(("measure", "agg", "column"), [
    ("avg_price", "avg", "unit_price"), ("order_rows", "count", "order_id"),
    ("min_price", "min", "unit_price"), ("max_price", "max", "unit_price"), ("units", "sum", "quantity"),
])
def test_other_aggregations(ti_backend: Connector, measure: str, agg: str, column: str) -> None:
    mods = ["ytd", "pytd", "rolling(3, month)", "py", "qoq_pct", "running_avg"]
    labels = [f"{measure}:{m}" for m in mods]
    res = model_on(ti_backend).query(measures=[measure, *labels], dimensions=["order_date.quarter"])
    ref = Reference(facts(), [], column, agg, "quarter")
    if agg == "count":
        ref.value = "_none_"  # count rows
    assert_same(res.df, ref.frame([measure, *labels], [], "order_date.quarter"))


def test_filters_apply_before(ti_backend: Connector) -> None:
    res = model_on(ti_backend).query(
        measures=["revenue:ytd", "revenue:pytd", "revenue:yoy_pct"], dimensions=["order_date.month"],
        filters=[bn.Filter("region", "=", "North")])
    ref = Reference(facts("North"), [], "revenue", "sum", "month")
    assert_same(res.df, ref.frame(["revenue:ytd", "revenue:pytd", "revenue:yoy_pct"], [], "order_date.month"))


def test_spine_stays_inside_the_filtered_range(ti_backend: Connector) -> None:
    """Empty months inside the range appear with 0; nothing before the first or after the last."""
    f = facts()
    f = f[(f["day"] < dt.date(2023, 3, 1)) | (f["day"] >= dt.date(2023, 7, 1))]
    f = f[(f["day"] >= dt.date(2022, 11, 5)) & (f["day"] <= dt.date(2023, 9, 20))]
    res = model_on(ti_backend).query(
        measures=["revenue", "revenue:running_total", "revenue:rolling(3, month)", "revenue:mom"],
        dimensions=["order_date.month"],
        filters=[bn.Filter("order_date", "date_range", ["2022-11-05", "2023-09-20"]),
                 bn.Filter("order_date.month", "not_in", ["2023-03-01", "2023-04-01", "2023-05-01", "2023-06-01"])])
    ref = Reference(f, [], "revenue", "sum", "month")
    expected = ref.frame(["revenue", "revenue:running_total", "revenue:rolling(3, month)", "revenue:mom"], [],
                         "order_date.month")
    assert len(expected) == 11 and (expected["revenue"] == 0).sum() == 4
    assert_same(res.df, expected)


def test_shares_rank_and_parent(ti_backend: Connector) -> None:
    m = model_on(ti_backend)
    res = m.query(measures=["revenue", "revenue:share_of_total", "revenue:rank", "revenue:pct_of_parent"],
                  dimensions=["region", "order_date.year"])
    df = Reference(facts(), ["region"], "revenue", "sum", "year").frame(["revenue"], ["region"], "order_date.year")
    per_year = df.groupby("order_date.year")["revenue"]
    df["revenue:share_of_total"] = df["revenue"] * 100 / per_year.transform("sum")
    df["revenue:rank"] = per_year.rank(ascending=False, method="min")
    df["revenue:pct_of_parent"] = df["revenue"] * 100 / df.groupby("region", dropna=False)["revenue"].transform("sum")
    assert_same(res.df, df)
    # the time dimension last: the parent of a month is its quarter
    res = m.query(measures=["revenue", "revenue:pct_of_parent"], dimensions=["order_date.month"])
    df = Reference(facts(), [], "revenue", "sum", "month").frame(["revenue"], [], "order_date.month")
    quarter = df["order_date.month"].map(lambda p: (p.year, (p.month - 1) // 3))
    df["revenue:pct_of_parent"] = df["revenue"] * 100 / df.groupby(quarter)["revenue"].transform("sum")
    assert_same(res.df, df)
    # no time dimension: share of the grand total, rank over all rows
    res = m.query(measures=["revenue", "revenue:share_of_total", "revenue:rank"], dimensions=["segment"])
    j = joined()
    by = j.groupby("segment", dropna=False)["revenue"].sum().reset_index()
    by["revenue:share_of_total"] = by["revenue"] * 100 / by["revenue"].sum()
    by["revenue:rank"] = by["revenue"].rank(ascending=False, method="min")
    assert_same(res.df, by)


AS_OF = dt.date(2024, 2, 29)


def _window(f: pd.DataFrame, lo: dt.date | None, hi: dt.date) -> pd.DataFrame:
    return f[((f["day"] >= lo) if lo else True) & (f["day"] <= hi)]


def test_without_a_time_dimension_the_period_contains_as_of(ti_backend: Connector) -> None:
    mods = ["ytd", "pytd", "qtd", "mtd", "pmtd", "wtd", "ytd_growth_pct", "yoy", "mom_pct", "rolling(3, month)",
            "running_total"]
    labels = [f"revenue:{m}" for m in mods]
    res = model_on(ti_backend).query(measures=labels, dimensions=["region"], as_of=AS_OF.isoformat())
    rows = []
    for region, part in facts().groupby("region", dropna=False):
        s = lambda lo, hi, p=part: float(_window(p, lo, hi)["revenue"].sum())  # noqa: E731
        ytd, pytd = s(dt.date(2024, 1, 1), AS_OF), s(dt.date(2023, 1, 1), dt.date(2023, 2, 28))
        this_month, last_month = s(dt.date(2024, 2, 1), AS_OF), s(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
        rows.append({
            "region": region, "revenue:ytd": ytd, "revenue:pytd": pytd, "revenue:qtd": ytd,
            "revenue:mtd": this_month, "revenue:pmtd": s(dt.date(2024, 1, 1), dt.date(2024, 1, 29)),
            "revenue:wtd": s(dt.date(2024, 2, 26), AS_OF),
            "revenue:ytd_growth_pct": (ytd - pytd) * 100 / abs(pytd) if pytd else None,
            "revenue:yoy": s(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
            - s(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
            "revenue:mom_pct": (this_month - last_month) * 100 / abs(last_month) if last_month else None,
            "revenue:rolling(3, month)": s(dt.date(2023, 11, 30), AS_OF),
            "revenue:running_total": s(None, AS_OF),
        })
    assert_same(res.df, pd.DataFrame(rows, columns=["region", *labels]))


def test_model_measures_and_dict_form(ti_backend: Connector) -> None:
    m = model_on(ti_backend, extra={"revenue_ytd": {"base": "revenue", "ti": "ytd"},
                                    "revenue_r3": {"base": "revenue", "ti": "rolling(3, month)", "format": "currency"}})
    res = m.query(measures=["revenue_ytd", {"measure": "revenue", "ti": "qtd"}, "revenue_r3", "revenue:pytd"],
                  dimensions=["order_date.quarter"], order=[("revenue_ytd", "desc")], limit=5)
    assert res.columns == ["order_date.quarter", "revenue_ytd", "revenue:qtd", "revenue_r3", "revenue:pytd"]
    assert res.df["revenue_r3"].tolist() == res.df["revenue:qtd"].tolist()  # 3 months ending a quarter = qtd
    assert res.df["revenue_ytd"].is_monotonic_decreasing and len(res) == 5
    with pytest.raises(bn.QueryError, match="listed twice"):
        m.query(measures=["revenue_ytd", "revenue:ytd"], dimensions=["order_date.quarter"])
    ref = Reference(facts(), [], "revenue", "sum", "quarter").frame(["revenue:ytd"], [], "q")
    assert res.df["revenue_ytd"].tolist() == pytest.approx(sorted(ref["revenue:ytd"], reverse=True)[:5])


def test_measure_filters_apply_to_the_result(ti_backend: Connector) -> None:
    m = model_on(ti_backend)
    res = m.query(measures=["revenue", "revenue:yoy_pct"], dimensions=["order_date.month"],
                  filters=[bn.Filter("revenue:yoy_pct", ">", 10)])
    full = m.query(measures=["revenue", "revenue:yoy_pct"], dimensions=["order_date.month"]).df
    assert_same(res.df, full[full["revenue:yoy_pct"] > 10])


def test_derived_measures_take_modifiers(ti_backend: Connector) -> None:
    m = model_on(ti_backend)
    res = m.query(measures=["paid_share", "paid_share:py"], dimensions=["order_date.year"])
    j = facts()
    rows = []
    for y in (2022, 2023, 2024):
        part = j[j["day"].map(lambda d, y=y: d.year == y)]
        rows.append({"y": dt.date(y, 1, 1),
                     "paid_share": part.loc[part["status"] == "paid", "revenue"].sum() * 100 / part["revenue"].sum()})
    df = pd.DataFrame(rows)
    df["paid_share:py"] = [None, *df["paid_share"].tolist()[:-1]]
    df.columns = ["order_date.year", "paid_share", "paid_share:py"]
    assert_same(res.df, df)


@pytest.mark.parametrize(("spec", "message"), [
    ({"measures": ["revenue:ytdd"], "dimensions": ["order_date.month"]}, r"unknown time-intelligence modifier 'ytdd'"),
    ({"measures": ["revenue:mtd"], "dimensions": ["order_date.quarter"]}, "mtd needs the time dimension at month"),
    ({"measures": ["revenue:mom"], "dimensions": ["order_date.year"]}, "mom needs .* month grain or finer"),
    ({"measures": ["revenue:moving_avg(3)"], "dimensions": ["region"]}, "moving_avg runs over the periods"),
    ({"measures": ["revenue:rolling(3, fortnight)"], "dimensions": ["order_date.month"]}, "unknown unit 'fortnight'"),
    ({"measures": ["revenue:rolling(0, month)"], "dimensions": ["order_date.month"]}, "at least 1, got '0'"),
    ({"measures": ["orders:ytd"], "dimensions": ["order_date.month"]}, "count_distinct.*cannot be added up"),
    ({"measures": [{"measure": "revenue", "how": "ytd"}]}, "a measure entry is a name or"),
])
def test_errors_name_the_token(ti_backend: Connector, spec: dict[str, Any], message: str) -> None:
    with pytest.raises(bn.BheemError, match=message):
        model_on(ti_backend).query(**spec)


def test_model_rejects_bad_ti_measures() -> None:
    with pytest.raises(bn.ModelError, match=r"revenue_x.*unknown time-intelligence modifier 'yt'"):
        bn.SemanticModel({**MODEL, "tables": {**MODEL["tables"], "orders": {
            **MODEL["tables"]["orders"],
            "measures": {**MODEL["tables"]["orders"]["measures"], "revenue_x": {"base": "revenue", "ti": "yt"}}}}})
    with pytest.raises(bn.ModelError, match="needs both `base`"):
        bn.SemanticModel({**MODEL, "tables": {**MODEL["tables"], "orders": {
            **MODEL["tables"]["orders"],
            "measures": {**MODEL["tables"]["orders"]["measures"], "revenue_x": {"ti": "ytd"}}}}})


def test_one_statement(ti_backend: Connector) -> None:
    sql = model_on(ti_backend).to_sql(measures=["revenue:ytd", "revenue:yoy_pct", "revenue:rolling(3, month)"],
                                      dimensions=["region", "order_date.month"])
    assert sql.count(";") == 0 and sql.startswith("WITH RECURSIVE")


def test_measures_of_two_tables_and_fan_out(ti_backend: Connector) -> None:
    """A dimension-side measure beside a fact TI measure; its own windows are refused (it repeats per day)."""
    m = model_on(ti_backend)
    res = m.query(measures=["revenue:ytd", "credit", "customers:py"], dimensions=["order_date.year"])
    j = joined()
    j = j.assign(y=j["order_date"].map(lambda d: dt.date(d.year, 1, 1)))
    per_year = []
    for y, part in j.groupby("y"):
        buyers = FRAMES["customers"][FRAMES["customers"]["customer_id"].isin(part["customer_id"])]
        per_year.append({"order_date.year": y, "revenue:ytd": part["revenue"].sum(),
                         "credit": buyers["credit_limit"].sum(), "customers": float(len(buyers))})
    df = pd.DataFrame(per_year)
    df["customers:py"] = [None, *df["customers"].tolist()[:-1]]
    assert_same(res.df, df.drop(columns=["customers"]))
    with pytest.raises(bn.QueryError, match="through a one-to-many join"):
        m.query(measures=["credit:ytd"], dimensions=["order_date.month"])


def test_year_and_month_columns(ti_backend: Connector) -> None:
    """A coarser grain of the same date labels the finest grain's periods (a year × month layout)."""
    m = model_on(ti_backend, fiscal=4)
    res = m.query(measures=["revenue", "revenue:ytd", "revenue:pct_of_parent"],
                  dimensions=["order_date.fiscal_year", "order_date.quarter", "order_date.month"])
    ref = Reference(facts(), [], "revenue", "sum", "month", 4)
    df = ref.frame(["revenue", "revenue:ytd"], [], "order_date.month")
    df.insert(0, "order_date.fiscal_year", df["order_date.month"].map(lambda p: fiscal_year(p, 4)))
    df.insert(1, "order_date.quarter", df["order_date.month"].map(lambda p: dt.date(p.year, (p.month - 1) // 3 * 3 + 1,
                                                                                      1)))
    df["revenue:pct_of_parent"] = df["revenue"] * 100 / df.groupby("order_date.quarter")["revenue"].transform("sum")
    assert_same(res.df, df)
    with pytest.raises(bn.QueryError, match="weeks cross months"):
        m.query(measures=["revenue:ytd"], dimensions=["order_date.month", "order_date.week"])


def test_date_column_is_detected_without_time_dimension(ti_backend: Connector) -> None:
    spec = {**MODEL, "tables": {**MODEL["tables"], "orders": {
        k: v for k, v in MODEL["tables"]["orders"].items() if k != "time_dimension"}}}
    m = bn.SemanticModel(spec, connector=ti_backend, engine=bn.Engine())
    res = m.query(measures=["revenue:ytd"], as_of="2024-02-29")
    assert res.df["revenue:ytd"].tolist() == pytest.approx(
        [_window(facts(), dt.date(2024, 1, 1), AS_OF)["revenue"].sum()])
    orders = dict(spec["tables"]["orders"])
    orders["dimensions"] = {**orders["dimensions"], "shipped": {"type": "time", "expr": "order_date"}}
    two = bn.SemanticModel({**spec, "tables": {**spec["tables"], "orders": orders}}, connector=ti_backend)
    with pytest.raises(bn.QueryError, match="time dimensions order_date, shipped"):
        two.query(measures=["revenue:ytd"], as_of="2024-02-29")
