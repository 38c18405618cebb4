"""Turning driver rows into Arrow tables with one type convention for every backend.

The convention, so results look alike whatever the source:

- ``DECIMAL``/``NUMERIC`` with a fractional scale become ``float64``; with scale 0 (what
  ``SUM`` of an integer column gives on DuckDB and MySQL) ``int64`` when every value fits,
  else ``float64``. Money in a notebook is a float; exact decimals stay in the database.
- Dates are ``date32``, timestamps ``timestamp[us]`` (``tz=UTC`` when the source is aware).
- A value that does not fit the type the driver announced falls back to Arrow's own
  inference, and to text as the last resort, rather than failing the whole query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

_CONVERSION_ERRORS = (
    pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError, TypeError, ValueError,
)


def infer_array(values: Sequence[Any]) -> pa.Array:
    """Arrow's inference, with text as the fallback for mixed or exotic values."""
    try:
        return pa.array(values)
    except OverflowError:
        try:  # BIGINT UNSIGNED above 2**63
            return pa.array(values, type=pa.uint64())
        except _CONVERSION_ERRORS:
            pass
    except _CONVERSION_ERRORS:
        pass
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def to_array(values: Sequence[Any], type_: pa.DataType | None) -> pa.Array:
    """``values`` as an Arrow array of ``type_`` when they fit, else inferred."""
    if type_ is not None:
        if pa.types.is_string(type_) and any(isinstance(v, bytes | bytearray) for v in values):
            type_ = pa.binary()  # a binary string (BINARY, VARBINARY, x'..') is bytes, not text
        try:
            return pa.array(values, type=type_)
        except _CONVERSION_ERRORS:
            pass
    return infer_array(values)


def decimal_values(values: Sequence[Any], scale: int | None) -> pa.Array:
    """Python ``Decimal`` values (or None) as int64 when ``scale`` is 0 and they fit, else float64."""
    if scale == 0:
        try:
            return pa.array([None if v is None else int(v) for v in values], type=pa.int64())
        except _CONVERSION_ERRORS:
            pass
    return pa.array([None if v is None else float(v) for v in values], type=pa.float64())


def transpose(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Row tuples to a list of columns (``width`` columns even when there are no rows)."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(col) for col in zip(*rows, strict=True)]


def table_from_arrays(names: Sequence[str], arrays: Sequence[pa.Array]) -> pa.Table:
    """An Arrow table from arrays; duplicate column names are kept as the database sent them."""
    return pa.Table.from_arrays(list(arrays), names=list(names))


def normalize_decimals(table: pa.Table) -> pa.Table:
    """Apply the decimal convention to a table that came out of Arrow-native drivers (DuckDB)."""
    if not any(pa.types.is_decimal(f.type) for f in table.schema):
        return table
    arrays: list[pa.Array | pa.ChunkedArray] = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_decimal(field.type):
            column = _decimal_column(column, field.type.scale)
        arrays.append(column)
    return pa.Table.from_arrays(arrays, names=table.column_names)


def _decimal_column(column: pa.ChunkedArray, scale: int) -> pa.ChunkedArray:
    if scale == 0:
        try:
            return column.cast(pa.int64())
        except _CONVERSION_ERRORS:
            pass
    return column.cast(pa.float64())
