"""Charts over big data: only aggregated rows leave the engine, and row-level security reaches bins too."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.charts import chart
from bheem_nb.engine import Engine

BIG = 10_000_000


@pytest.mark.slow
def test_bar_over_ten_million_rows_is_a_small_payload() -> None:
    """The issue's payload budget: a bar chart over 10M rows sends under 64 KB to the browser."""
    big = bn.demo.model(rows=BIG)
    n = big.query(measures=["orders"]).df["orders"].iloc[0]
    assert n == BIG  # one order per row in the demo
    start = time.perf_counter()
    spec = chart("bar", x="region", y="revenue").to_vega_lite(big)
    payload = len(json.dumps(spec).encode())
    assert payload < 64 * 1024 and len(spec["data"]["values"]) == 5
    for kind, kw in (("histogram", {"x": "revenue", "detail": "name"}),
                     ("box", {"x": "region", "y": "revenue", "detail": "name"})):
        spec = chart(kind, **kw).to_vega_lite(big)  # bins and quartiles computed in the database
        assert len(json.dumps(spec).encode()) < 64 * 1024
    assert time.perf_counter() - start < 60


def test_histogram_bins_respect_row_level_security(model: bn.SemanticModel, raw: duckdb.DuckDBPyConnection,
                                                   tmp_path: Path) -> None:
    spec = model.to_dict()
    spec["rls"] = {"rules": [{"name": "region_scope", "table": "customers",
                              "filter": "region = USERLOOKUP('region')", "assign": [{"group": "managers"}]}]}
    spec["users"] = [{"id": "u1", "email": "alice@acme.com", "groups": ["managers"],
                      "attributes": {"region": "Europe"}}]
    secured = bn.SemanticModel.from_dict(spec, base_dir=model.base_dir, engine=Engine())
    per = pd.DataFrame(raw.execute("""SELECT c.name, sum(o.quantity * o.unit_price * (1 - o.discount))::DOUBLE
                                      FROM orders o JOIN customers c USING (customer_id)
                                      WHERE c.region = 'Europe' GROUP BY 1""").fetchall(), columns=["name", "rev"])
    for kind in ("histogram", "box"):
        c = chart(kind, x="revenue", detail="name") if kind == "histogram" else chart(kind, y="revenue", detail="name")
        df = c.data(secured, user="alice@acme.com")
        if kind == "histogram":
            assert int(df["count"].sum()) == len(per)
        else:
            assert int(df["n"].iloc[0]) == len(per) and df["hi"].iloc[0] == pytest.approx(per["rev"].max())
