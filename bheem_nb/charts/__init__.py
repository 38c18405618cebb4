"""Visuals: chart specs built from engine-aggregated rows (Vega-Lite), formatting and exports.

    from bheem_nb.charts import chart
    chart("bar", x="region", y="revenue").to_vega_lite(model)
"""

from bheem_nb.charts.chart import Chart, chart
from bheem_nb.charts.formatting import ConditionalFormat
from bheem_nb.charts.spec import KINDS, ChartSpec

__all__ = ["KINDS", "Chart", "ChartSpec", "ConditionalFormat", "chart"]
