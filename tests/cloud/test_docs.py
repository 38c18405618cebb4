"""docs/cloud.md shows the SQL the engine generates today for its dashboard query, in every dialect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot

import bheem_nb as bn
from bheem_nb.connectors.duckdb import DuckDBConnector
from bheem_nb.query.spec import QuerySpec
from tests.cloud.specs import CASES, DOC_QUERY
from tests.cloud.test_dialects import DIALECTS, _Dialect
from tests.query.conftest import MODEL

DOC = Path(__file__).resolve().parents[2] / "docs" / "cloud.md"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_doc_sql_is_the_engines(dialect: str) -> None:
    blocks = dict(re.findall(r"### (\w+)\n\n```sql\n(.*?)\n```", DOC.read_text(), flags=re.S))
    model = bn.SemanticModel(MODEL, connector=DuckDBConnector(), engine=bn.Engine())
    sql = model.engine.compile(model, QuerySpec.from_dict(DOC_QUERY), _Dialect(dialect)).sql  # type: ignore[arg-type]
    assert blocks[dialect] == sqlglot.transpile(sql, read=dialect, write=dialect, pretty=True)[0]
    assert any(c.id == "doc-dashboard" for c in CASES), "the dialect suite runs this query on every backend"
