"""Calendar arithmetic done in Python, so relative filters bind plain date literals.

Computing ``last 30 days`` or ``previous quarter`` here (instead of in SQL) keeps the
generated SQL identical on every backend and makes the bounds testable on their own.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

UNITS = ("day", "week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year")
_PLURALS = {u + "s": u for u in UNITS}


def normalise_unit(unit: object) -> str:
    text = str(unit).strip().lower()
    text = _PLURALS.get(text, text)
    if text not in UNITS:
        raise ValueError(f"unknown date unit {unit!r}; use one of {', '.join(UNITS)}")
    return text


def shift(day: dt.date, n: int, unit: str) -> dt.date:
    """``day`` moved by ``n`` units; month ends clamp (Mar 31 − 1 month = Feb 28/29)."""
    unit = normalise_unit(unit)
    if unit == "day":
        return day + dt.timedelta(days=n)
    if unit == "week":
        return day + dt.timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "fiscal_quarter": 3, "year": 12, "fiscal_year": 12}[unit]
    return day + relativedelta(months=n * months)


def period_start(day: dt.date, unit: str, fiscal_start_month: int = 1) -> dt.date:
    """First day of the period of ``unit`` that contains ``day`` (weeks start Monday)."""
    unit = normalise_unit(unit)
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if unit == "year":
        return dt.date(day.year, 1, 1)
    offset = fiscal_start_month - 1
    moved = day - relativedelta(months=offset)
    start = period_start(moved, "quarter" if unit == "fiscal_quarter" else "year")
    return start + relativedelta(months=offset)


def relative_date_bounds(as_of: dt.date, n: int, unit: str) -> tuple[dt.date, dt.date]:
    """Half-open [start, end) of a rolling window anchored on ``as_of``.

    ``n < 0``: the last |n| units, ``as_of − |n| units < date ≤ as_of``;
    ``n > 0``: the next n units, ``as_of < date ≤ as_of + n units``.
    """
    one_day = dt.timedelta(days=1)
    if n > 0:
        return as_of + one_day, shift(as_of, n, unit) + one_day
    return shift(as_of, n, unit) + one_day, as_of + one_day


def relative_period_bounds(
    as_of: dt.date, k: int, unit: str, fiscal_start_month: int = 1
) -> tuple[dt.date, dt.date]:
    """Half-open [start, end) of the period ``k`` units from the one containing ``as_of``.

    ``k = 0`` is this period up to and including ``as_of``; other ``k`` are full periods.
    """
    start = shift(period_start(as_of, unit, fiscal_start_month), k, unit)
    if k == 0:
        return start, as_of + dt.timedelta(days=1)
    end = shift(start, 1, unit)
    return start, end
