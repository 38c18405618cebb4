"""What a chart needs to know about its fields: label, number format and Vega-Lite type.

All of it comes from the semantic model, so a measure declared ``format: currency`` reads
"$1.2M" on an axis and "$1,234.50" in a tooltip without the chart saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import DimensionField

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel

#: d3-format strings per model format: (axis, tooltip/label)
D3_FORMATS: dict[str | None, tuple[str, str]] = {
    "currency": ("$~s", "$,.2f"),
    "percent": (".0%", ".1%"),
    "integer": ("~s", ",d"),
    "number": ("~s", ",.2~f"),
    None: ("~s", ",.2~f"),
}
#: dates travel as ISO strings (UTC midnight), so UTC time units keep a browser in New York on the same month
GRAIN_TIME_UNITS = {"year": "utcyear", "quarter": "utcyearquarter", "month": "utcyearmonth", "week": "utcyearweek",
                    "day": "utcyearmonthdate"}
GRAIN_FORMATS = {"year": "%Y", "quarter": "Q%q %Y", "month": "%b %Y", "week": "%d %b %Y", "day": "%d %b %Y"}


def fref(name: str) -> str:
    """A data column as a Vega-Lite field reference: dots are escaped (``order_date.month`` is one column)."""
    return name.replace(".", "\\.")


def number_expr(value: str, fmt: str | None, axis: bool = False) -> str:
    """A Vega expression formatting ``value`` compactly as BI users read it: $1.2M, 35K, 3B, 12%."""
    if fmt == "percent":
        return f"format({value}, '.0%')" if axis else f"format({value}, '.1%')"
    spec = ("$" if fmt == "currency" else "") + ("~s" if axis else ".3~s")
    small = ("$" if fmt == "currency" else "") + (",~f" if axis else ",.3~f")
    inner = f"abs({value}) < 1000 ? format({value}, '{small}') : format({value}, '{spec}')"
    return f"replace(replace(({inner}), 'k', 'K'), 'G', 'B')"


@dataclass(frozen=True)
class FieldMeta:
    """One field as a chart sees it."""

    name: str  # as the query names it (also the data column)
    label: str
    is_measure: bool
    vl_type: str  # quantitative, nominal, ordinal or temporal
    format: str | None  # the model's format (currency, percent, ...)
    grain: str | None = None

    @property
    def axis_format(self) -> str:
        return D3_FORMATS.get(self.format, D3_FORMATS[None])[0]

    @property
    def value_format(self) -> str:
        return D3_FORMATS.get(self.format, D3_FORMATS[None])[1]

    def axis(self) -> dict[str, Any]:
        """A quantitative axis whose tick labels read $1.2M / 35K / 12%."""
        return {"labelExpr": number_expr("datum.value", self.format, axis=True)}

    def label_expr(self, value: str = "datum.value") -> str:
        return number_expr(value, self.format)

    def encoding(self, channel: str = "x", **extra: Any) -> dict[str, Any]:
        """A Vega-Lite field definition with title and formats."""
        enc: dict[str, Any] = {"field": fref(self.name), "type": self.vl_type, "title": self.label}
        if self.vl_type == "quantitative" and channel in ("x", "y"):
            enc["axis"] = self.axis()
        elif self.vl_type == "quantitative":
            enc["legend"] = {"labelExpr": number_expr("datum.value", self.format, axis=True)}
        elif self.vl_type == "temporal" and self.grain in GRAIN_FORMATS:
            enc["timeUnit"] = GRAIN_TIME_UNITS[self.grain]
            if channel in ("x", "y"):
                enc["axis"] = {"format": GRAIN_FORMATS[self.grain], "formatType": "utc"}
        enc.update(extra)
        return enc

    def tooltip(self) -> dict[str, Any]:
        tip: dict[str, Any] = {"field": fref(self.name), "type": self.vl_type, "title": self.label}
        if self.vl_type == "quantitative":
            tip["format"] = self.value_format
        elif self.vl_type == "temporal":
            tip["format"] = GRAIN_FORMATS.get(self.grain or "day", "%d %b %Y")
            tip["formatType"] = "utc"
            if self.grain in GRAIN_TIME_UNITS:
                tip["timeUnit"] = GRAIN_TIME_UNITS[self.grain]
        return tip

    def text(self, value: Any) -> str:
        """The value as a label reads (same rules as the table widget)."""
        from bheem_nb.charts.render import format_number

        return format_number(value, self.format)


def field_meta(model: SemanticModel | None, name: str) -> FieldMeta:
    """Describe ``name`` (``region``, ``orders.revenue``, ``order_date.month``, ``revenue:ytd``)."""
    base, _, modifier = name.partition(":")
    if model is None:
        return FieldMeta(name, _pretty(name), False, "nominal", None)
    try:
        ref = model.fields.resolve(base)
    except QueryError as exc:
        raise QueryError(f"chart field {name!r}: {exc}") from None
    spec = ref.field.spec
    label = spec.label or _pretty(ref.field.name)
    if isinstance(ref.field, DimensionField):
        if ref.grain:
            label = f"{label} ({ref.grain.replace('_', ' ')})"
        kind = ref.field.spec.type
        if kind == "time":
            vl = "temporal" if ref.grain in GRAIN_TIME_UNITS or ref.grain is None else "ordinal"
        elif kind == "number":
            vl = "ordinal"
        else:
            vl = "nominal"
        return FieldMeta(name, label, False, vl, spec.format, ref.grain)
    if modifier:
        label = f"{label} ({modifier.replace('_', ' ')})"
    fmt = spec.format
    if fmt is None and getattr(spec, "agg", None) in ("count", "count_distinct"):
        fmt = "integer"
    return FieldMeta(name, label, True, "quantitative", fmt)


def _pretty(name: str) -> str:
    return name.split(".")[-1].replace("_", " ").capitalize()
