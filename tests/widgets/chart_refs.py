"""Independent references for the chart, KPI and matrix widget tests: the demo database opened
read-only with DuckDB, and hand-written SQL fragments over its tables (never the engine)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

import bheem_nb as bn

ROWS = 20_000
REVENUE = "SUM(o.quantity * o.unit_price * (1 - o.discount))"
FROM = "FROM orders o JOIN products p USING (product_id) JOIN customers c USING (customer_id)"


@pytest.fixture(scope="module")
def raw() -> Iterator[duckdb.DuckDBPyConnection]:
    """Import this fixture into a test module: the demo's DuckDB file, read-only."""
    con = duckdb.connect(str(bn.demo.demo_path(ROWS).with_suffix(".duckdb")), read_only=True)
    yield con
    con.close()
