"""The evaluation: the shipped demo set scores >= 85 % offline; the comparison can fail; the CLI runs both paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bheem_nb.cli import main
from bheem_nb.kodee.evaluation import evaluate, load_cases, tables_equal
from bheem_nb.model.semantic import SemanticModel
from tests.kodee.llm_server import ScriptedLLM


@pytest.mark.slow
def test_offline_execution_accuracy(demo_model: SemanticModel) -> None:
    cases, as_of = load_cases()
    assert len(cases) >= 60 and as_of == "2025-12-31"
    report = evaluate(demo_model, cases, as_of=as_of)
    print("\n" + report.format())
    assert report.accuracy >= 0.85, report.format()


def test_comparison_is_strict_enough() -> None:
    want = [("Europe", 10.0), ("Asia", 5.0)]
    assert tables_equal([(5.0, "Asia"), (10.0, "Europe")], want, ordered=False)[0]  # any column order
    assert not tables_equal([("Europe", 10.0), ("Asia", 5.5)], want, ordered=False)[0]
    assert not tables_equal([("Europe", 10.0)], want, ordered=False)[0]
    assert not tables_equal([("Asia", 5.0), ("Europe", 10.0)], want, ordered=True)[0]
    assert not tables_equal([("Europe", 10.0, 1.0), ("Asia", 5.0, 1.0)], want, ordered=False)[0]
    assert tables_equal([("Europe", 10.0 + 1e-9), ("Asia", 5.0)], want, ordered=True)[0]


def _set(tmp_path: Path, cases: list[dict[str, object]]) -> Path:
    path = tmp_path / "set.yml"
    path.write_text(json.dumps({"as_of": "2025-12-31", "questions": cases}))  # JSON is YAML
    return path


def test_cli_eval_offline_and_min(demo_yml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = {"question": "orders by channel", "sql": "SELECT channel, COUNT(DISTINCT order_id) FROM orders GROUP BY 1"}
    wrong = {"question": "orders by channel", "sql": "SELECT channel, COUNT(*) + 1 FROM orders GROUP BY 1"}
    path = _set(tmp_path, [good, wrong])
    assert main(["kodee", "eval", "--model", str(demo_yml), "--set", str(path)]) == 0
    out = capsys.readouterr().out
    assert "offline execution accuracy: 1/2 = 50.0 %" in out and "FAIL orders by channel" in out
    assert main(["kodee", "eval", "--model", str(demo_yml), "--set", str(path), "--min", "0.85"]) == 1


def test_cli_eval_llm_path(demo_yml: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    server = ScriptedLLM()
    try:
        monkeypatch.setenv("BHEEM_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("BHEEM_LLM_MODEL", "scripted")
        server.script(json.dumps({"type": "query", "query": {"measures": ["orders.units"],
                                                             "dimensions": ["orders.channel"]}}),
                      json.dumps({"type": "sql", "sql": "SELECT count(*) FROM customers"}))
        path = _set(tmp_path, [
            {"question": "units by channel", "sql": "SELECT channel, SUM(quantity) FROM orders GROUP BY 1"},
            {"question": "how many customers", "sql": "SELECT COUNT(DISTINCT customer_id) FROM customers"},
        ])
        assert main(["kodee", "eval", "--model", str(demo_yml), "--set", str(path), "--llm", "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["path"] == "llm" and report["correct"] == 2 and len(server.requests) == 2
    finally:
        server.close()
