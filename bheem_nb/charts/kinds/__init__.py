"""The registry: one :class:`~bheem_nb.charts.kinds.base.Visual` per chart kind."""

from __future__ import annotations

from bheem_nb.charts.kinds.bars import Bars
from bheem_nb.charts.kinds.base import Visual
from bheem_nb.charts.kinds.circular import Gauge, Pie
from bheem_nb.charts.kinds.distribution import Box, Histogram
from bheem_nb.charts.kinds.flow import Bullet, Candlestick, Funnel, Waterfall
from bheem_nb.charts.kinds.geo import Choropleth, PointsMap
from bheem_nb.charts.kinds.layout import Sankey, Treemap
from bheem_nb.charts.kinds.lines import Combo, Lines
from bheem_nb.charts.kinds.points import Calendar, Heatmap, Scatter
from bheem_nb.charts.kinds.tables import Kpi, Matrix, Table

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
    "pie": Pie(),
    "donut": Pie(hole=0.58),
    "gauge": Gauge(),
    "scatter": Scatter(),
    "bubble": Scatter(bubble=True),
    "heatmap": Heatmap(),
    "calendar": Calendar(),
    "histogram": Histogram(),
    "box": Box(),
    "waterfall": Waterfall(),
    "funnel": Funnel(),
    "bullet": Bullet(),
    "candlestick": Candlestick(),
    "ohlc": Candlestick(ohlc=True),
    "treemap": Treemap(),
    "sankey": Sankey(),
    "map": Choropleth(),
    "points_map": PointsMap(),
    "table": Table(),
    "matrix": Matrix(),
    "kpi": Kpi(),
}


def visual(kind: str) -> Visual:
    return REGISTRY[kind]  # ChartSpec has already refused unknown kinds


def requirements(kind: str) -> tuple[str, ...]:
    """Spec keys a kind cannot do without (checked when the spec is validated)."""
    found = REGISTRY.get(kind)
    return found.requires if found else ()
