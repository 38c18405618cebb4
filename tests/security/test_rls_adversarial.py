"""Adversarial suite: every way we know to reach a row the user may not see, or to run
something other than a read-only query, on DuckDB, SQLite, PostgreSQL and MariaDB.

Each case asserts the exact rows visible (against the hand-filtered pandas reference in
``conftest.visible``) or the exact refusal.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.connectors.base import Connector
from bheem_nb.errors import BheemConnectionError, ModelError, SecurityError
from bheem_nb.security.identity import as_user
from tests.query.conftest import _duckdb
from tests.security.conftest import FRAMES, SECURE_MODEL, USER_IDS, visible


def ids(result: bn.Result, col: int = 0) -> list[Any]:
    return sorted(v for v in result.arrow.column(col).to_pylist())


def cust_ids(uid: str) -> list[int]:
    return sorted(int(v) for v in visible(uid)["customers"]["customer_id"])


def order_ids(uid: str) -> list[int]:
    return sorted(int(v) for v in visible(uid)["orders"]["order_id"])


def schema_of(conn: Connector) -> str:
    return "main" if conn.dialect == "duckdb" else "public"


# ---------------------------------------------------------------- the same totals on every path
KODEE_SQL = (
    "SELECT SUM(o.quantity * o.unit_price * (1 - o.discount)) AS revenue\n"
    "FROM orders AS o\nLEFT JOIN customers AS c ON o.customer_id = c.customer_id\n"
    "LEFT JOIN products AS p ON o.product_id = p.product_id"
)


@pytest.mark.parametrize("uid", USER_IDS)
def test_revenue_same_by_raw_sql_semantic_and_kodee_sql(secure: bn.SemanticModel, uid: str) -> None:
    expected = float(visible(uid)["orders"]["revenue"].sum())
    semantic = secure.query(measures=["revenue"], user=uid).arrow.column(0)[0].as_py()
    raw = secure.sql("SELECT SUM(quantity * unit_price * (1 - discount)) FROM orders", user=uid)
    kodee = secure.sql(KODEE_SQL, user=uid)
    got = [semantic, raw.arrow.column(0)[0].as_py(), kodee.arrow.column(0)[0].as_py()]
    for value in got:
        if expected == 0:
            assert value in (None, 0)
        else:
            assert value is not None and math.isclose(value, expected, rel_tol=1e-9)


@pytest.mark.parametrize("uid", ["u_alice", "u_bob", "u_dave", "u_carol"])
def test_revenue_by_region_matches_reference(secure: bn.SemanticModel, uid: str) -> None:
    got = secure.query(measures=["revenue"], dimensions=["customers.region"], user=uid).df
    ref = visible(uid)["orders"].merge(FRAMES["customers"], on="customer_id")
    ref = ref.groupby("region")["revenue"].sum()
    assert dict(zip(got.iloc[:, 0], got.iloc[:, 1], strict=True)) == pytest.approx(ref.to_dict())


def test_slicer_option_list_shows_only_visible_regions(secure: bn.SemanticModel) -> None:
    got = secure.query(dimensions=["customers.region"], user="u_dave").df.iloc[:, 0].tolist()
    ref = visible("u_dave")["customers"]["region"].dropna().unique().tolist()
    assert sorted(x for x in got if x is not None) == sorted(ref)


def test_propagation_filters_orders_without_touching_customers(secure: bn.SemanticModel) -> None:
    got = secure.query(measures=["order_rows"], dimensions=["orders.status"], user="u_alice").df
    ref = visible("u_alice")["orders"].groupby("status", dropna=False).size()
    total = int(got.iloc[:, 1].sum())
    assert total == int(ref.sum()) == len(order_ids("u_alice"))
    assert "customers" in got.columns[0] or "status" in got.columns[0]


def test_and_across_tables_customer_and_product_rules(secure: bn.SemanticModel) -> None:
    r = secure.sql("SELECT order_id FROM orders", user="u_carol")
    assert ids(r) == order_ids("u_carol")
    o = FRAMES["orders"]
    tech = FRAMES["products"].loc[FRAMES["products"]["category"] == "Tech", "product_id"]
    assert ids(r) == sorted(int(i) for i in o[(o["customer_id"] == 7) & o["product_id"].isin(tech)]["order_id"])


# ---------------------------------------------------------------- raw SQL constructs: exact rows
ROW_CASES: dict[str, tuple[str, str]] = {
    # name: (sql, what the rows must equal: "cust" visible customer ids, "orders" visible order ids)
    "plain": ("SELECT customer_id FROM customers", "cust"),
    "upper_case_name": ("SELECT customer_id FROM CUSTOMERS", "cust"),
    "quoted_name": ('SELECT customer_id FROM "customers"', "cust"),
    "string_literal_table": ("SELECT customer_id FROM 'customers'", "cust"),
    "alias": ("SELECT c.customer_id FROM customers AS c", "cust"),
    "alias_with_columns": ("SELECT x FROM customers AS c(x)", "cust"),
    "union_branch": ("SELECT product_id FROM products WHERE 1 = 0 UNION ALL SELECT customer_id FROM customers",
                     "cust"),
    "union_distinct": ("SELECT customer_id FROM customers UNION SELECT customer_id FROM customers", "cust"),
    "cte_shadowing_name": ("WITH customers AS (SELECT * FROM customers) SELECT customer_id FROM customers", "cust"),
    "cte_other_name": ("WITH c AS (SELECT customer_id FROM customers) SELECT customer_id FROM c", "cust"),
    "cte_chain": ("WITH a AS (SELECT * FROM customers), b AS (SELECT * FROM a) SELECT customer_id FROM b", "cust"),
    "recursive_cte_named_like_table": (
        "WITH RECURSIVE customers AS (SELECT customer_id FROM customers) SELECT customer_id FROM customers", "cust"),
    "nested_derived": ("SELECT customer_id FROM (SELECT * FROM (SELECT customer_id FROM customers) a) b", "cust"),
    "self_join_two_aliases": ("SELECT a.customer_id FROM customers a JOIN customers b "
                              "ON a.customer_id = b.customer_id", "cust"),
    "right_join": ("SELECT DISTINCT c.customer_id FROM orders o RIGHT JOIN customers c "
                   "ON o.customer_id = c.customer_id", "cust"),
    "full_join": ("SELECT DISTINCT c.customer_id FROM orders o FULL OUTER JOIN customers c "
                  "ON o.customer_id = c.customer_id WHERE c.customer_id IS NOT NULL", "cust"),
    "cross_join": ("SELECT DISTINCT c.customer_id FROM customers c CROSS JOIN (SELECT 1 AS k) t", "cust"),
    "lateral": ("SELECT x.customer_id FROM (SELECT 1 AS k) t, LATERAL (SELECT customer_id FROM customers) x",
                "cust"),
    "in_subquery": ("SELECT customer_id FROM customers WHERE customer_id IN "
                    "(SELECT customer_id FROM customers)", "cust"),
    "window": ("SELECT customer_id FROM (SELECT customer_id, count(*) OVER () AS n FROM customers) w", "cust"),
    "injected_or_in_where": ("SELECT customer_id FROM customers WHERE region = 'x' OR 1 = 1", "cust"),
    "orders_plain": ("SELECT order_id FROM orders", "orders"),
    "orders_correlated_exists": ("SELECT o.order_id FROM orders o WHERE EXISTS "
                                 "(SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id) "
                                 "OR o.order_id > 0", "orders"),
    "orders_not_in_trick": ("SELECT order_id FROM orders WHERE customer_id NOT IN "
                            "(SELECT customer_id FROM customers WHERE customer_id < 0)", "orders"),
    "orders_left_join_customers": ("SELECT o.order_id FROM orders o LEFT JOIN customers c "
                                   "ON o.customer_id = c.customer_id", "orders"),
}


@pytest.mark.parametrize("name", sorted(ROW_CASES))
@pytest.mark.parametrize("uid", ["u_alice", "u_bob", "u_eve"])
def test_raw_sql_constructs_see_only_visible_rows(secure: bn.SemanticModel, sec_backend: Connector, name: str,
                                                  uid: str) -> None:
    if sec_backend.dialect in ("sqlite", "mysql") and name in ("alias_with_columns", "lateral"):
        pytest.skip(f"{sec_backend.dialect} has no LATERAL and no column lists on table aliases")
    sql, kind = ROW_CASES[name]
    expected = cust_ids(uid) if kind == "cust" else order_ids(uid)
    r = secure.sql(sql, user=uid)
    assert [int(v) for v in ids(r)] == expected


def test_schema_qualified_name_is_filtered(secure: bn.SemanticModel, sec_backend: Connector) -> None:
    r = secure.sql(f"SELECT customer_id FROM {schema_of(sec_backend)}.customers", user="u_alice")
    assert ids(r) == cust_ids("u_alice")


def test_quoted_schema_and_table_are_filtered(secure: bn.SemanticModel, sec_backend: Connector) -> None:
    r = secure.sql(f'SELECT customer_id FROM "{schema_of(sec_backend)}"."customers"', user="u_bob")
    assert ids(r) == cust_ids("u_bob")


def test_cte_defined_in_subquery_does_not_hide_real_table(secure: bn.SemanticModel) -> None:
    sql = ("SELECT customer_id FROM (WITH customers AS (SELECT -1 AS customer_id) SELECT * FROM customers) x "
           "UNION ALL SELECT customer_id FROM customers")
    assert ids(secure.sql(sql, user="u_alice")) == sorted([-1, *cust_ids("u_alice")])


@pytest.mark.parametrize("uid", ["u_eve", "u_alice"])
def test_cte_named_like_parent_cannot_capture_the_propagation_filter(secure: bn.SemanticModel, uid: str) -> None:
    every_id = ", ".join(f"({i})" for i in range(1, 1000))
    sql = (f"WITH customers AS (SELECT customer_id, 'North' AS region FROM (VALUES {every_id}) AS v(customer_id)) "
           "SELECT order_id FROM orders")
    assert [int(v) for v in ids(secure.sql(sql, user=uid))] == order_ids(uid)


def test_cte_named_like_table_cannot_capture_a_qualified_reference(secure: bn.SemanticModel,
                                                                  sec_backend: Connector) -> None:
    sql = (f"WITH customers AS (SELECT -5 AS customer_id) "
           f"SELECT customer_id FROM {schema_of(sec_backend)}.customers")
    assert ids(secure.sql(sql, user="u_bob")) == cust_ids("u_bob")


def test_cte_with_fake_rows_is_a_different_relation(secure: bn.SemanticModel) -> None:
    sql = "WITH customers AS (SELECT 999 AS customer_id) SELECT customer_id FROM customers"
    assert ids(secure.sql(sql, user="u_eve")) == [999]


def test_scalar_subquery_counts_visible_rows(secure: bn.SemanticModel) -> None:
    r = secure.sql("SELECT (SELECT count(*) FROM customers) AS n", user="u_dave")
    assert r.arrow.column(0)[0].as_py() == len(cust_ids("u_dave"))


def test_except_shows_no_hidden_customer_of_visible_orders(secure: bn.SemanticModel) -> None:
    sql = "SELECT customer_id FROM orders EXCEPT SELECT customer_id FROM customers"
    assert ids(secure.sql(sql, user="u_alice")) == []


def test_intersect(secure: bn.SemanticModel) -> None:
    sql = "SELECT customer_id FROM customers INTERSECT SELECT customer_id FROM orders"
    expected = sorted(set(cust_ids("u_bob")) & set(visible("u_bob")["orders"]["customer_id"].astype(int)))
    assert ids(secure.sql(sql, user="u_bob")) == expected


def test_values_only_query_runs(secure: bn.SemanticModel) -> None:
    assert ids(secure.sql("SELECT * FROM (VALUES (1), (2)) AS v(x)", user="u_eve")) == [1, 2]


# ---------------------------------------------------------------- comments and strings
def test_semicolon_in_line_comment_is_not_a_second_statement(secure: bn.SemanticModel) -> None:
    r = secure.sql("SELECT 1 AS x -- ; DROP TABLE customers", user="u_alice")
    assert ids(r) == [1] and "DROP" not in r.sql
    assert ids(secure.sql("SELECT customer_id FROM customers", user="u_root")) == cust_ids("u_root")


def test_semicolon_in_block_comment(secure: bn.SemanticModel) -> None:
    r = secure.sql("SELECT 2 AS x /* ; DELETE FROM orders; */", user="u_alice")
    assert ids(r) == [2] and "DELETE" not in r.sql


def test_comment_breakout_is_dropped(secure: bn.SemanticModel) -> None:
    r = secure.sql("SELECT 3 AS x -- */ ; DROP TABLE customers; /*", user="u_alice")
    assert ids(r) == [3] and "DROP" not in r.sql


def test_semicolon_inside_string_literal(secure: bn.SemanticModel) -> None:
    r = secure.sql("SELECT '; DROP TABLE customers; --' AS s", user="u_alice")
    assert r.arrow.column(0).to_pylist() == ["; DROP TABLE customers; --"]


# ---------------------------------------------------------------- refusals
REFUSALS: dict[str, tuple[str, str]] = {
    "two_statements": ("SELECT 1; SELECT 2", "2 statements"),
    "statement_after_select": ("SELECT * FROM customers; DROP TABLE customers", "2 statements"),
    "data_modifying_cte": ("WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d", "DELETE is not allowed"),
    "select_into": ("SELECT * INTO stolen FROM customers", "INTO is not allowed"),
    "insert": ("INSERT INTO customers VALUES (1000, 'North', 'x', 'y', 1)", "is INSERT, not a query"),
    "update": ("UPDATE customers SET region = 'North'", "is UPDATE, not a query"),
    "delete": ("DELETE FROM orders", "is DELETE, not a query"),
    "drop": ("DROP TABLE customers", "is DROP, not a query"),
    "create_as": ("CREATE TABLE x AS SELECT * FROM customers", "is CREATE, not a query"),
    "attach": ("ATTACH '/tmp/evil.duckdb' AS evil", "is ATTACH, not a query"),
    "copy_to_file": ("COPY customers TO '/tmp/customers.csv'", "is COPY, not a query"),
    "pragma": ("PRAGMA database_list", "is PRAGMA, not a query"),
    "install": ("INSTALL httpfs", "is INSTALL, not a query"),
    "load_extension": ("LOAD httpfs", "is COMMAND, not a query"),
    "set": ("SET enable_external_access = true", "is SET, not a query"),
    "call": ("CALL pragma_version()", "is COMMAND, not a query"),
    "for_update": ("SELECT * FROM customers FOR UPDATE", "LOCK is not allowed"),
    "read_csv": ("SELECT * FROM read_csv('/etc/passwd')", "READ_CSV"),
    "read_parquet": ("SELECT * FROM read_parquet('/tmp/x.parquet')", "READ_PARQUET"),
    "read_text": ("SELECT * FROM read_text('/etc/passwd')", "READ_TEXT"),
    "glob": ("SELECT * FROM glob('/etc/*')", "GLOB"),
    "query_table_function": ("SELECT * FROM query('SELECT * FROM customers')", "QUERY"),
    "query_table": ("SELECT * FROM query_table('customers')", "QUERY_TABLE"),
    "file_in_from": ("SELECT * FROM '/etc/passwd'", "is not a table of the model"),
    "url_in_from": ("SELECT * FROM 'https://example.com/x.csv'", "is not a table of the model"),
    "information_schema": ("SELECT * FROM information_schema.tables", "system catalog"),
    "pg_catalog": ("SELECT * FROM pg_catalog.pg_tables", "system catalog"),
    "pg_table_unqualified": ("SELECT * FROM pg_settings", "system catalog"),
    "duckdb_tables": ("SELECT * FROM duckdb_tables()", "DUCKDB_TABLES"),
    "duckdb_secrets": ("SELECT * FROM duckdb_secrets()", "DUCKDB_SECRETS"),
    "duckdb_settings_scalar": ("SELECT (SELECT count(*) FROM duckdb_settings())", "DUCKDB_SETTINGS"),
    "sqlite_master": ("SELECT * FROM sqlite_master", "system catalog"),
    "current_setting": ("SELECT current_setting('threads')", "CURRENT_SETTING"),
    "pg_read_file": ("SELECT pg_read_file('/etc/passwd')", "PG_READ_FILE"),
    "query_to_xml": ("SELECT query_to_xml('select * from customers', true, true, '')", "QUERY_TO_XML"),
    "set_config": ("SELECT set_config('row_security', 'off', false)", "SET_CONFIG"),
    "dblink": ("SELECT * FROM dblink('dbname=postgres', 'select 1') AS t(x int)", "DBLINK"),
    "getvariable": ("SELECT getvariable('secret')", "GETVARIABLE"),
    "current_user": ("SELECT current_user", "is not on the allowlist"),
    "unknown_table": ("SELECT * FROM secrets", "'secrets' is not a table of the model"),
    "other_schema": ("SELECT * FROM other.customers", "outside the model"),
    "catalog_qualified": ("SELECT * FROM memory.main.customers", "outside the model"),
    "unparseable": ("SELECT (", "could not be parsed"),
    "misspelt_keyword": ("SELEC * FRM customers", "is ALIAS, not a query"),
    "empty": ("  ", "empty SQL"),
    "only_comment": ("-- nothing", "0 statements"),
    "describe": ("DESCRIBE customers", "is DESCRIBE, not a query"),
    "show_tables": ("SHOW TABLES", "is SHOW, not a query"),
    "checkpoint": ("CHECKPOINT", "is COLUMN, not a query"),
}


#: where another grammar reads the same text differently, the refusal differs but stays exact
DIALECT_REFUSALS = {
    "postgres": {
        "attach": "could not be parsed",
        "glob": "could not be parsed",
        "install": "is ALIAS, not a query",
        "show_tables": "is COMMAND, not a query",
    },
    "mysql": {
        "attach": "could not be parsed",
        "glob": "could not be parsed",
        "install": "is ALIAS, not a query",
    },
    "sqlite": {
        "glob": "could not be parsed",
        "install": "is ALIAS, not a query",
        "show_tables": "is COMMAND, not a query",
    },
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refused(secure: bn.SemanticModel, sec_backend: Connector, name: str) -> None:
    sql, message = REFUSALS[name]
    message = DIALECT_REFUSALS.get(sec_backend.dialect, {}).get(name, message)
    with pytest.raises(SecurityError, match="refused") as info:
        secure.sql(sql, user="u_root")
    assert message in str(info.value)
    # the bypass user is refused too: the guard does not depend on identity
    assert ids(secure.sql("SELECT count(*) FROM customers", user="u_root")) == [len(FRAMES["customers"])]


# ---------------------------------------------------------------- who sees what
@pytest.mark.parametrize(("uid", "expected"), [
    ("u_alice", "region North by group"),
    ("u_bob", "regions South/East by email domain and list attribute"),
    ("u_carol", "own account by user assignment and USERNAME()"),
    ("u_dave", "two rules OR-ed"),
    ("u_eve", "no rule: nothing"),
    ("u_root", "rls_bypass: everything"),
    ("u_mallory", "injected attribute is a literal: nothing"),
    ("u_frank", "look-alike domain and group: nothing"),
])
def test_visible_customers_per_user(secure: bn.SemanticModel, uid: str, expected: str) -> None:
    assert ids(secure.sql("SELECT customer_id FROM customers", user=uid)) == cust_ids(uid), expected


def test_mallory_injection_is_a_literal_in_the_sql(secure: bn.SemanticModel) -> None:
    r = secure.sql("SELECT customer_id FROM customers", user="u_mallory")
    assert len(r) == 0 and "'North'' OR 1=1 --'" in r.sql


def test_filter_value_injection_in_semantic_filter(secure: bn.SemanticModel) -> None:
    r = secure.query(measures=["customers.customers"],
                     filters=[{"field": "customers.region", "op": "=", "value": "' OR 1=1 --"}], user="u_root")
    assert r.arrow.column(0).to_pylist() in ([0], [None])


def test_anonymous_user_sees_nothing_of_governed_tables(secure: bn.SemanticModel,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert len(secure.sql("SELECT customer_id FROM customers")) == 0
    assert len(secure.sql("SELECT order_id FROM orders")) == 0


def test_context_user_and_explicit_user_wins(secure: bn.SemanticModel) -> None:
    alice = bn.User("u_alice", email="alice@acme.com", groups=["managers"], attributes={"region": "North"})
    with as_user(alice):
        assert ids(secure.sql("SELECT customer_id FROM customers")) == cust_ids("u_alice")
        assert ids(secure.sql("SELECT customer_id FROM customers", user="u_bob")) == cust_ids("u_bob")


def test_jupyterhub_user_fallback(secure: bn.SemanticModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "dave@acme.com")
    assert ids(secure.sql("SELECT customer_id FROM customers")) == cust_ids("u_dave")


def test_unknown_user_name_is_refused(secure: bn.SemanticModel) -> None:
    with pytest.raises(SecurityError, match="unknown user 'mystery'"):
        secure.sql("SELECT 1", user="mystery")


def test_cache_warmed_by_another_user_is_not_reused(secure: bn.SemanticModel) -> None:
    a = secure.query(measures=["customers.customers"], user="u_root")
    e = secure.query(measures=["customers.customers"], user="u_eve")
    a2 = secure.query(measures=["customers.customers"], user="u_root")
    assert a.arrow.column(0)[0].as_py() == len(FRAMES["customers"])
    assert e.arrow.column(0)[0].as_py() in (0, None) and not e.cache_hit
    assert a2.cache_hit and a.sql != e.sql


def test_raw_sql_cache_keyed_by_user(secure: bn.SemanticModel) -> None:
    sql = "SELECT customer_id FROM customers"
    assert ids(secure.sql(sql, user="u_alice")) == cust_ids("u_alice")
    r = secure.sql(sql, user="u_bob")
    assert not r.cache_hit and ids(r) == cust_ids("u_bob")


def test_database_error_does_not_leak_hidden_values(secure: bn.SemanticModel, sec_backend: Connector) -> None:
    if sec_backend.dialect in ("sqlite", "mysql"):
        pytest.skip(f"{sec_backend.dialect} casts 'North' to 0 instead of raising: no error to leak through")
    with pytest.raises(BheemConnectionError) as info:
        secure.sql("SELECT CAST(region AS INTEGER) FROM customers", user="u_alice")
    text = str(info.value)
    for value in ("North", "South", "East", "West", "Consumer"):
        assert value not in text


def test_refusal_message_does_not_echo_literals(secure: bn.SemanticModel) -> None:
    with pytest.raises(SecurityError) as info:
        secure.sql("SELECT pg_read_file('/etc/shadow-secret-token')", user="u_alice")
    assert "shadow-secret-token" not in str(info.value)


# ---------------------------------------------------------------- rule language
def _model(rules: list[dict[str, Any]], users: list[dict[str, Any]], conn: Connector) -> bn.SemanticModel:
    spec = {**SECURE_MODEL, "rls": {"rules": rules}, "users": users}
    return bn.SemanticModel(spec, connector=conn, engine=bn.Engine())


def test_list_attribute_with_not_equal_is_not_in(sec_backend: Connector) -> None:
    m = _model([{"name": "r", "table": "customers", "filter": "region <> USERLOOKUP('skip')", "assign": []}],
               [{"id": "u", "attributes": {"skip": ["North", "South"]}}], sec_backend)
    c = FRAMES["customers"]
    ref = sorted(int(i) for i in c[c["region"].isin(["East", "West"])]["customer_id"])
    assert ids(m.sql("SELECT customer_id FROM customers", user="u")) == ref


def test_usergroups_in(sec_backend: Connector) -> None:
    m = _model([{"name": "r", "table": "customers", "filter": "segment IN USERGROUPS()", "assign": []}],
               [{"id": "u", "groups": ["Corporate"]}], sec_backend)
    c = FRAMES["customers"]
    assert ids(m.sql("SELECT customer_id FROM customers", user="u")) == sorted(
        int(i) for i in c[c["segment"] == "Corporate"]["customer_id"])


def test_empty_list_attribute_matches_nothing(sec_backend: Connector) -> None:
    m = _model([{"name": "r", "table": "customers", "filter": "region = USERLOOKUP('regions')", "assign": []}],
               [{"id": "u", "attributes": {"regions": []}}], sec_backend)
    assert len(m.sql("SELECT customer_id FROM customers", user="u")) == 0


def test_missing_attribute_matches_nothing(sec_backend: Connector) -> None:
    m = _model([{"name": "r", "table": "customers", "filter": "region = USERLOOKUP('region')", "assign": []}],
               [{"id": "u"}], sec_backend)
    assert len(m.sql("SELECT customer_id FROM customers", user="u")) == 0


def test_rule_on_unknown_table_fails_at_load(sec_backend: Connector) -> None:
    m = _model([{"name": "r", "table": "nope", "filter": "TRUE"}], [], sec_backend)
    with pytest.raises(ModelError, match="unknown table 'nope'"):
        m.sql("SELECT 1", user=bn.User("x"))


def test_rule_filter_that_is_a_statement_fails(sec_backend: Connector) -> None:
    m = _model([{"name": "r", "table": "customers", "filter": "DROP TABLE customers"}], [], sec_backend)
    with pytest.raises(ModelError, match="a filter is a condition"):
        m.sql("SELECT 1", user=bn.User("x"))


def test_assignment_needs_exactly_one_key(sec_backend: Connector) -> None:
    with pytest.raises(ModelError, match="exactly one"):
        _model([{"name": "r", "table": "customers", "filter": "TRUE",
                 "assign": [{"group": "a", "user": "b"}]}], [], sec_backend)


def test_user_is_frozen() -> None:
    u = bn.User("u", attributes={"regions": ["North"]})
    with pytest.raises(AttributeError):
        u.id = "root"  # type: ignore[misc]
    with pytest.raises(TypeError):
        u.attributes["regions"] = ["South"]  # type: ignore[index]
    assert u.attributes["regions"] == ("North",)


def test_results_are_dataframes(secure: bn.SemanticModel) -> None:
    df = secure.sql("SELECT region, count(*) AS n FROM customers GROUP BY region", user="u_bob").df
    assert isinstance(df, pd.DataFrame)
    ref = visible("u_bob")["customers"].groupby("region").size().to_dict()
    assert dict(zip(df["region"], df["n"], strict=True)) == ref


# ---------------------------------------------------------------- DuckDB-only syntax
DUCKDB_COUNTS: dict[str, tuple[str, str]] = {
    # name: (sql returning one count, what it must equal: "cust" or "orders" visible row count)
    "pivot_subquery": ("SELECT count(*) FROM (PIVOT customers ON region USING count(*))", "cust"),
    "using_sample": ("SELECT count(*) FROM customers USING SAMPLE 100%", "cust"),
    "from_first_subquery": ("SELECT (FROM customers SELECT count(*))", "cust"),
    "values_holding_subquery": ("SELECT x FROM (VALUES ((SELECT count(*) FROM customers))) AS v(x)", "cust"),
    "qualify": ("SELECT count(*) FROM (SELECT * FROM customers QUALIFY row_number() OVER () > 0)", "cust"),
    "asof_join": ("SELECT count(DISTINCT c.customer_id) FROM customers c ASOF JOIN orders o "
                  "ON c.customer_id >= o.customer_id", "cust"),
    "natural_join": ("SELECT count(*) FROM customers NATURAL JOIN orders", "orders"),
    "join_using": ("SELECT count(*) FROM customers JOIN orders USING (customer_id)", "orders"),
    "list_aggregate": ("SELECT len(list(region)) FROM customers", "cust"),
    "mixed_case_quoted": ('SELECT count(*) FROM "CuStOmErS"', "cust"),
}


@pytest.mark.parametrize("name", sorted(DUCKDB_COUNTS))
def test_duckdb_syntax_sees_only_visible_rows(secure_duck: bn.SemanticModel, name: str) -> None:
    sql, kind = DUCKDB_COUNTS[name]
    expected = len(cust_ids("u_alice")) if kind == "cust" else len(order_ids("u_alice"))
    assert secure_duck.sql(sql, user="u_alice").arrow.column(0)[0].as_py() == expected


@pytest.mark.parametrize(("sql", "message"), [
    ("SELECT * FROM (SUMMARIZE customers)", "SUMMARIZE is not allowed"),
    ("SELECT * FROM (DESCRIBE customers)", "DESCRIBE is not allowed"),
    ("PIVOT customers ON region USING count(*)", "is PIVOT, not a query"),
    ("SELECT count(*) FROM customers TABLESAMPLE 50%", "table modifiers (sample) on governed table"),
    ("SELECT count(*) FROM temp.customers", "system catalog"),
    ("SELECT * FROM (SHOW TABLES)", "'SHOW' is not a table of the model"),
])
def test_duckdb_syntax_refused(secure_duck: bn.SemanticModel, sql: str, message: str) -> None:
    with pytest.raises(SecurityError, match="refused") as info:
        secure_duck.sql(sql, user="u_alice")
    assert message in str(info.value)


def test_hardened_duckdb_refuses_files_even_past_the_guard(secure_duck: bn.SemanticModel) -> None:
    secure_duck.sql("SELECT 1", user="u_alice")  # a user query hardens the connection
    conn = secure_duck.connector
    with pytest.raises(BheemConnectionError, match=r"disabled|Permission"):
        conn.execute("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(BheemConnectionError, match=r"configuration|lock"):
        conn.execute("SET enable_external_access = true")


def test_mapping_table_subquery_in_a_rule(tmp_path: Path) -> None:
    conn = _duckdb(tmp_path)
    conn.raw.execute("CREATE TABLE account_managers (email VARCHAR, customer_id INTEGER)")
    conn.raw.execute("INSERT INTO account_managers VALUES ('am@acme.com', 3), ('am@acme.com', 9), ('x@acme.com', 4)")
    spec = {**SECURE_MODEL, "tables": {**SECURE_MODEL["tables"],
                                       "account_managers": {"table": "account_managers", "dimensions": {"email": {}}}},
            "rls": {"rules": [{"name": "my_accounts", "table": "customers",
                               "filter": "customer_id IN (SELECT customer_id FROM account_managers "
                                         "WHERE email = USERNAME())"}]},
            "users": [{"id": "am", "email": "am@acme.com"}]}
    model = bn.SemanticModel(spec, connector=conn, engine=bn.Engine())
    assert ids(model.sql("SELECT customer_id FROM customers", user="am")) == [3, 9]


def test_rule_filter_may_not_read_a_governed_table(sec_backend: Connector) -> None:
    m = _model([{"name": "r", "table": "orders",
                 "filter": "customer_id IN (SELECT customer_id FROM customers)"},
                {"name": "c", "table": "customers", "filter": "TRUE"}], [], sec_backend)
    with pytest.raises(ModelError, match="may not read governed table 'customers'"):
        m.sql("SELECT 1", user=bn.User("x"))


@pytest.mark.parametrize(("sql", "kind"), [
    ("SELECT count(*) FROM customers WHERE CAST(CASE WHEN region = 'South' THEN 'x' ELSE '1' END AS INTEGER) = 1",
     "cust"),
    ("SELECT count(*) FROM orders WHERE CAST(CASE WHEN customer_id = 2 THEN 'x' ELSE '1' END AS INTEGER) = 1",
     "orders"),
    ("SELECT count(*) FROM customers c JOIN orders o ON o.customer_id = c.customer_id "
     "WHERE CAST(CASE WHEN c.region = 'South' THEN 'x' ELSE '1' END AS INTEGER) = 1", "orders"),
], ids=["customers", "orders", "join"])
def test_error_oracle_on_hidden_rows_does_not_fire(secure: bn.SemanticModel, sql: str, kind: str) -> None:
    """A predicate that fails only on hidden rows must never be evaluated on them."""
    expected = len(cust_ids("u_alice")) if kind == "cust" else len(order_ids("u_alice"))
    assert secure.sql(sql, user="u_alice").arrow.column(0)[0].as_py() == expected


def test_aliases_built_as_bare_identifiers_survive_the_rewrite(secure_duck: bn.SemanticModel) -> None:
    """``exp.alias_(table, "c")`` stores the alias as an Identifier, not a TableAlias; both must be kept."""
    from sqlglot import exp

    from bheem_nb.security.rls import policy_for, secure_tree

    cte = exp.select("customer_id").from_("customers")
    tree = (exp.select("c.customer_id", "k.customer_id")
            .from_(exp.alias_(exp.to_table("customers"), "c"))
            .join(exp.alias_(exp.to_table("_k"), "k"), on="k.customer_id = c.customer_id")
            .with_("_k", as_=cte))
    assert policy_for(secure_duck).active
    alice = bn.User("u_alice", email="alice@acme.com", groups=["managers"], attributes={"region": "North"})
    secured = secure_tree(secure_duck, tree, "duckdb", alice)
    rows = secure_duck.connector.execute(secured.sql)
    assert sorted(rows.column(0).to_pylist()) == cust_ids("u_alice")
    assert "AS c" in secured.sql and "AS k" in secured.sql
