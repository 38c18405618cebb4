"""The registry: one :class:`~bheem_nb.charts.kinds.base.Visual` per chart kind."""

from __future__ import annotations

from bheem_nb.charts.kinds.bars import Bars
from bheem_nb.charts.kinds.base import Visual
from bheem_nb.charts.kinds.lines import Combo, Lines

REGISTRY: dict[str, Visual] = {
    "bar": Bars(),
    "column": Bars(),
    "horizontal_bar": Bars(horizontal=True),
    "stacked_bar": Bars(horizontal=True, stack="zero"),
    "stacked_column": Bars(stack="zero"),
    "percent_bar": Bars(horizontal=True, stack="normalize"),
    "percent_column": Bars(stack="normalize"),
    "grouped_bar": Bars(horizontal=True, grouped=True),
    "grouped_column": Bars(grouped=True),
    "line": Lines(),
    "area": Lines("area"),
    "stacked_area": Lines("area", stacked=True),
    "combo": Combo(),
}


def visual(kind: str) -> Visual:
    from bheem_nb.errors import QueryError

    try:
        return REGISTRY[kind]
    except KeyError:
        raise QueryError(f"chart kind {kind!r} has no renderer yet") from None


def requirements(kind: str) -> tuple[str, ...]:
    """Spec keys a kind cannot do without (checked when the spec is validated)."""
    found = REGISTRY.get(kind)
    return found.requires if found else ()
