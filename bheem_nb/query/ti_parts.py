"""Building blocks shared by the time-intelligence compiler: partial aggregates, views, windows.

A base measure is pre-aggregated into *partials* that can be combined again over any set of
days (a SUM of daily SUMs is the SUM; an AVG is a SUM over a COUNT), so a year-to-date is
one range join over per-day rows instead of a second scan of the facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import MeasureField
from bheem_nb.query import dates
from bheem_nb.query.time_intelligence import PRIOR_TO_DATE, SHIFTS, TO_DATE, UNIT_DAYS, UNIT_MONTHS, Modifier

ADDITIVE = ("sum", "count", "count_distinct")  # an empty period is 0, not blank
DECOMPOSABLE = ("sum", "count", "min", "max", "avg")


@dataclass(frozen=True)
class View:
    """One value a modifier reads: the row's period, a date window, or a shifted period.

    ``kind`` is ``cur``, ``win`` (``lo``/``hi`` say how to derive the half-open range from the
    row's period) or ``shift`` (``months``/``days`` back, then the period containing it).
    """

    kind: str
    lo: tuple[str, int, int] = ("", 0, 0)  # (anchor, months, days): anchor "start:<unit>" | "end" | "last"
    hi: tuple[str, int, int] = ("", 0, 0)
    months: int = 0
    days: int = 0


CUR = View("cur")


def unit_of(name: str, fiscal: int) -> str:
    unit = TO_DATE.get(name) or PRIOR_TO_DATE.get(name) or "year"
    if fiscal != 1 and unit in ("year", "quarter"):
        return f"fiscal_{unit}"
    return unit


def step(unit: str, n: int = 1) -> tuple[int, int]:
    """(months, days) of ``n`` units."""
    if unit in UNIT_MONTHS:
        return UNIT_MONTHS[unit] * n, 0
    return 0, UNIT_DAYS[unit] * n


def views_of(mod: Modifier | None, fiscal: int, fine: bool) -> list[View]:
    """The views a modifier needs. ``fine``: the grain is day or week (ends shift by their last day)."""
    if mod is None or mod.kind in ("sequence", "share"):
        return [CUR]
    name = mod.name
    if name in TO_DATE:
        return [View("win", lo=(f"start:{unit_of(name, fiscal)}", 0, 0), hi=("end", 0, 0))]
    if name in PRIOR_TO_DATE or name == "ytd_growth_pct":
        unit = unit_of(name, fiscal)
        months, days = step(unit, -1)
        prior = View("win", lo=(f"start:{unit}", months, days), hi=_shifted_end(months, days, fine))
        if name == "ytd_growth_pct":
            return [View("win", lo=(f"start:{unit}", 0, 0), hi=("end", 0, 0)), prior]
        return [prior]
    if name == "rolling":
        months, days = step(mod.unit, -mod.n)
        lo = ("last", months, days + 1) if fine and months else ("end", months, days)
        return [View("win", lo=lo, hi=("end", 0, 0))]
    if name == "diff_from_previous":
        return [CUR, View("shift")]  # months/days filled in by the compiler from the grain
    if name == "shift":
        months, days = step(mod.unit, mod.n)
        return [View("shift", months=months, days=days)]
    months, days, _ = SHIFTS[name]
    back = View("shift", months=-months, days=-days)
    return [back] if SHIFTS[name][2] == "value" else [CUR, back]


def _shifted_end(months: int, days: int, fine: bool) -> tuple[str, int, int]:
    # day/week rows: the shifted last day, inclusive (Feb 29 → Feb 28, not Feb 27)
    return ("last", months, days + 1) if fine and months else ("end", months, days)


def asof_bounds(mod: Modifier, as_of: dt.date, fiscal: int) -> list[tuple[dt.date | None, dt.date | None]]:
    """Without a time dimension: the literal [lo, hi) date ranges of each view, around ``as_of``."""
    one = dt.timedelta(days=1)
    name = mod.name
    if name in TO_DATE or name in PRIOR_TO_DATE or name == "ytd_growth_pct":
        unit = unit_of(name, fiscal)
        start = dates.period_start(as_of, unit, fiscal)
        current = (start, as_of + one)
        prior = (dates.shift(start, -1, unit), dates.shift(as_of, -1, unit) + one)
        if name == "ytd_growth_pct":
            return [current, prior]
        return [prior] if name in PRIOR_TO_DATE else [current]
    if name == "rolling":
        return [(dates.shift(as_of, -mod.n, mod.unit) + one, as_of + one)]
    if name == "running_total":
        return [(None, as_of + one)]
    if mod.kind == "share":
        return [(None, None)]
    if name in SHIFTS:
        months, _, kind = SHIFTS[name]
        unit = {12: "year", 3: "quarter", 1: "month"}.get(months, "week")
        if fiscal != 1 and unit in ("year", "quarter"):
            unit = f"fiscal_{unit}"
        start = dates.period_start(as_of, unit, fiscal)
        cur = (start, dates.shift(start, 1, unit))
        prev = (dates.shift(start, -1, unit), start)
        return [prev] if kind == "value" else [cur, prev]
    raise QueryError(f"{mod.text()} needs a time dimension in the query")


def partials(m: MeasureField, atom_is_grain: bool, label: str) -> list[MeasureField]:
    """The per-atom aggregates stored for base measure ``m`` (two for avg: sum and count)."""
    agg = m.spec.agg
    if agg not in DECOMPOSABLE and not atom_is_grain:
        raise QueryError(
            f"{label!r}: {m.qualified} uses agg {agg!r}, which cannot be added up over a date window; "
            "date windows (to-date, rolling) work on sum, count, min, max and avg measures")
    if agg == "avg":
        return [_clone(m, "sum", "s"), _clone(m, "count", "c")]
    return [_clone(m, agg or "sum", "p")]


def _clone(m: MeasureField, agg: str, tag: str) -> MeasureField:
    spec = m.spec.model_copy(update={"agg": agg})
    return replace(m, name=f"{m.name}__{tag}", spec=spec)


def combine(m: MeasureField, cols: list[exp.Expr], atom_is_grain: bool) -> exp.Expr:
    """Re-aggregate partial columns ``cols`` of ``m`` over a group of atoms."""
    agg = m.spec.agg
    if agg in ("sum", "count"):
        return exp.Sum(this=cols[0])
    if agg == "min":
        return exp.Min(this=cols[0])
    if agg == "max":
        return exp.Max(this=cols[0])
    if agg == "avg":
        num = exp.Sum(this=cols[0])
        den = exp.Nullif(this=exp.Sum(this=cols[1]), expression=exp.Literal.number(0))
        return exp.Div(this=exp.cast(num, "double"), expression=den)
    assert atom_is_grain
    return exp.Max(this=cols[0])
