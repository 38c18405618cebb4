"""forecast(): the right family of model is chosen by the holdout, and held-back months fall in its band."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.errors import QueryError
from bheem_nb.insights.forecast import forecast


def _monthly(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.assign(m=pd.to_datetime(frame["day"]).dt.to_period("M").dt.to_timestamp()).groupby("m")[column].sum()


def test_seasonal_series_gets_a_seasonal_model(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    fc = forecast(model, "season", "month", 12)
    assert ("A,A" in fc.model_name and fc.model_name.endswith(",A)")) or "A,N,A" in fc.model_name
    assert fc.smape < 0.05 and fc.backtest[fc.model_name] == fc.smape
    assert min(fc.backtest.values()) == fc.smape
    # history equals the monthly totals computed from the raw rows
    want = _monthly(frame, "season")
    assert list(fc.history["period"]) == list(want.index)
    np.testing.assert_allclose(fc.history["value"], want.to_numpy(), rtol=1e-9)
    assert list(fc.forecast["period"]) == list(pd.date_range("2024-01-01", periods=12, freq="MS"))
    assert (fc.forecast["lower"] < fc.forecast["value"]).all() and (fc.forecast["value"] < fc.forecast["upper"]).all()
    # the forecast repeats the planted cycle: April highest, October lowest (sin over months 1..12)
    assert fc.forecast["value"].idxmax() in (2, 3, 4) and fc.forecast["value"].idxmin() in (8, 9, 10)


def test_held_back_months_fall_in_the_interval(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    fc = forecast(model, "trend", "month", 6, filters=[bn.Filter("day", "<", "2023-07-01")])
    actual = _monthly(frame, "trend").loc["2023-07-01":"2023-12-01"].to_numpy()
    inside = (fc.forecast["lower"].to_numpy() <= actual) & (actual <= fc.forecast["upper"].to_numpy())
    assert inside.sum() >= 5, (fc.model_name, fc.forecast, actual)
    assert fc.forecast["value"].iloc[-1] > fc.history["value"].iloc[-12:].mean()  # the trend goes on


def test_vega_lite_overlays_history_forecast_and_band(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    fc = forecast(model, "season", "month", 6)
    spec = fc.to_vega_lite()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["area", "line"]
    values = spec["layer"][1]["data"]["values"]
    assert sum(v["series"] == "actual" for v in values) == 36
    assert fc.model_name in spec["title"]
    assert f"{fc.smape:.1%}" in fc._repr_html_()


def test_bad_input(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    with pytest.raises(QueryError, match="grain"):
        forecast(model, "trend", "fortnight", 3)
    with pytest.raises(QueryError, match="at least 8"):
        forecast(model, "trend", "year", 3)
    with pytest.raises(QueryError, match="horizon"):
        forecast(model, "trend", "month", 0)
