"""CSV, Parquet, JSON and Excel files as tables of a private, locked-down DuckDB.

Each file becomes one table named after its stem (``Sales 2024.csv`` → ``sales_2024``); an
Excel workbook with several sheets gives one table per sheet (``book_<sheet>``). The files are
read once, when the connector is made; afterwards the DuckDB connection is locked
(``enable_external_access=false``, ``lock_configuration=true``), so SQL can read only the
loaded tables, never another file on the machine, and cannot write anything back.

    >>> conn = FilesConnector("data/")            # every supported file in the folder
    >>> conn.list_tables()
    ['customers', 'orders']
"""

from __future__ import annotations

import glob
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from bheem_nb.connectors.base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, Column, Connector
from bheem_nb.connectors.duckdb import DuckDBConnector
from bheem_nb.errors import BheemConnectionError

if TYPE_CHECKING:
    import pandas as pd

#: file suffix → reader; ``.gz``/``.zst`` compressed text files are read too
SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".xlsx": "excel",
}
_COMPRESSION = (".gz", ".zst")
#: after loading: no file, URL, extension or Python-variable access, and no SET to undo it
_LOCK_DOWN = (
    "SET enable_external_access = false",
    "SET python_enable_replacements = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET lock_configuration = true",
)
_GLOB_CHARS = re.compile(r"[*?\[]")


def file_kind(path: str | Path) -> str | None:
    """The reader for a file name (``csv``, ``parquet``, ``json``, ``excel``), or None."""
    name = Path(path).name.lower()
    for comp in _COMPRESSION:
        if name.endswith(comp):
            name = name[: -len(comp)]
    return SUFFIXES.get(Path(name).suffix)


def table_name(stem: str) -> str:
    """A plain SQL identifier from a file stem: lower case, ``[a-z0-9_]``, not starting with a digit."""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()  # é → e
    name = re.sub(r"[^0-9a-zA-Z_]+", "_", ascii_stem).strip("_").lower() or "table"
    return f"t_{name}" if name[0].isdigit() else name


def _stem(path: Path) -> str:
    name = path.name
    for comp in _COMPRESSION:
        if name.lower().endswith(comp):
            name = name[: -len(comp)]
    return Path(name).stem


class FilesConnector(Connector):
    """One file, a folder (its supported files, not sub-folders unless ``recursive``) or a glob.

    Relative paths are resolved against ``base_dir`` (default: the working directory).
    :attr:`sources` maps each table to the file (and sheet) it came from.
    """

    dialect = "duckdb"

    def __init__(
        self,
        path: str | Path | Sequence[str | Path],
        *,
        base_dir: str | Path | None = None,
        recursive: bool = False,
        threads: int | None = None,
    ) -> None:
        paths = [path] if isinstance(path, str | Path) else list(path)
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        self.paths = [Path(p) if Path(p).is_absolute() else base / p for p in paths]
        self.name = "files:///" + ",".join(str(p) for p in self.paths)
        files = _expand(self.paths, recursive)
        self.sources: dict[str, str] = {}
        con = duckdb.connect(":memory:", config={"threads": threads} if threads else {})
        try:
            for file in files:
                self._load(con, file)
            for setting in _LOCK_DOWN:
                con.execute(setting)
        except BaseException:
            con.close()
            raise
        self._db = DuckDBConnector(connection=con, read_only=True)
        self._db.name = self.name
        self._version = _fingerprint(files)

    # ------------------------------------------------------------------ loading

    def _load(self, con: duckdb.DuckDBPyConnection, file: Path) -> None:
        kind = file_kind(file)
        try:
            if kind == "excel":
                self._load_excel(con, file)
                return
            if kind == "csv":
                rel = con.read_csv(str(file))
            elif kind == "parquet":
                rel = con.read_parquet(str(file))
            else:
                rel = con.read_json(str(file))
            rel.create(self._claim(_stem(file), str(file)))
        except duckdb.Error as exc:
            raise BheemConnectionError(f"could not read {kind} file {file}: {exc}") from exc

    def _load_excel(self, con: duckdb.DuckDBPyConnection, file: Path) -> None:
        import pandas as pd

        try:
            sheets = pd.read_excel(file, sheet_name=None, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many unrelated types for a bad workbook
            raise BheemConnectionError(f"could not read Excel file {file}: {exc}") from exc
        sheets = {name: df for name, df in sheets.items() if len(df.columns)}
        for sheet, df in sheets.items():
            stem = _stem(file) if len(sheets) == 1 else f"{_stem(file)}_{sheet}"
            con.from_arrow(_excel_frame_to_arrow(df)).create(self._claim(stem, f"{file}#{sheet}"))

    def _claim(self, stem: str, source: str) -> str:
        base = table_name(stem)
        name, n = base, 1
        while name in self.sources:
            n += 1
            name = f"{base}_{n}"
        self.sources[name] = source
        return name

    # ------------------------------------------------------------------ Connector

    def list_schemas(self) -> list[str]:
        return self._db.list_schemas()

    def list_tables(self, schema: str | None = None) -> list[str]:
        return self._db.list_tables(schema)

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        return self._db.list_columns(table, schema)

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        return self._db.execute(sql, timeout=timeout, max_rows=max_rows)

    def data_version(self) -> str:
        return self._version

    def close(self) -> None:
        self._db.close()


def _expand(paths: Iterable[Path], recursive: bool) -> list[Path]:
    """The supported files named by paths, folders and globs, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if _GLOB_CHARS.search(str(path)):
            matches = [Path(m) for m in sorted(glob.glob(str(path), recursive=True))]
            found = [m for m in matches if m.is_file() and file_kind(m)]
            if not found:
                raise BheemConnectionError(f"no {_supported()} file matches {path}")
        elif path.is_dir():
            pattern = "**/*" if recursive else "*"
            found = sorted(p for p in path.glob(pattern) if p.is_file() and file_kind(p))
            if not found:
                raise BheemConnectionError(f"the folder {path} holds no {_supported()} file")
        elif path.is_file():
            if not file_kind(path):
                raise BheemConnectionError(
                    f"cannot read {path}: the files connector reads {_supported()} files"
                )
            found = [path]
        else:
            raise BheemConnectionError(f"file or folder not found: {path}")
        files.extend(f for f in found if f not in files)
    return files


def _supported() -> str:
    return "/".join(sorted(SUFFIXES))


def _fingerprint(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for f in files:
        st = f.stat()
        digest.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _excel_frame_to_arrow(df: pd.DataFrame) -> pa.Table:
    """An Excel sheet as Arrow: dates without a time become DATE, mixed columns become text.

    Excel has no date type of its own, so a datetime column whose values all fall on midnight
    is taken to be a date column.
    """
    import pandas as pd

    arrays: list[pa.Array] = []
    for col in df.columns:
        series = df[col]
        try:
            arr = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = pa.array([None if pd.isna(v) else str(v) for v in series], type=pa.string())
        if pa.types.is_timestamp(arr.type):
            values = series.dropna()
            if (values == values.dt.normalize()).all():
                arr = arr.cast(pa.date32())
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=[str(c) for c in df.columns])
