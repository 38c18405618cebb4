"""The published page's filter context: the viewer from the server, locked filters, and the embed bridge.

    from bheem_nb.publish import published_context
    page = published_context(model, as_of="2025-12-31")   # runs as the verified viewer
    page.dropdown("region"); page.tile("channel")
    page.table(measures=["revenue", "orders"], dimensions=["category"])

Filters locked by the embed token always apply and no slicer, shared link or host page can change
them; disabled parameters are hidden. The :class:`EmbedBridge` widget answers the host page's SDK
(``setFilters``, ``exportData``, ...) inside that policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bheem_nb.publish.bridge import EmbedBridge
from bheem_nb.publish.policy import DashboardPolicy
from bheem_nb.publish.session import Viewer, viewer
from bheem_nb.query.spec import Filter
from bheem_nb.security.identity import set_current_user
from bheem_nb.widgets.context import Dashboard


def _as_filters(key: str, value: Any) -> list[Filter]:
    if isinstance(value, list | tuple):
        return [Filter(key, "in", list(value))] if value else []
    return [Filter(key, "=", value)]


def _reason(exc: Exception) -> str:
    """The first line of a slicer's refusal, without traitlets' class-path noise."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.replace("The 'value' trait of a ", "the value of a ")[:200]


class PublishedContext(Dashboard):  # type: ignore[misc]
    """A :class:`Dashboard` for a published page: viewer-bound, parameter policy enforced, SDK-ready."""

    def __init__(self, model: Any, *, viewer: Viewer, pages: Sequence[str] = (), **kw: Any) -> None:
        user = viewer.user_for(model)
        super().__init__(model, user=user, **kw)
        self.viewer = viewer
        self.policy = DashboardPolicy(dict(viewer.parameters))  # type: ignore[arg-type]
        self.locked: dict[str, Any] = {k: viewer.filters[k] for k in viewer.locked if k in viewer.filters}
        self._locked_filters = [f for k, v in self.locked.items() for f in _as_filters(k, v)]
        self._start = {k: v for k, v in viewer.filters.items() if k not in self.locked}
        self._page_widgets: dict[str, list[Any]] = {p: [] for p in pages}
        if user is not None:
            set_current_user(user)  # plain model.query calls on the page run as the viewer too
        self.bridge = EmbedBridge(self, pages=list(pages))

    # -- filters: locked ones first, always ------------------------------------------------
    @property
    def filters(self) -> list[Filter]:
        return [*self._locked_filters, *(f for k, fs in self._filters.items() if k not in self.locked for f in fs)]

    def filters_except(self, key: str) -> list[Filter]:
        others = (f for k, fs in self._filters.items() if k != key and k not in self.locked for f in fs)
        return [*self._locked_filters, *others]

    def fixed(self, key: str) -> bool:
        """True when neither a slicer nor the host page may change ``key`` (locked, or disabled when embedded)."""
        return key in self.locked or (self.viewer.via == "embed" and self.policy.parameters.get(key) == "disabled")

    def set_filters(self, key: str, filters: Iterable[Filter]) -> None:
        if self.fixed(key):
            self._resync(key)
            return
        super().set_filters(key, filters)

    def refresh(self, changed: str | None = None) -> None:
        super().refresh(changed)
        if not self._batch:
            self.bridge.filters = self.current_filters()

    def current_filters(self) -> dict[str, Any]:
        """What ``getFilters`` returns: each filtering slicer's shared-link value, locked ones included."""
        state = {k: s.url_state() for k, s in self._slicers.items() if k not in self.locked}
        return {**{k: v for k, v in state.items() if v is not None}, **self.locked}

    def apply(self, values: Mapping[str, Any]) -> None:
        """Set several slicers at once (``None`` or ``[]`` clears one) from the host page, inside the policy."""
        self.policy.check_page(values, frozenset(self.locked))
        unknown = [k for k in values if k not in self._slicers]
        if unknown:
            raise KeyError(f"no slicer on this page for {unknown}; slicers: {sorted(self._slicers)}")
        before = {key: self._slicers[key].url_state() for key in values}
        self._batch += 1
        try:
            for key, value in values.items():
                try:
                    self._set_slicer(key, value)
                except Exception as exc:  # all or nothing: a bad value leaves every slicer as it was
                    for done, state in before.items():
                        self._set_slicer(done, state)
                    raise ValueError(f"setFilters: parameter {key!r} cannot take {value!r} "
                                     f"({type(self._slicers[key]).__name__.lower()} slicer: {_reason(exc)}); "
                                     "no filter was changed") from None
        finally:
            self._batch -= 1
        for key in values:
            fs = tuple(self._slicers[key].filters())
            if fs:
                self._filters[key] = fs
            else:
                self._filters.pop(key, None)
        self.refresh()

    def _set_slicer(self, key: str, value: Any) -> None:
        slicer = self._slicers[key]
        if value in (None, [], ""):
            slicer.clear()
        else:
            slicer.set_url_state(value)

    def clear_all(self) -> None:
        super().clear_all()
        for key in self.locked:
            self._resync(key)

    def from_query_string(self, query: str) -> None:
        super().from_query_string(query)
        for key in list(self._filters):
            if self.fixed(key):
                self._filters.pop(key)
                self._resync(key)
        self.refresh()

    # -- slicers and pages -----------------------------------------------------------------
    def register(self, view: Any) -> Any:
        key = getattr(view, "key", None)
        if key is not None and hasattr(view, "clear"):
            self._batch += 1
            try:
                if key in self.locked:
                    view.set_url_state(self.locked[key])
                elif key in self._start:
                    view.set_url_state(self._start[key])
                    self._filters[key] = tuple(view.filters())
            finally:
                self._batch -= 1
            if self.fixed(key):
                view.layout.display = "none"  # the viewer cannot change it, so it is not shown
        registered = super().register(view)
        self.bridge.filters = self.current_filters()
        return registered

    def on_page(self, page: str, *widgets: Any) -> None:
        """Show ``widgets`` only while ``page`` is the current page (``setPage`` from the SDK)."""
        if page not in self._page_widgets:
            raise KeyError(f"unknown page {page!r}; pages: {list(self._page_widgets)}")
        self._page_widgets[page].extend(widgets)
        self.show_page(self.bridge.page or next(iter(self._page_widgets)))

    def show_page(self, page: str) -> None:
        if page not in self._page_widgets:
            raise KeyError(f"unknown page {page!r}; pages: {list(self._page_widgets)}")
        for name, widgets in self._page_widgets.items():
            for w in widgets:
                w.layout.display = None if name == page else "none"
        self.bridge.page = page

    def _resync(self, key: str) -> None:
        slicer = self._slicers.get(key)
        if slicer is None:
            return
        self._batch += 1
        try:
            if key in self.locked:
                slicer.set_url_state(self.locked[key])
            else:
                slicer.clear()
        finally:
            self._batch -= 1


def published_context(model: Any, *, pages: Sequence[str] = (), **kw: Any) -> PublishedContext:
    """The page's filter context for the server-verified viewer (:func:`bheem_nb.publish.viewer`).

    Displays the (invisible) embed bridge; ``pages`` names the sections the host page can switch.
    """
    from IPython.display import display

    ctx = PublishedContext(model, viewer=viewer(), pages=pages, defer_options=True, **kw)
    display(ctx.bridge)  # type: ignore[no-untyped-call]
    return ctx
