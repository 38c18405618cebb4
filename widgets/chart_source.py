"""Where a ChartWidget's Vega-Lite spec comes from: the visual layer, or a small built-in bar/line/pie.

The visual layer (``bheem_nb.charts.chart(kind, **spec)``) owns how every chart type looks; the widget
only needs three things from a chart object: ``at(dimension)`` (the same chart at another drill
level), ``to_vega_lite(model, filters, user)`` (a spec with inline, engine-aggregated rows) and the
dimension its marks stand for. When that layer is not importable, :class:`BasicChart` draws the
common kinds (bar, column, line, area, pie, donut) the same way, so the widget still works.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bheem_nb.query.spec import Filter

_PALETTE = "tableau10"  # colour-blind-safe enough for up to 10 series; the visual layer may choose better
_CATEGORY_FIRST = ("pie", "donut", "treemap", "funnel")
_FORMATS = {"currency": "$,.0f", "percent": ".1%"}


def make_chart(kind: str, **spec: Any) -> Any:
    """``bheem_nb.charts.chart(kind, **spec)`` when the visual layer provides it, else a :class:`BasicChart`."""
    try:
        from bheem_nb.charts.chart import chart as layer_chart
    except ImportError:
        return BasicChart(kind=kind, x=spec.get("x"), y=_tuple(spec.get("y")), color=spec.get("color"),
                          title=spec.get("title"), hierarchy=_tuple(spec.get("hierarchy")))
    return layer_chart(kind, **{k: v for k, v in spec.items() if v not in (None, [], ())})


def category_of(chart: Any) -> str | None:
    """The dimension each mark stands for (what a click on a mark selects or drills into)."""
    spec = getattr(chart, "spec", chart)
    if getattr(chart, "category", None) and not getattr(spec, "hierarchy", ()):
        return str(chart.category)
    hierarchy = tuple(getattr(spec, "hierarchy", ()) or ())
    if hierarchy:
        return str(hierarchy[0])
    kind = getattr(spec, "kind", "")
    first = (getattr(spec, "color", None), getattr(spec, "x", None)) if kind in _CATEGORY_FIRST else (
        getattr(spec, "x", None), getattr(spec, "color", None))
    return next((str(f) for f in first if f), None)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class BasicChart:
    """A bar/column/line/area/pie/donut over one dimension and one or more measures."""

    kind: str
    x: str | None
    y: tuple[str, ...]
    color: str | None = None
    title: str | None = None
    hierarchy: tuple[str, ...] = ()

    @property
    def spec(self) -> BasicChart:
        return self

    def at(self, dimension: str) -> BasicChart:
        if self.kind in _CATEGORY_FIRST:
            return replace(self, color=dimension, hierarchy=())
        return replace(self, x=dimension, hierarchy=())

    def queries(self) -> list[dict[str, Any]]:
        dims = [d for d in (self.x, self.color) if d]
        order = [(dims[0], "asc")] if self.kind in ("line", "area") else [(self.y[0], "desc")]
        return [{"measures": list(self.y), "dimensions": dims, "order": order}]

    def to_vega_lite(self, model: Any, filters: list[Filter] | None = None, user: Any = None) -> dict[str, Any]:
        query = self.queries()[0]
        df = model.query(filters=list(filters or ()), user=user, **query).df
        rows = [{str(k): _plain(v) for k, v in rec.items()} for rec in df.to_dict("records")]
        labels = {f["field"].split(".")[-1]: f for f in model.describe()}
        measure = self.y[0]
        enc_y = {"field": _esc(measure), "type": "quantitative", "title": _label(labels, measure),
                 "axis": {"format": _FORMATS.get(_fmt(labels, measure) or "", "~s")}}
        cat = self.color if self.kind in _CATEGORY_FIRST else self.x
        is_time = bool(cat and cat.rsplit(".", 1)[-1] in ("year", "quarter", "month", "week", "day"))
        enc_x: dict[str, Any] = {"field": _esc(cat or ""), "type": "temporal" if is_time else "nominal",
                                 "title": _label(labels, cat or "")}
        mark: dict[str, Any]
        if self.kind in _CATEGORY_FIRST:
            mark = {"type": "arc", "innerRadius": 50 if self.kind == "donut" else 0, "tooltip": True}
            encoding = {"theta": {**enc_y, "stack": True},
                        "color": {**enc_x, "type": "nominal", "scale": {"scheme": _PALETTE}}}
        else:
            mark = {"type": {"column": "bar"}.get(self.kind, self.kind), "tooltip": True}
            if not is_time and self.kind in ("bar", "column"):
                enc_x["sort"] = "-y"
            encoding = {"x": enc_x, "y": enc_y}
            if self.kind == "bar" and not is_time:
                encoding = {"y": {**enc_x, "sort": "-x"}, "x": enc_y}
        return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "title": self.title or "",
                "data": {"values": rows}, "mark": mark, "encoding": encoding, "height": 260,
                "config": {"range": {"category": {"scheme": _PALETTE}}}}


def _esc(field: str) -> str:
    return field.replace(".", "\\.")


def _label(labels: dict[str, dict[str, Any]], field: str) -> str:
    info = labels.get(field.split(":")[0].split(".")[-1]) if "." not in field or field.count(".") == 1 else None
    if field.rsplit(".", 1)[-1] in ("year", "quarter", "month", "week", "day"):
        return field.rsplit(".", 1)[-1].capitalize()
    return str(info["label"]) if info and info.get("label") else field


def _fmt(labels: dict[str, dict[str, Any]], field: str) -> str | None:
    info = labels.get(field.split(":")[0].split(".")[-1])
    return str(info["format"]) if info and info.get("format") else None


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value
