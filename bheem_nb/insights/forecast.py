"""``forecast(model, measure, grain, horizon)``: exponential smoothing chosen by a holdout backtest.

    fc = forecast(model, "revenue", "month", 6)
    fc.model_name, fc.smape          # 'Holt-Winters additive (ETS A,A,A)', 0.043
    fc.to_vega_lite()                # history line, forecast line and its 95% band

The series comes from the engine (one row per period, as ``user``). Candidates (ETS: simple,
Holt, damped Holt, and with a season when two full seasons fit in the training part) are fitted
on all but the last ``holdout`` periods and scored by sMAPE there; the best is refitted on the
whole series and forecasts ``horizon`` periods with prediction intervals from its state-space
form (statsmodels ``ETSModel``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from bheem_nb.errors import QueryError
from bheem_nb.insights.source import SEASON_LAG, Source, as_float
from bheem_nb.insights.types import label, plain

_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}
MIN_PERIODS = 8

#: name -> ETSModel keyword arguments (seasonal ones get ``seasonal_periods``)
CANDIDATES: dict[str, dict[str, Any]] = {
    "Simple exponential smoothing (ETS A,N,N)": {"error": "add", "trend": None, "seasonal": None},
    "Holt linear trend (ETS A,A,N)": {"error": "add", "trend": "add", "seasonal": None},
    "Damped trend (ETS A,Ad,N)": {"error": "add", "trend": "add", "damped_trend": True, "seasonal": None},
    "Seasonal (ETS A,N,A)": {"error": "add", "trend": None, "seasonal": "add"},
    "Holt-Winters additive (ETS A,A,A)": {"error": "add", "trend": "add", "seasonal": "add"},
}


@dataclass
class Forecast:
    """History, forecast with a ``level`` prediction interval, the chosen model and its backtest error."""

    measure: str
    grain: str
    history: pd.DataFrame  # period, value
    forecast: pd.DataFrame  # period, value, lower, upper
    model_name: str
    mape: float  # on the holdout, as a fraction (0.05 = 5%)
    smape: float
    holdout: int
    level: float = 0.95
    backtest: dict[str, float] = field(default_factory=dict)  # candidate -> holdout sMAPE

    def to_vega_lite(self, width: int = 560, height: int = 240) -> dict[str, Any]:
        """The history as a line, the forecast dashed, the prediction interval as a band."""
        hist = [
            {"period": plain(p), "value": plain(v), "series": "actual"}
            for p, v in zip(self.history["period"], self.history["value"], strict=True)
        ]
        last = hist[-1] if hist else None
        fut = [
            {
                "period": plain(r.period),
                "value": plain(r.value),
                "lower": plain(r.lower),
                "upper": plain(r.upper),
                "series": "forecast",
            }
            for r in self.forecast.itertuples()
        ]
        bridge = [{**last, "lower": last["value"], "upper": last["value"], "series": "forecast"}] if last else []
        x = alt.X("period:T", title=None)
        y = alt.Y("value:Q", title=label(self.measure), axis=alt.Axis(format="~s"))
        color = alt.Color(
            "series:N",
            scale=alt.Scale(domain=["actual", "forecast"], range=["#2f6fde", "#d9480f"]),
            legend=alt.Legend(title=None, orient="top-left"),
        )
        band = (
            alt.Chart(_data(bridge + fut))
            .mark_area(opacity=0.2, color="#d9480f")
            .encode(
                x=x,
                y=alt.Y("lower:Q"),
                y2="upper:Q",
                tooltip=[
                    alt.Tooltip("period:T"),
                    alt.Tooltip("lower:Q", format=",.0f"),
                    alt.Tooltip("upper:Q", format=",.0f"),
                ],
            )
        )
        lines = (
            alt.Chart(_data(hist + bridge + fut))
            .mark_line()
            .encode(
                x=x,
                y=y,
                color=color,
                strokeDash=alt.condition("datum.series == 'forecast'", alt.value([5, 4]), alt.value([1, 0])),
                tooltip=[alt.Tooltip("period:T"), alt.Tooltip("value:Q", format=",.0f"), "series:N"],
            )
        )
        title = f"{label(self.measure).capitalize()} forecast ({self.model_name}; backtest sMAPE {self.smape:.1%})"
        spec: dict[str, Any] = alt.layer(band, lines).properties(width=width, height=height, title=title).to_dict()
        return spec

    def _repr_html_(self) -> str:
        return (
            f"<b>{self.model_name}</b>: {len(self.forecast)} {self.grain}s ahead, "
            f"backtest sMAPE {self.smape:.1%}, MAPE {self.mape:.1%} over {self.holdout} {self.grain}s"
        )


def forecast(
    model: Any,
    measure: str,
    grain: str = "month",
    horizon: int = 6,
    date_field: str | None = None,
    filters: Sequence[Any] = (),
    user: Any = None,
    *,
    level: float = 0.95,
    holdout: int | None = None,
) -> Forecast:
    """Forecast ``measure`` ``horizon`` periods of ``grain`` ahead with a ``level`` prediction interval."""
    if grain not in _FREQ:
        raise QueryError(f"forecast grain must be one of {', '.join(_FREQ)}, got {grain!r}")
    if horizon < 1:
        raise QueryError(f"horizon must be at least 1 period, got {horizon}")
    src = Source(model, tuple(filters), user)
    src.measure(measure)
    time_field = src.time_field(measure, date_field)
    if time_field is None:
        raise QueryError(f"{measure!r} has no time dimension to forecast over; pass date_field=")
    _, df = src.series([measure], time_field, grain)
    history = _regular(df["period"], as_float(df[measure]), grain)
    y = history["value"].to_numpy()
    if len(y) < MIN_PERIODS:
        raise QueryError(f"forecasting needs at least {MIN_PERIODS} {grain}s of history; {measure!r} has {len(y)}")
    hold = holdout or max(2, min(horizon, len(y) // 5))
    season = SEASON_LAG.get(grain, 0)
    backtest: dict[str, float] = {}
    predictions: dict[str, np.ndarray] = {}
    for name, kwargs in CANDIDATES.items():
        fitted = _fit(y[:-hold], kwargs, season)
        if fitted is None:
            continue
        predictions[name] = np.asarray(fitted.forecast(hold))
        backtest[name] = _smape(y[-hold:], predictions[name])
    if not backtest:
        raise QueryError(f"no forecasting model could be fitted to {len(y)} {grain}s of {measure!r}")
    best = min(backtest, key=lambda k: (backtest[k], list(CANDIDATES).index(k)))
    mape = _mape(y[-hold:], predictions[best])
    final = _fit(y, CANDIDATES[best], season)
    assert final is not None
    frame = final.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=1 - level)
    future = pd.date_range(history["period"].iloc[-1], periods=horizon + 1, freq=_FREQ[grain])[1:]
    out = pd.DataFrame(
        {
            "period": future,
            "value": frame["mean"].to_numpy(),
            "lower": frame["pi_lower"].to_numpy(),
            "upper": frame["pi_upper"].to_numpy(),
        }
    )
    return Forecast(measure, grain, history, out, best, mape, backtest[best], hold, level, backtest)


def _regular(periods: pd.Series, values: np.ndarray, grain: str) -> pd.DataFrame:
    """One row per period with no gaps (a period with no rows has value 0 for a sum)."""
    s = pd.Series(values, index=pd.DatetimeIndex(periods)).groupby(level=0).first()
    full = pd.date_range(s.index.min(), s.index.max(), freq=_FREQ[grain])
    if len(full) == len(s):
        s.index = full
    else:
        s = s.reindex(full.append(s.index).unique().sort_values()).fillna(0.0)
    return pd.DataFrame({"period": s.index, "value": s.to_numpy(dtype=float)})


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _fit(y: np.ndarray, kwargs: dict[str, Any], season: int) -> Any:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    args = dict(kwargs)
    if args.get("seasonal"):
        if season < 2 or len(y) < 2 * season + 2:
            return None
        args["seasonal_periods"] = season
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ETSModel(pd.Series(np.asarray(y, dtype=float)), **args).fit(disp=False)
        except (ValueError, np.linalg.LinAlgError):
            return None


def _smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    denom = np.abs(actual) + np.abs(predicted)
    ok = denom > 0
    return float(np.mean(2 * np.abs(predicted[ok] - actual[ok]) / denom[ok])) if ok.any() else 0.0


def _mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    ok = actual != 0
    return float(np.mean(np.abs((predicted[ok] - actual[ok]) / actual[ok]))) if ok.any() else math.nan
