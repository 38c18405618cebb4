"""Fixtures for chart tests: the demo model, a raw DuckDB connection for independent answers, scenegraph helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

import bheem_nb as bn

ROWS = 20_000
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "charts"


@pytest.fixture(scope="session")
def model() -> bn.SemanticModel:
    return bn.demo.model(rows=ROWS)


@pytest.fixture(scope="session")
def raw() -> Iterator[duckdb.DuckDBPyConnection]:
    """The demo database opened directly (read-only): expectations never go through the code under test."""
    path = bn.demo.demo_path(ROWS).with_suffix(".duckdb")
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def marks(scene: dict[str, Any], marktype: str | None = None, name: str | None = None) -> list[dict[str, Any]]:
    """Every drawn item of the chart's marks (not axes or legends), optionally of one type or mark name prefix."""
    out: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("role") == "mark" and (marktype is None or node.get("marktype") == marktype) \
                and (name is None or str(node.get("name", "")).startswith(name)):
            out.extend(node.get("items", []))
        for item in node.get("items", []) or []:
            if isinstance(item, dict):
                walk(item)

    walk(scene["scenegraph"])
    return out


def mark_groups(scene: dict[str, Any], marktype: str) -> int:
    """How many mark nodes of a type were drawn (a line or area mark draws one node per series)."""
    count = 0

    def walk(node: dict[str, Any]) -> None:
        nonlocal count
        if node.get("role") == "mark" and node.get("marktype") == marktype:
            count += 1
        for item in node.get("items", []) or []:
            if isinstance(item, dict):
                walk(item)

    walk(scene["scenegraph"])
    return count


def texts(scene: dict[str, Any], role: str) -> list[str]:
    """Texts drawn in a role: ``axis-label``, ``legend-label``, ``title-text``..."""
    out: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("role") == role:
            out.extend(" ".join(t) if isinstance(t := i.get("text"), list) else str(t) for i in node.get("items", []))
        for item in node.get("items", []) or []:
            if isinstance(item, dict):
                walk(item)

    walk(scene["scenegraph"])
    return out


def save_png(name: str, png: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(png)


@pytest.fixture(scope="session")
def market(tmp_path_factory: pytest.TempPathFactory) -> bn.SemanticModel:
    """A small hand-made model for price charts and point maps: daily prices and cities with coordinates."""
    path = tmp_path_factory.mktemp("market") / "market.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE prices AS
        SELECT DATE '2024-03-01' + INTERVAL (i) DAY AS day,
               100 + 10 * sin(i / 5.0) AS open, 100 + 10 * sin((i + 1) / 5.0) AS close,
               102 + 10 * greatest(sin(i / 5.0), sin((i + 1) / 5.0)) + (i % 3) AS high,
               98 + 10 * least(sin(i / 5.0), sin((i + 1) / 5.0)) - (i % 2) AS low
        FROM range(40) t(i)""")
    con.execute("""CREATE TABLE cities AS SELECT * FROM (VALUES
        ('London', 51.51, -0.13, 420.0), ('New York', 40.71, -74.01, 980.0), ('Tokyo', 35.68, 139.69, 760.0),
        ('Sydney', -33.87, 151.21, 210.0), ('Sao Paulo', -23.55, -46.63, 330.0), ('Nairobi', -1.29, 36.82, 90.0),
        ('Singapore', 1.35, 103.82, 510.0)) AS t(city, lat, lon, sales)""")
    con.close()
    return bn.SemanticModel.from_dict({
        "name": "market", "connection": f"duckdb:///{path}",
        "tables": {
            "prices": {"table": "prices", "dimensions": {"day": {"type": "time"}},
                       "measures": {"open_price": {"agg": "avg", "expr": "open", "format": "currency"},
                                    "close_price": {"agg": "avg", "expr": "close", "format": "currency"},
                                    "high_price": {"agg": "max", "expr": "high", "format": "currency"},
                                    "low_price": {"agg": "min", "expr": "low", "format": "currency"}}},
            "cities": {"table": "cities", "dimensions": {"city": {}, "lat": {"type": "number"},
                                                         "lon": {"type": "number"}},
                       "measures": {"sales": {"agg": "sum", "expr": "sales", "format": "currency"}}},
        },
    })
