"""Slicers: anywidget views whose state is a few traitlets and whose logic stays in Python.

Each slicer belongs to a :class:`FilterContext`. Its options come from the engine (distinct
values with the context's count measure, narrowed by every other slicer's filters); its
``value`` traitlet, set by the browser, becomes :class:`bheem_nb.Filter` objects through
:meth:`filters`. No traitlet carries SQL or the user: those stay in the kernel.

    ctx = FilterContext(model)
    ctx.dropdown("region")             # multi-select with search and select all
    ctx.checklist("segment")           # checkboxes
    ctx.tile("channel")                # buttons
    ctx.between("dates.month")         # numeric range slider with typed inputs
    ctx.relative_date("order_date")    # last N days/weeks/months..., this/previous period
    ctx.date_range("order_date")       # two calendar pickers
    ctx.search("customers.email")      # type-ahead over a high-cardinality column, one page at a time
"""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any, ClassVar

import anywidget
import traitlets

from bheem_nb.query.spec import Filter

from .options import FIRST, OptionPage, option_page, plain

STATIC = pathlib.Path(__file__).parent / "static"
CSS = STATIC / "widgets.css"
UNITS = ("day", "week", "month", "quarter", "year")
_plain = plain  # table.py and kpi.py format values with it


def field_label(model: Any, field: str) -> str:
    """The model's label for ``field`` ("region" -> "Region"), or the field name."""
    for info in model.describe():
        name = str(info["field"])
        if name == field or name.endswith("." + field):
            return str(info["label"] or field)
    return field


