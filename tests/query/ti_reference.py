"""An independent pandas reference for time-intelligence modifiers.

Written from the semantics in docs/time_intelligence.md by *membership* (which days belong to a
window: same fiscal year as the cut-off day and not after it, ...) rather than by the range
arithmetic the compiler uses, so the two disagree if either is wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import pandas as pd
from dateutil.relativedelta import relativedelta

Agg = Callable[[pd.Series], Any]
AGGS: dict[str, Agg] = {
    "sum": lambda s: float(s.sum()) if len(s) else 0.0,
    "count": lambda s: float(len(s)),
    "avg": lambda s: float(s.mean()) if s.notna().any() else None,
    "min": lambda s: float(s.min()) if s.notna().any() else None,
    "max": lambda s: float(s.max()) if s.notna().any() else None,
}
MONTH_GRAINS = ("month", "quarter", "year", "fiscal_quarter", "fiscal_year")
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12, "fiscal_quarter": 3, "fiscal_year": 12}


def fiscal_year(d: dt.date, start: int) -> int:
    """Labelled by the calendar year in which the fiscal year ends."""
    return d.year + (1 if start != 1 and d.month >= start else 0)


def fiscal_quarter(d: dt.date, start: int) -> tuple[int, int]:
    months_in = (d.month - start) % 12
    return fiscal_year(d, start), months_in // 3


@functools.cache
def period_of(d: dt.date, grain: str, start: int) -> dt.date:
    """The first day of the period containing d, found by walking back day by day."""
    if grain == "day":
        return d
    if grain == "week":
        return d - dt.timedelta(days=d.weekday())
    key = {
        "month": lambda x: (x.year, x.month),
        "quarter": lambda x: (x.year, (x.month - 1) // 3),
        "year": lambda x: x.year,
        "fiscal_quarter": lambda x: fiscal_quarter(x, start),
        "fiscal_year": lambda x: fiscal_year(x, start),
    }[grain]
    k, first = key(d), d.replace(day=1)
    while key(first - relativedelta(months=1)) == k:
        first -= relativedelta(months=1)
    return first


def next_period(p: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return p + dt.timedelta(days=1)
    if grain == "week":
        return p + dt.timedelta(days=7)
    return p + relativedelta(months=GRAIN_MONTHS[grain])


def same(unit: str, a: dt.date, b: dt.date, start: int) -> bool:
    if unit == "year":
        return fiscal_year(a, start) == fiscal_year(b, start)
    if unit == "quarter":
        return fiscal_quarter(a, start) == fiscal_quarter(b, start)
    if unit == "month":
        return (a.year, a.month) == (b.year, b.month)
    return period_of(a, "week", 1) == period_of(b, "week", 1)


def back(d: dt.date, months: int, grain: str) -> dt.date:
    """The day ``months`` earlier; on month grains a month end maps to a month end."""
    moved = d - relativedelta(months=months)
    if grain in MONTH_GRAINS:
        moved = moved + relativedelta(day=31)
    return moved


class Reference:
    """Values of one measure by (other dims…, period) over a facts frame with a ``day`` column."""

    def __init__(self, facts: pd.DataFrame, dims: list[str], value: str, agg: str, grain: str, start: int = 1):
        self.f, self.dims, self.value, self.grain, self.start = facts, dims, value, grain, start
        self.agg = AGGS[agg]
        self.additive = agg in ("sum", "count")
        self.f = facts.assign(_p=[period_of(d, grain, start) for d in facts["day"]])
        periods = sorted(set(self.f["_p"]))
        self.spine: list[dt.date] = []
        if periods:
            p = periods[0]
            while p <= periods[-1]:
                self.spine.append(p)
                p = next_period(p, grain)
        self.first = periods[0] if periods else None
        combos = self.f[dims].drop_duplicates() if dims else pd.DataFrame([{}])
        self.combos = [tuple(r) for r in combos.itertuples(index=False)]
        self._rows_cache: dict[tuple[Any, ...], pd.DataFrame] = {}
        self._cur_cache: dict[tuple[Any, ...], Any] = {}

    def rows(self, c: tuple[Any, ...]) -> pd.DataFrame:
        f = self.f
        for name, v in zip(self.dims, c, strict=True):
            f = f[f[name].isna()] if pd.isna(v) else f[f[name] == v]
        return f

    def over(self, c: tuple[Any, ...], keep: Callable[[dt.date], bool]) -> Any:
        f = self._rows_cache.get(c)
        if f is None:
            f = self._rows_cache[c] = self.rows(c)
        mask = [keep(d) for d in f["day"]]
        col = f[self.value] if self.value in f else pd.Series(1.0, index=f.index)
        return self.agg(col[mask] if len(f) else col)

    def cur(self, c: tuple[Any, ...], p: dt.date) -> Any:
        key = (c, p)
        if key not in self._cur_cache:
            self._cur_cache[key] = self.over(c, lambda d: period_of(d, self.grain, self.start) == p)
        return self._cur_cache[key]

    def shifted(self, c: tuple[Any, ...], p: dt.date, months: int, days: int = 0) -> Any:
        target = period_of(p - relativedelta(months=months) - dt.timedelta(days=days), self.grain, self.start)
        if self.first is None or target < self.first:
            return None
        return self.cur(c, target)

    def value_of(self, mod: str, c: tuple[Any, ...], p: dt.date) -> Any:
        g, s = self.grain, self.start
        last = next_period(p, g) - dt.timedelta(days=1)
        todate = {"ytd": "year", "qtd": "quarter", "mtd": "month", "wtd": "week"}
        prior = {"pytd": ("year", 12), "pqtd": ("quarter", 3), "pmtd": ("month", 1)}
        if mod in todate:
            return self.over(c, lambda d: same(todate[mod], d, last, s) and d <= last)
        if mod in prior:
            unit, months = prior[mod]
            cut = back(last, months, g)
            if self.first is None or cut < self.first:
                return None
            return self.over(c, lambda d: same(unit, d, cut, s) and d <= cut)
        if mod == "ytd_growth_pct":
            return pct(self.value_of("ytd", c, p), self.value_of("pytd", c, p))
        if mod.startswith("rolling"):
            n, unit = mod[8:-1].split(", ")
            if unit in ("day", "week"):
                lo = last - dt.timedelta(days=int(n) * (7 if unit == "week" else 1))
            else:
                lo = back(last, int(n) * GRAIN_MONTHS[unit], g)
            return self.over(c, lambda d: lo < d <= last)
        shifts = {"py": 12, "yoy": 12, "yoy_pct": 12, "qoq": 3, "qoq_pct": 3, "mom": 1, "mom_pct": 1}
        if mod in shifts:
            before = self.shifted(c, p, shifts[mod])
            if mod == "py":
                return before
            now = self.cur(c, p)
            return pct(now, before) if mod.endswith("_pct") else diff(now, before)
        if mod == "wow_pct":
            return pct(self.cur(c, p), self.shifted(c, p, 0, 7))
        if mod == "diff_from_previous":
            months = GRAIN_MONTHS.get(g, 0)
            days = {"day": 1, "week": 7}.get(g, 0)
            return diff(self.cur(c, p), self.shifted(c, p, months, days))
        seq = [q for q in self.spine if q <= p]
        vals = [self.cur(c, q) for q in seq]
        if mod == "running_total":
            known = [v for v in vals if v is not None]
            return sum(known) if known else None  # a running total of blanks is blank
        if mod == "running_avg":
            return mean(vals)
        if mod.startswith("moving_avg"):
            return mean(vals[-int(mod[11:-1]):])
        raise ValueError(mod)

    def frame(self, mods: list[str], dim_labels: list[str], time_label: str,
              label: Callable[[dt.date], Any] = lambda p: p) -> pd.DataFrame:
        out = []
        for c in self.combos:
            for p in self.spine:
                row = dict(zip(dim_labels, c, strict=True))
                row[time_label] = label(p)
                for m in mods:
                    row[m] = self.cur(c, p) if ":" not in m else self.value_of(m.split(":", 1)[1], c, p)
                out.append(row)
        return pd.DataFrame(out, columns=[*dim_labels, time_label, *mods])


def pct(now: Any, before: Any) -> Any:
    if now is None or before is None or before == 0:
        return None
    return (now - before) * 100.0 / abs(before)


def diff(now: Any, before: Any) -> Any:
    return None if now is None or before is None else now - before


def mean(vals: list[Any]) -> Any:
    vals = [v for v in vals if v is not None]
    return sum(vals) / len(vals) if vals else None
