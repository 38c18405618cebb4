"""The shared Arrow type convention of ``bheem_nb.connectors._arrow``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from bheem_nb.connectors._arrow import decimal_values, infer_array, normalize_decimals, to_array, transpose


def test_normalize_decimals() -> None:
    t = pa.table({
        "money": pa.array([Decimal("1.25"), None], pa.decimal128(10, 2)),
        "total": pa.array([Decimal("15"), Decimal("-3")], pa.decimal128(38, 0)),
        "huge": pa.array([Decimal("1" * 30), None], pa.decimal128(38, 0)),
        "kept": pa.array(["a", "b"]),
    })
    out = normalize_decimals(t)
    assert out.schema.types == [pa.float64(), pa.int64(), pa.float64(), pa.string()]
    assert out.column("money").to_pylist() == [1.25, None]
    assert out.column("total").to_pylist() == [15, -3]
    assert out.column("huge").to_pylist()[0] == pytest.approx(float("1" * 30))
    plain = pa.table({"x": [1]})
    assert normalize_decimals(plain) is plain


def test_decimal_values() -> None:
    assert decimal_values([Decimal("2"), None], 0).type == pa.int64()
    assert decimal_values([Decimal("2.50"), None], 2).to_pylist() == [2.5, None]
    assert decimal_values([Decimal("9" * 25)], 0).type == pa.float64()


def test_to_array_falls_back() -> None:
    assert to_array([1, None], pa.int32()).type == pa.int32()
    assert to_array(["2024-01-01", None], pa.date32()).type == pa.string()
    assert to_array([b"\x00", None], pa.string()).type == pa.binary()
    assert to_array([dt.date(2024, 1, 1)], None).type == pa.date32()


def test_infer_array() -> None:
    assert infer_array([1, 2.5]).type == pa.float64()
    assert infer_array([2**64 - 1]).type == pa.uint64()
    assert infer_array([-(2**70)]).to_pylist() == [str(-(2**70))]
    assert infer_array([1, "a", None]).to_pylist() == ["1", "a", None]


def test_transpose() -> None:
    assert transpose([(1, "a"), (2, "b")], 2) == [[1, 2], ["a", "b"]]
    assert transpose([], 3) == [[], [], []]
