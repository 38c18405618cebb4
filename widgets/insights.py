"""InsightsPanel: quick-insight cards (sentence, significance badge, mini chart) for one measure.

    from bheem_nb.widgets.insights import InsightsPanel
    panel = InsightsPanel(model, "revenue", ["region", "channel", "customers.name"])   # shows at once
    ctx.register(InsightsPanel(ctx, "revenue", ["region"]))     # follows a page's slicers and user

Insights are computed in the kernel by :func:`bheem_nb.insights.insights` (the engine aggregates);
the page only draws the cards, their mini charts through the page's one shared Vega runtime.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets
from ipywidgets import widget_serialization

from bheem_nb.insights.quick import insights
from bheem_nb.insights.stats import STRONG_SCORE

from .chart import VegaRuntime, vega_runtime
from .slicers import CSS, STATIC

KIND_LABELS = {
    "trend": "Trend",
    "change_point": "Change point",
    "seasonality": "Seasonality",
    "outlier": "Outlier",
    "segment": "Notable segment",
    "correlation": "Correlation",
    "concentration": "Concentration",
}


class InsightsPanel(anywidget.AnyWidget):
    """The ``top`` insights about ``measure`` by ``dimensions``; ``source`` is a model or a FilterContext."""

    _esm = STATIC / "insights.js"
    _css = CSS
    runtime = traitlets.Instance(VegaRuntime).tag(sync=True, **widget_serialization)
    title = traitlets.Unicode("").tag(sync=True)
    cards = traitlets.List(traitlets.Dict()).tag(sync=True)
    threshold = traitlets.Float(STRONG_SCORE).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    query_ms = traitlets.Float(0.0).tag(sync=True)

    def __init__(
        self,
        source: Any,
        measure: str | Sequence[str],
        dimensions: Sequence[str] = (),
        *,
        top: int = 8,
        title: str | None = None,
        user: Any = None,
        **options: Any,
    ) -> None:
        measures = [measure] if isinstance(measure, str) else list(measure)
        super().__init__(title=title or f"Insights: {measures[0].replace('_', ' ')}", runtime=vega_runtime())
        self.source, self.measures, self.dimensions = source, measures, list(dimensions)
        self.top, self.user, self.options = top, user, options
        if not hasattr(source, "register"):  # a bare model: no page will call refresh
            self.refresh()

    def refresh(self) -> None:
        """Recompute under the page's filters and user (a FilterContext) or the model's."""
        start = time.perf_counter()
        model = getattr(self.source, "model", self.source)
        filters = list(getattr(self.source, "filters", ()))
        user = self.user if self.user is not None else getattr(self.source, "user", None)
        try:
            found = insights(
                model, self.measures, self.dimensions, filters=filters, top=self.top, user=user, **self.options
            )
        except Exception as exc:  # the page says why instead of showing stale cards
            self.error, self.cards = str(exc), []
            self.version += 1
            return
        cards = [
            {
                "kind": i.kind,
                "label": KIND_LABELS.get(i.kind, i.kind),
                "score": round(i.score, 3),
                "strong": i.strong,
                "description": i.description,
                "fields": list(i.fields),
                "chart": i.chart,
            }
            for i in found
        ]
        with self.hold_trait_notifications():
            self.error = ""
            self.cards = cards
            self.query_ms = round((time.perf_counter() - start) * 1000, 1)
            self.version += 1
