"""Field addressing: short names, table.field, grains, and helpful errors."""

from __future__ import annotations

import copy

import pytest

import bheem_nb as bn
from tests.query.conftest import MODEL


@pytest.fixture(scope="module")
def model() -> bn.SemanticModel:
    spec = copy.deepcopy(MODEL)
    spec["tables"]["products"]["dimensions"]["status"] = {}  # now "status" is ambiguous
    return bn.SemanticModel(spec)


@pytest.mark.parametrize(("text", "qualified", "grain"), [
    ("revenue", "orders.revenue", None),
    ("orders", "orders.orders", None),  # a measure named like its table
    ("orders.revenue", "orders.revenue", None),
    ("region", "customers.region", None),
    ("customers.region", "customers.region", None),
    ("order_date.month", "orders.order_date", "month"),
    ("orders.order_date.fiscal_quarter", "orders.order_date", "fiscal_quarter"),
    ("orders.status", "orders.status", None),
])
def test_resolution(model: bn.SemanticModel, text: str, qualified: str, grain: str | None) -> None:
    ref = model.fields.resolve(text)
    assert (ref.field.qualified, ref.grain, ref.label) == (qualified, grain, text)


@pytest.mark.parametrize(("text", "message"), [
    ("status", r"'status' is ambiguous: it exists as orders.status, products.status"),
    ("revenu", r"unknown field 'revenu'; did you mean 'revenue'"),
    ("order_date.fortnight", r"unknown time grain 'fortnight'"),
    ("region.month", r"needs a time dimension, but customers.region is not one"),
    ("shops.region.month", r"unknown table 'shops'"),
    ("customers.regoin", r"unknown field 'customers.regoin'; did you mean 'customers.region'"),
])
def test_resolution_errors(model: bn.SemanticModel, text: str, message: str) -> None:
    with pytest.raises(bn.QueryError, match=message):
        model.fields.resolve(text)


def test_query_level_errors(duck_shop: bn.SemanticModel) -> None:
    with pytest.raises(bn.QueryError, match="is a dimension; list it under dimensions"):
        duck_shop.query(measures=["region"])
    with pytest.raises(bn.QueryError, match="is a measure; list it under measures"):
        duck_shop.query(dimensions=["revenue"])
    with pytest.raises(bn.QueryError, match="listed twice"):
        duck_shop.query(measures=["revenue", "orders.revenue"])
    with pytest.raises(bn.QueryError, match="cannot order by 'units'"):
        duck_shop.query(measures=["revenue"], order=["units"])
    with pytest.raises(bn.QueryError, match="unknown filter op 'like'"):
        duck_shop.query(measures=["revenue"], filters=[{"field": "status", "op": "like", "values": ["x"]}])
    with pytest.raises(bn.QueryError, match="takes two values"):
        duck_shop.query(measures=["revenue"], filters=[bn.Filter("quantity", "between", [1])])
    with pytest.raises(bn.QueryError, match="needs a time dimension"):
        duck_shop.query(measures=["revenue"], filters=[bn.Filter("status", "relative_date", [-3, "day"])])
    with pytest.raises(bn.QueryError, match="unknown date unit 'fortnight'"):
        duck_shop.query(measures=["revenue"], filters=[bn.Filter("order_date", "relative_date", [-3, "fortnight"])])
    with pytest.raises(bn.QueryError, match="not an ISO date"):
        duck_shop.query(measures=["revenue"], filters=[bn.Filter("order_date", ">", "last tuesday")])
    with pytest.raises(bn.QueryError, match="as_of must be an ISO date"):
        duck_shop.query(measures=["revenue"], as_of="yesterday")
    with pytest.raises(bn.QueryError, match="unknown key"):
        duck_shop.query(measure=["revenue"])
