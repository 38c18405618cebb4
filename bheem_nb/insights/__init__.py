"""Quick insights, explain, forecasting and data profiling, aggregated in the engine.

from bheem_nb.insights import insights, explain, forecast, profile
insights(model, "revenue", ["region", "channel"])       # ranked findings with mini charts
explain(model, "revenue", [Filter("region", "=", "Europe")], dimensions=["category"])
forecast(model, "revenue", "month", 6).to_vega_lite()
profile(model, "orders").to_frame()
"""

from bheem_nb.insights.explain import Explanation, explain, explanation
from bheem_nb.insights.forecast import Forecast, forecast
from bheem_nb.insights.profile import ColumnProfile, DataProfile, profile
from bheem_nb.insights.quick import insights
from bheem_nb.insights.stats import STRONG_SCORE
from bheem_nb.insights.types import Driver, Insight

__all__ = [
    "STRONG_SCORE",
    "ColumnProfile",
    "DataProfile",
    "Driver",
    "Explanation",
    "Forecast",
    "Insight",
    "explain",
    "explanation",
    "forecast",
    "insights",
    "profile",
]
