"""``insights(model, measure, dimensions)``: Quick Insights in one call, ranked by significance.

    from bheem_nb.insights import insights
    for i in insights(model, measure="revenue", dimensions=["region", "channel", "customers.name"]):
        print(f"{i.score:.2f} {i.kind:13} {i.description}")

The engine aggregates (a series per period, totals per member, ten Pareto deciles); the tests
in :mod:`bheem_nb.insights.stats` run on those few rows. Each finding's score is its corrected
significance, so ``pure noise`` stays under :data:`STRONG_SCORE`. Near-duplicates (the same
member flagged as an outlier and as a segment, a pair correlated over time and across members)
keep only their best-scoring form.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from bheem_nb.insights import minicharts
from bheem_nb.insights import stats as st
from bheem_nb.insights.source import SEASON_LAG, Source, as_float
from bheem_nb.insights.types import Insight, fmt_num, fmt_pct, fmt_period, label

MAX_MEMBERS = 5000  # members fetched per dimension for outliers; more: only the Pareto runs (in SQL)
MAX_SEGMENT_MEMBERS = 30  # members x periods fetched for the segment test
MIN_PARETO_MEMBERS = 10
ADDITIVE = ("sum", "count", "count_distinct")
SEASON_FULL_SWING = 0.10  # a peak 10% above the cycle's average gets full weight; 1% gets a tenth
_REPORTED = 0.05  # insights scoring below this are noise and not returned at all


def insights(
    model: Any,
    measure: str | Sequence[str],
    dimensions: Sequence[str] = (),
    *,
    filters: Sequence[Any] = (),
    top: int = 10,
    user: Any = None,
    date_field: str | None = None,
    grain: str | None = None,
) -> list[Insight]:
    """The ``top`` most significant findings about ``measure`` (the first when a list is given; the
    others are tested for correlation with it and each other), by ``dimensions``, under ``filters``,
    as ``user`` (row-level security applies).

    Kinds: trend, change_point, seasonality (over the model's time dimension or ``date_field``
    at ``grain``, default: the coarsest grain with enough periods), outlier and segment (members of
    each dimension), correlation, concentration (Pareto).
    """
    measures = [measure] if isinstance(measure, str) else list(measure)
    if not measures:
        raise ValueError("insights needs at least one measure")
    src = Source(model, tuple(filters), user)
    for m in measures:
        src.measure(m)
    for d in dimensions:
        model.fields.resolve(d)
    found: list[Insight] = []
    time_field = src.time_field(measures[0], date_field)
    g = grain or "month"
    if time_field is not None:
        g, series = src.series(measures, time_field, grain)
        additive = src.measure(measures[0]).spec.agg in ADDITIVE
        found += _time_insights(series, measures[0], time_field, g, additive)
        found += _correlations_over_time(series, measures, time_field)
        if g != "day" and grain is None:
            _, daily = src.series(measures[:1], time_field, "day")
            found += _seasonality(daily, measures[0], time_field, "day")
    for d in dimensions:
        found += _member_insights(src, measures, d, time_field, g)
    return rank(found, top)


def rank(found: Sequence[Insight], top: int) -> list[Insight]:
    """Highest score first; of near-duplicates (same :attr:`Insight.key`) only the best is kept."""
    best: dict[tuple[Any, ...], Insight] = {}
    for i in found:
        if i.score < _REPORTED:
            continue
        if i.key not in best or i.score > best[i.key].score:
            best[i.key] = i
    ranked = sorted(best.values(), key=lambda i: (-i.score, i.kind, i.description))[:top]
    return [i.drawn() for i in ranked]


# -- over time ------------------------------------------------------------------------------
def _time_insights(series: pd.DataFrame, measure: str, time_field: str, grain: str, additive: bool) -> list[Insight]:
    y = as_float(series[measure])
    ok = np.isfinite(y)
    periods, y = list(series["period"][ok]), y[ok]
    if len(y) < 8:
        return []
    out: list[Insight] = []
    shift = st.level_shift(y)
    shift_score = st.significance(shift.p, shift.candidates) if shift else 0.0
    if shift is not None and shift_score > 0:
        when = periods[shift.at]
        change = (shift.after - shift.before) / abs(shift.before) if shift.before else float("nan")
        out.append(
            Insight(
                "change_point",
                shift_score,
                f"{label(measure).capitalize()} shifted from {fmt_num(shift.before)} to {fmt_num(shift.after)} per "
                f"{grain} ({'+' if change >= 0 else ''}{fmt_pct(change)}) from {fmt_period(when, grain)} on.",
                (measure, time_field),
                {},
                {"period": when, "before": shift.before, "after": shift.after, "p_value": shift.p, "grain": grain},
                draw=lambda: minicharts.line(periods, y, mark_at=when),
            )
        )
    tr = st.trend(y, step_at=shift.at if shift and shift_score >= st.STRONG_SCORE else None)
    mean = float(np.mean(y))
    total_change = tr.slope * (len(y) - 1) / abs(mean) if mean else float("nan")
    out.append(
        Insight(
            "trend",
            st.significance(tr.p),
            f"{label(measure).capitalize()} {'rises' if tr.slope > 0 else 'falls'} by {fmt_num(abs(tr.slope))} per "
            f"{grain} ({fmt_pct(abs(total_change))} of its average over {len(y)} {grain}s).",
            (measure, time_field),
            {},
            {"slope": tr.slope, "p_value": tr.p, "grain": grain, "periods": len(y)},
            draw=lambda: minicharts.line(periods, y, fitted=list(tr.fitted)),
        )
    )
    out += _seasonality(series, measure, time_field, grain, per_day=additive)
    return out


def _seasonality(
    series: pd.DataFrame, measure: str, time_field: str, grain: str, per_day: bool = False
) -> list[Insight]:
    """A repeating cycle. ``per_day``: a total per month is divided by the month's days first, so
    February's three missing days are not called a season."""
    y = as_float(series[measure])
    if per_day and grain in ("month", "quarter"):
        starts = pd.to_datetime(series["period"])
        y = y / (starts + pd.DateOffset(months=1 if grain == "month" else 3) - starts).dt.days.to_numpy()
    ok = np.isfinite(y)
    periods, y = list(series["period"][ok]), y[ok]
    lag = SEASON_LAG[grain]
    season = st.seasonality(y, lag)
    if season is None:
        return []
    phase = pd.Series(y).groupby([_phase(p, grain) for p in periods], sort=False).mean()
    phase = phase.sort_index(key=lambda idx: pd.Index([_PHASE_ORDER.get(str(v), 0) for v in idx]))
    peak = phase.idxmax()
    cycle = {"month": "year", "day": "week", "week": "year", "quarter": "year"}[grain]
    swing = float(phase.max() / phase.mean() - 1) if phase.mean() else 0.0
    effect = float(np.clip(abs(swing) / SEASON_FULL_SWING, 0.0, 1.0))
    return [
        Insight(
            "seasonality",
            st.significance(season.p) * effect,
            f"{label(measure).capitalize()} repeats every {lag} {grain}s (autocorrelation {season.acf:.2f} at lag "
            f"{lag}); its peak, {peak}, is {fmt_pct(swing)} above the {cycle}'s average.",
            (measure, time_field),
            {},
            {"lag": lag, "acf": season.acf, "p_value": season.p, "grain": grain, "peak": peak},
            draw=lambda: minicharts.bars(list(phase.index), list(phase.values), highlight=[peak], ranked=False),
        )
    ]


