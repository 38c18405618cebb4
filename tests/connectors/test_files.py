"""The files connector: naming, folders and globs, Excel, bad input, and the lock-down."""

from __future__ import annotations

import datetime as dt
import gzip
import os
from pathlib import Path

import pyarrow as pa
import pytest

from bheem_nb.connectors import FilesConnector
from bheem_nb.connectors.files import table_name
from bheem_nb.errors import BheemConnectionError
from tests.connectors.conftest import write_csv


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A secret file next to (not inside) the loaded folder."""
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    return secret


@pytest.fixture()
def loaded(tmp_path: Path) -> FilesConnector:
    folder = tmp_path / "data"
    folder.mkdir()
    return FilesConnector(write_csv(folder))


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('{secret}')",
        "SELECT * FROM '{secret}'",
        "SELECT * FROM read_text('{secret}')",
        "SELECT * FROM glob('{folder}/*')",
        "COPY orders TO '{folder}/stolen.csv'",
        "ATTACH '{folder}/other.duckdb' AS other",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "RESET lock_configuration",
        "PRAGMA enable_profiling",
    ],
)
def test_sql_cannot_reach_other_files(loaded: FilesConnector, outside: Path, sql: str) -> None:
    with pytest.raises(BheemConnectionError) as info:
        loaded.execute(sql.format(secret=outside, folder=outside.parent))
    assert "hunter2" not in str(info.value)
    assert not (outside.parent / "stolen.csv").exists()
    assert not (outside.parent / "other.duckdb").exists()
    assert loaded.execute("SELECT COUNT(*) AS n FROM orders").to_pylist() == [{"n": 5}]


def test_lock_down_also_blocks_the_raw_connection(loaded: FilesConnector, outside: Path) -> None:
    import duckdb

    raw = loaded._db.raw
    with pytest.raises(duckdb.Error):
        raw.execute(f"SELECT * FROM read_csv('{outside}')")
    with pytest.raises(duckdb.Error):
        raw.execute("SET enable_external_access = true")


@pytest.mark.parametrize(
    ("stem", "expected"),
    [("orders", "orders"), ("Sales 2024", "sales_2024"), ("2024-sales", "t_2024_sales"), ("Ünï-cöde", "uni_code"),
     ("売上", "table"), ("...", "table"), ("Order", "order")],
)
def test_table_names(stem: str, expected: str) -> None:
    assert table_name(stem) == expected


def test_names_sources_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "Sales 2024.csv").write_text("a,b\n1,x\n")
    (tmp_path / "sales_2024.json").write_text('[{"a": 2}]')
    (tmp_path / "select.csv").write_text("a\n1\n")
    (tmp_path / "README.md").write_text("ignored: not a data file")
    conn = FilesConnector(tmp_path)
    assert conn.list_tables() == ["sales_2024", "sales_2024_2", "select"]
    assert conn.sources == {
        "sales_2024": str(tmp_path / "Sales 2024.csv"),
        "sales_2024_2": str(tmp_path / "sales_2024.json"),
        "select": str(tmp_path / "select.csv"),
    }
    assert conn.execute('SELECT a FROM "select"').to_pylist() == [{"a": 1}]


def test_folder_glob_recursive_and_lists(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("x\n2\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.csv").write_text("x\n3\n")
    assert FilesConnector(tmp_path).list_tables() == ["a", "b"]
    assert FilesConnector(tmp_path, recursive=True).list_tables() == ["a", "b", "c"]
    assert FilesConnector(tmp_path / "*.csv").list_tables() == ["a", "b"]
    assert FilesConnector(str(tmp_path / "**" / "c.csv")).list_tables() == ["c"]
    assert FilesConnector(["a.csv", "sub/c.csv"], base_dir=tmp_path).list_tables() == ["a", "c"]


def test_compressed_csv(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "events.csv.gz", "wt") as f:
        f.write("day,n\n2024-01-01,3\n")
    conn = FilesConnector(tmp_path / "events.csv.gz")
    assert conn.execute("SELECT * FROM events").to_pylist() == [{"day": dt.date(2024, 1, 1), "n": 3}]


def test_excel_sheets_dates_and_mixed_columns(tmp_path: Path) -> None:
    import pandas as pd

    with pd.ExcelWriter(tmp_path / "Budget.xlsx") as xl:
        pd.DataFrame({
            "day": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "at": pd.to_datetime(["2024-01-01 08:30", "2024-01-02 00:00"]),
            "mixed": [1, "two"],
            "amount": [1.5, None],
        }).to_excel(xl, sheet_name="Plan 2024", index=False)
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="Notes", index=False)
    conn = FilesConnector(tmp_path / "Budget.xlsx")
    assert conn.list_tables() == ["budget_notes", "budget_plan_2024"]
    assert conn.sources["budget_plan_2024"].endswith("Budget.xlsx#Plan 2024")
    t = conn.execute("SELECT * FROM budget_plan_2024")
    types = dict(zip(t.column_names, t.schema.types, strict=True))
    assert types["day"] == pa.date32(), "midnight-only datetimes are dates"
    assert pa.types.is_timestamp(types["at"])
    assert t.column("mixed").to_pylist() == ["1", "two"]
    assert t.column("amount").to_pylist() == [1.5, None]


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(BheemConnectionError, match="holds no"):
        FilesConnector(tmp_path)


def test_glob_without_matches(tmp_path: Path) -> None:
    with pytest.raises(BheemConnectionError, match=r"no .* file matches"):
        FilesConnector(tmp_path / "*.parquet")


def test_unsupported_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(BheemConnectionError, match=r"reads .*csv"):
        FilesConnector(tmp_path / "notes.txt")


@pytest.mark.parametrize(("name", "content"), [("bad.parquet", b"not parquet"), ("bad.json", b"{oops"),
                                               ("bad.xlsx", b"not a zip")])
def test_unreadable_file_is_named(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(BheemConnectionError, match=name):
        FilesConnector(tmp_path / name)


def test_data_version_follows_the_files(tmp_path: Path) -> None:
    write_csv(tmp_path)
    first = FilesConnector(tmp_path).data_version()
    assert FilesConnector(tmp_path).data_version() == first
    orders = tmp_path / "orders.csv"
    orders.write_text(orders.read_text() + "6,Zed,1.00,2025-01-01,\n")
    st = orders.stat()
    os.utime(orders, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert FilesConnector(tmp_path).data_version() != first


def test_python_variables_are_not_scanned(loaded: FilesConnector) -> None:
    import pandas as pd

    secret_frame = pd.DataFrame({"password": ["hunter2"]})  # noqa: F841 - reachable by name if not locked
    with pytest.raises(BheemConnectionError):
        loaded.execute("SELECT * FROM secret_frame")
