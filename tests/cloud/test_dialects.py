"""Dialect correctness: every query of the engine, time-intelligence and RLS suites compiles for six dialects,
and runs on Spark, fakesnow, BigQuery (loopback on DuckDB), PostgreSQL and MariaDB with DuckDB's answer."""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot

import bheem_nb as bn
from bheem_nb.connectors.base import Connector
from bheem_nb.query.spec import QuerySpec
from bheem_nb.security.identity import resolve_user
from bheem_nb.security.rls import secure_sql, secure_tree
from tests.cloud.specs import CASES, Case, model_specs, refused
from tests.query.test_engine_backends import assert_same

DIALECTS = ("bigquery", "snowflake", "spark", "postgres", "mysql", "duckdb")
MODELS = model_specs()
IDS = [c.id for c in CASES]


_BUILT: dict[tuple[str, int], bn.SemanticModel] = {}


def _model(case: Case, conn: Connector) -> bn.SemanticModel:
    """One model per variant and connector (building a model validates the whole spec: not per test)."""
    key = (case.model, id(conn))
    if key not in _BUILT:
        _BUILT[key] = bn.SemanticModel(MODELS[case.model], connector=conn, engine=bn.Engine())
    return _BUILT[key]


@pytest.fixture(scope="module")
def references(duck_reference: Connector) -> dict[str, Any]:
    """DuckDB's answer per case (DuckDB itself is checked against pandas by the suites the cases come from)."""
    return {c.id: c.run(_model(c, duck_reference)).df for c in CASES}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_compiles_for_every_dialect(duck_reference: Connector, case: Case, dialect: str) -> None:
    """The final SQL (after RLS) is produced and parses back in its dialect; refusals are clear QueryErrors."""
    model = _model(case, duck_reference)
    who = resolve_user(model.spec, case.user)
    if case.sql is not None:
        secured = secure_sql(model, case.sql, dialect, who)
    elif refused(case, dialect):
        with pytest.raises(bn.QueryError, match=r"ha(s|ve) no .* aggregate|is a window function"):
            model.engine.compile(model, QuerySpec.from_dict(case.query), _Dialect(dialect))  # type: ignore[arg-type]
        return
    else:
        compiled = model.engine.compile(model, QuerySpec.from_dict(case.query), _Dialect(dialect))  # type: ignore[arg-type]
        secured = secure_tree(model, compiled.ast, dialect, who, cache_key=compiled.sql)
    tree = sqlglot.parse_one(secured.sql, read=dialect)
    assert tree is not None and secured.sql.count(";") == 0
    if dialect == "spark":
        assert "RECURSIVE" not in secured.sql.upper() and "PERCENTILE_APPROX" not in secured.sql.upper()
    if dialect == "bigquery" and "order_date.week" in str(case.query):
        assert "ISOWEEK" in secured.sql, "BigQuery's WEEK starts on Sunday"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_same_result_as_duckdb(cloud_backend: Connector, references: dict[str, Any], case: Case) -> None:
    model = _model(case, cloud_backend)
    if refused(case, cloud_backend.dialect):
        with pytest.raises(bn.QueryError):
            case.run(model)
        return
    got = case.run(model).df
    if case.sql is not None and cloud_backend.dialect == "snowflake":
        got.columns = [c.lower() for c in got.columns]  # raw SQL: Snowflake upper-cases unquoted aliases
    assert_same(got, references[case.id])


class _Dialect:
    """Stands in for a connector when only the dialect matters (compiling, not running)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.name = f"{dialect}://compile-only"
