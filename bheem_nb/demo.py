"""The demo: a sales star schema on the embedded default, ready in one call.

    import bheem_nb as bn
    model = bn.demo.model()            # generates ~/.cache/bheem_nb/demo-<rows>-<seed>.duckdb once
    model.query(measures=["revenue"], dimensions=["region"]).df
"""

from __future__ import annotations

import os
from pathlib import Path

from bheem_nb.demo_data import generate_demo_data, write_model_yaml
from bheem_nb.model.semantic import SemanticModel

DEFAULT_ROWS = 200_000
DEFAULT_SEED = 42


def demo_dir() -> Path:
    """Where demo databases live: ``$BHEEM_DEMO_DIR`` or ``~/.cache/bheem_nb``."""
    return Path(os.environ.get("BHEEM_DEMO_DIR") or Path.home() / ".cache" / "bheem_nb")


def demo_path(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> Path:
    """The model YAML of the demo database of this size, generated on first use."""
    out = demo_dir() / f"demo-{rows}-{seed}.duckdb"
    yml = out.with_suffix(".yml")
    if not (out.exists() and yml.exists()):
        out.parent.mkdir(parents=True, exist_ok=True)
        return generate_demo_data(out, rows=rows, seed=seed)
    return write_model_yaml(out, rows, seed)


def model(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> SemanticModel:
    """The demo semantic model (orders, customers, products), generating its data if needed."""
    return SemanticModel.from_yaml(demo_path(rows, seed))
