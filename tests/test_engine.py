"""The engine pipeline: result cache, invalidation, timings and literal binding."""

from __future__ import annotations

import time

import pyarrow as pa
import pytest
import sqlglot

import bheem_nb as bn
from bheem_nb.query.spec import QuerySpec
from tests.query.conftest import MODEL, _duckdb

SPEC = {"measures": ["revenue", "orders"], "dimensions": ["region"], "order": [("revenue", "desc")]}


@pytest.fixture()
def model(tmp_path: pytest.TempPathFactory) -> bn.SemanticModel:
    return bn.SemanticModel(MODEL, connector=_duckdb(tmp_path), engine=bn.Engine())  # type: ignore[arg-type]


def test_result_shape(model: bn.SemanticModel) -> None:
    res = model.query(**SPEC)
    assert isinstance(res.arrow, pa.Table)
    assert list(res.df.columns) == ["region", "revenue", "orders"] == res.columns
    assert res.arrow.schema.field("revenue").type == pa.float64(), "decimals arrive as float64"
    assert set(res.timings) >= {"compile_ms", "execute_ms", "total_ms"}
    assert res.sql.startswith("SELECT") and not res.cache_hit
    assert res.df["revenue"].is_monotonic_decreasing


def test_a_repeat_is_a_cache_hit_under_a_millisecond(model: bn.SemanticModel) -> None:
    first = model.query(**SPEC)
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        again = model.query(**SPEC)
        times.append(time.perf_counter() - t0)
        assert again.cache_hit and again.arrow.equals(first.arrow)
    assert sorted(times)[len(times) // 2] < 0.001


def test_invalidate_forgets_one_connection(model: bn.SemanticModel) -> None:
    model.query(**SPEC)
    conn = model.connector
    conn.raw.execute("UPDATE orders SET quantity = quantity * 2")  # type: ignore[attr-defined]
    assert model.query(**SPEC).cache_hit, "without invalidation the cache still answers"
    dropped = model.engine.invalidate(conn)
    assert dropped >= 1
    fresh = model.query(**SPEC)
    assert not fresh.cache_hit
    other = bn.SemanticModel(MODEL, connector=conn, engine=bn.Engine(use_cache=False))
    assert fresh.arrow.equals(other.query(**SPEC).arrow)


def test_equal_queries_written_differently_share_one_entry(model: bn.SemanticModel) -> None:
    model.query(measures=["revenue"], dimensions=["customers.region"], order=[{"field": "customers.region"}])
    res = model.query(measures=["revenue"], dimensions=["customers.region"])
    assert res.cache_hit, "the default order equals the explicit one, so the SQL and the cache entry are equal"


def test_filter_values_are_literals_never_sql(model: bn.SemanticModel) -> None:
    evil = "x'); DROP TABLE orders; --"
    res = model.query(measures=["orders"], filters=[bn.Filter("status", "in", [evil, "paid"])])
    assert res.df["orders"].iloc[0] > 0
    statements = sqlglot.parse(res.sql, read="duckdb")
    assert len(statements) == 1 and isinstance(statements[0], sqlglot.exp.Select)
    assert model.query(measures=["orders"], dimensions=["status"]).df.shape[0] > 0, "orders still exists"


def test_json_dict_and_python_objects_compile_to_the_same_sql(model: bn.SemanticModel) -> None:
    as_json = {"measures": ["revenue"], "dimensions": ["customers.region", "orders.order_date.month"],
               "filters": [{"field": "segment", "op": "in", "values": ["Consumer"]}],
               "order": [{"field": "revenue", "desc": True}], "limit": 100, "as_of": "2024-06-30"}
    as_python = dict(measures=["revenue"], dimensions=["customers.region", "orders.order_date.month"],
                     filters=[bn.Filter("segment", "in", ["Consumer"])], order=[("revenue", "desc")], limit=100,
                     as_of="2024-06-30")
    assert model.to_sql(**as_json) == model.to_sql(**as_python)
    assert QuerySpec.from_dict(as_json).to_json_dict()["filters"] == as_json["filters"]


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "spark", "postgres", "mysql", "sqlite"])
def test_every_dialect_gets_parseable_sql(model: bn.SemanticModel, dialect: str) -> None:
    spec = QuerySpec.from_dict({"measures": ["revenue", "aov", "credit"],
                                "dimensions": ["region", "order_date.quarter"],
                                "filters": [{"field": "order_date", "op": "relative_period", "values": [-1, "year"]},
                                            {"field": "channel", "op": "contains", "values": ["On"]}],
                                "as_of": "2024-06-30"})
    from bheem_nb.query.compiler import compile_query

    sql = compile_query(model, spec, dialect).sql
    assert isinstance(sqlglot.parse_one(sql, read=dialect), sqlglot.exp.Select)
    assert "2023-01-01" in sql and "2024-01-01" in sql


def test_a_timeout_is_reported_and_nothing_is_cached(tmp_path: pytest.TempPathFactory) -> None:
    conn = _duckdb(tmp_path)  # type: ignore[arg-type]
    conn.raw.execute("CREATE TABLE big AS SELECT range AS id FROM range(200000)")  # type: ignore[attr-defined]
    table = {"sql": "SELECT a.id FROM big a, big b", "measures": {"n": {"agg": "count"}}}
    spec = {"name": "t", "tables": {"big": table}}
    engine = bn.Engine(timeout=0.3)
    model = bn.SemanticModel(spec, connector=conn, engine=engine)
    with pytest.raises(bn.QueryTimeoutError, match=r"longer than 0\.3 s"):
        model.query(measures=["n"])
    assert engine.cache is not None and len(engine.cache) == 0
