"""A bad model fails at load time with the key path, the line and what would fix it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import bheem_nb as bn
from tests.query.conftest import MODEL

GOOD_YAML = """\
name: sales
connection: duckdb:///demo.duckdb
tables:
  orders:
    table: main.orders
    primary_key: order_id
    time_dimension: order_date
    dimensions:
      order_date: {type: time, hierarchy: [year, quarter, month, week, day]}
      status: {type: string}
    measures:
      revenue: {agg: sum, expr: "quantity * unit_price * (1 - discount)", format: currency}
      orders: {agg: count_distinct, expr: order_id}
      avg_order_value: {expr: "revenue / orders"}
  customers:
    table: main.customers
    primary_key: customer_id
    dimensions: {region: {type: string}, segment: {type: string}, email: {type: string}}
joins:
  - {left: orders, right: customers, on: "orders.customer_id = customers.customer_id", relationship: many_to_one}
calendar: {fiscal_year_start_month: 1}
"""


def load(tmp_path: Path, text: str) -> bn.SemanticModel:
    path = tmp_path / "sales.yml"
    path.write_text(text)
    return bn.SemanticModel.from_yaml(path)


def test_the_contract_yaml_loads(tmp_path: Path) -> None:
    model = load(tmp_path, GOOD_YAML)
    assert model.name == "sales"
    assert {f["field"] for f in model.describe()} >= {"orders.revenue", "orders.avg_order_value", "customers.region"}
    assert model.base_dir == tmp_path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("agg: sum,", "agg: total,", r"sales.yml:12: tables.orders.measures.revenue.agg: .*'total'"),
    ("    measures:\n", "    measure:\n", r"sales.yml:11: tables.orders.measure: unknown key 'measure'"),
    ("time_dimension: order_date", "time_dimension: shipped_at", r"time_dimension 'shipped_at' is not a dimension"),
    ("fiscal_year_start_month: 1", "fiscal_year_start_month: 13", r"calendar.fiscal_year_start_month"),
    ("relationship: many_to_one", "relationship: many_to_many", r"joins.0.relationship"),
    ("right: customers,", "right: clients,", r"joins\[0\].*unknown table 'clients'"),
    ('"revenue / orders"', '"revenue / ordrs"', r"avg_order_value: unknown field 'ordrs'; did you mean 'orders'"),
    ('"revenue / orders"', '"avg_order_value * 2"', r"avg_order_value: the measure refers to itself"),
    ('"revenue / orders"', '"revenue / email"', r"'email' is a dimension"),
    ('"quantity * unit_price * (1 - discount)"', '"quantity * (unit_price"', r"revenue.expr: cannot parse"),
    ('on: "orders.customer_id = customers.customer_id"', 'on: "customer_id = customer_id"', r"must be qualified"),
    ("table: main.customers\n", "table: main.customers\n    sql: SELECT 1\n", r"exactly one of `table`"),
    ("name: sales\n", "", r"missing required key 'name'"),
    ("      status: {type: string}\n", "      status: {type: string}\n      status: {type: number}\n",
     r"sales.yml:11: key 'status' appears twice \(first on line 10\)"),
    ("tables:\n", "tables: [\n", r"sales.yml:\d+: malformed YAML"),
])
def test_yaml_errors_name_the_problem(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD_YAML
    with pytest.raises(bn.ModelError, match=message):
        load(tmp_path, GOOD_YAML.replace(old, new, 1))


def test_a_cycle_of_derived_measures_is_refused(tmp_path: Path) -> None:
    text = GOOD_YAML.replace(
        '      avg_order_value: {expr: "revenue / orders"}\n',
        '      a: {expr: "b + 1"}\n      b: {expr: "c + revenue"}\n      c: {expr: "a * 2"}\n',
    )
    with pytest.raises(bn.ModelError, match=r"cycle: orders\.a -> orders\.b -> orders\.c -> orders\.a"):
        load(tmp_path, text)


def test_a_join_cycle_is_refused() -> None:
    spec: dict[str, Any] = copy.deepcopy(MODEL)
    on = "customers.customer_id = products.product_id"
    spec["joins"].append({"left": "customers", "right": "products", "on": on})
    with pytest.raises(bn.ModelError, match="closes a cycle"):
        bn.SemanticModel(spec)


def test_an_empty_file_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(bn.ModelError, match="empty"):
        load(tmp_path, "")
    with pytest.raises(bn.ModelError, match="model file not found"):
        bn.SemanticModel.from_yaml(tmp_path / "nope.yml")


def test_a_model_in_python_keywords() -> None:
    model = bn.SemanticModel(name="tiny", tables={"t": {"table": "t", "measures": {"n": {"agg": "count"}}}})
    assert "t.n" in model.fields.by_qualified
    with pytest.raises(bn.ModelError, match=r"tables.t.measures.n: .*percentile needs `p`"):
        bn.SemanticModel(name="tiny", tables={"t": {"table": "t", "measures": {"n": {"agg": "percentile",
                                                                                     "expr": "x"}}}})


def test_the_dict_round_trips() -> None:
    model = bn.SemanticModel(MODEL)
    again = bn.SemanticModel(model.to_dict())
    assert again.version == model.version


def test_check_names_every_field_the_database_rejects(duck_shop: bn.SemanticModel) -> None:
    duck_shop.check()  # the test model matches its tables
    spec = duck_shop.to_dict()
    spec["tables"]["orders"]["measures"]["revenue"]["expr"] = "quantity * unit_prce"
    spec["tables"]["customers"]["table"] = "clients"
    broken = bn.SemanticModel(spec, connector=duck_shop.connector, engine=bn.Engine())
    with pytest.raises(bn.ModelError) as err:
        broken.check()
    text = str(err.value)
    assert "tables.orders.measures.revenue:" in text and "unit_prce" in text
    assert "tables.customers.dimensions.region:" in text and "clients" in text
    assert "tables.orders.measures.units:" not in text
