"""Property-based: for any user (any attribute text, list or groups), the visible customers and
orders equal a pandas filter of the same rule, and nothing in an attribute changes the query's shape."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bheem_nb as bn
from tests.query.conftest import FRAMES, MODEL, REGIONS, _duckdb

RULES = {"rules": [
    {"name": "by_region", "table": "customers", "filter": "region = USERLOOKUP('region')",
     "assign": [{"group": "regional"}]},
    {"name": "by_segments", "table": "customers", "filter": "segment IN (USERLOOKUP('segments'))",
     "assign": [{"group": "segment_desk"}]},
]}

nasty = st.sampled_from(["' OR 1=1 --", "North'; DROP TABLE customers; --", "\\'", "North\" OR \"1\"=\"1",
                         "%", "_", "North\x00", "\u202eNorth"])
region = st.one_of(st.sampled_from([*REGIONS, "Nowhere"]), nasty, st.text(max_size=12))
segments = st.lists(st.one_of(st.sampled_from(["Consumer", "Corporate", "Home Office"]), nasty), max_size=3)
groups = st.lists(st.sampled_from(["regional", "segment_desk", "other"]), max_size=3, unique=True)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> bn.SemanticModel:
    spec: dict[str, Any] = {**MODEL, "rls": RULES}
    return bn.SemanticModel(spec, connector=_duckdb(tmp_path_factory.mktemp("prop")), engine=bn.Engine())


def reference(user: bn.User) -> set[int]:
    c = FRAMES["customers"]
    keep = pd.Series(False, index=c.index)
    if "regional" in user.groups:
        keep |= c["region"] == user.attributes.get("region")
    if "segment_desk" in user.groups:
        keep |= c["segment"].isin(list(user.attributes.get("segments", ())))
    return {int(i) for i in c[keep]["customer_id"]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=region, segs=segments, grp=groups)
def test_visible_customers_equal_reference(model: bn.SemanticModel, region: str, segs: list[str],
                                           grp: list[str]) -> None:
    if "\x00" in region or any("\x00" in s for s in segs):
        region, segs = region.replace("\x00", ""), [s.replace("\x00", "") for s in segs]
    user = bn.User("p", groups=grp, attributes={"region": region, "segments": segs})
    got = {int(r["customer_id"]) for r in model.sql("SELECT customer_id FROM customers", user=user).to_dicts()}
    assert got == reference(user)
    orders = model.sql("SELECT DISTINCT customer_id FROM orders", user=user).to_dicts()
    assert {int(r["customer_id"]) for r in orders} <= got


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=region)
def test_attribute_never_changes_statement_shape(model: bn.SemanticModel, region: str) -> None:
    import sqlglot
    from sqlglot import exp

    region = region.replace("\x00", "")
    user = bn.User("p", groups=["regional"], attributes={"region": region})
    sql = model.sql("SELECT customer_id FROM customers", user=user).sql
    tree = sqlglot.parse_one(sql, read="duckdb")
    literals = [lit.this for lit in tree.find_all(exp.Literal) if lit.is_string]
    assert literals == [region]
    assert len(list(tree.find_all(exp.EQ))) == 1 and not list(tree.find_all(exp.Or))
