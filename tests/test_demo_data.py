"""The demo star schema: deterministic, consistent, realistic enough to demo, and fast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from bheem_nb.demo_data import generate_demo_data
from bheem_nb.demo_reference import CITIES, SUBCATEGORIES
from bheem_nb.errors import BheemError

ROWS = 20_000
TABLES = ("orders", "customers", "products", "dates")
REVENUE = "quantity * unit_price * (1 - discount)"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_demo_data(tmp_path_factory.mktemp("demo") / "demo.duckdb", rows=ROWS, seed=42)


@pytest.fixture(scope="module")
def con(demo: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo.with_suffix(".duckdb")), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return rows(con, sql)[0][0]


def checksums(db: Path) -> dict[str, tuple[Any, ...]]:
    """Row count and an order-independent exact checksum of every row of every table."""
    with duckdb.connect(str(db), read_only=True) as c:
        return {t: c.execute(f"SELECT count(*), sum(hash(t)) FROM main.{t} t").fetchall()[0] for t in TABLES}


def test_returns_yaml_beside_database(demo: Path) -> None:
    assert demo.name == "demo.yml"
    assert demo.with_suffix(".duckdb").is_file()
    assert sorted(p.name for p in demo.parent.iterdir()) == ["demo.duckdb", "demo.yml"]


def test_same_seed_same_data_other_seed_differs(demo: Path, tmp_path: Path) -> None:
    again = generate_demo_data(tmp_path / "again.duckdb", rows=ROWS, seed=42)
    other = generate_demo_data(tmp_path / "other.duckdb", rows=ROWS, seed=7)
    base = checksums(demo.with_suffix(".duckdb"))
    assert checksums(again.with_suffix(".duckdb")) == base
    changed = checksums(other.with_suffix(".duckdb"))
    for table in ("orders", "customers", "products"):
        assert changed[table][0] == base[table][0]
        assert changed[table][1] != base[table][1], table


def test_row_counts(con: duckdb.DuckDBPyConnection) -> None:
    counts = {t: one(con, f"SELECT count(*) FROM main.{t}") for t in TABLES}
    assert counts == {"orders": ROWS, "customers": ROWS // 20, "products": ROWS // 100, "dates": 1461}
    assert rows(con, "SELECT count(DISTINCT order_id), min(order_id), max(order_id) FROM orders") == [
        (ROWS, 1, ROWS)
    ]


def test_small_and_tiny_sizes(tmp_path: Path) -> None:
    db = generate_demo_data(tmp_path / "tiny.duckdb", rows=1, seed=1).with_suffix(".duckdb")
    with duckdb.connect(str(db), read_only=True) as c:
        counts = [c.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES[:3]]
    assert counts == [1, 100, 50]


def test_column_types(con: duckdb.DuckDBPyConnection) -> None:
    types = dict(rows(con, "SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_name = 'orders' ORDER BY ordinal_position"))
    assert types == {
        "order_id": "BIGINT", "order_date": "DATE", "ship_date": "DATE", "customer_id": "BIGINT",
        "product_id": "BIGINT", "quantity": "INTEGER", "unit_price": "DECIMAL(12,2)", "discount": "DOUBLE",
        "status": "VARCHAR", "channel": "VARCHAR",
    }


def test_dates_cover_at_least_three_years(con: duckdb.DuckDBPyConnection) -> None:
    first, last = rows(con, "SELECT min(order_date), max(order_date) FROM orders")[0]
    assert first <= dt.date(2022, 1, 7) and last >= dt.date(2025, 12, 24)
    assert (last - first).days >= 3 * 365
    span = rows(con, 'SELECT min("date"), max("date"), count(DISTINCT "date"), count(*) FROM dates')[0]
    assert span[0] <= first and span[1] >= last and span[2] == span[3] == (span[1] - span[0]).days + 1
    assert one(con, 'SELECT count(*) FROM dates WHERE is_weekend <> (day_of_week >= 6) OR year <> year("date") '
                    'OR quarter <> quarter("date") OR month_name <> monthname("date")') == 0


def test_foreign_keys_resolve_and_keys_are_not_null(con: duckdb.DuckDBPyConnection) -> None:
    assert one(con, "SELECT count(*) FROM orders o ANTI JOIN customers c USING (customer_id)") == 0
    assert one(con, "SELECT count(*) FROM orders o ANTI JOIN products p USING (product_id)") == 0
    # the model declares referential_integrity on its joins, so these three must hold
    assert one(con, 'SELECT count(*) FROM orders o ANTI JOIN dates d ON o.order_date = d."date"') == 0
    assert one(con, "SELECT count(*) FROM orders WHERE order_id IS NULL OR customer_id IS NULL "
                    "OR product_id IS NULL OR order_date IS NULL") == 0
    assert one(con, "SELECT count(*) - count(DISTINCT customer_id) FROM customers") == 0
    assert one(con, "SELECT count(*) - count(DISTINCT product_id) FROM products") == 0


def test_geography_is_consistent(con: duckdb.DuckDBPyConnection) -> None:
    region_of = {country: region for region, country, *_ in CITIES}
    country_of = {city: country for _, country, city, *_ in CITIES}
    centre = {city: (lat, lon) for *_, city, lat, lon, _w in CITIES}
    found = rows(con, "SELECT region, country, city, min(latitude), max(latitude), min(longitude), "
                      "max(longitude) FROM customers GROUP BY ALL")
    assert {r[0] for r in found} == {"North America", "Europe", "Asia Pacific", "Latin America",
                                     "Middle East & Africa"}
    assert len(found) == len(CITIES)  # every city used, each under one country and region
    for region, country, city, lat_lo, lat_hi, lon_lo, lon_hi in found:
        assert region_of[country] == region and country_of[city] == country
        lat, lon = centre[city]
        assert lat - 0.1 < lat_lo <= lat_hi < lat + 0.1 and lon - 0.1 < lon_lo <= lon_hi < lon + 0.1


def test_customers_look_real(con: duckdb.DuckDBPyConnection) -> None:
    assert one(con, "SELECT count(*) - count(DISTINCT email) FROM customers") == 0
    assert one(con, "SELECT count(*) FROM customers "
                    "WHERE NOT regexp_full_match(email, '[a-z.]+[0-9]+@[a-z.]+')") == 0
    assert {r[0] for r in rows(con, "SELECT DISTINCT segment FROM customers")} == {
        "Consumer", "Corporate", "Home Office"}
    # Nobody orders before signing up.
    assert one(con, "SELECT count(*) FROM orders o JOIN customers c USING (customer_id) "
                    "WHERE o.order_date < c.signup_date") == 0


def test_products_look_real(con: duckdb.DuckDBPyConnection) -> None:
    category_of = {sub: cat for cat, sub, *_ in SUBCATEGORIES}
    found = rows(con, "SELECT DISTINCT category, subcategory FROM products")
    assert len(found) == len(SUBCATEGORIES)
    assert all(category_of[sub] == cat for cat, sub in found)
    assert one(con, "SELECT count(*) FROM products WHERE NOT (0 < unit_cost AND unit_cost < list_price)") == 0
    assert one(con, "SELECT count(*) - count(DISTINCT product_name) FROM products") == 0


def test_order_values_in_domain(con: duckdb.DuckDBPyConnection) -> None:
    assert {r[0] for r in rows(con, "SELECT DISTINCT discount FROM orders")} == {0.0, 0.05, 0.1, 0.15, 0.2}
    assert {r[0] for r in rows(con, "SELECT DISTINCT channel FROM orders")} == {"online", "store", "partner"}
    status = dict(rows(con, "SELECT status, count(*) FROM orders GROUP BY 1"))
    assert set(status) == {"paid", "refunded", "cancelled", "pending"}
    assert status["paid"] > 0.8 * ROWS
    assert rows(con, "SELECT min(quantity), max(quantity) FROM orders") == [(1, 10)]
    assert one(con, "SELECT count(*) FROM orders WHERE (ship_date IS NULL) <> (status = 'pending')") == 0
    lead_times = rows(con, "SELECT min(ship_date - order_date), max(ship_date - order_date) FROM orders")
    assert lead_times == [(1, 7)]
    assert one(con, "SELECT count(*) FROM orders o JOIN products p USING (product_id) "
                    "WHERE abs(o.unit_price - p.list_price) > 0.041 * p.list_price + 0.01") == 0


def test_growth_seasonality_and_weekdays(con: duckdb.DuckDBPyConnection) -> None:
    by_year = dict(rows(con, f"SELECT year(order_date), sum({REVENUE}) FROM orders GROUP BY 1"))
    assert by_year[2025] > 1.3 * by_year[2022]
    assert by_year[2022] < by_year[2023] < by_year[2024] < by_year[2025]
    by_quarter = dict(rows(con, f"SELECT quarter(order_date), sum({REVENUE}) FROM orders GROUP BY 1"))
    assert by_quarter[4] > 1.2 * by_quarter[2]
    per_day = dict(rows(con, "SELECT isodow(order_date) >= 6, count(*) / count(DISTINCT order_date) "
                             "FROM orders GROUP BY 1"))
    assert per_day[True] < per_day[False]


def test_popularity_is_skewed(con: duckdb.DuckDBPyConnection) -> None:
    top_share = one(con, """
        WITH n AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY 1),
             r AS (SELECT n, row_number() OVER (ORDER BY n DESC) AS rk, count(*) OVER () AS c FROM n)
        SELECT sum(n) FILTER (WHERE rk <= c / 5) / sum(n) FROM r""")
    assert top_share > 0.5
    top_product, median_product = rows(con, """
        WITH n AS (SELECT product_id, count(*) AS n FROM orders GROUP BY 1)
        SELECT max(n), median(n) FROM n""")[0]
    assert top_product > 5 * median_product


def test_yaml_contract(demo: Path) -> None:
    spec = yaml.safe_load(demo.read_text(encoding="utf-8"))
    assert spec["name"] == "sales"
    assert spec["connection"] == "duckdb:///demo.duckdb"
    target = demo.parent / spec["connection"].removeprefix("duckdb:///")
    assert not Path(spec["connection"].removeprefix("duckdb:///")).is_absolute() and target.is_file()
    orders = spec["tables"]["orders"]
    assert orders["table"] == "main.orders" and orders["primary_key"] == "order_id"
    assert orders["time_dimension"] == "order_date"
    assert orders["dimensions"]["order_date"] == {
        "type": "time", "hierarchy": ["year", "quarter", "month", "week", "day"]}
    assert {"ship_date", "status", "channel"} <= set(orders["dimensions"])
    # synonyms: are Kodee's words for this model, checked by tests/kodee; the definitions are checked here
    measures = {k: {a: b for a, b in v.items() if a != "synonyms"} for k, v in orders["measures"].items()}
    assert measures["revenue"].items() >= {"agg": "sum", "expr": REVENUE, "format": "currency"}.items()
    assert measures["orders"] == {"agg": "count_distinct", "expr": "order_id"}
    assert measures["units"] == {"agg": "sum", "expr": "quantity"}
    assert measures["paid_revenue"] == {"agg": "sum", "expr": REVENUE, "filter": "status = 'paid'",
                                        "format": "currency"}
    assert measures["avg_order_value"] == {"expr": "revenue / orders", "format": "currency"}
    assert measures["avg_discount"] == {"agg": "avg", "expr": "discount", "format": "percent"}
    assert measures["median_unit_price"] == {"agg": "median", "expr": "unit_price"}
    customers, products = spec["tables"]["customers"], spec["tables"]["products"]
    assert customers["table"] == "main.customers" and customers["primary_key"] == "customer_id"
    assert {"region", "country", "city", "segment", "email", "name"} <= set(customers["dimensions"])
    assert customers["measures"]["customers"] == {"agg": "count_distinct", "expr": "customer_id"}
    assert products["table"] == "main.products" and products["primary_key"] == "product_id"
    assert {"category", "subcategory", "product_name"} <= set(products["dimensions"])
    assert products["measures"]["list_price_avg"]["agg"] == "avg"
    assert spec["joins"][:2] == [
        {"left": "orders", "right": "customers", "on": "orders.customer_id = customers.customer_id",
         "relationship": "many_to_one", "referential_integrity": True},
        {"left": "orders", "right": "products", "on": "orders.product_id = products.product_id",
         "relationship": "many_to_one", "referential_integrity": True},
    ]
    assert spec["calendar"] == {"fiscal_year_start_month": 1}
    # Extra: the calendar table, joined on the order day.
    assert spec["tables"]["dates"]["primary_key"] == "date"
    assert spec["joins"][2] == {"left": "orders", "right": "dates", "on": "orders.order_date = dates.date",
                                "relationship": "many_to_one", "referential_integrity": True}


def test_semantic_model_loads_and_answers(demo: Path, con: duckdb.DuckDBPyConnection) -> None:
    from bheem_nb.model.semantic import SemanticModel

    model = SemanticModel.from_yaml(demo)
    frame = model.query(measures=["orders.revenue"], dimensions=["customers.region"]).df
    assert len(frame) == 5
    assert frame["orders.revenue"].sum() == pytest.approx(one(con, f"SELECT sum({REVENUE}) FROM orders"))


def test_yaml_expressions_run(demo: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Every single-table measure expression and filter is valid SQL on its table."""
    spec = yaml.safe_load(demo.read_text(encoding="utf-8"))
    for name, table in spec["tables"].items():
        for measure in table.get("measures", {}).values():
            if "agg" not in measure:
                continue
            where = f" WHERE {measure['filter']}" if "filter" in measure else ""
            con.execute(f"SELECT {measure['expr']} FROM {table['table']}{where} LIMIT 1").fetchall()
        columns = {r[0] for r in rows(con, f"SELECT column_name FROM information_schema.columns "
                                           f"WHERE table_name = '{name}'")}
        assert set(table["dimensions"]) <= columns


def test_overwrite_and_argument_checks(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "d.duckdb"
    assert generate_demo_data(out, rows=500) == tmp_path / "sub" / "d.yml"
    with pytest.raises(BheemError, match="overwrite=True"):
        generate_demo_data(out, rows=500, overwrite=False)
    generate_demo_data(out, rows=600, seed=3)  # overwrite is the default
    with duckdb.connect(str(out), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM orders").fetchall() == [(600,)]
    assert sorted(p.name for p in out.parent.iterdir()) == ["d.duckdb", "d.yml"]
    for bad in (0, -5, 1.5, True):
        with pytest.raises(BheemError, match="rows"):
            generate_demo_data(tmp_path / "bad.duckdb", rows=bad)  # type: ignore[arg-type]
    with pytest.raises(BheemError, match="out"):
        generate_demo_data(tmp_path / "model.yml", rows=10)


@pytest.mark.slow
def test_two_million_rows_complete(tmp_path: Path) -> None:
    db = generate_demo_data(tmp_path / "big.duckdb", rows=2_000_000).with_suffix(".duckdb")
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("SELECT count(*), count(DISTINCT order_id) FROM orders").fetchall() == [
            (2_000_000, 2_000_000)]
