"""profile(): every number equals pandas' on the same rows, on DuckDB and PostgreSQL, through the guard and RLS."""

from __future__ import annotations

import datetime as dt
import importlib
import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.errors import QueryError, SecurityError
from bheem_nb.insights.profile import DataProfile, profile
from bheem_nb.insights.profile_sql import PATTERNS

N = 4000
profile_module = importlib.import_module("bheem_nb.insights.profile")  # the package exports a function of that name


def mixed_frame(seed: int = 11) -> pd.DataFrame:
    """Integers with nulls, floats with NaN and infinities, text with patterns, blanks and nulls, dates, booleans."""
    rng = np.random.default_rng(seed)
    ints = pd.array(rng.integers(0, 50, N), dtype="Int64")
    ints[rng.random(N) < 0.1] = pd.NA
    floats = rng.normal(100, 15, N).round(3)
    floats[rng.random(N) < 0.02] = np.nan
    floats[:3] = [np.inf, -np.inf, np.inf]
    kinds = rng.choice(
        ["email", "phone", "url", "date", "word", "blank", "null"], size=N, p=[0.3, 0.15, 0.1, 0.1, 0.25, 0.05, 0.05]
    )
    words = ["alpha", "beta", "gamma", "delta", "omega"]
    text: list[Any] = []
    for i, k in enumerate(kinds):
        text.append(
            {
                "email": f"user{i % 700}@example.com",
                "phone": f"+1 (555) {i % 900:03d}-{i % 10000:04d}",
                "url": f"https://site{i % 40}.org/page",
                "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "word": words[i % 5],
                "blank": "  ",
                "null": None,
            }[k]
        )
    codes = [f"K{i:05d}" for i in range(N)]
    codes[N - 5 :] = codes[:5]  # nearly all distinct: the sorted check finds duplicates and the grouped path runs
    days = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, N), unit="D")
    return pd.DataFrame(
        {
            "id": np.arange(1, N + 1, dtype="int64"),
            "qty": ints,
            "price": floats,
            "label": pd.array(text, dtype="object"),
            "day": days.date,
            "flag": rng.random(N) < 0.3,
            "code": codes,
        }
    )


