"""ChartWidget: a drillable, cross-filtering chart on a filter context, drawn by bundled vega-embed.

    ctx = FilterContext(model)
    by_cat = ctx.chart("column", x="category", y="revenue", hierarchy=["category", "subcategory", "product_name"])
    by_month = ctx.chart("line", x="order_date.month", y="revenue")
    ctx.table(measures=["revenue"], dimensions=["region"])

The browser only ever receives the Vega-Lite spec with the engine's aggregated rows (one row per
mark), so the payload grows with the marks, never with the table. A click on a mark sends an
event to the kernel, which decides:

* drill mode on (the default when the chart has a hierarchy) and a level below: drill down with
  the member as a filter; ``Up`` and the breadcrumb go back;
* otherwise select the member (shift/ctrl-click adds): the context gets the filter under the
  chart's ``key``, every other view re-queries, the chart itself stays whole and highlights;
* right-click, or the drill-through button with one mark selected: drill through to ``through``
  (another ChartWidget, which is filtered to the clicked context, or a dashboard URL that opens
  filtered) with the page's filters, the drill path and the member. On a chart that explains, the
  right-click opens the mark's menu instead: *Explain this* and the drill-through;
* *Explain this* (the menu, or the toolbar's *Explain* button for the selected mark or one picked
  from a list) runs :func:`bheem_nb.insights.explain.explanation` for the mark against the mark
  drawn before it and against the whole chart, by ``explain_by`` (default: the page's list,
  dropdown and tile slicers' fields); ``explanation`` then holds what the panel shows
  (:mod:`.chart_explain`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets
from ipywidgets import widget_serialization

from bheem_nb.charts import Chart
from bheem_nb.charts import chart as make_chart
from bheem_nb.charts.drill import DrillState, member_label, through_filters, through_url
from bheem_nb.query.spec import Filter

from .chart_explain import drawn_members, explain_fields, explain_mark
from .chart_spec import prepare
from .slicers import CSS, STATIC, field_label


def dimension_label(model: Any, field: str) -> str:
    """``category`` -> "Category"; a date grain ``order_date.quarter`` -> "Order date (quarter)"."""
    base, _, grain = field.rpartition(".")
    if base and grain in ("year", "quarter", "month", "week", "day"):
        return f"{field_label(model, base)} ({grain})"
    return str(field_label(model, field))


class VegaRuntime(anywidget.AnyWidget):
    """The bundled vega/vega-lite/vega-embed, sent to the page once and shared by every chart."""

    _esm = STATIC / "chart_runtime.js"


_RUNTIME: list[VegaRuntime] = []


def vega_runtime() -> VegaRuntime:
    """The kernel's one runtime widget (a new one if it was closed)."""
    if not _RUNTIME or _RUNTIME[0].comm is None:
        _RUNTIME[:] = [VegaRuntime()]
    return _RUNTIME[0]


