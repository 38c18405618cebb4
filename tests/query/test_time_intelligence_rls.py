"""Row-level security applies before time intelligence: a user's YTD is the YTD of the rows they see."""

from __future__ import annotations

import pytest

import bheem_nb as bn
from bheem_nb.connectors.base import Connector
from tests.query.test_engine_backends import assert_same
from tests.query.ti_reference import Reference
from tests.security.conftest import SECURE_MODEL

FORMULA = {"formula": "DIVIDE(revenue - SAMEPERIODLASTYEAR(revenue), SAMEPERIODLASTYEAR(revenue)) * 100"}


@pytest.mark.parametrize("user", ["u_alice", "u_bob", "u_carol", "u_eve", "u_root"])
def test_ti_under_rls(backend: Connector, user: str) -> None:
    spec = {**SECURE_MODEL, "tables": {**SECURE_MODEL["tables"], "orders": {
        **SECURE_MODEL["tables"]["orders"],
        "measures": {**SECURE_MODEL["tables"]["orders"]["measures"], "growth": FORMULA}}}}
    m = bn.SemanticModel(spec, connector=backend, engine=bn.Engine())
    # the user's plain revenue per day (checked against pandas by the RLS suite) is the reference's input
    days = m.query(measures=["revenue"], dimensions=["order_date.day"], user=user).df
    mods = ["revenue:ytd", "revenue:pytd", "revenue:yoy_pct", "revenue:rolling(3, month)", "growth"]
    res = m.query(measures=["revenue", *mods], dimensions=["order_date.month"], user=user)
    facts = days.rename(columns={"order_date.day": "day"})
    facts["day"] = facts["day"].map(lambda d: d if not hasattr(d, "date") else d.date())
    ref = Reference(facts, [], "revenue", "sum", "month")
    expected = ref.frame(["revenue", *mods[:-1]], [], "order_date.month")
    expected["growth"] = expected["revenue:yoy_pct"]
    assert_same(res.df, expected)
    if user == "u_eve":
        assert len(res) == 0
