"""Maps: a choropleth of countries and points by latitude/longitude, on a bundled world shape.

The shape is Natural Earth's 1:110m countries as TopoJSON from the npm package ``world-atlas``
2.0.2 (ISC licence, ``data/world-atlas-LICENSE.txt``), shipped in ``bheem_nb/charts/data`` so a
map renders with no network. Country names are matched as written in the shape, with a few
common aliases (``United States`` -> ``United States of America``); unmatched names are listed
in the chart's subtitle rather than silently dropped. Small states absent at this scale
(e.g. Singapore) cannot be shaded; show them with ``points_map``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bheem_nb.charts.kinds.base import Ctx, Visual, data, selectable, tooltips
from bheem_nb.charts.meta import fref
from bheem_nb.charts.render import PALETTE

if TYPE_CHECKING:
    from bheem_nb.charts.spec import ChartSpec

WORLD = Path(__file__).resolve().parents[1] / "data" / "countries-110m.json"
ALIASES = {
    "United States": "United States of America", "USA": "United States of America", "US": "United States of America",
    "UK": "United Kingdom", "Czech Republic": "Czechia", "Republic of Korea": "South Korea",
    "Korea": "South Korea", "Russian Federation": "Russia", "Democratic Republic of the Congo": "Dem. Rep. Congo",
    "Bosnia and Herzegovina": "Bosnia and Herz.", "Dominican Republic": "Dominican Rep.",
    "Central African Republic": "Central African Rep.", "South Sudan": "S. Sudan", "Ivory Coast": "Côte d'Ivoire",
}
PROJECTION = {"type": "equalEarth"}
#: the shape travels once per spec, in the top-level ``datasets`` under this name
WORLD_DATA = {"name": "world", "format": {"type": "topojson", "feature": "countries"}}


@cache
def world() -> dict[str, Any]:
    """The bundled countries TopoJSON (parsed once per process)."""
    return json.loads(WORLD.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def country_names() -> frozenset[str]:
    return frozenset(g["properties"]["name"] for g in world()["objects"]["countries"]["geometries"])


def shape_name(name: Any) -> str:
    text = str(name)
    return ALIASES.get(text, text)


class Choropleth(Visual):
    """Countries shaded by ``y``; ``x`` holds country names."""

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.x
        y = spec.y[0]
        ym = ctx.meta(y)
        df = df.assign(_shape=[shape_name(v) for v in df[spec.x]])
        missing = sorted(str(v) for v, s in zip(df[spec.x], df["_shape"], strict=True) if s not in country_names())
        land = {"data": WORLD_DATA,
                "transform": [{"filter": "datum.properties.name !== 'Antarctica'"}],
                "mark": {"type": "geoshape", "fill": "#ececec", "stroke": "white", "strokeWidth": 0.5}}
        shaded = {"data": WORLD_DATA,
                  "transform": [{"lookup": "properties.name",
                                 "from": {"data": data(df), "key": "_shape", "fields": [spec.x, y]}},
                                {"filter": f"isValid(datum[{json.dumps(y)}])"},
                                {"filter": "datum.properties.name !== 'Antarctica'"}],
                  "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.5},
                  "encoding": {"color": {"field": fref(y), "type": "quantitative", "title": ym.label,
                                         "scale": {"scheme": "blues", "type": "sqrt"},
                                         "legend": {"labelExpr": ym.label_expr(), "orient": "bottom",
                                                    "direction": "horizontal", "gradientLength": 220}},
                               "tooltip": tooltips(ctx, [spec.x, y])}}
        body: dict[str, Any] = {"datasets": {"world": world()}, "projection": PROJECTION,
                                "layer": [land, selectable(shaded, [spec.x], ctx)],
                                "height": int(ctx.option("height", round(ctx.width * 0.52)))}
        if missing:
            body["_subtitle"] = "Not on the map: " + ", ".join(missing)
        return body


class PointsMap(Visual):
    """Circles at ``lat``/``lon`` (dimensions), sized by ``y``, one per ``detail`` member, on grey land."""

    requires = ("lat", "lon", "y")
    category_key = "detail"

    def dimensions(self, spec: ChartSpec) -> list[str]:
        return [d for d in (spec.detail, spec.lat, spec.lon, spec.color) if d]

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        return [(spec.y[0], "desc")]

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        assert spec.lat and spec.lon
        y = spec.y[0]
        ym = ctx.meta(y)
        land = {"data": WORLD_DATA,
                "transform": [{"filter": "datum.properties.name !== 'Antarctica'"}],
                "mark": {"type": "geoshape", "fill": "#e9e9e9", "stroke": "white", "strokeWidth": 0.5}}
        enc: dict[str, Any] = {
            "longitude": {"field": fref(spec.lon), "type": "quantitative"},
            "latitude": {"field": fref(spec.lat), "type": "quantitative"},
            "size": {"field": fref(y), "type": "quantitative", "title": ym.label, "scale": {"range": [20, 900]},
                     "legend": {"labelExpr": ym.label_expr(), "orient": "bottom-left", "symbolType": "circle"}},
            "tooltip": tooltips(ctx, [spec.detail, spec.color, y]),
        }
        if spec.color:
            enc["color"] = ctx.meta(spec.color).encoding("color")
        points = {"data": data(df), "mark": {"type": "circle", "opacity": 0.75, "stroke": "white",
                                             "strokeWidth": 0.8, "color": PALETTE[3]}, "encoding": enc}
        return {"datasets": {"world": world()}, "projection": PROJECTION,
                "layer": [land, selectable(points, [spec.detail or spec.lat], ctx)],
                "height": int(ctx.option("height", round(ctx.width * 0.52)))}