_PHASE_ORDER = {
    name: i
    for i, name in enumerate(
        [
            "Mon",
            "Tue",
            "Wed",
            "Thu",
            "Fri",
            "Sat",
            "Sun",
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
        ]
    )
} | {f"W{w:02d}": w for w in range(1, 54)}


def _phase(period: Any, grain: str) -> str:
    ts = pd.Timestamp(period)
    if grain == "day":
        return ts.strftime("%a")
    if grain == "week":
        return f"W{ts.isocalendar().week:02d}"
    if grain == "quarter":
        return f"Q{ts.quarter}"
    return ts.strftime("%b")


def _correlations_over_time(series: pd.DataFrame, measures: Sequence[str], time_field: str) -> list[Insight]:
    out = []
    pairs = [(a, b) for i, a in enumerate(measures) for b in measures[i + 1 :]]
    for a, b in pairs:
        x, y = as_float(series[a]), as_float(series[b])
        ok = np.isfinite(x) & np.isfinite(y)
        c = st.correlation(x[ok], y[ok], detrend=True)
        if c is not None:
            out.append(_correlation_insight(a, b, c, len(pairs), "periods", x[ok], y[ok], time_field))
    return out


def _correlation_insight(
    a: str, b: str, c: st.Correlation, tests: int, across: str, x: np.ndarray, y: np.ndarray, context: str
) -> Insight:
    strength = "strongly" if abs(c.r) >= 0.7 else "moderately" if abs(c.r) >= 0.4 else "weakly"
    direction = "together" if c.r > 0 else "in opposite directions"
    detrended = " (trends removed)" if across == "periods" else ""
    return Insight(
        "correlation",
        st.significance(c.p, tests),
        f"{label(a).capitalize()} and {label(b)} move {strength} {direction} across {c.n} {across}{detrended}: "
        f"r = {c.r:.2f}.",
        (a, b),
        {},
        {"r": c.r, "p_value": c.p, "n": c.n, "across": across, "by": context},
        draw=lambda: minicharts.scatter(list(x), list(y), label(a), label(b)),
    )


