"""The filter context: every slicer and view on one page, filtered together.

    ctx = FilterContext(model, as_of="2025-12-31")
    region = ctx.dropdown("region")
    table = ctx.table(measures=["revenue", "orders"], dimensions=["category"])
    ctx.to_query_string()      # 'region=%5B%22Europe%22%5D' once Europe is picked

A slicer reports its filters with :meth:`FilterContext.set_filters`; the context then
re-queries every registered view (tables, KPIs) and refreshes the other slicers' options,
each narrowed by all filters but its own (cascading slicers). The context only ever calls
``model.query`` (as ``user`` when given), so row-level security applies to options and numbers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from bheem_nb.query.spec import Filter
from bheem_nb.result import Result


class View(Protocol):
    """Anything the context re-queries when a filter changes."""

    def refresh(self) -> None: ...


class FilterContext:
    """Active filters per slicer, the views that show them, and the model they query.

    ``count_measure`` is the measure counted next to each slicer option (default: the
    model's first count measure); ``as_of`` anchors relative dates (default: today).
    ``defer_options=True`` (for published pages) refreshes the other slicers' options after the
    numbers, one slicer per turn of the kernel's event loop, so quick successive clicks are not
    queued behind option queries; :meth:`flush` brings them up to date at once.
    """

    def __init__(self, model: Any, user: Any = None, *, count_measure: str | None = None,
                 as_of: dt.date | str | None = None, defer_options: bool = False) -> None:
        self.model = model
        self.user = user
        self.as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        self.count_measure = count_measure or _first_count_measure(model)
        self._filters: dict[str, tuple[Filter, ...]] = {}
        self._slicers: dict[str, Any] = {}
        self._views: list[View] = []
        self._batch = 0
        self.defer_options = defer_options
        self._stale: set[str] = set()
        self._scheduled = False

    # -- filters ---------------------------------------------------------------------
    @property
    def filters(self) -> list[Filter]:
        """Every active filter, in slicer order."""
        return [f for key in self._filters for f in self._filters[key]]

    def filters_except(self, key: str) -> list[Filter]:
        """The filters of every slicer but ``key``: what narrows that slicer's options."""
        return [f for k, fs in self._filters.items() if k != key for f in fs]

    def set_filters(self, key: str, filters: Iterable[Filter]) -> None:
        """Replace one slicer's filters and refresh everything else on the page."""
        new = tuple(filters)
        if self._filters.get(key, ()) == new:
            return
        if new:
            self._filters[key] = new
        else:
            self._filters.pop(key, None)
        self.refresh(changed=key)

    def clear_all(self) -> None:
        """Reset every slicer to "all" and re-query once."""
        self._batch += 1
        try:
            for slicer in self._slicers.values():
                slicer.clear()
        finally:
            self._batch -= 1
        self._filters.clear()
        self.refresh()

    @property
    def slicers(self) -> dict[str, Any]:
        """The page's slicers by key (a copy): the fields a page's author offers to slice by."""
        return dict(self._slicers)

    # -- registration and refresh ------------------------------------------------------
    def register(self, view: Any) -> Any:
        """Add a slicer (anything with ``key``, ``clear`` and ``refresh``) or a view; returns it."""
        key = getattr(view, "key", None)
        if key is not None and hasattr(view, "clear"):
            if key in self._slicers:
                raise ValueError(f"a slicer with key {key!r} is already on this page; pass key=... to tell them apart")
            self._slicers[key] = view
        else:
            self._views.append(view)
        view.refresh()
        return view

    def refresh(self, changed: str | None = None) -> None:
        """Re-query the views and refresh the options of every slicer but ``changed``."""
        if self._batch:
            return
        for view in self._views:  # numbers first: they are what the reader waits for
            view.refresh()
        self._stale.update(k for k in self._slicers if k != changed)
        loop = _running_loop() if self.defer_options else None
        if loop is None:
            self.flush()
        elif not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._refresh_one_slicer)

    def flush(self) -> None:
        """Bring every slicer's options up to date now (deferred refreshes included)."""
        while self._stale:
            key = next(k for k in self._slicers if k in self._stale)
            self._stale.discard(key)
            self._slicers[key].refresh()

    def _refresh_one_slicer(self) -> None:
        # one slicer per event-loop turn, so a click that arrives meanwhile re-queries the numbers first
        self._scheduled = False
        if not self._stale:
            return
        key = next(k for k in self._slicers if k in self._stale)
        self._stale.discard(key)
        self._slicers[key].refresh()
        loop = _running_loop()
        if self._stale and loop is not None:
            self._scheduled = True
            loop.call_soon(self._refresh_one_slicer)
        else:
            self.flush()

    def query(self, filters: Sequence[Filter] = (), **spec: Any) -> Result:
        """``model.query`` with the page's filters (plus ``filters``), as the page's user and date."""
        if self.user is not None:
            spec.setdefault("user", self.user)
        if self.as_of is not None:
            spec.setdefault("as_of", self.as_of)
        return self.model.query(filters=[*self.filters, *filters], **spec)  # type: ignore[no-any-return]

    def query_except(self, key: str, filters: Sequence[Filter] = (), **spec: Any) -> Result:
        """Like :meth:`query`, without slicer ``key``'s own filters (for its options)."""
        if self.user is not None:
            spec.setdefault("user", self.user)
        if self.as_of is not None:
            spec.setdefault("as_of", self.as_of)
        return self.model.query(filters=[*self.filters_except(key), *filters], **spec)  # type: ignore[no-any-return]

    # -- sharing -------------------------------------------------------------------
    def to_query_string(self) -> str:
        """The slicers' values as a URL query string (only slicers that filter)."""
        state = {key: s.url_state() for key, s in self._slicers.items()}
        return urlencode({k: json.dumps(v, separators=(",", ":")) for k, v in state.items() if v is not None})

    def from_query_string(self, query: str) -> None:
        """Set the slicers from :meth:`to_query_string`'s output; unknown keys are ignored. Re-queries once."""
        pairs = dict(parse_qsl(query.lstrip("?")))
        self._batch += 1
        try:
            for key, slicer in self._slicers.items():
                if key in pairs:
                    slicer.set_url_state(json.loads(pairs[key]))
                else:
                    slicer.clear()
        finally:
            self._batch -= 1
        self._filters = {k: tuple(s.filters()) for k, s in self._slicers.items() if s.filters()}
        self.refresh()

    # -- builders -----------------------------------------------------------------------
    def slicer(self, kind: str, field: str, **kw: Any) -> Any:
        """Add a slicer by type name: dropdown, list, tile, between, relative_date, date_range, search or hierarchy."""
        from .slicers import SLICERS

        if kind not in SLICERS:
            raise ValueError(f"unknown slicer type {kind!r}; use one of {', '.join(SLICERS)}")
        return self.register(SLICERS[kind](self, field, **kw))

    def dropdown(self, field: str, **kw: Any) -> Any:
        return self.slicer("dropdown", field, **kw)

    def checklist(self, field: str, **kw: Any) -> Any:
        return self.slicer("list", field, **kw)

    def tile(self, field: str, **kw: Any) -> Any:
        return self.slicer("tile", field, **kw)

    def between(self, field: str, **kw: Any) -> Any:
        return self.slicer("between", field, **kw)

    def relative_date(self, field: str, **kw: Any) -> Any:
        return self.slicer("relative_date", field, **kw)

    def date_range(self, field: str, **kw: Any) -> Any:
        return self.slicer("date_range", field, **kw)

    def search(self, field: str, **kw: Any) -> Any:
        return self.slicer("search", field, **kw)

    def hierarchy(self, field: str, **kw: Any) -> Any:
        return self.slicer("hierarchy", field, **kw)

    def table(self, **spec: Any) -> Any:
        from .table import TableView

        return self.register(TableView(self, **spec))

    def chart(self, chart: Any, **spec: Any) -> Any:
        """A drillable, cross-filtering chart: ``ctx.chart("column", x="category", y="revenue")``."""
        from .chart import ChartWidget

        return self.register(ChartWidget(self, chart, **spec))

    def kpi(self, measure: str, **kw: Any) -> Any:
        """A KPI card: ``ctx.kpi("revenue:ytd", compare="revenue:pytd", sparkline="order_date.month")``."""
        from .kpi import KpiCard

        return self.register(KpiCard(self, measure, **kw))

    def matrix(self, **spec: Any) -> Any:
        """A pivot table: ``ctx.matrix(rows=["category", "subcategory"], columns="region", measures=["revenue"])``."""
        from .matrix import MatrixView

        return self.register(MatrixView(self, **spec))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Dashboard(FilterContext):
    """``bn.Dashboard(model)``: the filter context under the name a report author looks for."""


def _first_count_measure(model: Any) -> str:
    for field in model.describe():
        if field["kind"] == "measure" and field["type"] in ("count", "count_distinct"):
            return str(field["field"])
    raise ValueError("the model has no count measure to count slicer options; pass count_measure=...")