class ChartWidget(anywidget.AnyWidget):
    """One chart of a :class:`FilterContext`; ``chart`` is a :class:`bheem_nb.charts.Chart`, a kind or a spec dict."""

    _esm = STATIC / "chart.js"
    _css = CSS
    #: referencing the runtime makes the page create (and load) it before the first chart
    runtime = traitlets.Instance(VegaRuntime).tag(sync=True, **widget_serialization)
    title = traitlets.Unicode("").tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    selection: traitlets.List[Any] = traitlets.List().tag(sync=True)
    member_labels = traitlets.Dict().tag(sync=True)
    breadcrumb = traitlets.List(traitlets.Dict()).tag(sync=True)
    levels = traitlets.Int(1).tag(sync=True)
    can_down = traitlets.Bool(False).tag(sync=True)
    can_up = traitlets.Bool(False).tag(sync=True)
    drill_mode = traitlets.Bool(False).tag(sync=True)
    through_label = traitlets.Unicode("").tag(sync=True)
    through_target = traitlets.Unicode("").tag(sync=True)
    through_url = traitlets.Unicode("").tag(sync=True)
    context_label = traitlets.Unicode("").tag(sync=True)
    #: the members in the order their marks are drawn (the toolbar's "Explain" list)
    members: traitlets.List[Any] = traitlets.List().tag(sync=True)
    can_explain = traitlets.Bool(False).tag(sync=True)
    #: what the explanation panel shows ({} when closed): see :func:`.chart_explain.explain_mark`
    explanation = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    query_ms = traitlets.Float(0.0).tag(sync=True)

    def __init__(self, context: Any, chart: Any, *, key: str | None = None, title: str | None = None,
                 hierarchy: Sequence[str] | None = None, through: Any = None, through_label: str | None = None,
                 cross_filter: bool = True, explain_by: Sequence[str] | None = None, explain_top: int = 3,
                 **spec: Any) -> None:
        if not isinstance(chart, Chart):  # a kind name or a spec dict
            chart = make_chart(chart, **({"title": title} if title else {}), **spec)
        self.chart: Chart = chart
        levels = tuple(hierarchy or chart.spec.hierarchy)
        first = chart.category or ""  # "" for a gauge or KPI: it draws, with nothing to drill or select
        self.context = context
        self.filter_key = key or f"chart:{levels[0] if levels else first or chart.kind}"
        self.state = DrillState(levels or (first,))
        self.cross_filter = cross_filter and bool(first or levels)
        self.through = through
        self._through_filters: list[Filter] = []
        self._explain_by, self.explain_top = explain_by, explain_top
        self._seen: tuple[str, ...] | None = None
        super().__init__(title=title or chart.spec.title or "",
                         levels=len(self.state.hierarchy), drill_mode=len(self.state.hierarchy) > 1,
                         runtime=vega_runtime())
        if through is not None:
            name = through if isinstance(through, str) else (through.title or "details")
            self.through_target = name
            self.through_label = through_label or f"Drill through to {name}"
        self._sync_drill()
        if explain_by is not None:
            explain_fields(self, explain_by)  # a misspelt field fails here, naming it
        self.on_msg(self._on_event)

    # -- what the chart shows -----------------------------------------------------------
    @property
    def dimension(self) -> str:
        """The field the marks stand for at the current drill level."""
        return self.state.dimension

    def own_filters(self) -> list[Filter]:
        """The filters this chart puts on the page: its selection (with the drill path that frames it)."""
        if not self.selection or not self.cross_filter or not self.dimension:
            return []
        return [*self.state.filters(), Filter(self.dimension, "in", list(self.selection))]

    def query_filters(self) -> list[Filter]:
        """What narrows this chart: every other filter of the page, the drill path and a drill-through context."""
        return [*self.context.filters_except(self.filter_key), *self._through_filters, *self.state.filters()]

    def refresh(self, force: bool = False) -> None:
        """Re-query when the filters this chart sees changed (its own selection only re-highlights)."""
        if self.selection and not all(f in self.context.filters for f in self.own_filters()):
            self.selection = []  # the page cleared every filter (clear_all)
        filters = self.query_filters()
        seen = (*(repr(f) for f in filters), self.dimension)
        if seen == self._seen and not force:
            return
        start = time.perf_counter()
        try:
            drawn = self.chart.at(self.dimension) if self.dimension else self.chart
            vl = drawn.to_vega_lite(self.context.model, filters, self.context.user)
        except Exception as exc:  # the page shows why instead of a stale chart
            self.error = str(exc)
            self.version += 1
            return
        spec, members = prepare(vl, self.dimension, list(self.selection))
        if not self.title:  # the visual layer's automatic title names the figure for screen readers
            named = spec.get("title")
            self.title = str(named.get("text", "") if isinstance(named, dict) else named or "")
        with self.hold_trait_notifications():
            self._seen = seen
            self.error = ""
            self.spec = spec
            self.member_labels = {str(m): member_label(self.dimension, m) for m in members}
            self.members = drawn_members(spec, self.dimension) if members else []
            self.can_explain = bool(self.members) and bool(explain_fields(self, self._explain_by))
            self.query_ms = round((time.perf_counter() - start) * 1000, 1)
            self.version += 1
        shown = self.explanation.get("member", None) if self.explanation else None
        if self.explanation and self.can_explain and shown in self.members:
            with contextlib.suppress(Exception):  # the panel follows the page's filters, like every view
                self.explain(shown)
        elif self.explanation:
            self.close_explanation()

    # -- interactions (events from the browser, or called from Python) ---------------------------
    def down(self, member: Any) -> None:
        """Drill into ``member`` of the current level."""
        self._set_state(self.state.down(member))

    def up(self) -> None:
        self._set_state(self.state.up())

    def drill_to(self, level: int) -> None:
        """Back to a breadcrumb level (0 = the top)."""
        self._set_state(self.state.to(level))

    def select(self, members: Sequence[Any]) -> None:
        """Select marks (cross-filter the page); ``[]`` clears the selection."""
        if not self.cross_filter:
            return
        self.selection = list(dict.fromkeys(members))
        self.context.set_filters(self.filter_key, self.own_filters())

    def drill_through(self, member: Any) -> list[Filter]:
        """Open ``through`` with the clicked context; returns the filters passed."""
        if self.through is None:
            raise ValueError("this chart has no drill-through target; pass through=<chart> or through='<url>'")
        passed = through_filters(self.state, member, [*self.context.filters_except(self.filter_key),
                                                      *self._through_filters])
        if isinstance(self.through, str):
            self.through_url = through_url(self.through, passed)
        else:
            label = f"{dimension_label(self.context.model, self.dimension)}: {member_label(self.dimension, member)}"
            self.through.show_context(passed, label)
        return passed

    def explain(self, member: Any, neighbour: Any = None) -> dict[str, Any]:
        """"Explain this" for a mark: its drivers against ``neighbour`` (default: the mark drawn
        before it) and against the whole chart; shown in the panel and returned."""
        label = member_label(self.dimension, member)
        self.explanation = {"status": "working", "member": member, "label": label, "title": f"Explain {label}"}
        try:
            found = explain_mark(self, member, explain_fields(self, self._explain_by), neighbour, self.explain_top)
        except Exception as exc:  # the panel says why
            self.explanation = {**self.explanation, "status": "error", "error": str(exc)}
            raise
        self.explanation = found
        return found

    def close_explanation(self) -> None:
        self.explanation = {}

    def show_context(self, filters: Sequence[Filter], label: str) -> None:
        """Be the target of a drill-through: show only ``filters``' slice (``[]`` removes it)."""
        self._through_filters = [f for f in filters if f not in self.context.filters]
        self.context_label = label if filters else ""
        self._set_state(self.state.to(0))

    def _set_state(self, state: DrillState) -> None:
        had_selection = bool(self.selection)
        self.state = state
        with self.hold_trait_notifications():
            self._sync_drill()
            self.selection = []
        if had_selection:
            self.context.set_filters(self.filter_key, [])
        self.refresh()

    def _sync_drill(self) -> None:
        self.breadcrumb = [{"label": c.label, "level": c.level} for c in self.state.breadcrumb()]
        self.can_down, self.can_up = self.state.can_down, self.state.can_up

    def _on_event(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        event = content.get("event")
        if event == "down" and self.state.can_down:
            self.down(content["member"])
        elif event == "up":
            self.up()
        elif event == "crumb":
            self.drill_to(int(content["level"]))
        elif event == "select":
            self.select(content.get("members") or [])
        elif event == "through" and self.through is not None:
            self.drill_through(content["member"])
        elif event == "clear_context":
            self.show_context([], "")
        elif event == "explain" and self.can_explain:
            with contextlib.suppress(Exception):  # the panel shows the error
                self.explain(content["member"])
        elif event == "close_explain":
            self.close_explanation()
