"""``bn.chart(...)``: a visual bound to nothing until it is drawn against a model.

    c = chart("bar", x="region", y="revenue")
    c.queries()                          # the engine queries it needs
    c.data(model, user="alice@acme.com") # aggregated rows, row-level secured
    c.to_vega_lite(model)                # a Vega-Lite v6 spec with those rows inlined
    c.at("country").with_filters(bn.Filter("region", "=", "Europe"))  # one drill step

Every method returns a new Chart (nothing is mutated), in Altair's chainable style.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bheem_nb.charts.kinds import visual
from bheem_nb.charts.kinds.base import Ctx, QueryDict
from bheem_nb.charts.render import scenegraph, to_png, to_svg, vega_lite
from bheem_nb.charts.spec import ChartSpec, _filter_dict
from bheem_nb.errors import QueryError

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel

FilterLike = Any  # bn.Filter, a {"field", "op", "values"} dict or a (field, op, values) tuple


class Chart:
    """One visual: a validated :class:`ChartSpec` plus the behaviour of its kind."""

    def __init__(self, spec: ChartSpec | Mapping[str, Any]) -> None:
        self.spec = spec if isinstance(spec, ChartSpec) else ChartSpec.from_dict(spec)
        self._visual = visual(self.spec.kind)

    # --- what it is -------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def category(self) -> str | None:
        """The dimension a click on a mark selects (and drill replaces), e.g. ``region``."""
        if not self._visual.category_key:
            return None
        value = getattr(self.spec, self._visual.category_key)
        if isinstance(value, tuple):
            return value[0] if value else None
        return value  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        return self.spec.to_dict()

    def __repr__(self) -> str:
        return f"<Chart {self.spec.to_dict()}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Chart) and other.spec == self.spec

    def __hash__(self) -> int:
        return hash(self.spec.model_dump_json())

    # --- new charts from this one -----------------------------------------------------------
    def replace(self, **changes: Any) -> Chart:
        """A copy with some spec keys changed (validated again)."""
        return Chart(ChartSpec.from_dict({**self.spec.model_dump(exclude_defaults=True), **changes}))

    def with_filters(self, *filters: FilterLike) -> Chart:
        """A copy with more chart-level filters (AND-ed with the existing ones)."""
        flat = [f for item in filters for f in (item if isinstance(item, list | tuple) and item
                                                 and not isinstance(item[0], str) else [item])]
        return self.replace(filters=[*self.spec.filters, *(_filter_dict(f) for f in flat)])

    def at(self, dimension: str) -> Chart:
        """A copy whose category axis shows ``dimension`` (a drill step; filters stay as they are)."""
        key = self._visual.category_key
        if not key:
            raise QueryError(f"a {self.kind} chart has no category axis to show {dimension!r} on")
        current = getattr(self.spec, key)
        if isinstance(current, tuple):
            return self.replace(**{key: [dimension, *current[1:]]})
        return self.replace(**{key: dimension})

    # --- data -------------------------------------------------------------------------------
    def queries(self, filters: Iterable[FilterLike] = ()) -> list[QueryDict]:
        """The engine queries (``model.query`` keyword dicts) this chart runs, with ``filters`` added."""
        return self._visual.queries(self.spec, self._filters(filters))

    def data(self, model: SemanticModel, filters: Iterable[FilterLike] = (), user: Any = None) -> pd.DataFrame:
        """The aggregated rows the chart draws, fetched through the engine as ``user`` (RLS applies)."""
        self.spec.check_fields(model)
        return self._visual.fetch(model, self.spec, self._filters(filters), user)

    def to_vega_lite(self, model: SemanticModel, filters: Iterable[FilterLike] = (), user: Any = None, *,
                     data: pd.DataFrame | None = None) -> dict[str, Any]:
        """A complete Vega-Lite v6 spec with the aggregated rows inlined as ``data.values``.

        Pass ``data`` (from :meth:`data`) to draw rows already fetched without querying again.
        """
        df = self.data(model, filters, user) if data is None else data
        ctx = Ctx(self.spec, model)
        body = self._visual.build(ctx, df)
        return vega_lite(body, self.spec.title if self.spec.title is not None else self._title(ctx),
                         ctx.width, ctx.height)

    def to_svg(self, model: SemanticModel, filters: Iterable[FilterLike] = (), user: Any = None) -> str:
        """The chart as SVG text, rendered offline."""
        return to_svg(self.to_vega_lite(model, filters, user))

    def to_png(self, model: SemanticModel, filters: Iterable[FilterLike] = (), user: Any = None,
               scale: float = 2.0) -> bytes:
        """The chart as PNG bytes, rendered offline."""
        return to_png(self.to_vega_lite(model, filters, user), scale=scale)

    def export(self, model: SemanticModel, format: str, path: str | Path | None = None, *,
               filters: Iterable[FilterLike] = (), user: Any = None, audit: Any = None) -> bytes:
        """PNG, SVG, CSV or XLSX bytes as ``user`` (RLS applies), with an audit row; see :mod:`.export`."""
        from bheem_nb.charts.export import export

        return export(self, model, format, path, filters=filters, user=user, audit=audit)

    def scenegraph(self, model: SemanticModel, filters: Iterable[FilterLike] = (), user: Any = None) -> dict[str, Any]:
        """The rendered Vega scenegraph (for tests and layout checks)."""
        return scenegraph(self.to_vega_lite(model, filters, user))

    # --- helpers ----------------------------------------------------------------------------
    def _filters(self, extra: Iterable[FilterLike]) -> list[dict[str, Any]]:
        return [*self.spec.filters, *(_filter_dict(f) for f in extra)]

    def _title(self, ctx: Ctx) -> str:
        """A default title from field labels, e.g. "Revenue by region and segment"."""
        spec = self.spec

        def lab(name: str | None) -> str:
            return ctx.meta(name).label if name else ""

        ys = [lab(m) for m in spec.y[:2]]
        what = " and ".join([ys[0], *(y.lower() for y in ys[1:])]) if ys else ""
        kind = spec.kind
        if kind == "kpi":
            return ""  # the card names its measure itself
        if kind == "histogram":
            return f"Distribution of {lab(spec.x).lower()} per {lab(spec.detail).lower()}"
        if kind in ("scatter", "bubble"):
            return f"{what} vs {lab(spec.x).lower()} by {lab(spec.detail).lower()}"
        if kind == "sankey":
            return f"{what} from {lab(spec.source).lower()} to {lab(spec.destination).lower()}"
        if kind in ("candlestick", "ohlc"):
            return f"{lab(spec.close)} by {lab(spec.x).lower()}"
        if kind == "box":
            what = f"{what} per {lab(spec.detail).lower()}"
        detail = spec.detail if kind == "points_map" else None
        by = [lab(d).lower() for d in (spec.x, detail, spec.color, *spec.rows, *spec.columns)
              if d and not ctx.meta(d).is_measure]
        title = f"{what} by {' and '.join(by[:3])}" if what and by else what
        return f"Top {spec.limit}: {title}" if spec.limit else title


def chart(kind: str | Mapping[str, Any] | ChartSpec, **spec: Any) -> Chart:
    """Build a chart from a kind and keywords, or from a spec dict.

        chart("bar", x="region", y="revenue")
        chart({"kind": "line", "x": "order_date.month", "y": ["revenue", "orders"]})
    """
    if isinstance(kind, ChartSpec):
        return Chart(kind.model_copy(update=spec) if spec else kind)
    if isinstance(kind, Mapping):
        return Chart(ChartSpec.from_dict({**kind, **spec}))
    return Chart(ChartSpec.from_dict({"kind": kind, **spec}))
