"""Pages of a choice slicer's options, read from the engine one page at a time.

A page is the next ``size`` distinct values of the field after the last one shown (keyset
paging: ``field > last``), in value order, each with the context's count measure, under every
other slicer's filters and the page's user (so RLS and cascading hold on every page). Blanks
sort last, as the compiler orders them (``NULLS LAST``), and come after the last value.

Counting a page with one grouped query costs a GROUP BY over every value in the fact table
(1M e-mails at 20M orders) before the top of the list is known. For a field of a dimension
table (``customers.email``) a page is found range by range instead, both steps through the
engine: the next values of the field on its own table (a top-N of that small table, as the user,
under the other slicers' filters on that table only) give a range ``(last, bound]``, then the
grouped query restricted to that range counts it (the range filter lets the engine skip every
other value before joining). A range is exact whatever it holds, so the pages are exactly the
grouped query's list. When few values of a range have rows (a selective filter on the fact
table, which also makes the grouped query cheap), the grouped query finishes the page.

    page = option_page(ctx, "customer", "customers.name", search="ma", size=20)
    more = option_page(ctx, "customer", "customers.name", search="ma", size=20, after=page.options[-1]["value"])
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from bheem_nb.errors import BheemError
from bheem_nb.model.fields import DimensionField
from bheem_nb.query.spec import Filter

FIRST: Any = object()
"""``after=FIRST`` asks for the first page."""
ROUNDS = 4  # ranges tried before the grouped query finishes a page
MIN_HITS = 0.5  # below this share of a range's values with rows, the grouped query is the cheaper way
MAX_SPAN = 64  # a range spans at most this many pages' worth of values


@dataclass(frozen=True)
class OptionPage:
    """One page: at most ``size`` ``{"value", "label", "count"}`` dicts, and whether more follow."""

    options: list[dict[str, Any]]
    more: bool


def plain(value: Any) -> Any:
    """A JSON-friendly option value (numpy scalars and dates become plain Python)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def option_page(context: Any, key: str, field: str, *, search: str = "", size: int, after: Any = FIRST) -> OptionPage:
    """The page of ``field``'s options after ``after`` (``FIRST``: the first page), ``size`` at most.

    ``search`` narrows to values containing the text (case-insensitive), in the engine.
    """
    if size < 1:
        raise ValueError(f"page_size must be at least 1, got {size}")
    if after is None:  # the blank is the last value: nothing follows it
        return OptionPage([], False)
    base = [Filter(field, "contains", search)] if search.strip() else []
    limit = size + 1  # one more than a page says whether another page follows
    own = _own_table_filters(context, key, field)
    rows, cursor, done = ([], after, False) if own is None else _by_ranges(context, key, field, base, own, after,
                                                                            limit)
    if not done:
        rows += _counted(context, key, field, [*base, *_after(field, cursor)], limit - len(rows))
        if cursor is not FIRST and len(rows) < limit and not base:
            rows += _counted(context, key, field, [Filter(field, "is_null")], 1)  # `>` never returns the blank
    options = [{"value": v, "label": "(blank)" if v is None else str(v), "count": c} for v, c in rows]
    return OptionPage(options[:size], len(options) > size)


def _after(field: str, after: Any) -> list[Filter]:
    return [] if after is FIRST else [Filter(field, ">", after)]


def _own_table_filters(context: Any, key: str, field: str) -> list[Filter] | None:
    """The other slicers' filters on ``field``'s table; None when that table is the count measure's
    (its top-N would scan the fact table) or the model cannot say."""
    try:
        fields = context.model.fields
        table = fields.resolve(field).field.table
        if table == fields.resolve(context.count_measure).field.table:
            return None
        return [f for f in context.filters_except(key)
                if isinstance((ref := fields.resolve(f.field)).field, DimensionField) and ref.field.table == table]
    except (AttributeError, BheemError):
        return None


def _counted(context: Any, key: str, field: str, filters: list[Filter], limit: int) -> list[tuple[Any, int]]:
    """The grouped query: values with their counts under the page's filters, in value order."""
    df = context.query_except(key, measures=[context.count_measure], dimensions=[field], filters=filters,
                              order=[(field, "asc")], limit=limit).df
    return [(plain(v), int(c) if c == c else 0) for v, c in zip(df.iloc[:, 0], df.iloc[:, 1], strict=True)]


def _values(context: Any, field: str, filters: list[Filter], limit: int) -> list[Any]:
    """The field's next values on its own table, as the page's user, without the other slicers' filters."""
    spec: dict[str, Any] = {"dimensions": [field], "filters": filters, "order": [(field, "asc")], "limit": limit}
    if context.user is not None:
        spec["user"] = context.user
    if context.as_of is not None:
        spec["as_of"] = context.as_of
    return [plain(v) for v in context.model.query(**spec).df.iloc[:, 0]]


def _by_ranges(context: Any, key: str, field: str, base: list[Filter], own: list[Filter], after: Any,
               limit: int) -> tuple[list[tuple[Any, int]], Any, bool]:
    """Up to ``limit`` counted values after ``after``, range by range: (rows, where the rest starts, complete).

    ``base`` is the search (if any); ``own`` the other slicers' filters on the field's table, which
    narrow the bounds too. ``complete`` means nothing is left to look for: a full page, or a search
    whose matches ran out (every match is a value of the field's table; the blank never matches).
    """
    searching = bool(base)
    found: list[tuple[Any, int]] = []
    cursor, batch = after, limit
    for _ in range(ROUNDS):
        bounds = _values(context, field, [*base, *own, *_after(field, cursor)], batch)
        ran_out = len(bounds) < batch
        if not bounds or bounds[-1] is None or (ran_out and not searching):
            return found, cursor, not bounds and searching  # what remains (and any blank) is the grouped query's
        upto = Filter(field, "<=", bounds[-1])
        rows = _counted(context, key, field, [*base, *_after(field, cursor), upto], limit - len(found))
        found, cursor = found + rows, bounds[-1]
        if len(found) >= limit or ran_out:
            return found[:limit], cursor, True
        hits = len(rows) / len(bounds)
        if hits < MIN_HITS:
            break
        batch = min(math.ceil((limit - len(found)) / hits * 1.25), MAX_SPAN * limit)
    return found, cursor, False
