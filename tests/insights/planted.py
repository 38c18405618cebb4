"""A small DuckDB database with known effects planted in it, one measure per effect.

One row per (day, store) over 2021-2023 (21,900 rows), each with a channel and a customer
drawn at random, and these per-row columns (row noise: normal, sd 30, fixed seed):

* ``noise``: 100 + noise only;
* ``trend``: + 0.05 per day (a steady rise);
* ``shift``: + 40 from 2022-07-01 on (a level shift at a known date);
* ``season``: + 40 sin(2 pi (month - 1) / 12) (a yearly cycle);
* ``pair_a`` / ``pair_b``: 20 f(month) and 15 f(month) with f a random factor per month (a correlated pair);
* ``spike``: store S07 sells 5x (an outlier member);
* ``dominant``: channel ``online`` sells 6x (a dominant segment);
* ``pareto``: each customer's rows scale by a Pareto(1.16) weight (top 20% of customers ~ 80%).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

import bheem_nb as bn

MEASURES = ("noise", "trend", "shift", "season", "pair_a", "pair_b", "spike", "dominant", "pareto")
SHIFT_DATE = "2022-07-01"
OUTLIER_STORE = "S07"
DOMINANT_CHANNEL = "online"


def planted_frame(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", "2023-12-31", freq="D")
    stores = [f"S{i:02d}" for i in range(1, 21)]
    grid = pd.MultiIndex.from_product([days, stores], names=["day", "store"]).to_frame(index=False)
    n = len(grid)
    day_index = (grid["day"] - days[0]).dt.days.to_numpy()
    month = grid["day"].dt.month.to_numpy()
    month_key = (grid["day"].dt.year * 12 + month).to_numpy()
    factor = dict(zip(np.unique(month_key), rng.normal(0, 1, len(np.unique(month_key))), strict=True))
    f = np.array([factor[k] for k in month_key])
    grid["channel"] = rng.choice(["online", "store", "partner"], size=n)
    weights = rng.pareto(1.16, 400) + 1
    customer = rng.integers(0, 400, size=n)
    grid["customer"] = [f"C{c:03d}" for c in customer]

    def noise() -> np.ndarray:
        return rng.normal(0, 30, n)

    grid["noise"] = 100 + noise()
    grid["trend"] = 100 + 0.05 * day_index + noise()
    grid["shift"] = 100 + 40 * (grid["day"] >= SHIFT_DATE).to_numpy() + noise()
    grid["season"] = 100 + 40 * np.sin(2 * np.pi * (month - 1) / 12) + noise()
    grid["pair_a"] = 100 + 20 * f + noise()
    grid["pair_b"] = 50 + 15 * f + noise()
    grid["spike"] = (100 + noise()) * np.where(grid["store"] == OUTLIER_STORE, 5, 1)
    grid["dominant"] = (100 + noise()) * np.where(grid["channel"] == DOMINANT_CHANNEL, 6, 1)
    grid["pareto"] = 100 * weights[customer] + noise()
    grid["day"] = grid["day"].dt.date
    return grid


def planted_model_spec(db_file: Path) -> dict[str, Any]:
    return {
        "name": "planted",
        "connection": f"duckdb:///{db_file}",
        "tables": {
            "facts": {
                "table": "main.facts",
                "time_dimension": "day",
                "dimensions": {"day": {"type": "time"}, "store": {}, "channel": {}, "customer": {}},
                "measures": {m: {"agg": "sum", "expr": m} for m in MEASURES}
                | {"rows": {"agg": "count"}, "pareto_avg": {"agg": "avg", "expr": "pareto"}},
            }
        },
    }


def build_planted(folder: Path) -> tuple[bn.SemanticModel, pd.DataFrame]:
    """Write the planted database into ``folder``; return (model, raw rows)."""
    db_file = folder / "planted.duckdb"
    frame = planted_frame()
    con = duckdb.connect(str(db_file))
    con.register("frame", frame)
    con.execute("CREATE TABLE facts AS SELECT * FROM frame")
    con.close()
    return bn.SemanticModel.from_dict(planted_model_spec(db_file)), frame


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[bn.SemanticModel, pd.DataFrame]]:
    """(model, raw rows) of the planted database."""
    yield build_planted(tmp_path_factory.mktemp("planted"))
