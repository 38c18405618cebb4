"""``bheem profile`` and ``bheem insights`` print what the Python API returns."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.cli import main
from bheem_nb.insights.profile import profile
from bheem_nb.insights.quick import insights
from tests.insights.planted import planted_model_spec


def _yaml(model: bn.SemanticModel, tmp_path: Path) -> Path:
    import yaml

    path = tmp_path / "planted.yml"
    spec = planted_model_spec(Path(str(model.spec.connection).removeprefix("duckdb:///")))
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


@pytest.mark.slow
def test_profile_json_and_table(
    planted: tuple[bn.SemanticModel, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, frame = planted
    yml = _yaml(model, tmp_path)
    assert main(["profile", "facts", "--model", str(yml), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rowCount"] == len(frame)
    store = next(c for c in data["columns"] if c["columnName"] == "store")
    assert store["distinctCount"] == frame["store"].nunique()
    assert store["valueDistribution"][0]["count"] == frame["store"].value_counts().max()
    assert main(["profile", "facts", "--model", str(yml)]) == 0
    out = capsys.readouterr().out
    assert f"facts: {len(frame):,} rows" in out and "store" in out
    url = str(model.spec.connection).removeprefix("duckdb:///")
    assert main(["profile", "main.facts", "--url", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["columns"] == profile(model, "facts").to_dict(camel=True)["columns"]


def test_insights_command(
    planted: tuple[bn.SemanticModel, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, _ = planted
    yml = _yaml(model, tmp_path)
    assert main(["insights", "spike", "--model", str(yml), "--by", "store", "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    want = insights(model, "spike", ["store"], top=3)
    assert len(lines) == len(want) and want[0].description in lines[0] and lines[0].startswith("1.00 *")


def test_errors_exit_2(
    planted: tuple[bn.SemanticModel, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, _ = planted
    yml = _yaml(model, tmp_path)
    assert main(["profile", "fact", "--model", str(yml)]) == 2
    assert "did you mean 'facts'" in capsys.readouterr().err
    assert main(["insights", "spik", "--model", str(yml)]) == 2
    assert "spike" in capsys.readouterr().err