# -- across members -------------------------------------------------------------------------
def _member_insights(
    src: Source, measures: Sequence[str], dimension: str, time_field: str | None, grain: str
) -> list[Insight]:
    measure = measures[0]
    df = src.members(measures, dimension, MAX_MEMBERS + 1)
    df = df.dropna(subset=["member"])
    out: list[Insight] = []
    complete = len(df) <= MAX_MEMBERS
    values = as_float(df[measure])
    ok = np.isfinite(values)
    members, values = list(df["member"][ok]), values[ok]
    if complete:
        out += _outliers(measure, dimension, members, values)
        # totals of two additive measures both grow with a member's size (its rows), which is not a
        # relationship between them; across members only rates and averages are compared
        rates = [m for m in measures if src.measure(m).spec.agg not in ADDITIVE]
        pairs = [(a, b) for i, a in enumerate(rates) for b in rates[i + 1 :]]
        for a, b in pairs:
            x, y = as_float(df[a]), as_float(df[b])
            keep = np.isfinite(x) & np.isfinite(y)
            c = st.correlation(x[keep], y[keep]) if keep.sum() >= 8 else None
            if c is not None:
                out.append(
                    _correlation_insight(
                        a, b, c, len(pairs) * 2, f"{label(dimension)} members", x[keep], y[keep], dimension
                    )
                )
    if src.measure(measure).spec.agg in ADDITIVE and len(members) >= MIN_PARETO_MEMBERS and (values >= 0).all():
        out += _concentration(src, measure, dimension)
    if time_field is not None and 2 < len(members) <= MAX_SEGMENT_MEMBERS:
        out += _segments(src, measure, dimension, f"{time_field}.{grain}")
    return out


def _outliers(measure: str, dimension: str, members: list[Any], values: np.ndarray) -> list[Insight]:
    """One insight per direction: the most extreme member, and how many others are beyond the fences."""
    out = []
    for side in (1, -1):
        found = [o for o in st.outliers(values) if o.robust_z * side > 0]
        if not found:
            continue
        o = max(found, key=lambda f: abs(f.robust_z))
        m = members[o.index]
        others = (
            f" ({len(found) - 1} more {label(dimension)} values are beyond the 1.5 x IQR fence)"
            if len(found) > 1
            else ""
        )
        out.append(
            Insight(
                "outlier",
                st.significance(o.p, len(values)),
                f"{label(dimension).capitalize()} {m} has {label(measure)} of {fmt_num(o.value)}, "
                f"{abs(o.robust_z):.1f} robust standard deviations {'above' if side > 0 else 'below'} "
                f"the median {label(dimension)} ({fmt_num(o.median)}){others}.",
                (measure, dimension),
                {},
                {
                    "member": m,
                    "value": o.value,
                    "median": o.median,
                    "robust_z": o.robust_z,
                    "p_value": o.p,
                    "outliers": len(found),
                },
                draw=partial(minicharts.bars, members, list(values), highlight=[m]),
            )
        )
    return out


def _concentration(src: Source, measure: str, dimension: str) -> list[Insight]:
    deciles = src.pareto(measure, dimension)
    total = float(deciles["total"].sum())
    n = int(deciles["members"].sum())
    if total <= 0 or n < MIN_PARETO_MEMBERS:
        return []
    top = deciles[deciles["decile"] <= 2]
    share = float(top["total"].sum()) / total
    k = int(top["members"].sum())
    score = float(np.clip((share - 0.4) / 0.4, 0.0, 1.0))  # 20% of members giving 40% is ordinary, 80% is Pareto
    return [
        Insight(
            "concentration",
            score,
            f"Top {k / n:.0%} of {label(dimension)} values ({k:,} of {n:,}) give {fmt_pct(share)} of {label(measure)}.",
            (measure, dimension),
            {},
            {"top_share": share, "top_members": k, "members": n},
            draw=lambda: minicharts.pareto(list(deciles["decile"]), list(deciles["total"] / total)),
        )
    ]


def _segments(src: Source, measure: str, dimension: str, grain_dim: str) -> list[Insight]:
    """A member far from the rest period after period (e.g. a channel with most of the revenue)."""
    df = src.query([measure], [dimension, grain_dim])
    wide = df.pivot_table(index=grain_dim, columns=dimension, values=measure, aggfunc="first")
    if len(wide) < 4:
        return []
    out = []
    totals = wide.sum(axis=0)
    grain = grain_dim.rsplit(".", 1)[-1]
    for m in wide.columns:
        rest = wide.drop(columns=[m]).median(axis=1)
        seg = st.segment_vs_rest(as_float(wide[m].fillna(0)), as_float(rest))
        if seg is None:
            continue
        effect = float(np.clip(abs(np.log(seg.ratio)) / np.log(2), 0.0, 1.0))  # 2x (or half) the rest: full weight
        share = float(totals[m] / totals.sum()) if totals.sum() else float("nan")
        how = f"{seg.ratio:.1f}x" if seg.ratio >= 1 else f"{fmt_pct(seg.ratio)} of"
        out.append(
            Insight(
                "segment",
                st.significance(seg.p, len(wide.columns)) * effect,
                f"{label(dimension).capitalize()} {m} runs at {how} the median of the other {label(dimension)} values "
                f"in {label(measure)}, {grain} after {grain} ({fmt_pct(share)} of the total).",
                (measure, dimension),
                {},
                {"member": m, "ratio": seg.ratio, "p_value": seg.p, "share": share, "periods": seg.periods},
                draw=partial(minicharts.bars, list(totals.index), list(totals.values), highlight=[m]),
            )
        )
    # the most extreme member speaks for its dimension; the others are near-duplicates of it
    return sorted(out, key=lambda i: (-i.score, -abs(np.log(i.details["ratio"]))))[:1]