def _write_duckdb(frame: pd.DataFrame, path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.register("frame", frame)
    con.execute(
        "CREATE TABLE items AS SELECT id, qty, price, CAST(label AS VARCHAR) AS label, CAST(day AS DATE) AS day,"
        " flag, code FROM frame"
    )
    con.close()
    return path


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return mixed_frame()


@pytest.fixture(scope="module")
def duck_file(frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_duckdb(frame, tmp_path_factory.mktemp("profile") / "items.duckdb")


def _top(series: pd.Series) -> list[tuple[Any, int]]:
    counts = series.dropna().value_counts()
    pairs = sorted(((v, int(c)) for v, c in counts.items()), key=lambda vc: (-vc[1], vc[0]))
    return pairs[:10]


def assert_matches_pandas(p: DataProfile, frame: pd.DataFrame) -> None:
    assert p.row_count == len(frame)
    for name in frame.columns:
        col = p.column(name)
        s = frame[name]
        nulls = int(s.isna().sum())  # a NaN float is stored as NULL
        finite = s
        errors = 0
        if name == "price":
            errors = int(np.isinf(s).sum())  # infinities are the "error" values
            finite = s[np.isfinite(s)]
        empty = int(s.dropna().map(lambda t: str(t).strip() == "").sum()) if name == "label" else 0
        assert (col.null_rows, col.error_rows, col.empty_rows) == (nulls, errors, empty), name
        assert col.valid_rows == len(s) - nulls - errors - empty, name
        assert col.quality_percent == pytest.approx(100 * col.valid_rows / len(s)), name
        non_null = s.dropna()
        assert col.distinct_count == non_null.nunique(), name
        counts = non_null.value_counts()
        assert col.unique_count == int((counts == 1).sum()), name
        if name in ("id", "qty", "price"):
            values = finite.dropna().astype(float)
            assert col.mean == pytest.approx(values.mean(), rel=1e-12), name
            assert col.std_dev == pytest.approx(values.std(ddof=1), rel=1e-9), name
            assert col.median == pytest.approx(values.median(), rel=1e-12), name
            assert col.percentile_25 == pytest.approx(values.quantile(0.25, interpolation="linear"), rel=1e-12), name
            assert col.percentile_75 == pytest.approx(values.quantile(0.75, interpolation="linear"), rel=1e-12), name
        if name in ("id", "qty", "day", "label"):
            assert col.min_value == non_null.min() and col.max_value == non_null.max(), name
        if name == "label":
            lengths = non_null.str.len()
            assert (col.min_length, col.max_length) == (lengths.min(), lengths.max())
            assert col.avg_length == pytest.approx(lengths.mean())
            for pattern, regex in PATTERNS.items():
                assert col.patterns[pattern] == int(non_null.str.contains(regex, regex=True).sum()), pattern
            assert col.patterns["email"] > 0 and col.patterns["phone"] > 0 and col.patterns["url"] > 0
        got = [(v["value"], v["count"]) for v in col.value_distribution]
        assert got == _top(s), name
        assert all(v["percent"] == pytest.approx(100 * v["count"] / len(s)) for v in col.value_distribution)


def test_duckdb_profile_equals_pandas(duck_file: Path, frame: pd.DataFrame) -> None:
    p = profile(str(duck_file), "items")
    assert_matches_pandas(p, frame)
    assert [c.kind for c in p.columns] == ["number", "number", "number", "text", "date", "boolean", "text"]
    # schema, stats, one quartile sort (id, price); id is all distinct (sorted check + 10 smallest values);
    # price and code are nearly (sorted check, then grouped); qty, label, day, flag grouped
    assert p.statements == 2 + 1 + 2 + 2 * 2 + 4
    assert p.column("label").pattern is None  # mixed: no single pattern covers 80%
    d = p.columns[0].to_dict(camel=True)
    assert {
        "columnName",
        "dataType",
        "totalRows",
        "validRows",
        "errorRows",
        "emptyRows",
        "qualityPercent",
        "distinctCount",
        "uniquePercent",
        "minValue",
        "maxValue",
        "mean",
        "median",
        "stdDev",
        "percentile25",
        "percentile75",
        "minLength",
        "maxLength",
        "avgLength",
        "valueDistribution",
    } <= set(d)


def test_both_quartile_paths_agree(duck_file: Path, frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quartiles by one sort of the column (many values) equal quartiles read off the grouped counts."""
    monkeypatch.setattr(profile_module, "GROUPED_QUARTILES_MAX", 10)
    p = profile(duck_file, "items")
    assert p.statements == 2 + 1 + 2 + 2 * 2 + 4
    assert_matches_pandas(p, frame)


def test_model_table_with_rls(duck_file: Path, frame: pd.DataFrame) -> None:
    spec = {
        "name": "shop",
        "connection": f"duckdb:///{duck_file}",
        "tables": {
            "items": {
                "table": "main.items",
                "dimensions": {"flag": {"type": "boolean"}},
                "measures": {"n": {"agg": "count"}},
            }
        },
        "rls": {"rules": [{"name": "flagged", "table": "items", "filter": "flag", "assign": [{"group": "g"}]}]},
        "users": [{"id": "ann", "groups": ["g"]}, {"id": "zed"}],
    }
    model = bn.SemanticModel.from_dict(spec)
    p = profile(model, "items", user="ann")
    assert_matches_pandas(p, frame[frame["flag"]].reset_index(drop=True))
    assert profile(model, "items", user="zed").row_count == 0
    with pytest.raises(QueryError, match="did you mean 'items'"):
        profile(model, "itemz")


def test_guard_refuses_a_table_outside_the_model(duck_file: Path) -> None:
    spec = {"name": "shop", "connection": f"duckdb:///{duck_file}", "tables": {"items": {"table": "main.items"}}}
    model = bn.SemanticModel.from_dict(spec)
    with pytest.raises((QueryError, SecurityError)):
        profile(model, "duckdb_settings")


def test_postgres_profile_equals_pandas(postgres_url: str, frame: pd.DataFrame) -> None:
    import psycopg

    table = f"items_{dt.datetime.now().strftime('%H%M%S%f')}"
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(
            f"CREATE TABLE {table} (id BIGINT, qty BIGINT, price DOUBLE PRECISION, label TEXT, day DATE, flag BOOLEAN, "
            "code TEXT)"
        )
        with con.cursor().copy(f"COPY {table} FROM STDIN") as copy:
            for r in frame.itertuples(index=False):
                copy.write_row(
                    [
                        r.id,
                        None if pd.isna(r.qty) else int(r.qty),
                        None if np.isnan(r.price) else float(r.price),
                        None if pd.isna(r.label) else r.label,
                        r.day,
                        bool(r.flag),
                        r.code,
                    ]
                )
    p = profile(postgres_url, table)
    assert_matches_pandas(p, frame)
    assert not math.isnan(p.quality_percent)
