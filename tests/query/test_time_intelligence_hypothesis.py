"""Property tests: random sparse data (gaps, Feb 29, blank regions and amounts), every grain and
fiscal start 1/4/7/10; the engine on DuckDB and PostgreSQL equals the pandas reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import bheem_nb as bn
from bheem_nb.errors import QueryError
from bheem_nb.query.time_intelligence import check_grain, parse_modifier
from tests.query.test_engine_backends import assert_same
from tests.query.ti_reference import Reference, fiscal_year

FIRST, LAST = dt.date(2019, 11, 20), dt.date(2021, 4, 10)  # spans Feb 29 2020
GRAINS = ["day", "week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year"]
MODS = ["ytd", "qtd", "mtd", "wtd", "pytd", "pqtd", "pmtd", "ytd_growth_pct", "py", "yoy", "yoy_pct", "qoq",
        "qoq_pct", "mom", "mom_pct", "wow_pct", "running_total", "running_avg", "diff_from_previous"]


def _model(conn: Any, fiscal: int) -> bn.SemanticModel:
    return bn.SemanticModel({
        "name": "sparse", "calendar": {"fiscal_year_start_month": fiscal},
        "tables": {"sales": {
            "table": "sales", "time_dimension": "day",
            "dimensions": {"day": {"type": "time"}, "region": {}},
            "measures": {"amount": {"agg": "sum", "expr": "amount"}, "avg_amount": {"agg": "avg", "expr": "amount"}},
        }},
    }, connector=conn, engine=bn.Engine(use_cache=False))


class _Loader:
    def __init__(self, name: str, url: str | None) -> None:
        self.name = name
        if name == "duckdb":
            from bheem_nb.connectors.duckdb import DuckDBConnector

            self.conn = DuckDBConnector()
            self.conn.raw.execute("CREATE TABLE sales (day DATE, region VARCHAR, amount DOUBLE)")
        else:
            import psycopg

            assert url is not None
            self.pg = psycopg.connect(url, autocommit=True)
            self.pg.execute("DROP TABLE IF EXISTS sales")
            self.pg.execute("CREATE TABLE sales (day DATE, region VARCHAR(10), amount DOUBLE PRECISION)")
            from bheem_nb.connectors import connect

            self.conn = connect(url)

    def load(self, rows: list[tuple[dt.date, str | None, float | None]]) -> None:
        if self.name == "duckdb":
            self.conn.raw.execute("DELETE FROM sales")
            if rows:
                self.conn.raw.executemany("INSERT INTO sales VALUES (?, ?, ?)", rows)
        else:
            self.pg.execute("DELETE FROM sales")
            if rows:
                with self.pg.cursor() as cur:
                    cur.executemany("INSERT INTO sales VALUES (%s, %s, %s)", rows)


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def loader(request: pytest.FixtureRequest) -> Iterator[_Loader]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    ld = _Loader(request.param, url)
    yield ld
    ld.conn.close()


rows_strategy = st.lists(
    st.tuples(st.dates(FIRST, LAST) | st.sampled_from([dt.date(2020, 2, 29), dt.date(2020, 2, 28),
                                                       dt.date(2021, 2, 28), dt.date(2020, 12, 31)]),
              st.sampled_from(["A", "B", None]),
              st.none() | st.integers(-50, 500).map(float)),
    min_size=1, max_size=40,
)
mod_strategy = st.sampled_from(MODS) | st.builds(
    lambda n, u: f"rolling({n}, {u})", st.integers(1, 4), st.sampled_from(["day", "week", "month", "quarter", "year"])
) | st.builds(lambda n: f"moving_avg({n})", st.integers(1, 4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(rows=rows_strategy, grain=st.sampled_from(GRAINS), fiscal=st.sampled_from([1, 4, 7, 10]),
       mods=st.lists(mod_strategy, min_size=1, max_size=3, unique=True), by_region=st.booleans(),
       measure=st.sampled_from(["amount", "avg_amount"]))
@example(rows=[(dt.date(2020, 2, 29), "A", None)], grain="day", fiscal=1, mods=["running_total"], by_region=False,
         measure="avg_amount")  # a running total of blanks is blank
@example(rows=[(dt.date(2020, 2, 29), None, 5.0), (dt.date(2021, 2, 28), None, 7.0)], grain="day", fiscal=4,
         mods=["py", "pytd", "yoy_pct"], by_region=True, measure="amount")  # Feb 29 → Feb 28
def test_random_data(loader: _Loader, rows: list[tuple[dt.date, str | None, float | None]], grain: str,
                     fiscal: int, mods: list[str], by_region: bool, measure: str) -> None:
    valid = []
    for m in mods:
        try:
            check_grain(parse_modifier(m), grain, m)
        except QueryError:
            continue
        valid.append(m)
    if not valid:
        return
    loader.load(rows)
    labels = [f"{measure}:{m}" for m in valid]
    dims = ["region"] if by_region else []
    res = _model(loader.conn, fiscal).query(measures=[measure, *labels], dimensions=[*dims, f"day.{grain}"])
    facts = pd.DataFrame(rows, columns=["day", "region", "amount"])
    ref = Reference(facts, dims, "amount", "sum" if measure == "amount" else "avg", grain, fiscal)
    label = (lambda p: fiscal_year(p, fiscal)) if grain == "fiscal_year" else (lambda p: p)
    assert_same(res.df, ref.frame([measure, *labels], dims, f"day.{grain}", label))


PARENT = {"day": "month", "week": "month", "month": "quarter", "quarter": "year", "year": None,
          "fiscal_quarter": "fiscal_year", "fiscal_year": None}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(rows=rows_strategy, grain=st.sampled_from(GRAINS), fiscal=st.sampled_from([1, 4, 7, 10]))
def test_random_shares(loader: _Loader, rows: list[tuple[dt.date, str | None, float | None]], grain: str,
                       fiscal: int) -> None:
    from tests.query.ti_reference import period_of

    loader.load(rows)
    mods = ["amount:share_of_total", "amount:rank", "amount:pct_of_parent"]
    res = _model(loader.conn, fiscal).query(measures=["amount", *mods], dimensions=["region", f"day.{grain}"])
    facts = pd.DataFrame(rows, columns=["day", "region", "amount"])
    df = Reference(facts, ["region"], "amount", "sum", grain, fiscal).frame(["amount"], ["region"], "p")
    total = df.groupby("p")["amount"].transform("sum")
    df["amount:share_of_total"] = [a * 100 / t if t else None for a, t in zip(df["amount"], total, strict=True)]
    df["amount:rank"] = df.groupby("p")["amount"].rank(ascending=False, method="min")
    parent = PARENT[grain]
    keys = [df["region"].fillna("<na>")]
    if parent is not None:
        keys.append(df["p"].map(lambda p: period_of(p, parent, fiscal)))
    up = df.groupby(keys)["amount"].transform("sum")
    df["amount:pct_of_parent"] = [a * 100 / t if t else None for a, t in zip(df["amount"], up, strict=True)]
    if grain == "fiscal_year":
        df["p"] = df["p"].map(lambda p: fiscal_year(p, fiscal))
    df = df.rename(columns={"p": f"day.{grain}"})
    assert_same(res.df, df)


AS_OF_MODS = ["ytd", "qtd", "mtd", "wtd", "pytd", "pqtd", "pmtd", "ytd_growth_pct", "py", "yoy", "yoy_pct",
              "qoq", "mom_pct", "wow_pct", "running_total"]


def _as_of_reference(facts: pd.DataFrame, mod: str, as_of: dt.date, fiscal: int) -> float | None:
    """The value for the period containing ``as_of``, by day membership (see docs/time_intelligence.md)."""
    from dateutil.relativedelta import relativedelta

    from tests.query.ti_reference import pct, same

    def total(keep: Any) -> float:
        return float(facts.loc[[bool(keep(d)) for d in facts["day"]], "amount"].sum()) if len(facts) else 0.0

    todate = {"ytd": "year", "qtd": "quarter", "mtd": "month", "wtd": "week"}
    prior = {"pytd": ("year", 12), "pqtd": ("quarter", 3), "pmtd": ("month", 1)}
    if mod in todate:
        return total(lambda d: d <= as_of and same(todate[mod], d, as_of, fiscal))
    if mod in prior:
        unit, months = prior[mod]
        cut = as_of - relativedelta(months=months)
        return total(lambda d: d <= cut and same(unit, d, cut, fiscal))
    if mod == "ytd_growth_pct":
        return pct(_as_of_reference(facts, "ytd", as_of, fiscal), _as_of_reference(facts, "pytd", as_of, fiscal))
    if mod.startswith("rolling"):
        n, unit = mod[8:-1].split(", ")
        lo = as_of - (dt.timedelta(days=int(n) * {"day": 1, "week": 7}[unit]) if unit in ("day", "week")
                      else relativedelta(months=int(n) * {"month": 1, "quarter": 3, "year": 12}[unit]))
        return total(lambda d: lo < d <= as_of)
    if mod == "running_total":
        return total(lambda d: d <= as_of)
    unit, back = {"py": ("year", relativedelta(years=1)), "yoy": ("year", relativedelta(years=1)),
                  "yoy_pct": ("year", relativedelta(years=1)), "qoq": ("quarter", relativedelta(months=3)),
                  "mom_pct": ("month", relativedelta(months=1)), "wow_pct": ("week", relativedelta(days=7))}[mod]
    now = total(lambda d: same(unit, d, as_of, fiscal))
    before = total(lambda d: same(unit, d, as_of - back, fiscal))
    if mod == "py":
        return before
    return pct(now, before) if mod.endswith("_pct") else now - before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(rows=rows_strategy, as_of=st.dates(FIRST, LAST) | st.sampled_from([dt.date(2020, 2, 29), dt.date(2021, 3, 31)]),
       fiscal=st.sampled_from([1, 4, 7, 10]), by_region=st.booleans(),
       mods=st.lists(st.sampled_from(AS_OF_MODS) | st.builds(lambda n, u: f"rolling({n}, {u})", st.integers(1, 4),
                                                             st.sampled_from(["day", "week", "month", "year"])),
                     min_size=1, max_size=3, unique=True))
def test_random_as_of(loader: _Loader, rows: list[tuple[dt.date, str | None, float | None]], as_of: dt.date,
                      fiscal: int, by_region: bool, mods: list[str]) -> None:
    loader.load(rows)
    labels = [f"amount:{m}" for m in mods]
    dims = ["region"] if by_region else []
    res = _model(loader.conn, fiscal).query(measures=labels, dimensions=dims, as_of=as_of.isoformat())
    facts = pd.DataFrame(rows, columns=["day", "region", "amount"])
    groups = [(r, facts[facts["region"].isna()] if pd.isna(r) else facts[facts["region"] == r])
              for r in facts["region"].drop_duplicates()] if by_region else [(None, facts)]
    out = [{**({"region": r} if by_region else {}),
            **{lab: _as_of_reference(part, m, as_of, fiscal) for lab, m in zip(labels, mods, strict=True)}}
           for r, part in groups]
    assert_same(res.df, pd.DataFrame(out, columns=[*dims, *labels]))
