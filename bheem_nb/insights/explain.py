"""``explain``: which members drive the difference between a chart mark and its neighbour or the total.

    explain(model, "revenue", [Filter("order_date.month", "=", "2024-12-01")],
            compare_to=[Filter("order_date.month", "=", "2024-11-01")], dimensions=["region", "channel"])

Contribution analysis on engine aggregates (one query per dimension and side):

* against a **neighbour** (another mark's filters), a member's contribution is its own change,
  ``value_in_mark - value_in_neighbour``; for additive measures the contributions add up to the
  whole difference, so ``share`` says which part of it each member explains;
* against the **total** (``compare_to="total"`` or None), a mark is a slice of the whole, so raw
  differences only restate its size; the comparison is the mix: each member's value in the mark
  against what it would be if the mark had the total's mix (``share_in_total x mark value``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bheem_nb.insights.source import Source, as_float
from bheem_nb.insights.types import Driver, fmt_num, fmt_pct, label
from bheem_nb.query.spec import Filter, QuerySpec


@dataclass(frozen=True)
class Explanation:
    """What :func:`explanation` found: the mark's value, what it is compared with, and the drivers.

    ``compare_value`` is the neighbour's value, or the total's when ``versus_total``; views need
    both numbers to say "Furniture is $837K below Technology" next to the drivers.
    """

    measure: str
    value: float
    compare_value: float
    versus_total: bool
    drivers: list[Driver]

    @property
    def difference(self) -> float:
        return self.value - self.compare_value


def explain(
    model: Any,
    measure: str,
    mark_filters: Sequence[Any],
    compare_to: str | Sequence[Any] | None = None,
    dimensions: Sequence[str] = (),
    *,
    filters: Sequence[Any] = (),
    top: int = 10,
    user: Any = None,
) -> list[Driver]:
    """The members of ``dimensions`` that explain why the mark (``mark_filters``) differs, ranked by
    the absolute size of their contribution. ``filters`` hold on both sides (the page's slicers)."""
    return explanation(
        model, measure, mark_filters, compare_to, dimensions, filters=filters, top=top, user=user
    ).drivers


def explanation(
    model: Any,
    measure: str,
    mark_filters: Sequence[Any],
    compare_to: str | Sequence[Any] | None = None,
    dimensions: Sequence[str] = (),
    *,
    filters: Sequence[Any] = (),
    top: int = 10,
    user: Any = None,
) -> Explanation:
    """:func:`explain` with the two totals it compared (the same queries, nothing more)."""
    src = Source(model, tuple(filters), user)
    src.measure(measure)
    mark = _filters(mark_filters)
    versus_total = compare_to is None or (isinstance(compare_to, str) and compare_to == "total")
    if isinstance(compare_to, str) and not versus_total:
        raise ValueError(f"compare_to is None, 'total' or a list of filters (the neighbour mark), got {compare_to!r}")
    other = [] if versus_total else _filters(compare_to)  # type: ignore[arg-type]
    marked = {f.field for f in mark} | {f.field for f in other}
    dims = [d for d in dimensions if d not in marked] or list(dimensions)
    mark_total = _total(src, measure, mark)
    compare_total = _total(src, measure, other)
    difference = mark_total - compare_total
    drivers: list[Driver] = []
    for d in dims:
        drivers += _drivers(src, measure, d, mark, other, versus_total, mark_total, compare_total, difference)
    drivers.sort(key=lambda x: -abs(x.contribution))
    return Explanation(measure, mark_total, compare_total, versus_total, drivers[:top])


def _filters(given: Sequence[Any]) -> list[Filter]:
    return list(QuerySpec.from_dict({"filters": list(given)}).filters)


def _total(src: Source, measure: str, extra: Sequence[Filter]) -> float:
    df = src.query([measure], extra=extra)
    value = as_float(df[measure])
    return float(value[0]) if len(value) and np.isfinite(value[0]) else 0.0


def _drivers(
    src: Source,
    measure: str,
    dimension: str,
    mark: list[Filter],
    other: list[Filter],
    versus_total: bool,
    mark_total: float,
    compare_total: float,
    difference: float,
) -> list[Driver]:
    a = src.query([measure], [dimension], extra=mark).set_index(dimension)[measure]
    b = src.query([measure], [dimension], extra=other).set_index(dimension)[measure]
    members = list(dict.fromkeys([*a.index, *b.index]))
    out = []
    for m in members:
        va = float(a.get(m, 0.0) or 0.0)
        vb = float(b.get(m, 0.0) or 0.0)
        if versus_total:
            expected = (vb / compare_total * mark_total) if compare_total else 0.0
            contribution = va - expected
            share = contribution / mark_total if mark_total else float("nan")
            mix_mark = va / mark_total if mark_total else float("nan")
            mix_all = vb / compare_total if compare_total else float("nan")
            text = (
                f"{label(dimension).capitalize()} {m} is {fmt_pct(mix_mark)} of {label(measure)} here against "
                f"{fmt_pct(mix_all)} overall ({'+' if contribution >= 0 else '-'}{fmt_num(abs(contribution))} "
                "compared with the overall mix)."
            )
            compare_value = expected
        else:
            contribution = va - vb
            share = contribution / difference if difference else float("nan")
            text = (
                f"{label(dimension).capitalize()} {m} went from {fmt_num(vb)} to {fmt_num(va)} "
                f"({'+' if contribution >= 0 else '-'}{fmt_num(abs(contribution))}, "
                f"{fmt_pct(share) if np.isfinite(share) else 'n/a'} of the difference)."
            )
            compare_value = vb
        out.append(Driver(dimension, m, va, compare_value, contribution, share, text))
    return out
