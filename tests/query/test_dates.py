"""Relative date bounds and period starts, checked against their definitions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bheem_nb.query import dates

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@given(days, st.integers(1, 400))
def test_last_n_days_is_as_of_minus_n_exclusive_to_as_of_inclusive(as_of: dt.date, n: int) -> None:
    start, end = dates.relative_date_bounds(as_of, -n, "day")
    assert (end - start).days == n
    assert end - dt.timedelta(days=1) == as_of
    assert start == as_of - dt.timedelta(days=n) + dt.timedelta(days=1)


@given(days, st.integers(1, 400))
def test_next_n_days_follow_as_of(as_of: dt.date, n: int) -> None:
    start, end = dates.relative_date_bounds(as_of, n, "day")
    assert start == as_of + dt.timedelta(days=1) and (end - start).days == n


@given(days, st.sampled_from(["week", "month", "quarter", "year"]), st.integers(-8, 8))
def test_relative_periods_tile_the_calendar(as_of: dt.date, unit: str, k: int) -> None:
    start, end = dates.relative_period_bounds(as_of, k, unit)
    assert start == dates.period_start(start, unit), "a period starts on its own boundary"
    if k == 0:
        assert start <= as_of < end == as_of + dt.timedelta(days=1)
    else:
        assert end == dates.shift(start, 1, unit)
        nxt_start, _ = dates.relative_period_bounds(as_of, k + 1, unit)
        assert nxt_start == end, "consecutive periods touch"


@given(days, st.sampled_from([1, 4, 7, 10]))
def test_fiscal_year_start(day: dt.date, start_month: int) -> None:
    start = dates.period_start(day, "fiscal_year", start_month)
    assert start.month == start_month and start.day == 1
    assert start <= day < dates.shift(start, 1, "year")


@pytest.mark.parametrize(("as_of", "k", "unit", "expected"), [
    (dt.date(2024, 6, 30), -1, "quarter", (dt.date(2024, 1, 1), dt.date(2024, 4, 1))),
    (dt.date(2024, 3, 31), -1, "month", (dt.date(2024, 2, 1), dt.date(2024, 3, 1))),
    (dt.date(2024, 2, 29), -1, "year", (dt.date(2023, 1, 1), dt.date(2024, 1, 1))),
    (dt.date(2024, 6, 30), 0, "week", (dt.date(2024, 6, 24), dt.date(2024, 7, 1))),
    (dt.date(2024, 5, 15), -1, "fiscal_year", (dt.date(2023, 4, 1), dt.date(2024, 4, 1))),
])
def test_named_examples(as_of: dt.date, k: int, unit: str, expected: tuple[dt.date, dt.date]) -> None:
    fiscal = 4 if unit.startswith("fiscal") else 1
    assert dates.relative_period_bounds(as_of, k, unit, fiscal) == expected


def test_month_arithmetic_clamps() -> None:
    assert dates.shift(dt.date(2024, 3, 31), -1, "month") == dt.date(2024, 2, 29)
    with pytest.raises(ValueError, match="unknown date unit 'fortnight'"):
        dates.shift(dt.date(2024, 1, 1), 1, "fortnight")
