""""Explain this" for one mark of a ChartWidget: what drives its difference from its neighbour and from the total.

    chart = ctx.chart("column", x="category", y="revenue", explain_by=["region", "segment", "channel"])
    chart.explain("Furniture")      # the panel's content, also kept in chart.explanation

The numbers are :func:`bheem_nb.insights.explain.explanation`'s, run through the engine with the
chart's own query filters (the page's slicers, the drill path, a drill-through context, the
chart's declared filters) as the page's user, so row-level security and the read-only guard hold
as for the chart itself. This module only decides what to compare (the mark drawn just before
this one, as the chart sorts its marks, and the whole chart) and by which dimensions, and turns
the drivers into the rows and the one sentence the panel shows; the front end draws them as given.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from bheem_nb.charts.drill import member_label
from bheem_nb.charts.render import format_number
from bheem_nb.errors import QueryError
from bheem_nb.insights.explain import Explanation, explanation
from bheem_nb.insights.types import Driver, fmt_pct, plain
from bheem_nb.model.fields import DimensionField
from bheem_nb.query.spec import Filter

from .chart_spec import MEMBER, _datasets, member_key
from .slicers import Dropdown, Search, field_label
from .visual_styles import field_format

#: the panel's table headers, per comparison
HEADERS = {
    "neighbour": ("Driver", "Change", "Share of the difference"),
    "total": ("Driver", "Against the overall mix", "Share of this {noun}"),
}


def explain_fields(widget: Any, given: Sequence[str] | None) -> list[str]:
    """The dimensions to explain a mark by: ``given`` (checked), or the page's list, dropdown and
    tile slicers' fields that are not dates; the chart's own drill fields are left out (a mark is
    a single member of them, so they explain nothing)."""
    model = widget.context.model
    own = {_qualified(model, f) for f in widget.state.hierarchy if f}
    if given is None:
        slicers = widget.context.slicers.values()
        picked = [s.field for s in slicers if isinstance(s, Dropdown) and not isinstance(s, Search)]
        fields = [f for f in picked if _dimension(model, f, "slicer").spec.type != "time"]
    else:
        if isinstance(given, str):
            raise QueryError(f"explain_by takes a list of dimensions, e.g. [{given!r}], not one string")
        fields = [f for f in given if _dimension(model, f, "explain_by")]
    return [f for f in dict.fromkeys(fields) if _qualified(model, f) not in own]


def drawn_members(spec: dict[str, Any], dimension: str) -> list[Any]:
    """The chart's members in the order its marks are drawn (left to right, top to bottom).

    Follows the category channel's Vega-Lite ``sort``: ``"-y"``/``"x"`` (by the summed value of
    another channel), a ``{"field", "order"}`` dict, an explicit list, ``"descending"``, or the
    default ascending order of the members themselves (dates in time order)."""
    rows = [r for rows in _datasets(spec) for r in rows if isinstance(r, dict) and MEMBER in r]
    members = list(dict.fromkeys(r[MEMBER] for r in rows))
    found = _category_channel(spec, dimension)
    sort = found[0].get("sort") if found else None
    encoding = found[1] if found else {}
    if isinstance(sort, list):
        listed = [m for m in (member_key(dimension, v) for v in sort) if m in members]
        return listed + [m for m in members if m not in listed]
    if isinstance(sort, str) and sort.lstrip("-") in encoding:
        by = _unescape(encoding[sort.lstrip("-")].get("field", ""))
        return _by_value(members, rows, by, sort.startswith("-"), "sum")
    if isinstance(sort, dict) and sort.get("field"):
        return _by_value(members, rows, _unescape(sort["field"]), sort.get("order") == "descending", "first")
    return sorted(members, key=_member_order, reverse=sort == "descending")


def neighbour_of(members: Sequence[Any], member: Any) -> tuple[Any, str] | None:
    """The mark drawn just before ``member`` (the previous period on a time axis), or just after
    it for the first mark; None when the chart has one mark."""
    i = list(members).index(member)
    if i > 0:
        return members[i - 1], "before"
    if len(members) > 1:
        return members[1], "after"
    return None


def explain_mark(widget: Any, member: Any, fields: Sequence[str], neighbour: Any = None,
                 top: int = 3) -> dict[str, Any]:
    """The panel's content for ``member``: its value, a comparison with ``neighbour`` (default: the
    mark drawn before it) and one with the whole chart, each with its ``top`` drivers, and one sentence."""
    dimension = widget.dimension
    members = drawn_members(widget.spec, dimension)
    member = member_key(dimension, member)
    if member not in members:
        shown = ", ".join(map(str, members[:6])) + (", ..." if len(members) > 6 else "")
        raise ValueError(f"{member!r} is not a mark of this chart (at {dimension!r} it shows: {shown})")
    if member is None:
        raise ValueError("a blank member cannot be explained: there is no filter that selects it alone")
    if not fields:
        raise ValueError("no dimension to explain by; pass explain_by=['region', ...] to the chart")
    model, user = widget.context.model, widget.context.user
    query = widget.chart.at(dimension).queries(widget.query_filters())[0]
    measure, filters = query["measures"][0], query.get("filters", [])
    if neighbour is None:
        near = neighbour_of(members, member)
    else:
        near = (member_key(dimension, neighbour), "chosen")
        if near[0] not in members or near[0] == member:
            raise ValueError(f"neighbour {neighbour!r} is not another mark of this chart")
    noun = _noun(widget, dimension)
    fmt = field_format(model, measure)
    text = _Texts(model, measure, dimension, fmt, noun)
    mark = [Filter(dimension, "=", member)]
    comparisons = []
    if near is not None:
        versus = explanation(model, measure, mark, [Filter(dimension, "=", near[0])], fields,
                             filters=filters, top=top, user=user)
        comparisons.append(text.comparison("neighbour", versus, near))
    whole = explanation(model, measure, mark, "total", fields, filters=filters, top=top, user=user)
    comparisons.append(text.comparison("total", whole, None))
    value = whole.value
    return {
        "status": "ready",
        "member": plain(member),
        "label": member_label(dimension, member),
        "title": f"Explain {member_label(dimension, member)}: {text.measure} {format_number(value, fmt, True)}",
        "value": plain(value),
        "sentence": text.sentence(member, comparisons),
        "comparisons": comparisons,
    }


class _Texts:
    """How a comparison and its drivers read: labels, formatted numbers and the sentence."""

    def __init__(self, model: Any, measure: str, dimension: str, fmt: str | None, noun: str) -> None:
        self.model, self.dimension, self.fmt, self.noun = model, dimension, fmt, noun
        self.measure = str(field_label(model, measure.split(":")[0]))
        found = model.fields.resolve(measure.split(":")[0]).field
        self.additive = getattr(found.spec, "agg", None) in ("sum", "count")

    @staticmethod
    def whose(name: str) -> str:
        """ "Technology's", "Office Supplies'" """
        return f"{name}'" if name.endswith("s") else f"{name}'s"

    def num(self, value: float, signed: bool = False) -> str:
        sign = "+" if signed and value > 0 else ""
        return sign + format_number(value, self.fmt, True)

    def comparison(self, key: str, found: Explanation, near: tuple[Any, str] | None) -> dict[str, Any]:
        headers = [h.format(noun=self.noun) for h in HEADERS[key]]
        if near is not None:
            where = {"before": f", the {self.noun} before", "after": f", the {self.noun} after", "chosen": ""}[near[1]]
            title = f"Against {member_label(self.dimension, near[0])}{where} ({self.num(found.compare_value)})"
        else:
            title = f"Against the whole chart's mix ({self.num(found.compare_value)} in all)"
        return {
            "key": key,
            "title": title,
            "headers": headers,
            "compare": plain(near[0]) if near else None,
            "compare_label": member_label(self.dimension, near[0]) if near else "",
            "value": plain(found.value),
            "compare_value": plain(found.compare_value),
            "difference": plain(found.difference),
            "drivers": [self.driver(d) for d in found.drivers],
            "note": self.note(key),
        }

    def note(self, key: str) -> str:
        """What the share column adds up to, which depends on the measure being additive."""
        if key == "total":
            return (f"Against the overall mix: the member's value here minus its share of the whole chart "
                    f"times this {self.noun}'s value.")
        if self.additive:
            return "Within each dimension, the changes add up to the whole difference."
        return f"{self.measure} is not a sum, so members' changes need not add up to the difference."

    def driver(self, d: Driver) -> dict[str, Any]:
        from .chart import dimension_label

        return {
            "dimension": d.dimension,
            "dimension_label": dimension_label(self.model, d.dimension),
            "member": plain(d.member),
            "label": member_label(d.dimension, plain(d.member)),
            "value": plain(d.value),
            "compare_value": plain(d.compare_value),
            "contribution": plain(d.contribution),
            "contribution_text": self.num(d.contribution, signed=True),
            "share": plain(d.share),
            "share_text": fmt_pct(d.share) if math.isfinite(d.share) else "n/a",
        }

    def sentence(self, member: Any, comparisons: list[dict[str, Any]]) -> str:
        """One plain sentence: against the neighbour when there is one, else against the total."""
        name = member_label(self.dimension, member)
        first = comparisons[0]
        top = first["drivers"][0] if first["drivers"] else None
        if first["key"] == "neighbour":
            diff, other = first["difference"] or 0.0, first["compare_label"]
            if diff == 0:
                return f"{name} and {other} have the same {self.measure.lower()} ({self.num(first['value'])})."
            said = (f"{self.whose(name)} {self.measure.lower()} is {self.num(abs(diff))} "
                    f"{'higher' if diff > 0 else 'lower'} than {self.whose(other)} "
                    f"({self.num(first['value'])} against {self.num(first['compare_value'])})")
            if top is None:
                return said + "."
            return (f"{said}; the biggest driver is {top['dimension_label'].lower()} {top['label']} "
                    f"({top['contribution_text']}, {top['share_text']} of the difference).")
        if top is None or abs(top["contribution"] or 0.0) < 1e-9 * max(abs(first["value"] or 0.0), 1.0):
            return f"{self.whose(name)} mix of {self.measure.lower()} is the same as the whole chart's."
        return (f"{self.whose(name)} {self.measure.lower()} differs most from the whole chart's mix in "
                f"{top['dimension_label'].lower()} {top['label']}: {top['contribution_text']} against the overall mix.")


def _dimension(model: Any, field: str, where: str) -> DimensionField:
    found = model.fields.resolve(field).field  # QueryError naming an unknown field and the nearest one
    if not isinstance(found, DimensionField):
        raise QueryError(f"{where}: {field!r} is a measure; explain a mark by dimensions, e.g. 'region'")
    return found


def _qualified(model: Any, field: str) -> str:
    return str(model.fields.resolve(field).field.qualified)


def _noun(widget: Any, dimension: str) -> str:
    """What one mark is called in the panel: a period on a time axis, else a bar, slice or point."""
    if _dimension(widget.context.model, dimension, "chart").spec.type == "time":
        return "period"
    kind = widget.chart.kind
    if "bar" in kind or "column" in kind:
        return "bar"
    return "slice" if kind in ("pie", "donut") else "point"


def _units(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key) or ():
            if isinstance(sub, dict):
                yield from _units(sub)


def _category_channel(spec: dict[str, Any], dimension: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The first encoding channel drawing ``dimension`` with a sort (or without, when none has one)."""
    plain_match = None
    for unit in _units(spec):
        encoding = unit.get("encoding") or {}
        for channel in encoding.values():
            if isinstance(channel, dict) and _unescape(channel.get("field", "")) == dimension:
                if "sort" in channel:
                    return channel, encoding
                plain_match = plain_match or (channel, encoding)
    return plain_match


def _by_value(members: list[Any], rows: list[dict[str, Any]], field: str, descending: bool, op: str) -> list[Any]:
    values: dict[Any, float] = {}
    for r in rows:
        v = r.get(field)
        if not isinstance(v, int | float) or not math.isfinite(v):
            continue
        if op == "sum":
            values[r[MEMBER]] = values.get(r[MEMBER], 0.0) + v
        else:
            values.setdefault(r[MEMBER], v)
    ranked = sorted(members, key=_member_order)  # ties keep the members' own order, as Vega does
    return sorted(ranked, key=lambda m: values.get(m, -math.inf) * (-1 if descending else 1))


def _member_order(m: Any) -> tuple[int, Any]:
    if m is None:
        return (2, "")
    return (0, m) if isinstance(m, int | float) else (1, str(m))


def _unescape(field: Any) -> str:
    return str(field).replace("\\.", ".")
