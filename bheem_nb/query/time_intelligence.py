"""Time-intelligence modifiers: what ``revenue:ytd`` or ``revenue:rolling(3, month)`` means.

A modifier is parsed once into a :class:`Modifier`; the compiler (``ti_compiler``) turns it
into SQL. Every modifier is one of four kinds:

* ``window``: the measure over a calendar date range derived from the row's period
  (``ytd`` .. ``pmtd``, ``rolling(N, unit)``, and the growth of two such windows);
* ``shift``: the row's period compared with the period a calendar step earlier
  (``py``, ``yoy``, ``qoq``, ``mom``, ``wow_pct``, ``diff_from_previous``);
* ``sequence``: over the ordered, gap-free periods of the query grain
  (``running_total``, ``running_avg``, ``moving_avg(N)``);
* ``share``: relative to other rows (``share_of_total``, ``rank``, ``pct_of_parent``).

See ``docs/time_intelligence.md`` for the exact semantics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bheem_nb.errors import QueryError

TO_DATE = {"ytd": "year", "qtd": "quarter", "mtd": "month", "wtd": "week"}
PRIOR_TO_DATE = {"pytd": "year", "pqtd": "quarter", "pmtd": "month"}
# shift modifiers: (step in months, step in days, output: "value" | "diff" | "pct")
SHIFTS: dict[str, tuple[int, int, str]] = {
    "py": (12, 0, "value"), "yoy": (12, 0, "diff"), "yoy_pct": (12, 0, "pct"),
    "qoq": (3, 0, "diff"), "qoq_pct": (3, 0, "pct"),
    "mom": (1, 0, "diff"), "mom_pct": (1, 0, "pct"),
    "wow_pct": (0, 7, "pct"),
}
SEQUENCES = ("running_total", "running_avg", "moving_avg")
SHARES = ("share_of_total", "rank", "pct_of_parent")
SIMPLE = (*TO_DATE, *PRIOR_TO_DATE, "ytd_growth_pct", *SHIFTS, "diff_from_previous",
          "running_total", "running_avg", *SHARES)
WITH_ARGS = ("rolling", "moving_avg")
ROLLING_UNITS = ("day", "week", "month", "quarter", "year")
ALL_NAMES = (*SIMPLE, "rolling(N, unit)", "moving_avg(N)")

# how fine a grain is; a period of one grain lies inside a period of a coarser one
GRAIN_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "fiscal_quarter": 3, "year": 4, "fiscal_year": 4}
UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12, "fiscal_quarter": 3, "fiscal_year": 12}
UNIT_DAYS = {"day": 1, "week": 7}

_CALL = re.compile(r"^\s*([a-z_]+)\s*(?:\((.*)\))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Modifier:
    """One parsed modifier, e.g. ``Modifier("rolling", n=3, unit="month")``."""

    name: str
    n: int = 0
    unit: str = ""

    @property
    def kind(self) -> str:
        if self.name in (*TO_DATE, *PRIOR_TO_DATE, "ytd_growth_pct", "rolling"):
            return "window"
        if self.name in (*SHIFTS, "diff_from_previous", "shift"):
            return "shift"
        if self.name in SEQUENCES:
            return "sequence"
        return "share"

    def text(self) -> str:
        if self.name == "rolling":
            return f"rolling({self.n}, {self.unit})"
        if self.name == "moving_avg":
            return f"moving_avg({self.n})"
        if self.name == "shift":  # DATEADD(n, unit) in a formula
            return f"dateadd({self.n}, {self.unit})"
        return self.name


def parse_modifier(text: str, where: str = "") -> Modifier:
    """Read ``ytd``, ``rolling(3, month)`` or ``moving_avg(3)``; errors quote the bad token."""
    at = f" in {where!r}" if where else ""
    match = _CALL.match(text)
    if not match:
        raise QueryError(f"cannot read time-intelligence modifier {text!r}{at}; write e.g. ytd or rolling(3, month)")
    name, args = match.group(1).lower(), match.group(2)
    if name not in SIMPLE and name not in WITH_ARGS:
        import difflib

        close = difflib.get_close_matches(name, [*SIMPLE, *WITH_ARGS], n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise QueryError(f"unknown time-intelligence modifier {name!r}{at}{hint} (modifiers: {', '.join(ALL_NAMES)})")
    parts = [p.strip() for p in args.split(",")] if args is not None and args.strip() else []
    if name == "rolling":
        if len(parts) != 2:
            raise QueryError(f"rolling takes (N, unit), e.g. rolling(3, month); got {text!r}{at}")
        n = _count(parts[0], text, at)
        unit = parts[1].lower().removesuffix("s")
        if unit not in ROLLING_UNITS:
            raise QueryError(f"rolling: unknown unit {parts[1]!r}{at}; use one of {', '.join(ROLLING_UNITS)}")
        return Modifier(name, n, unit)
    if name == "moving_avg":
        if len(parts) != 1:
            raise QueryError(f"moving_avg takes (N), the number of periods, e.g. moving_avg(3); got {text!r}{at}")
        return Modifier(name, _count(parts[0], text, at))
    if args is not None:
        raise QueryError(f"modifier {name!r} takes no arguments; got {text!r}{at}")
    return Modifier(name)


def _count(token: str, text: str, at: str) -> int:
    if not token.isdigit() or int(token) < 1:
        raise QueryError(f"expected a whole number of at least 1, got {token!r} in {text!r}{at}")
    return int(token)


def split_measure(text: str) -> tuple[str, Modifier | None]:
    """``"revenue:ytd"`` → ``("revenue", Modifier("ytd"))``; a plain name has no modifier."""
    if ":" not in text:
        return text, None
    name, _, modifier = text.partition(":")
    return name.strip(), parse_modifier(modifier, text)


def check_grain(mod: Modifier, grain: str | None, label: str) -> None:
    """Refuse combinations without a meaning, e.g. ``mtd`` by quarter or ``mom`` by year."""
    if grain is None:
        if mod.name in ("moving_avg", "diff_from_previous", "shift"):
            raise QueryError(f"{label!r}: {mod.name} runs over the periods of a time dimension; "
                             f"add one to the query, e.g. order_date.month")
        return
    unit = TO_DATE.get(mod.name) or PRIOR_TO_DATE.get(mod.name)
    if mod.name == "ytd_growth_pct":
        unit = "year"
    if unit is None and mod.name in SHIFTS:
        months, days = SHIFTS[mod.name][:2]
        unit = {12: "year", 3: "quarter", 1: "month"}.get(months, "week" if days else "")
    if unit and GRAIN_RANK[grain] > GRAIN_RANK[unit]:
        raise QueryError(f"{label!r}: {mod.name} needs the time dimension at {unit} grain or finer, "
                         f"but the query groups by {grain}")
