"""``bheem bench`` on a small demo: every query runs four ways and the engine agrees with hand-written SQL.

No timing assertions: timings depend on the machine; only their presence and sign are checked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from bheem_nb import cli
from bheem_nb.bench import QUERIES, BenchQuery, BenchReport, compare, run_bench

ROWS = 3_000


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def report(workdir: Path) -> BenchReport:
    return run_bench(ROWS, seed=3, repeats=2, workdir=workdir)


def test_report_covers_every_query_and_results_agree(report: BenchReport) -> None:
    assert [q.name for q in report.queries] == [q.name for q in QUERIES]
    assert report.ok, report.mismatches
    for q in report.queries:
        assert q.matches and q.pandas_matches, q.problems
        assert q.rows > 0
        for value in (q.engine_ms, q.raw_ms, q.raw_engine_sql_ms, q.pandas_ms, q.cache_hit_ms, q.ratio):
            assert value is not None and value > 0
        assert {"compile_ms", "execute_ms", "total_ms"} <= set(q.stages_ms)
    assert report.ratio > 0 and report.pandas_load_ms is not None and report.threads >= 1
    assert report.rows == ROWS and report.generated_ms is not None


def test_report_prints_and_serialises(report: BenchReport) -> None:
    text = report.format()
    for q in QUERIES:
        assert q.name in text
    assert "overall median engine/raw ratio" in text and "MISMATCH" not in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ratio"] == pytest.approx(report.ratio) and len(data["queries"]) == len(QUERIES)


def test_demo_data_is_reused(workdir: Path, report: BenchReport) -> None:
    again = run_bench(ROWS, seed=3, repeats=1, workdir=workdir, pandas=False, queries=QUERIES[:1])
    assert again.generated_ms is None and again.database == report.database
    assert again.queries[0].pandas_ms is None and again.ok


def test_a_wrong_answer_is_flagged_loudly(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = BenchQuery("wrong_total", {"measures": ["units"]},
                       "SELECT sum(quantity) + 1 AS units FROM orders", QUERIES[0].pandas)
    with pytest.warns(RuntimeWarning, match="wrong_total"):
        bad = run_bench(ROWS, seed=3, repeats=1, workdir=workdir, pandas=False, queries=(wrong,))
    assert not bad.ok and not bad.queries[0].matches
    assert "RESULT MISMATCH" in bad.format() and "wrong_total" in bad.mismatches[0]


def test_compare_tolerates_rounding_and_order_only() -> None:
    expected = pa.table({"k": ["a", "b"], "v": [1.0, 2.0]})
    assert compare(pa.table({"k": ["b", "a"], "v": [2.0 + 1e-9, 1.0]}), expected) is None
    assert compare(pa.table({"k": ["a", "b"], "v": [1.0, 2.1]}), expected) is not None
    assert compare(pa.table({"k": ["a"], "v": [1.0]}), expected) is not None


def test_cli_bench(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bench", "--rows", str(ROWS), "--seed", "3", "--repeats", "1", "--workdir", str(workdir)]
    assert cli.main([*args, "--no-pandas"]) == 0
    out = capsys.readouterr().out
    assert "overall median engine/raw ratio" in out and QUERIES[-1].name in out
    assert cli.main([*args, "--json", "--no-pandas"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ratio"] > 0 and not data["mismatches"]
