"""ChartSpec: a visual as a small JSON-able object, like the query spec it turns into.

    {"kind": "bar", "x": "region", "y": "revenue", "sort": "-y", "limit": 10,
     "hierarchy": ["category", "subcategory", "product_name"], "title": "Revenue by region"}

The same dict travels from Python, a saved dashboard, Kodee and a scheduled export. Unknown
kinds and keys are refused with the closest match, so ``{"kind": "colum"}`` says "did you mean
'column'?" instead of drawing nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bheem_nb.charts.formatting import ConditionalFormat
from bheem_nb.errors import QueryError

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel

KINDS: tuple[str, ...] = (
    "bar", "column", "horizontal_bar", "stacked_bar", "stacked_column", "percent_bar", "percent_column",
    "grouped_bar", "grouped_column", "line", "area", "stacked_area", "combo", "pie", "donut", "scatter",
    "bubble", "histogram", "box", "heatmap", "treemap", "waterfall", "funnel", "bullet", "gauge", "kpi",
    "table", "matrix", "map", "points_map", "sankey", "calendar", "candlestick", "ohlc",
)
#: other names people type for the same visual
KIND_ALIASES: dict[str, str] = {
    "hbar": "horizontal_bar", "barh": "horizontal_bar", "stacked": "stacked_column",
    "100_stacked_bar": "percent_bar", "100_stacked_column": "percent_column", "grouped": "grouped_column",
    "boxplot": "box", "box_plot": "box", "doughnut": "donut", "choropleth": "map", "kpi_card": "kpi",
    "card": "kpi", "pivot": "matrix", "calendar_heatmap": "calendar", "ohlc_bar": "ohlc", "points": "points_map",
    "stacked_100_bar": "percent_bar", "stacked_100_column": "percent_column",
}
SortOrder = Literal["auto", "-y", "y", "x", "-x", "none"]
#: spec keys that name model fields (checked against the model's catalog)
FIELD_KEYS: tuple[str, ...] = (
    "x", "y", "color", "size", "theta", "text", "detail", "lat", "lon", "open", "high", "low", "close", "target",
    "hierarchy", "rows", "columns", "sparkline", "source", "destination",
)


class ChartSpec(BaseModel):
    """What to draw: a kind and the fields it uses; every key is optional except ``kind``.

    ``x`` is the category (a dimension, or a measure for scatter), ``y`` one or more measures,
    ``color`` a series dimension (alias ``series``), ``rows``/``columns`` the matrix axes,
    ``sparkline`` a time dimension for KPI cards and table sparklines, ``hierarchy`` the drill path,
    ``detail`` the grain a scatter point, histogram value or box-plot value is computed at (e.g. ``name``).
    ``options`` holds look-only settings: width, height, bins, interactive, labels, max_rows.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: str
    x: str | None = None
    y: tuple[str, ...] = ()
    color: str | None = Field(default=None, alias="series")
    size: str | None = None
    theta: str | None = None
    text: str | None = None
    detail: str | None = None
    lat: str | None = None
    lon: str | None = None
    open: str | None = None
    high: str | None = None
    low: str | None = None
    close: str | None = None
    target: str | None = None
    source: str | None = None
    destination: str | None = None
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    sparkline: str | None = None
    hierarchy: tuple[str, ...] = ()
    filters: tuple[dict[str, Any], ...] = ()
    title: str | None = None
    sort: SortOrder = "auto"
    limit: int | None = Field(default=None, ge=1)
    formats: tuple[ConditionalFormat, ...] = ()
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _theta(cls, data: Any) -> Any:
        """``theta`` (the angle measure of a pie) is ``y`` by another name."""
        if isinstance(data, Mapping) and data.get("theta") and not data.get("y"):
            data = {**data, "y": data["theta"]}
            data.pop("theta")
        return data

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        name = value.strip().lower().replace("-", "_").replace(" ", "_")
        name = KIND_ALIASES.get(name, name)
        if name not in KINDS:
            raise ValueError(f"unknown chart kind {value!r}{_hint(name, list(KINDS) + list(KIND_ALIASES))}; "
                             f"kinds are {', '.join(KINDS)}")
        return name

    @field_validator("y", "rows", "columns", "hierarchy", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, Mapping) or hasattr(value, "model_dump"):
            value = [value]
        return tuple(_filter_dict(v) for v in value)

    @field_validator("formats", mode="before")
    @classmethod
    def _formats(cls, value: Any) -> Any:
        if value is None:
            return ()
        return (value,) if isinstance(value, (Mapping, ConditionalFormat)) else tuple(value)

    @model_validator(mode="after")
    def _needs(self) -> ChartSpec:
        from bheem_nb.charts.kinds import requirements

        missing = [k for k in requirements(self.kind) if not getattr(self, k)]
        if missing:
            raise ValueError(f"a {self.kind} chart needs {' and '.join(missing)}")
        return self

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], model: SemanticModel | None = None) -> ChartSpec:
        """Validate a dict; problems become one QueryError naming each key (with the closest match).

        With ``model`` every field name is also checked against the model's catalog.
        """
        try:
            spec = cls.model_validate(dict(data))
        except ValidationError as exc:
            raise QueryError("invalid chart:\n  " + "\n  ".join(_problems(exc))) from exc
        if model is not None:
            spec.check_fields(model)
        return spec

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (only keys that differ from the defaults)."""
        return self.model_dump(mode="json", exclude_defaults=True)

    def fields(self) -> list[str]:
        """Every model field the spec names, in order, without repeats."""
        out: list[str] = []
        for key in FIELD_KEYS:
            value = getattr(self, key)
            out.extend([value] if isinstance(value, str) else list(value or ()))
        return list(dict.fromkeys(out))

    def check_fields(self, model: SemanticModel) -> None:
        """Raise QueryError naming the first field the model does not know (with suggestions)."""
        for name in self.fields():
            try:
                model.fields.resolve(name.split(":")[0])
            except QueryError as exc:
                raise QueryError(f"chart {self.kind}: {exc}") from None


def _hint(name: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(options)), n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _filter_dict(value: Any) -> dict[str, Any]:
    from bheem_nb.query.spec import Filter

    if isinstance(value, Filter):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return Filter(**value).model_dump(mode="json")
    if isinstance(value, Sequence) and not isinstance(value, str):
        return Filter(*value).model_dump(mode="json")
    raise ValueError(f"a filter is a bn.Filter or a dict with field, op, values; got {value!r}")


def _problems(exc: ValidationError) -> list[str]:
    keys = [f.alias or k for k, f in ChartSpec.model_fields.items()]
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "chart"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key{_hint(str(err['loc'][-1]), [*keys, 'color'])}; a chart takes {', '.join(keys)}"
        out.append(f"{loc}: {msg}")
    return out
