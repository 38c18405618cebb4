"""Drill state of one visual: which level of a hierarchy it shows and which members led there.

Pure data, no widgets: a chart widget keeps a :class:`DrillState`, swaps it on every click and
asks it for the filters and the breadcrumb. The hierarchy is a list of dimension fields, either a
time hierarchy (``order_date.year`` → ``.quarter`` → ``.month`` → ``.day``) or any list of model
fields (``category`` → ``subcategory`` → ``product_name``).

    state = DrillState(time_hierarchy("order_date"))
    state = state.down("2024-01-01").down("2024-07-01")   # year 2024, then Q3 2024
    state.dimension      # 'order_date.month'
    state.filters()      # [Filter(order_date.year = 2024-01-01), Filter(order_date.quarter = 2024-07-01)]
    [c.label for c in state.breadcrumb()]   # ['All', '2024', '2024 Q3']

:class:`DrillConfig` is the declaration a chart carries (the roadmap's schema): drill down, drill
through, or both; the drill-through target is another visual on the page or a dashboard URL,
and the clicked context travels to it as filters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, field_validator

from bheem_nb.errors import QueryError
from bheem_nb.query.spec import Filter

TIME_GRAINS: tuple[str, ...] = ("year", "quarter", "month", "day")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class DrillConfig(BaseModel):
    """What a click on a mark does: go one level down, open another visual with that context, or both.

    ``target`` is the drill-through destination: a chart key on the same page (``target_type="chart"``)
    or a dashboard URL (``target_type="dashboard"``) that receives the filters in its query string.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    drill_type: Literal["down", "through", "both"] = "down"
    hierarchy: tuple[str, ...] = ()
    target: str | None = None
    target_type: Literal["dashboard", "chart"] | None = None
    pass_filters: bool = True

    @field_validator("hierarchy", mode="before")
    @classmethod
    def _levels(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    def model_post_init(self, __context: Any) -> None:
        if self.drill_type in ("down", "both") and len(self.hierarchy) < 2:
            raise QueryError(f"drill_type={self.drill_type!r} needs a hierarchy of at least two fields, "
                             f"got {list(self.hierarchy)}; e.g. hierarchy=time_hierarchy('order_date')")
        if len(set(self.hierarchy)) != len(self.hierarchy):
            raise QueryError(f"the drill hierarchy repeats a field: {list(self.hierarchy)}")
        if self.drill_type in ("through", "both") and not self.target:
            raise QueryError(f"drill_type={self.drill_type!r} needs a target (a chart key or a dashboard URL)")


def time_hierarchy(field: str, grains: Sequence[str] = TIME_GRAINS) -> tuple[str, ...]:
    """``order_date`` → ``('order_date.year', 'order_date.quarter', 'order_date.month', 'order_date.day')``."""
    bad = [g for g in grains if g not in ("year", "quarter", "month", "week", "day", "fiscal_year", "fiscal_quarter")]
    if bad:
        raise QueryError(f"unknown time grain {bad[0]!r} in the drill hierarchy; use year, quarter, month or day")
    return tuple(f"{field}.{g}" for g in grains)


def model_hierarchy(model: Any, field: str) -> tuple[str, ...]:
    """The model's declared hierarchy of a time dimension, without weeks (they cross months and years)."""
    for table in model.spec.tables.values():
        for name, dim in table.dimensions.items():
            if name == field.split(".")[-1] and dim.hierarchy:
                return time_hierarchy(field, [g for g in dim.hierarchy if g != "week"])
    raise QueryError(f"{field!r} declares no hierarchy in the model; pass hierarchy=[...] or time_hierarchy({field!r})")


def member_label(field: str, member: Any) -> str:
    """How a member reads in a breadcrumb: ``2024``, ``2024 Q3``, ``Aug 2024``, ``2024-08-15`` or the value."""
    grain = field.rsplit(".", 1)[-1]
    day = _as_date(member) if grain in TIME_GRAINS else None
    if day is None:
        return str(member)
    if grain == "year":
        return str(day.year)
    if grain == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    if grain == "month":
        return f"{_MONTHS[day.month - 1]} {day.year}"
    return day.isoformat()


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Crumb:
    """One step of the breadcrumb: its text and the level a click on it returns to."""

    label: str
    level: int


@dataclass(frozen=True)
class DrillState:
    """A hierarchy and the members chosen so far (one per level above the one shown)."""

    hierarchy: tuple[str, ...]
    path: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if not self.hierarchy:
            raise QueryError("a drill hierarchy needs at least one field")
        if len(self.path) >= len(self.hierarchy):
            raise QueryError(f"cannot drill below {self.hierarchy[-1]!r}, the last level of {list(self.hierarchy)}")

    @property
    def level(self) -> int:
        return len(self.path)

    @property
    def dimension(self) -> str:
        """The field the visual groups by at this level."""
        return self.hierarchy[self.level]

    @property
    def can_down(self) -> bool:
        return self.level + 1 < len(self.hierarchy)

    @property
    def can_up(self) -> bool:
        return self.level > 0

    def down(self, member: Any) -> DrillState:
        """One level down, keeping only ``member`` of the current level."""
        if not self.can_down:
            raise QueryError(f"{self.dimension!r} is the last level of the hierarchy; nothing to drill into")
        return DrillState(self.hierarchy, (*self.path, member))

    def up(self) -> DrillState:
        """One level up (at the top this is the same state)."""
        return DrillState(self.hierarchy, self.path[:-1])

    def to(self, level: int) -> DrillState:
        """Back to ``level`` (a breadcrumb click); 0 is the top."""
        if not 0 <= level <= self.level:
            raise QueryError(f"breadcrumb level {level} is outside 0..{self.level}")
        return DrillState(self.hierarchy, self.path[:level])

    def filters(self) -> list[Filter]:
        """One equality filter per chosen member: what narrows the visual at this level."""
        return [Filter(field, "=", member) for field, member in zip(self.hierarchy, self.path, strict=False)]

    def breadcrumb(self) -> list[Crumb]:
        """``All`` then one crumb per chosen member; the last crumb is where the visual is."""
        crumbs = [Crumb("All", 0)]
        crumbs += [Crumb(member_label(f, m), i + 1) for i, (f, m) in enumerate(zip(self.hierarchy, self.path,
                                                                                  strict=False))]
        return crumbs


def through_filters(state: DrillState, member: Any, page_filters: Sequence[Filter] = ()) -> list[Filter]:
    """The clicked context: the page's filters, the drill path and the clicked member of the current level."""
    return [*page_filters, *state.filters(), Filter(state.dimension, "=", member)]


def through_url(url: str, filters: Sequence[Filter]) -> str:
    """A dashboard URL carrying ``filters`` as ``?field=["value"]`` (what a shared link's slicers read)."""
    values: dict[str, list[Any]] = {}
    for f in filters:
        if f.op not in ("=", "in"):
            continue  # only member filters travel in a link; ranges stay on this page
        values.setdefault(f.field.split(".")[-1] if f.field.count(".") == 1 and not _is_grain(f.field) else f.field,
                          []).extend(_plain(v) for v in f.values)
    parts = urlsplit(url)
    extra = urlencode({k: json.dumps(v, separators=(",", ":")) for k, v in values.items()})
    query = "&".join(q for q in (parts.query, extra) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _is_grain(field: str) -> bool:
    return field.rsplit(".", 1)[-1] in ("year", "quarter", "month", "week", "day", "fiscal_year", "fiscal_quarter")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
