"""Time words of a question: "last 30 days", "in 2024", "Q1 2025", "this year vs last year".

Each recogniser reads the token list at one position and, when it matches, returns how many
tokens it used and what it means: a filter on the time dimension or a time-intelligence flag.
Filters are relative to ``as_of`` through the engine's own ``relative_date``/``relative_period``
ops, so "last month" means the same here as on a slicer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

UNITS = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
#: a month by its name or its usual short form ("jan", "sept")
MONTH_NUMBER = {**{m: i + 1 for i, m in enumerate(MONTHS)}, **{m[:3]: i + 1 for i, m in enumerate(MONTHS)},
                "sept": 9}
_RANGE = {"to", "and", "through", "thru", "until", "till"}
_LAST = {"last", "past", "previous", "prior", "trailing"}
_THIS = {"this", "current"}
_IN = {"in", "during", "for", "of", "from", "within"}
#: multi-word flags, longest first; each maps to a time-intelligence intent
FLAGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("this", "year", "versus", "last", "year"), "compare_py"),
    (("this", "year", "compared", "to", "last", "year"), "compare_py"),
    (("compared", "to", "last", "year"), "compare_py"),
    (("compared", "with", "last", "year"), "compare_py"),
    (("versus", "last", "year"), "compare_py"),
    (("versus", "previous", "year"), "compare_py"),
    (("year", "over", "year", "growth"), "growth"),
    (("year", "over", "year"), "growth"),
    (("yoy", "growth"), "growth"),
    (("yoy",), "growth"),
    (("growth",), "growth"),
    (("month", "over", "month"), "mom"),
    (("year", "to", "date"), "ytd"),
    (("ytd",), "ytd"),
    (("running", "total"), "running_total"),
    (("cumulative",), "running_total"),
    (("share", "of", "total"), "share"),
    (("percent", "of", "total"), "share"),
    (("percent", "of"), "share"),
    (("share",), "share"),
    (("proportion",), "share"),
)


@dataclass
class TimeIntent:
    """What the time words asked for."""

    filters: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def _year(token: str) -> int | None:
    if token.isdigit() and len(token) == 4 and 1900 <= int(token) <= 2100:
        return int(token)
    return None


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def read_time(tokens: list[str], used: list[bool], time_dim: str) -> TimeIntent:
    """Mark the time tokens of ``tokens`` as used and return what they mean for ``time_dim``."""
    intent = TimeIntent()
    i = 0
    while i < len(tokens):
        if used[i]:
            i += 1
            continue
        n = _match_flag(tokens, i, intent) or _match_relative(tokens, i, intent, time_dim) \
            or _match_range(tokens, i, intent, time_dim) or _match_absolute(tokens, i, intent, time_dim)
        if n:
            for k in range(i, i + n):
                used[k] = True
            i += n
        else:
            i += 1
    return intent


def _match_flag(tokens: list[str], i: int, intent: TimeIntent) -> int:
    for phrase, flag in FLAGS:
        if tuple(tokens[i:i + len(phrase)]) == phrase:
            if flag not in intent.flags:
                intent.flags.append(flag)
            return len(phrase)
    return 0


def _match_relative(tokens: list[str], i: int, intent: TimeIntent, time_dim: str) -> int:
    t = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    after = tokens[i + 2] if i + 2 < len(tokens) else ""
    if t in _LAST and nxt.isdigit() and after in UNITS:
        n = int(nxt)
        intent.filters.append({"field": time_dim, "op": "relative_date", "values": [-n, UNITS[after]]})
        return 3
    if t in _LAST and nxt in UNITS:
        intent.filters.append({"field": time_dim, "op": "relative_period", "values": [-1, UNITS[nxt]]})
        return 2
    if t in _THIS and nxt in UNITS:
        intent.filters.append({"field": time_dim, "op": "relative_period", "values": [0, UNITS[nxt]]})
        return 2
    if t == "today":
        intent.filters.append({"field": time_dim, "op": "relative_date", "values": [-1, "day"]})
        return 1
    if t == "yesterday":
        intent.filters.append({"field": time_dim, "op": "relative_period", "values": [-1, "day"]})
        return 1
    return 0


def _period(tokens: list[str], j: int) -> tuple[str, int, int | None, int] | None:
    """A month or quarter at ``tokens[j]``, with its year when one follows: (unit, number, year, tokens used)."""
    word = tokens[j] if j < len(tokens) else ""
    if word in MONTH_NUMBER:
        unit, n = "month", MONTH_NUMBER[word]
    elif len(word) == 2 and word[0] == "q" and word[1] in "1234":
        unit, n = "quarter", int(word[1])
    else:
        return None
    year = _year(tokens[j + 1]) if j + 1 < len(tokens) else None
    return unit, n, year, 2 if year else 1


def _match_range(tokens: list[str], i: int, intent: TimeIntent, time_dim: str) -> int:
    """"January to June 2025", "between March and May 2024", "Nov 2024 to Feb 2025", "Q1-Q3 2025"."""
    lead = 1 if tokens[i] in _IN or tokens[i] == "between" else 0
    first = _period(tokens, i + lead)
    if first is None:
        return 0
    j = i + lead + first[3]
    conj = 1 if j < len(tokens) and tokens[j] in _RANGE else 0
    second = _period(tokens, j + conj)
    if second is None or second[0] != first[0] or second[2] is None or (not conj and first[2] is not None):
        return 0
    size = 1 if first[0] == "month" else 3
    end_year = second[2]
    start_year = first[2] if first[2] is not None else end_year - (first[1] > second[1])
    start = dt.date(start_year, (first[1] - 1) * size + 1, 1)
    end = _month_end(end_year, second[1] * size)
    if start > end:
        return 0
    intent.filters.append({"field": time_dim, "op": "date_range", "values": [_iso(start), _iso(end)]})
    return j + conj + second[3] - i


def _match_absolute(tokens: list[str], i: int, intent: TimeIntent, time_dim: str) -> int:
    t = tokens[i]
    lead = 1 if t in _IN or t in ("since", "before", "after", "between") else 0
    word = tokens[i + lead] if i + lead < len(tokens) else ""
    follow = tokens[i + lead + 1] if i + lead + 1 < len(tokens) else ""
    # Q1 2024 / March 2024
    if len(word) == 2 and word[0] == "q" and word[1] in "1234" and _year(follow):
        y, q = _year(follow), int(word[1])
        assert y is not None
        start, end = dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
        intent.filters.append({"field": time_dim, "op": "date_range", "values": [_iso(start), _iso(end)]})
        return lead + 2
    if word in MONTH_NUMBER and _year(follow):
        y, m = _year(follow), MONTH_NUMBER[word]
        assert y is not None
        intent.filters.append({"field": time_dim, "op": "date_range",
                               "values": [_iso(dt.date(y, m, 1)), _iso(_month_end(y, m))]})
        return lead + 2
    year = _year(word)
    if year is None:
        return 0
    if t == "since" or t == "after":
        first = year if t == "since" else year + 1
        intent.filters.append({"field": time_dim, "op": ">=", "values": [f"{first}-01-01"]})
        return 2
    if t == "before":
        intent.filters.append({"field": time_dim, "op": "<", "values": [f"{year}-01-01"]})
        return 2
    end_year = year
    used = lead + 1
    if follow in ("and", "to", "through", "until", "versus", "or") and _year(tokens[i + lead + 2] if i + lead + 2
                                                                          < len(tokens) else ""):
        end_year = int(tokens[i + lead + 2])
        used = lead + 3
    lo, hi = min(year, end_year), max(year, end_year)
    intent.years.extend(range(lo, hi + 1))
    intent.filters.append({"field": time_dim, "op": "date_range", "values": [f"{lo}-01-01", f"{hi}-12-31"]})
    return used
