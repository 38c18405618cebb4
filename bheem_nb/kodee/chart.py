"""Pick a chart for an answer from the shape of its result, as a Vega-Lite dict (built with Altair).

* one row, one measure            -> KPI (a big number)
* one row, several measures       -> bar per measure
* a time column                   -> line (one line per measure or per category)
* one category, a share measure   -> donut
* one category, two measures      -> scatter (one point per category)
* one or two categories           -> bar sorted by value (coloured by the second category)
* nothing numeric                 -> no chart (the table says it all)

Column names such as ``order_date.month`` or ``revenue:ytd`` are renamed to plain identifiers
inside the chart's data (Vega-Lite reads dots as nested fields) and keep their text as titles.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pandas as pd

from bheem_nb.charts.meta import D3_FORMATS, number_expr

MAX_POINTS = 5_000
DONUT_MAX = 8


def _safe(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "col"
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    taken.add(out)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _is_time(series: pd.Series, name: str) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    sample = series.dropna()
    if sample.empty:
        return False
    first = sample.iloc[0]
    return isinstance(first, (dt.date, dt.datetime, pd.Timestamp)) or (name.split(".")[-1] in (
        "year", "quarter", "month", "week", "day") and isinstance(first, str) and bool(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", first)))


def _kpi_text(value: Any, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if fmt == "currency":
        return f"${value:,.2f}"
    if fmt == "percent":
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}" if isinstance(value, float) and not float(value).is_integer() else f"{value:,.0f}"


def _inline(rows: list[dict[str, Any]]) -> Any:
    import altair as alt

    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def suggest_chart(df: pd.DataFrame, *, measures: list[str] | None = None, title: str = "",
                  share: bool = False, labels: dict[str, str] | None = None,
                  formats: dict[str, str | None] | None = None) -> dict[str, Any] | None:
    """A Vega-Lite spec for ``df`` (``measures``: its numeric value columns; default: inferred).

    ``labels`` maps column names to the titles shown on axes, legends and tooltips; ``formats`` to the
    model's formats (``currency``, ``percent``), used for the KPI's big number, axes and tooltips.
    """
    import altair as alt

    if df is None or df.empty or len(df) > MAX_POINTS:
        return None
    cols = [str(c) for c in df.columns]
    if measures is None:
        measures = [c for c in cols if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
        if len(measures) < len(cols):  # a numeric key column (year 2024) reads better as a category
            measures = [c for c in measures if not re.search(r"(^|_|\.)(year|quarter|month|week|id)$", c)]
    measures = [m for m in measures if m in cols]
    if not measures:
        return None
    dims = [c for c in cols if c not in measures]
    taken: set[str] = set()
    names = {c: _safe(c, taken) for c in cols}
    data = [{names[c]: _plain(v) for c, v in zip(cols, row, strict=True)} for row in df.itertuples(index=False)]
    base = alt.Chart(_inline(data))
    times = [d for d in dims if _is_time(df[d], d)]
    cats = [d for d in dims if d not in times]
    m0 = measures[0]
    lbl = {c: (labels or {}).get(c, c) for c in cols}
    fmt = {c: (formats or {}).get(c) for c in cols}

    def tip() -> list[Any]:  # numbers as the charts show them: "$1,234.50", "12.5%"
        return [alt.Tooltip(f"{names[c]}:Q", title=lbl[c], format=D3_FORMATS.get(fmt[c], D3_FORMATS[None])[1])
                if c in measures else alt.Tooltip(f"{names[c]}:N", title=lbl[c]) for c in cols]

    def axis(col: str) -> Any:  # "$1.2M", "35K", "12%"
        return alt.Axis(labelExpr=number_expr("datum.value", fmt[col], axis=True), labelOverlap="greedy",
                        labelSeparation=8)  # "$750K$800K" would touch on a narrow chat column

    def q(col: str) -> Any:
        return alt.Y(f"{names[col]}:Q", title=lbl[col], axis=axis(col))

    if not dims:
        if len(measures) == 1:
            value = df[m0].iloc[0]
            shown = _kpi_text(value, (formats or {}).get(m0))
            chart = alt.Chart(_inline([{"label": lbl[m0], "value": shown}])).mark_text(
                fontSize=40, fontWeight="bold").encode(text="value:N").properties(title=lbl[m0], width=240, height=80)
        else:
            folded = base.transform_fold([names[m] for m in measures], as_=["measure", "value"])
            chart = folded.mark_bar().encode(x=alt.X("measure:N", title=None, sort=None),
                                             y=alt.Y("value:Q", title=None), tooltip=["measure:N", "value:Q"])
    elif times:
        x = alt.X(f"{names[times[0]]}:T", title=lbl[times[0]])
        if len(measures) > 1 and not cats:
            chart = base.transform_fold([names[m] for m in measures], as_=["measure", "value"]).mark_line(
                point=True).encode(x=x, y=alt.Y("value:Q", title=None), color="measure:N")
        else:
            enc: dict[str, Any] = {"x": x, "y": q(m0), "tooltip": tip()}
            if cats:
                enc["color"] = alt.Color(f"{names[cats[0]]}:N", title=lbl[cats[0]])
            chart = base.mark_line(point=True).encode(**enc)
    elif len(cats) == 1 and (share or measures[-1].endswith(":share_of_total")) and len(df) <= DONUT_MAX:
        theta = names[measures[-1]] if measures[-1].endswith(":share_of_total") else names[m0]
        chart = base.mark_arc(innerRadius=60).encode(theta=alt.Theta(f"{theta}:Q"),
                                                      color=alt.Color(f"{names[cats[0]]}:N", title=lbl[cats[0]]),
                                                      tooltip=tip())
    elif len(cats) == 1 and len(measures) >= 2:
        chart = base.mark_point(filled=True, size=80).encode(
            x=alt.X(f"{names[m0]}:Q", title=lbl[m0], axis=axis(m0)), y=q(measures[1]),
            tooltip=tip())
    else:
        enc = {"y": alt.Y(f"{names[cats[0]]}:N", title=lbl[cats[0]], sort="-x"),
               "x": alt.X(f"{names[m0]}:Q", title=lbl[m0], axis=axis(m0)),
               "tooltip": tip()}
        if len(cats) > 1:
            enc["color"] = alt.Color(f"{names[cats[1]]}:N", title=lbl[cats[1]])
        chart = base.mark_bar().encode(**enc)
    if title:
        chart = chart.properties(title=title)
    spec: dict[str, Any] = chart.properties(width="container" if dims else 240).to_dict()
    return spec


def chart_kind(spec: dict[str, Any] | None) -> str:
    """The kind of a suggested chart: kpi, bar, line, donut, scatter or none."""
    if spec is None:
        return "none"
    mark = spec.get("mark")
    mark_type = mark.get("type") if isinstance(mark, dict) else mark
    return {"text": "kpi", "arc": "donut", "point": "scatter", "line": "line", "bar": "bar"}.get(str(mark_type),
                                                                                                   str(mark_type))