class Slicer(anywidget.AnyWidget):
    """Base class: a key on the context, a label, and filters derived from ``value``."""

    _css = CSS
    label = traitlets.Unicode("").tag(sync=True)

    def __init__(self, context: Any, field: str, *, key: str | None = None, label: str | None = None,
                 **kw: Any) -> None:
        super().__init__(label=label or field_label(context.model, field), **kw)
        self.context = context
        self.field = field
        self.key = key or field
        self.observe(self._on_value, names="value")

    def _on_value(self, change: dict[str, Any]) -> None:
        self.context.set_filters(self.key, self.filters())

    def filters(self) -> list[Filter]:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload the options from the engine (the context calls this when other filters change)."""

    def url_state(self) -> Any:
        """The value to put in a shared URL, or None when the slicer does not filter."""
        return self.value if self.filters() else None

    def set_url_state(self, state: Any) -> None:
        self.value = state


class Dropdown(Slicer):
    """Pick values of a dimension; ``value == []`` means all. ``search`` narrows the options in the engine.

    Options are ``{"value", "label", "count"}`` dicts, sorted by value, read from the engine one
    page (``page_size``) at a time, so a high-cardinality column never travels to the browser whole.
    ``more()`` (the front end's "Show more" button) appends the next page; a new ``search`` or a
    change in the other slicers starts again from the first. ``has_more`` says another page
    exists; ``total`` is the number of matching values once the last page is in (-1 until then:
    counting them all would cost another pass over the column).
    """

    _esm = STATIC / "dropdown.js"
    options = traitlets.List(traitlets.Dict()).tag(sync=True)
    value: traitlets.List[Any] = traitlets.List().tag(sync=True)
    multi = traitlets.Bool(True).tag(sync=True)
    search = traitlets.Unicode("").tag(sync=True)
    total = traitlets.Int(0).tag(sync=True)
    has_more = traitlets.Bool(False).tag(sync=True)
    page_size = traitlets.Int(200).tag(sync=True)

    def __init__(self, context: Any, field: str, *, multi: bool = True, page_size: int = 200, **kw: Any) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        super().__init__(context, field, multi=multi, page_size=page_size, **kw)
        self.observe(lambda _: self.refresh(), names="search")
        self.on_msg(self._on_event)

    @traitlets.validate("value")
    def _one_unless_multi(self, proposal: dict[str, Any]) -> list[Any]:
        value = list(proposal["value"])
        if not self.multi and len(value) > 1:
            raise traitlets.TraitError(f"{self.field!r} is a single-select slicer (multi=False): pick one value, "
                                       f"got {len(value)}")
        return value

    def filters(self) -> list[Filter]:
        if not self.value:
            return []
        if len(self.value) == 1:
            return [Filter(self.field, "=", self.value[0])]
        return [Filter(self.field, "in", list(self.value))]

    def clear(self) -> None:
        self.value = []
        self.search = ""

    def refresh(self) -> None:
        """Load the first page of options (under the current search and the other slicers' filters)."""
        self._show([], option_page(self.context, self.key, self.field, search=self.search, size=self.page_size))

    def more(self) -> None:
        """Append the next page of options, if there is one."""
        if not self.has_more:
            return
        after = self.options[-1]["value"] if self.options else FIRST
        page = option_page(self.context, self.key, self.field, search=self.search, size=self.page_size, after=after)
        self._show(list(self.options), page)

    def _show(self, shown: list[dict[str, Any]], page: OptionPage) -> None:
        options = shown + page.options
        with self.hold_trait_notifications():
            self.options, self.has_more = options, page.more
            self.total = -1 if page.more else len(options)

    def _on_event(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        # the front end says which list it saw: a click meant for an older search or a double click is dropped
        if (content.get("event") == "more" and content.get("search", self.search) == self.search
                and content.get("shown", len(self.options)) == len(self.options)):
            self.more()


class ListSlicer(Dropdown):
    """The same choice as a vertical list of checkboxes (always open)."""

    _esm = STATIC / "list.js"


class Tile(Dropdown):
    """The same choice as a row of buttons; single-select unless ``multi=True``."""

    _esm = STATIC / "tile.js"

    def __init__(self, context: Any, field: str, *, multi: bool = False, **kw: Any) -> None:
        super().__init__(context, field, multi=multi, **kw)


class Between(Slicer):
    """A numeric range: ``value == [lo, hi]``; the full range (or ``[]``) means no filter.

    ``min``/``max`` come from the engine (the field's smallest and largest value under the
    other slicers' filters); ``step`` is the slider's step.
    """

    _esm = STATIC / "between.js"
    value: traitlets.List[Any] = traitlets.List().tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(0.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)

    def __init__(self, context: Any, field: str, *, step: float = 1.0, **kw: Any) -> None:
        super().__init__(context, field, step=step, **kw)

    def filters(self) -> list[Filter]:
        if len(self.value) != 2:
            return []
        lo, hi = (float(v) for v in self.value)
        if lo <= self.min and hi >= self.max:
            return []
        return [Filter(self.field, "between", [_num(lo), _num(hi)])]

    def clear(self) -> None:
        self.value = []

    def refresh(self) -> None:
        def edge(direction: str) -> float:
            df = self.context.query_except(self.key, measures=[self.context.count_measure], dimensions=[self.field],
                                           filters=[Filter(self.field, "not_null")],
                                           order=[(self.field, direction)], limit=1).df
            return float(df.iloc[0, 0]) if len(df) else 0.0

        with self.hold_trait_notifications():
            self.min, self.max = edge("asc"), edge("desc")


class RelativeDate(Slicer):
    """Dates relative to the context's ``as_of``: ``value == {"mode", "n", "unit"}`` or ``{}`` (all dates).

    ``mode`` is ``last`` (the last ``n`` units up to as_of: ``relative_date``), ``next`` (the ``n``
    units after as_of, for due dates and forecasts), ``this`` (the
    period so far) or ``previous`` (the whole period before: both ``relative_period``).
    """

    _esm = STATIC / "relative_date.js"
    value = traitlets.Dict().tag(sync=True)
    units = traitlets.List(traitlets.Unicode(), list(UNITS)).tag(sync=True)
    as_of = traitlets.Unicode("").tag(sync=True)
    MODES: ClassVar[tuple[str, ...]] = ("last", "next", "this", "previous")

    def __init__(self, context: Any, field: str, **kw: Any) -> None:
        super().__init__(context, field, **kw)
        self.as_of = (context.as_of or dt.date.today()).isoformat()

    def filters(self) -> list[Filter]:
        mode, unit = self.value.get("mode"), self.value.get("unit")
        if mode not in self.MODES or unit not in UNITS:
            return []
        if mode in ("last", "next"):
            n = int(self.value.get("n") or 0)
            return [Filter(self.field, "relative_date", [-n if mode == "last" else n, unit])] if n > 0 else []
        return [Filter(self.field, "relative_period", [0 if mode == "this" else -1, unit])]

    def clear(self) -> None:
        self.value = {}


class DateRange(Slicer):
    """A calendar range: ``value == [start, end]`` as ISO dates, both inclusive; ``[]`` or blanks mean open.

    ``min``/``max`` (the first and last date under the other slicers' filters) bound the pickers.
    """

    _esm = STATIC / "date_range.js"
    value: traitlets.List[Any] = traitlets.List().tag(sync=True)
    min = traitlets.Unicode("").tag(sync=True)
    max = traitlets.Unicode("").tag(sync=True)

    def filters(self) -> list[Filter]:
        if len(self.value) != 2:
            return []
        start, end = (dt.date.fromisoformat(str(v)[:10]) if v else None for v in self.value)
        if start is None and end is None:
            return []
        if start and end and start > end:
            start, end = end, start
        return [Filter(self.field, "date_range", [start, end])]

    def clear(self) -> None:
        self.value = []

    def refresh(self) -> None:
        day = f"{self.field}.day"

        def edge(direction: str) -> str:
            df = self.context.query_except(self.key, measures=[self.context.count_measure], dimensions=[day],
                                           filters=[Filter(self.field, "not_null")], order=[(day, direction)],
                                           limit=1).df
            return str(_plain(df.iloc[0, 0]))[:10] if len(df) else ""

        with self.hold_trait_notifications():
            self.min, self.max = edge("asc"), edge("desc")


class Search(Dropdown):
    """Type-ahead over a high-cardinality column: no options until something is typed, then the
    matches one page (``page_size``, default 20) at a time from the engine ("Show more" fetches
    the next); picked values show as removable chips."""

    _esm = STATIC / "search.js"

    def __init__(self, context: Any, field: str, *, page_size: int = 20, **kw: Any) -> None:
        super().__init__(context, field, page_size=page_size, **kw)

    def refresh(self) -> None:
        if not self.search.strip():
            with self.hold_trait_notifications():
                self.options, self.total, self.has_more = [], 0, False
            return
        super().refresh()


class Hierarchy(Slicer):
    """An expandable tree over a time hierarchy (years, then months); ``value`` lists the picked months.

    Ticking a year picks all its months; picking some months leaves the year partly ticked. The
    filter is one ``in`` on the finest level (``order_date.month in [...]``), so whole and partial
    years combine in a single condition. ``[]`` means all.
    """

    _esm = STATIC / "hierarchy.js"
    options = traitlets.List(traitlets.Dict()).tag(sync=True)
    value: traitlets.List[Any] = traitlets.List().tag(sync=True)

    def __init__(self, context: Any, field: str, *, levels: tuple[str, str] = ("year", "month"), **kw: Any) -> None:
        self.levels = levels
        super().__init__(context, field, **kw)

    def leaf(self) -> str:
        return f"{self.field}.{self.levels[1]}"

    def filters(self) -> list[Filter]:
        return [Filter(self.leaf(), "in", list(self.value))] if self.value else []

    def clear(self) -> None:
        self.value = []

    def refresh(self) -> None:
        top, leaf = f"{self.field}.{self.levels[0]}", self.leaf()
        df = self.context.query_except(self.key, measures=[self.context.count_measure], dimensions=[top, leaf],
                                       order=[(leaf, "asc")]).df
        tree: dict[str, dict[str, Any]] = {}
        for parent, child, count in df.itertuples(index=False):
            p, c = str(_plain(parent))[:10], str(_plain(child))[:10]
            node = tree.setdefault(p, {"value": p, "label": p[:4] if self.levels[0] == "year" else p, "count": 0,
                                       "children": []})
            node["count"] += int(count)
            node["children"].append({"value": c, "label": c[:7] if self.levels[1] == "month" else c,
                                     "count": int(count)})
        self.options = list(tree.values())


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


SLICERS: dict[str, type[Slicer]] = {
    "dropdown": Dropdown,
    "list": ListSlicer,
    "tile": Tile,
    "between": Between,
    "relative_date": RelativeDate,
    "date_range": DateRange,
    "search": Search,
    "hierarchy": Hierarchy,
}
