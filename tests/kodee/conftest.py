"""A small demo database for Kodee's tests, plus the same model with row-level security.

``alice`` (group managers, region Europe) sees only European customers and their orders;
``admin`` holds ``rls_bypass``. References are computed with hand-written SQL on a separate
read-only DuckDB connection to the same file, never through Kodee or the compiler.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bheem_nb.demo_data import generate_demo_data, model_spec
from bheem_nb.model.semantic import SemanticModel

ROWS = 5_000
AS_OF = "2025-12-31"


@pytest.fixture(scope="session")
def demo_yml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_demo_data(tmp_path_factory.mktemp("kodee_demo") / "demo.duckdb", rows=ROWS)


@pytest.fixture(scope="session")
def demo_model(demo_yml: Path) -> SemanticModel:
    return SemanticModel.from_yaml(demo_yml)


def rls_spec() -> dict[str, Any]:
    spec = model_spec("demo.duckdb")
    spec["rls"] = {"rules": [{"name": "region_scope", "table": "customers",
                              "filter": "region = USERLOOKUP('region')", "assign": [{"group": "managers"}]}]}
    spec["users"] = [
        {"id": "alice", "email": "alice@acme.com", "groups": ["managers"], "attributes": {"region": "Europe"}},
        {"id": "admin", "email": "admin@acme.com", "roles": ["rls_bypass"]},
    ]
    return spec


@pytest.fixture(scope="session")
def rls_model(demo_yml: Path) -> SemanticModel:
    return SemanticModel(rls_spec(), base_dir=demo_yml.parent)


@pytest.fixture(scope="session")
def raw(demo_yml: Path) -> Iterator[Any]:
    """Run reference SQL on the demo file in a separate DuckDB process-free cursor (read-only copy)."""
    copy = demo_yml.parent / "reference.duckdb"
    if not copy.exists():
        copy.write_bytes((demo_yml.parent / "demo.duckdb").read_bytes())
    con = duckdb.connect(str(copy), read_only=True)

    def run(sql: str) -> list[tuple[Any, ...]]:
        return con.execute(sql).fetchall()

    yield run
    con.close()
