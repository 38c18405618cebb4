"""The statistics behind quick insights, on small aggregated arrays (never on raw rows).

Each test returns its effect and a p-value; :func:`significance` turns a p-value (corrected
for how many candidates were tried) into the 0-1 score insights are ranked by, so a score
means the same thing for every kind: 0.5 is p = 0.001 after correction, 1.0 is p <= 1e-6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

#: an insight at or above this score is "strong" (p <= 0.001 after the multiple-testing correction)
STRONG_SCORE = 0.5
_FULL_SCORE_LOG10 = 6.0


def significance(p: float, tests: int = 1) -> float:
    """Bonferroni-corrected p-value → 0..1 score (``-log10(p * tests) / 6``, clipped)."""
    if not math.isfinite(p):
        return 0.0
    adjusted = min(1.0, max(p, 1e-300) * max(tests, 1))
    return float(min(1.0, max(0.0, -math.log10(adjusted) / _FULL_SCORE_LOG10)))


@dataclass(frozen=True)
class OLS:
    coef: np.ndarray
    p: np.ndarray
    resid: np.ndarray


def ols(x: np.ndarray, y: np.ndarray) -> OLS:
    """Least squares with an intercept column already in ``x``; two-sided t-test p-values."""
    n, k = x.shape
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = max(n - k, 1)
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.pinv(x.T @ x)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, coef / se, np.where(coef == 0, 0.0, np.inf))
    p = 2 * sps.t.sf(np.abs(t), dof)
    return OLS(coef, p, resid)


def _design(n: int, step_at: int | None = None) -> np.ndarray:
    cols = [np.ones(n), np.arange(n, dtype=float)]
    if step_at is not None:
        cols.append((np.arange(n) >= step_at).astype(float))
    return np.column_stack(cols)


@dataclass(frozen=True)
class Trend:
    slope: float  # per period
    p: float
    fitted: np.ndarray


def trend(y: np.ndarray, step_at: int | None = None) -> Trend:
    """The OLS slope over time; with ``step_at`` the slope is tested next to a level shift there,
    so a single jump is not mistaken for steady growth."""
    fit = ols(_design(len(y), step_at), y)
    fitted = _design(len(y)) @ fit.coef[:2]
    return Trend(float(fit.coef[1]), float(fit.p[1]), fitted)


@dataclass(frozen=True)
class LevelShift:
    at: int  # index of the first period after the shift
    before: float
    after: float
    p: float
    candidates: int


def level_shift(y: np.ndarray, min_segment: int = 4) -> LevelShift | None:
    """The most significant single level shift on top of a linear trend (a step dummy's t-test,
    searched over every split; Bonferroni over the splits tried)."""
    n = len(y)
    splits = range(min_segment, n - min_segment + 1)
    if len(splits) < 1:
        return None
    best: tuple[float, int] | None = None
    for k in splits:
        p = float(ols(_design(n, k), y).p[2])
        if best is None or p < best[0]:
            best = (p, k)
    assert best is not None
    p, k = best
    return LevelShift(k, float(np.mean(y[:k])), float(np.mean(y[k:])), p, len(splits))


@dataclass(frozen=True)
class Seasonality:
    lag: int
    acf: float
    p: float


def seasonality(y: np.ndarray, lag: int) -> Seasonality | None:
    """Autocorrelation at the seasonal lag of the detrended series (Bartlett's 1/sqrt(n) standard
    error; one-sided: a season repeats, so only a positive correlation counts).

    A long series loses its trend through a centred moving average one season wide, so a slow
    cycle (a yearly wave in daily data) is not taken for a weekly one; a short series (under four
    seasons) is detrended by a straight line, keeping every period.
    """
    n = len(y)
    if n < 2 * lag + 2:
        return None
    if n >= 4 * lag:
        resid = _minus_moving_average(y, lag)
        n = len(resid)
    else:
        resid = ols(_design(n), y).resid
    resid = resid - resid.mean()
    denom = float(resid @ resid)
    if denom <= 0:
        return None
    r = float(resid[lag:] @ resid[:-lag]) / denom
    p = float(sps.norm.sf(r * math.sqrt(n)))
    return Seasonality(lag, r, p)


def _minus_moving_average(y: np.ndarray, lag: int) -> np.ndarray:
    """``y`` minus its centred moving average over one season (2 x lag for an even lag), ends dropped."""
    weights = np.full(lag, 1.0 / lag) if lag % 2 else np.r_[0.5, np.ones(lag - 1), 0.5] / lag
    half = len(weights) // 2
    smooth = np.convolve(y, weights, mode="valid")
    return np.asarray(y[half : len(y) - half] - smooth)


@dataclass(frozen=True)
class Outlier:
    index: int
    value: float
    median: float
    robust_z: float
    p: float
    beyond_iqr_fence: bool


def outliers(values: np.ndarray, min_members: int = 8) -> list[Outlier]:
    """Members whose value is far from the rest: robust z-score (median and MAD) with a Student t
    tail (df = n - 1, honest for few members), confirmed by Tukey's 1.5 x IQR fences."""
    n = len(values)
    if n < min_members:
        return []
    med = float(np.median(values))
    q1, q3 = (float(v) for v in np.percentile(values, [25, 75]))
    iqr = q3 - q1
    mad = float(np.median(np.abs(values - med))) / 0.6745
    scale = mad if mad > 0 else iqr / 1.349
    if scale <= 0:
        return []
    out = []
    for i, v in enumerate(values):
        z = (float(v) - med) / scale
        fence = v < q1 - 1.5 * iqr or v > q3 + 1.5 * iqr
        if fence:
            out.append(Outlier(i, float(v), med, z, float(2 * sps.t.sf(abs(z), n - 1)), True))
    return sorted(out, key=lambda o: o.p)


@dataclass(frozen=True)
class Correlation:
    r: float
    p: float
    n: int


def correlation(x: np.ndarray, y: np.ndarray, detrend: bool = False) -> Correlation | None:
    """Pearson's r with its p-value; over time both series are detrended first, so two measures
    that merely both grow are not called correlated."""
    n = len(x)
    if n < 6 or np.std(x) == 0 or np.std(y) == 0:
        return None
    if detrend:
        x, y = ols(_design(n), x).resid, ols(_design(n), y).resid
        if np.std(x) == 0 or np.std(y) == 0:
            return None
    res = sps.pearsonr(x, y)
    return Correlation(float(res.statistic), float(res.pvalue), n)


@dataclass(frozen=True)
class Segment:
    ratio: float  # the member's typical value / the average of the other members, per period
    p: float
    periods: int


def segment_vs_rest(member: np.ndarray, rest: np.ndarray) -> Segment | None:
    """One member against the typical other member (their median), period by period: Wilcoxon's signed-rank test of
    the log ratio (periods are the replicates, so a member that is bigger every period is significant;
    ranks keep one whale customer in one month from making a whole store look different)."""
    ok = (member > 0) & (rest > 0)
    if ok.sum() < 4:
        return None
    d = np.log(member[ok]) - np.log(rest[ok])
    if np.std(d) == 0:
        return Segment(float(np.exp(d.mean())), 0.0 if d.mean() != 0 else 1.0, int(ok.sum()))
    res = sps.wilcoxon(d)
    return Segment(float(np.exp(np.median(d))), float(res.pvalue), int(ok.sum()))
