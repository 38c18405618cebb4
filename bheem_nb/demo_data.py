"""A deterministic demo star schema (orders, customers, products, dates) and its semantic model.

Everything is generated inside DuckDB with SQL over ``range(N)``: each pseudo-random value is
``hash(row key, salt, seed)`` scaled to [0, 1), so the same seed always gives the same rows
(with the pinned DuckDB 2.0.x) and no Python code ever loops over rows. Orders are spread over
2022-2025 with compound yearly growth, a heavy Q4, weekday and holiday effects; customers and
products are skewed so a few of each are much more popular than the rest.

Example::

    from bheem_nb.demo_data import generate_demo_data
    model_path = generate_demo_data("demo/demo.duckdb", rows=1_000_000)   # -> demo/demo.yml
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import yaml

from bheem_nb import demo_reference as ref
from bheem_nb.errors import BheemError

__all__ = ["generate_demo_data", "model_spec"]

FIRST_DAY = "2022-01-01"
LAST_DAY = "2025-12-31"
_BIGINT_MAX = 2**63 - 1


def generate_demo_data(
    out: str | Path, rows: int = 1_000_000, seed: int = 42, *, overwrite: bool = True
) -> Path:
    """Write the demo star schema to the DuckDB file ``out`` and its model beside it; return the YAML path.

    ``rows`` orders (customers: ``max(100, rows // 20)``; products: ``min(1000, max(50, rows // 100))``).
    The same ``seed`` always gives the same data; the YAML's ``connection`` names the database file
    relative to the YAML's folder, so the pair can be moved together. 10M rows take seconds.

    >>> generate_demo_data("demo/demo.duckdb", rows=20_000)  # doctest: +SKIP
    PosixPath('demo/demo.yml')
    """
    for name, value, low in (("rows", rows, 1), ("seed", seed, -_BIGINT_MAX)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= _BIGINT_MAX:
            raise BheemError(f"generate_demo_data: `{name}` must be an integer >= {low}, got {value!r}")
    db_path = Path(out)
    yml_path = db_path.with_suffix(".yml")
    if db_path.suffix == ".yml":
        raise BheemError(f"generate_demo_data: `out` is the database file, not the model: {db_path}")
    if not overwrite:
        for existing in (db_path, yml_path):
            if existing.exists():
                raise BheemError(f"generate_demo_data: {existing} exists; pass overwrite=True to replace it")
    db_path.parent.mkdir(parents=True, exist_ok=True)

    # Build into a scratch file and rename it into place, so a failure never leaves half a database.
    tmp_path = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp_path.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp_path))
        try:
            _build(con, rows, seed)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        Path(f"{db_path}.wal").unlink(missing_ok=True)
        os.replace(tmp_path, db_path)
    finally:
        tmp_path.unlink(missing_ok=True)
        Path(f"{tmp_path}.wal").unlink(missing_ok=True)

    return write_model_yaml(db_path, rows, seed)


def write_model_yaml(db_path: Path, rows: int, seed: int) -> Path:
    """(Re)write the model YAML beside a demo database; unchanged text is left untouched.

    A cached demo database reused after the model changed must not keep serving the old model.
    """
    yml_path = db_path.with_suffix(".yml")
    header = f"# Demo sales model written by bheem_nb.demo_data.generate_demo_data(rows={rows}, seed={seed})\n"
    body = yaml.dump(model_spec(db_path.name), Dumper=_Dumper, sort_keys=False, default_flow_style=None,
                     width=1000, allow_unicode=True)
    text = header + body
    if not yml_path.exists() or yml_path.read_text(encoding="utf-8") != text:
        yml_path.write_text(text, encoding="utf-8")
    return yml_path


class _Dumper(yaml.SafeDumper):
    """Safe YAML without ``&id001`` anchors for repeated small mappings such as ``{type: string}``."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def model_spec(db_file_name: str = "demo.duckdb") -> dict[str, Any]:
    """The semantic model of the demo schema as plain data (what the YAML file holds).

    ``db_file_name`` is written as ``duckdb:///<name>``, relative to the YAML's folder.
    """
    money = "quantity * unit_price * (1 - discount)"
    string, number, time = {"type": "string"}, {"type": "number"}, {"type": "time"}
    return {
        "name": "sales",
        "description": "Demo retail sales 2022-2025 (generated data): orders with their customer, "
        "product and calendar day.",
        "connection": f"duckdb:///{db_file_name}",
        "tables": {
            "orders": {
                "table": "main.orders",
                "primary_key": "order_id",
                "time_dimension": "order_date",
                "description": "One row per order: one product, a quantity, a unit price and a discount.",
                "dimensions": {
                    "order_date": {"type": "time", "hierarchy": ["year", "quarter", "month", "week", "day"]},
                    "ship_date": {"type": "time", "description": "Empty while the order is pending."},
                    "status": {"type": "string", "description": "paid, refunded, cancelled or pending"},
                    "channel": {"type": "string", "description": "online, store or partner",
                                "synonyms": ["sales channel"]},
                },
                "measures": {
                    "revenue": {"agg": "sum", "expr": money, "format": "currency",
                                "description": "Net of discount, orders of every status.",
                                "synonyms": ["net revenue", "net sales"]},
                    "orders": {"agg": "count_distinct", "expr": "order_id"},
                    "units": {"agg": "sum", "expr": "quantity", "synonyms": ["items sold"]},
                    "paid_revenue": {"agg": "sum", "expr": money, "filter": "status = 'paid'",
                                     "format": "currency", "synonyms": ["collected revenue"]},
                    "refunded_revenue": {"agg": "sum", "expr": money, "filter": "status = 'refunded'",
                                         "format": "currency", "synonyms": ["refunds", "refund"]},
                    "gross_revenue": {"agg": "sum", "expr": "quantity * unit_price", "format": "currency",
                                      "description": "Before discount.", "synonyms": ["revenue before discount"]},
                    "discount_amount": {"agg": "sum", "expr": "quantity * unit_price * discount",
                                        "format": "currency", "synonyms": ["discount", "discount given"]},
                    "avg_order_value": {"expr": "revenue / orders", "format": "currency",
                                        "synonyms": ["average order size", "average sale", "average basket"]},
                    "avg_discount": {"agg": "avg", "expr": "discount", "format": "percent",
                                     "synonyms": ["discount rate"]},
                    "median_unit_price": {"agg": "median", "expr": "unit_price",
                                          "synonyms": ["median price", "unit price", "typical price"]},
                },
            },
            "customers": {
                "table": "main.customers",
                "primary_key": "customer_id",
                "dimensions": {
                    "region": string,
                    "country": string,
                    "city": string,
                    "segment": {"type": "string", "description": "Consumer, Corporate or Home Office",
                                "synonyms": ["customer type"]},
                    "email": string,
                    "name": string,
                    "signup_date": time,
                },
                "measures": {"customers": {"agg": "count_distinct", "expr": "customer_id"}},
            },
            "products": {
                "table": "main.products",
                "primary_key": "product_id",
                "dimensions": {"category": string, "subcategory": string,
                               "product_name": {"type": "string", "synonyms": ["item"]}},
                "measures": {
                    "list_price_avg": {"agg": "avg", "expr": "list_price", "format": "currency",
                                       "synonyms": ["list price"]},
                    "products": {"agg": "count_distinct", "expr": "product_id"},
                },
            },
            "dates": {
                "table": "main.dates",
                "primary_key": "date",
                "description": "One row per calendar day of 2022-2025, for weekday and weekend breakdowns.",
                "dimensions": {
                    "date": time,
                    "year": number,
                    "quarter": number,
                    "month": number,
                    "month_name": string,
                    "year_month": string,
                    "week": {"type": "number", "description": "ISO week number"},
                    "day_of_week": {"type": "number", "description": "ISO: 1 = Monday ... 7 = Sunday"},
                    "day_name": {"type": "string", "synonyms": ["weekday", "day of the week"]},
                    "is_weekend": {"type": "boolean"},
                },
            },
        },
        "joins": [
            {"left": "orders", "right": "customers", "on": "orders.customer_id = customers.customer_id",
             "relationship": "many_to_one", "referential_integrity": True},
            {"left": "orders", "right": "products", "on": "orders.product_id = products.product_id",
             "relationship": "many_to_one", "referential_integrity": True},
            {"left": "orders", "right": "dates", "on": "orders.order_date = dates.date",
             "relationship": "many_to_one", "referential_integrity": True},
        ],
        "calendar": {"fiscal_year_start_month": 1},
    }


def _build(con: duckdb.DuckDBPyConnection, rows: int, seed: int) -> None:
    n_customers = max(100, rows // 20)
    n_products = min(1000, max(50, rows // 100))
    # rh(key, salt): a seeded 64-bit hash; rnd(key, salt): a uniform double in [0, 1) from its top 53 bits.
    con.execute(
        "CREATE TEMP MACRO rh(k, salt) AS "
        f"hash(CAST(k AS BIGINT), CAST(salt AS INTEGER), CAST({int(seed)} AS BIGINT))"
    )
    con.execute("CREATE TEMP MACRO rnd(k, salt) AS (rh(k, salt) >> 11) / 9007199254740992.0")
    con.execute("CREATE TEMP MACRO pick(xs, h) AS xs[1 + CAST(h % len(xs) AS BIGINT)]")
    _load_reference(con)
    _create_products(con, n_products)
    _create_day_allocation(con, rows)
    _create_orders(con, n_customers, n_products)
    _create_customers(con, n_customers)
    _create_dates(con)


def _load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Small lookup tables; each ``*_slots`` table repeats a row ``weight`` times for weighted picks."""
    con.execute("CREATE TEMP TABLE ref_city (idx INTEGER, region VARCHAR, country VARCHAR, city VARCHAR, "
                "lat DOUBLE, lon DOUBLE, weight INTEGER)")
    con.executemany("INSERT INTO ref_city VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(i, *c) for i, c in enumerate(ref.CITIES)])
    con.execute("CREATE TEMP TABLE ref_sub (idx INTEGER, category VARCHAR, subcategory VARCHAR, "
                "weight INTEGER, price_lo DOUBLE, price_hi DOUBLE, nouns VARCHAR[])")
    con.executemany("INSERT INTO ref_sub VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(i, *s) for i, s in enumerate(ref.SUBCATEGORIES)])
    for kind in ("city", "sub"):
        con.execute(
            f"CREATE TEMP TABLE {kind}_slots AS "
            "SELECT CAST(row_number() OVER (ORDER BY idx, k) - 1 AS BIGINT) AS slot, idx "
            f"FROM (SELECT idx, unnest(range(weight)) AS k FROM ref_{kind})"
        )


def _create_products(con: duckdb.DuckDBPyConnection, n_products: int) -> None:
    # The first products cover every subcategory once; the rest are drawn by subcategory weight.
    con.execute(
        """
        CREATE TABLE main.products AS
        WITH p AS (
            SELECT range AS product_id,
                   CASE WHEN range <= (SELECT count(*) FROM ref_sub) THEN range - 1 END AS forced_idx,
                   rh(range, 30) % (SELECT count(*) FROM sub_slots) AS slot,
                   rnd(range, 31) AS u_price, rnd(range, 32) AS u_cost,
                   rh(range, 33) AS h_name
            FROM range(1, $n + 1)
        ), priced AS (
            SELECT p.*, s.*,
                   greatest(s.price_lo, round(s.price_lo * pow(s.price_hi / s.price_lo, u_price))) - 0.01
                       AS lp
            FROM p JOIN sub_slots USING (slot)
            JOIN ref_sub s ON s.idx = coalesce(p.forced_idx, sub_slots.idx)
        )
        SELECT CAST(product_id AS BIGINT) AS product_id,
               pick($brands, h_name) || ' ' || pick(nouns, h_name >> 8) || ' '
                   || chr(CAST(65 + (h_name >> 16) % 26 AS INTEGER)) || '-' || (1000 + product_id)
                   AS product_name,
               category, subcategory,
               CAST(lp AS DECIMAL(12, 2)) AS list_price,
               CAST(round(lp * (0.42 + 0.33 * u_cost), 2) AS DECIMAL(12, 2)) AS unit_cost
        FROM priced ORDER BY product_id
        """,
        {"n": n_products, "brands": ref.BRANDS},
    )


def _create_day_allocation(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """How many orders fall on each day: integer weights, so the counts add up to exactly ``rows``."""
    con.execute(
        f"""
        CREATE TEMP TABLE day_alloc AS
        WITH days AS (
            SELECT CAST(range AS BIGINT) AS i,
                   CAST(DATE '{FIRST_DAY}' + CAST(range AS INTEGER) AS DATE) AS day
            FROM range(CAST(DATE '{LAST_DAY}' - DATE '{FIRST_DAY}' AS BIGINT) + 1)
        ), weighted AS (
            SELECT i, day, CAST(round(1e6
                * pow(1.15 + 0.10 * rnd(-1, 2), i / 365.25)                    -- yearly growth 15-25%
                * $month_f[month(day)] * $weekday_f[isodow(day)]
                * CASE WHEN month(day) = 11 AND isodow(day) = 5 AND day(day) BETWEEN 23 AND 29 THEN 2.4
                       WHEN month(day) IN (11, 12) AND isodow(day) = 1
                            AND day - INTERVAL 3 DAY BETWEEN make_date(year(day), 11, 23)
                                                         AND make_date(year(day), 11, 29) THEN 1.9
                       WHEN month(day) = 12 AND day(day) = 25 THEN 0.3
                       WHEN month(day) = 1 AND day(day) = 1 THEN 0.4
                       ELSE 1 END                                               -- Black Friday & co.
                * (0.88 + 0.24 * rnd(i, 1))) AS BIGINT) AS w                    -- day-to-day noise
            FROM days
        ), cumulative AS (
            SELECT i, day, w, sum(w) OVER (ORDER BY i) AS cw, sum(w) OVER () AS tw FROM weighted
        )
        SELECT i, day,
               CAST(CAST($rows AS HUGEINT) * (cw - w) // tw AS BIGINT) AS lo,
               CAST(CAST($rows AS HUGEINT) * cw // tw AS BIGINT) AS hi
        FROM cumulative ORDER BY i
        """,
        {"rows": rows, "month_f": ref.MONTH_FACTOR, "weekday_f": ref.WEEKDAY_FACTOR},
    )
    # Materialised so the orders query scans it in parallel (an unnest over 1,461 rows runs on one thread).
    con.execute(
        "CREATE TEMP TABLE order_days AS "
        "SELECT lo + unnest(range(hi - lo)) + 1 AS order_id, day AS order_date FROM day_alloc"
    )


def _create_orders(con: duckdb.DuckDBPyConnection, n_customers: int, n_products: int) -> None:
    # Popularity skew: rank = floor(n * (e^(a*u) - 1) / (e^a - 1)) has density ~ 1 / (rank + const), so the
    # top 20% of customers place ~60% of orders; multiplying by a prime larger than n (so coprime with it)
    # and adding a seeded offset permutes ranks into ids, so popular ids are scattered.
    con.execute(
        f"""
        CREATE TABLE main.orders AS
        WITH drawn AS (
            SELECT order_id, order_date,
                   CAST(1 + (CAST(floor($nc * (exp(4.0 * rnd(order_id, 10)) - 1) / (exp(4.0) - 1)) AS BIGINT)
                             * 2147483647 + CAST(rh(-1, 40) % $nc AS BIGINT)) % $nc AS BIGINT) AS customer_id,
                   CAST(1 + (CAST(floor($np * (exp(3.5 * rnd(order_id, 11)) - 1) / (exp(3.5) - 1)) AS BIGINT)
                             * 2147483629 + CAST(rh(-1, 41) % $np AS BIGINT)) % $np AS BIGINT) AS product_id,
                   rnd(order_id, 12) AS u_qty, rnd(order_id, 13) AS u_price, rnd(order_id, 14) AS u_disc,
                   rnd(order_id, 15) AS u_status, rnd(order_id, 16) AS u_channel, rnd(order_id, 17) AS u_ship
            FROM order_days
        ), priced AS (
            SELECT d.*,
                   (SELECT list(list_price ORDER BY product_id) FROM main.products)[product_id] AS list_price,
                   CASE WHEN order_date > DATE '{LAST_DAY}' - 21 AND u_status < 0.35 THEN 'pending'
                        WHEN u_status < 0.005 THEN 'pending'
                        WHEN u_status < 0.035 THEN 'cancelled'
                        WHEN u_status < 0.085 THEN 'refunded'
                        ELSE 'paid' END AS status
            FROM drawn d
        )
        SELECT CAST(order_id AS BIGINT) AS order_id,
               order_date,
               CASE WHEN status <> 'pending'
                    THEN CAST(order_date + CAST(1 + floor(7 * u_ship) AS INTEGER) AS DATE) END AS ship_date,
               customer_id,
               product_id,
               CAST(1 + floor(CASE WHEN list_price < 50 THEN 10 WHEN list_price < 300 THEN 5 ELSE 3 END
                              * pow(u_qty, 2)) AS INTEGER) AS quantity,
               CAST(round(list_price * (0.96 + 0.08 * u_price), 2) AS DECIMAL(12, 2)) AS unit_price,
               CASE WHEN u_disc < 0.55 THEN 0.0 WHEN u_disc < 0.75 THEN 0.05 WHEN u_disc < 0.87 THEN 0.10
                    WHEN u_disc < 0.95 THEN 0.15 ELSE 0.20 END::DOUBLE AS discount,
               status,
               CASE WHEN u_channel < 0.55 THEN 'online' WHEN u_channel < 0.85 THEN 'store'
                    ELSE 'partner' END AS channel
        FROM priced
        """,
        {"nc": n_customers, "np": n_products},
    )


def _create_customers(con: duckdb.DuckDBPyConnection, n_customers: int) -> None:
    # The first customers cover every city once; the rest are drawn by city weight. A customer signs
    # up shortly before their first order (or at a random date if they never ordered).
    con.execute(
        f"""
        CREATE TABLE main.customers AS
        WITH firsts AS (
            SELECT customer_id, min(order_date) AS first_order FROM main.orders GROUP BY customer_id
        ), c AS (
            SELECT range AS customer_id,
                   CASE WHEN range <= (SELECT count(*) FROM ref_city) THEN range - 1 END AS forced_idx,
                   rh(range, 20) % (SELECT count(*) FROM city_slots) AS slot,
                   rh(range, 21) AS h_name,
                   rnd(range, 22) AS u_segment, rnd(range, 23) AS u_lat, rnd(range, 24) AS u_lon,
                   rnd(range, 25) AS u_lead, rnd(range, 26) AS u_signup
            FROM range(1, $n + 1)
        ), named AS (
            SELECT c.*, r.region, r.country, r.city, r.lat, r.lon,
                   pick($first, h_name) AS first_name,
                   pick($last, h_name >> 16) AS last_name
            FROM c JOIN city_slots USING (slot)
            JOIN ref_city r ON r.idx = coalesce(c.forced_idx, city_slots.idx)
        )
        SELECT CAST(n.customer_id AS BIGINT) AS customer_id,
               first_name || ' ' || last_name AS name,
               lower(first_name || '.' || last_name) || n.customer_id || '@'
                   || pick($domains, h_name >> 32) AS email,
               region, country, city,
               CASE WHEN u_segment < 0.52 THEN 'Consumer' WHEN u_segment < 0.82 THEN 'Corporate'
                    ELSE 'Home Office' END AS segment,
               CAST(coalesce(f.first_order - CAST(floor(120 * u_lead) AS INTEGER),
                             DATE '2019-01-01'
                                 + CAST(floor(u_signup * (DATE '{LAST_DAY}' - DATE '2019-01-01')) AS INTEGER))
                    AS DATE) AS signup_date,
               round(lat + (u_lat - 0.5) * 0.16, 5) AS latitude,
               round(lon + (u_lon - 0.5) * 0.16, 5) AS longitude
        FROM named n LEFT JOIN firsts f ON f.customer_id = n.customer_id
        ORDER BY n.customer_id
        """,
        {"n": n_customers, "first": ref.FIRST_NAMES, "last": ref.LAST_NAMES, "domains": ref.EMAIL_DOMAINS},
    )


def _create_dates(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE TABLE main.dates AS
        SELECT CAST(d AS DATE) AS "date",
               CAST(year(d) AS INTEGER) AS year,
               CAST(quarter(d) AS INTEGER) AS quarter,
               CAST(month(d) AS INTEGER) AS month,
               monthname(d) AS month_name,
               CAST(weekofyear(d) AS INTEGER) AS week,
               CAST(isodow(d) AS INTEGER) AS day_of_week,
               dayname(d) AS day_name,
               CAST(day(d) AS INTEGER) AS day_of_month,
               strftime(d, '%Y-%m') AS year_month,
               isodow(d) >= 6 AS is_weekend
        FROM range(DATE '{FIRST_DAY}', DATE '{LAST_DAY}' + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)
        ORDER BY d
        """
    )
