"""The ``bheem`` command: demo data, queries whose numbers equal hand-written DuckDB SQL, clean errors."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bheem_nb import cli

ROWS = 5_000
REGION_SQL = (
    "SELECT c.region, sum(o.quantity * o.unit_price * (1 - o.discount)) AS revenue, "
    "count(DISTINCT o.order_id) AS orders FROM orders o JOIN customers c USING (customer_id) "
    "GROUP BY 1 ORDER BY 1"
)
REGION_QUERY = {"measures": ["revenue", "orders"], "dimensions": ["region"]}


def bheem(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would: a fresh process, no shared state."""
    return subprocess.run([sys.executable, "-m", "bheem_nb", *args], capture_output=True, text=True,
                          input=stdin, timeout=120, check=False)


@pytest.fixture(scope="module")
def demo_yml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    proc = bheem("demo-data", "--rows", str(ROWS), "--seed", "7", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    yml = Path(proc.stdout.strip())
    assert yml == out.with_suffix(".yml") and yml.is_file() and out.is_file()
    assert f"{ROWS:,} orders" in proc.stderr and " s" in proc.stderr  # the time taken
    return yml


def hand_written(yml: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(yml.with_suffix(".duckdb")), read_only=True) as con:
        return con.execute(sql).fetchall()


def assert_close(a: object, b: object) -> None:
    assert math.isclose(float(a), float(b), rel_tol=1e-9), (a, b)  # type: ignore[arg-type]


def test_demo_data_is_deterministic(demo_yml: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "d.duckdb")
    assert cli.main(["demo-data", "--rows", str(ROWS), "--seed", "7", "--out", out]) == 0
    sql = "SELECT count(*), sum(quantity), sum(unit_price) FROM orders"
    assert hand_written(tmp_path / "d.yml", sql) == hand_written(demo_yml, sql)
    assert hand_written(demo_yml, sql)[0][0] == ROWS


def test_query_csv_equals_hand_written_sql(demo_yml: Path) -> None:
    proc = bheem("query", "--model", str(demo_yml), "--json", json.dumps(REGION_QUERY), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    expected = hand_written(demo_yml, REGION_SQL)
    assert [r["region"] for r in rows] == [e[0] for e in expected]
    for row, (_, revenue, orders) in zip(rows, expected, strict=True):
        assert_close(row["revenue"], revenue)
        assert int(row["orders"]) == orders


def test_query_json_equals_hand_written_sql(demo_yml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = {"measures": ["revenue", "units"], "dimensions": ["category", "order_date.month"],
             "filters": [{"field": "segment", "op": "in", "values": ["Consumer"]}],
             "order": [{"field": "revenue", "desc": True}], "limit": 5}
    assert cli.main(["query", "--model", str(demo_yml), "--json", json.dumps(query), "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    expected = hand_written(demo_yml, """
        SELECT p.category, date_trunc('month', o.order_date)::DATE AS month,
               sum(o.quantity * o.unit_price * (1 - o.discount)) AS revenue, sum(o.quantity) AS units
        FROM orders o JOIN products p USING (product_id) JOIN customers c USING (customer_id)
        WHERE c.segment = 'Consumer' GROUP BY 1, 2 ORDER BY revenue DESC LIMIT 5""")
    assert list(got[0]) == ["category", "order_date.month", "revenue", "units"]
    assert len(got) == len(expected) == 5
    for row, (category, month, revenue, units) in zip(got, expected, strict=True):
        assert (row["category"], row["order_date.month"]) == (category, month.isoformat())
        assert row["units"] == units
        assert_close(row["revenue"], revenue)


def test_query_from_a_file_and_stdin_as_a_table(demo_yml: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.json"
    f.write_text(json.dumps(REGION_QUERY))
    assert cli.main(["query", "--model", str(demo_yml), "--json-file", str(f)]) == 0
    out = capsys.readouterr().out
    for region, _, _ in hand_written(demo_yml, REGION_SQL):
        assert region in out
    assert "rows," in out
    proc = bheem("query", "--model", str(demo_yml), "--json-file", "-", "--format", "json",
                 stdin=json.dumps(REGION_QUERY))
    assert proc.returncode == 0, proc.stderr
    regions = [e[0] for e in hand_written(demo_yml, REGION_SQL)]
    assert [r["region"] for r in json.loads(proc.stdout)] == regions


def test_sql_flag_prints_compiled_sql_only(demo_yml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", "--model", str(demo_yml), "--json", json.dumps(REGION_QUERY), "--sql"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("SELECT") and "customers.region" in out and "\n" not in out
    assert hand_written(demo_yml, out) == hand_written(demo_yml, REGION_SQL)


def test_bad_json_exits_2_without_traceback(demo_yml: Path) -> None:
    proc = bheem("query", "--model", str(demo_yml), "--json", '{"measures": ["revenue"')
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --json: not valid JSON") and "line 1 column" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"measures": ["revenue"], "dimensions": ["segmnt"]}, ["'segmnt'", "'segment'"]),
        ({"measures": ["revnue"]}, ["'revnue'", "'revenue'"]),
        ({"measures": ["revenue"], "filters": [{"field": "colour", "op": "=", "values": ["red"]}]},
         ["'colour'"]),
        ({"measures": ["revenue"], "dimension": ["region"]}, ["dimension: unknown key", "dimensions"]),
        ({"measures": ["revenue"], "filters": [{"field": "region", "op": "like", "values": ["x"]}]},
         ["'like'"]),
        (["revenue"], ["must be a JSON object"]),
    ],
)
def test_bad_query_exits_2_naming_the_field(demo_yml: Path, capsys: pytest.CaptureFixture[str],
                                            query: object, names: list[str]) -> None:
    assert cli.main(["query", "--model", str(demo_yml), "--json", json.dumps(query)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and captured.out == ""
    for name in names:
        assert name in captured.err


def test_unknown_field_through_the_entry_point(demo_yml: Path) -> None:
    exe = Path(sys.executable).parent / "bheem"
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "bheem_nb.cli"]
    proc = subprocess.run([*cmd, "query", "--model", str(demo_yml), "--json", '{"dimensions": ["segmnt"]}'],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert "error: unknown field 'segmnt'" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_files_exit_2(demo_yml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", "--model", str(tmp_path / "none.yml"), "--json", "{}"]) == 2
    assert "none.yml" in capsys.readouterr().err
    assert cli.main(["query", "--model", str(demo_yml), "--json-file", str(tmp_path / "q.json")]) == 2
    assert "q.json" in capsys.readouterr().err


def test_demo_builds_the_voila_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("voila", path=str(Path(sys.executable).parent)) is None and shutil.which("voila") is None:
        pytest.skip("voila is not installed")
    notebook = tmp_path / "notebooks" / "demo_dashboard.ipynb"
    notebook.parent.mkdir()
    notebook.write_text("{}")
    monkeypatch.setattr(cli, "find_demo_notebook", lambda: notebook)
    monkeypatch.setenv("BHEEM_DEMO_DIR", str(tmp_path / "cache"))
    assert cli.main(["demo", "--port", "8899", "--rows", "2000", "--dry-run"]) == 0
    out = capsys.readouterr().out
    yml = tmp_path / "cache" / "demo-2000-42.yml"
    assert yml.is_file()
    assert out.startswith(f"BHEEM_DEMO_MODEL={yml} ")
    for part in (str(notebook), "--no-browser", "--port=8899", "--Voila.ip=127.0.0.1"):
        assert part in out


def test_demo_without_its_notebook_is_a_clean_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "DEMO_NOTEBOOK", Path("notebooks") / "no_such_dashboard.ipynb")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo", "--dry-run"]) == 2
    assert "no_such_dashboard.ipynb" in capsys.readouterr().err
