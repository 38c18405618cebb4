"""Mini charts for insight cards: small Vega-Lite dicts built with Altair from a few aggregated rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from bheem_nb.insights.types import plain

WIDTH, HEIGHT = 240, 90
BLUE, ORANGE, GREY = "#2f6fde", "#d9480f", "#9aa5b1"


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=9, titleFontSize=9, grid=False)
        .to_dict(validate=False)
    )
    return spec


def _base(rows: list[dict[str, Any]]) -> alt.Chart:
    data = alt.Data(values=[{k: plain(v) for k, v in r.items()} for r in rows])  # type: ignore[no-untyped-call]
    return alt.Chart(data).properties(width=WIDTH, height=HEIGHT)


def line(
    periods: Sequence[Any],
    values: Sequence[float],
    *,
    fitted: Sequence[float] | None = None,
    mark_at: Any = None,
    highlight: Sequence[Any] = (),
) -> dict[str, Any]:
    """The series as a line; optionally its fitted trend (dashed), a rule at a change, highlighted points."""
    rows = [
        {"period": p, "value": v, "fit": f, "hi": p in highlight}
        for p, v, f in zip(periods, values, fitted if fitted is not None else [None] * len(values), strict=True)
    ]
    x = alt.X("period:T", title=None, axis=alt.Axis(format="%Y-%m", labelOverlap=True, tickCount=4))
    y = alt.Y("value:Q", title=None, axis=alt.Axis(format="~s", tickCount=3))
    layers: list[Any] = [_base(rows).mark_line(color=BLUE, strokeWidth=1.5).encode(x=x, y=y)]
    if fitted is not None:
        layers.append(_base(rows).mark_line(color=ORANGE, strokeDash=[4, 3]).encode(x=x, y="fit:Q"))
    if mark_at is not None:
        layers.append(_base([{"at": mark_at}]).mark_rule(color=ORANGE, strokeWidth=1.5).encode(x="at:T"))
    if highlight:
        layers.append(
            _base(rows).transform_filter("datum.hi").mark_point(color=ORANGE, filled=True, size=40).encode(x=x, y=y)
        )
    return _spec(alt.layer(*layers))


def bars(
    members: Sequence[Any],
    values: Sequence[float],
    *,
    highlight: Sequence[Any] = (),
    limit: int = 12,
    ranked: bool = True,
) -> dict[str, Any]:
    """Members as bars, largest first (``ranked``) or in the given order; highlighted members in orange."""
    pairs = list(zip(members, values, strict=True))
    if ranked:
        pairs.sort(key=lambda mv: -float(mv[1]))
    keep = pairs[:limit]
    keep += [mv for mv in pairs[limit:] if mv[0] in highlight]
    rows = [{"member": str(m), "value": v, "hi": m in highlight} for m, v in keep]
    chart = (
        _base(rows)
        .mark_bar()
        .encode(
            x=alt.X("member:N", sort=None, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=60)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format="~s", tickCount=3)),
            color=alt.condition("datum.hi", alt.value(ORANGE), alt.value(BLUE)),
            tooltip=["member:N", alt.Tooltip("value:Q", format=",.2f")],
        )
    )
    return _spec(chart)


def scatter(x: Sequence[float], y: Sequence[float], x_title: str, y_title: str) -> dict[str, Any]:
    rows = [{"x": a, "y": b} for a, b in zip(x, y, strict=True)]
    chart = (
        _base(rows)
        .mark_circle(color=BLUE, size=24, opacity=0.7)
        .encode(
            x=alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False), axis=alt.Axis(format="~s", tickCount=3)),
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False), axis=alt.Axis(format="~s", tickCount=3)),
        )
    )
    return _spec(chart)


def pareto(deciles: Sequence[int], shares: Sequence[float]) -> dict[str, Any]:
    """Each tenth of members' share of the total (bars) and the cumulative share (line)."""
    cum = 0.0
    rows = []
    for d, s in zip(deciles, shares, strict=True):
        cum += s
        rows.append({"decile": f"{(d - 1) * 10}-{d * 10}%", "share": s, "cumulative": cum, "hi": d <= 2})
    x = alt.X("decile:N", sort=None, title=None, axis=alt.Axis(labelAngle=-40))
    bar = (
        _base(rows)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("share:Q", title=None, axis=alt.Axis(format="%", tickCount=3)),
            color=alt.condition("datum.hi", alt.value(ORANGE), alt.value(BLUE)),
        )
    )
    cumulative = _base(rows).mark_line(color=GREY, point=True).encode(x=x, y="cumulative:Q")
    return _spec(alt.layer(bar, cumulative))
