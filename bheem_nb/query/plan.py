"""Resolve a QuerySpec against a model: which fields, which tables, which filters where.

The plan is dialect-free; the compiler turns it into SQL for one backend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import DimensionField, FieldRef, MeasureField
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.query.formula import Lod
from bheem_nb.query.spec import Filter, QuerySpec
from bheem_nb.query.time_intelligence import Modifier, parse_modifier, split_measure


@dataclass
class Plan:
    dimensions: list[FieldRef]
    measures: list[FieldRef]
    row_filters: list[tuple[FieldRef, Filter]]
    group_filters: list[tuple[FieldRef, Filter]]
    base_measures: dict[str, MeasureField]  # qualified name -> base measure, in first-use order
    derived: list[MeasureField]  # in dependency order (dependencies first)
    order: list[tuple[str, bool]]  # (output label, descending)
    limit: int | None
    as_of: dt.date
    homes: dict[str, list[MeasureField]] = field(default_factory=dict)
    ti: dict[str, Modifier] = field(default_factory=dict)  # output label -> modifier of its measure
    extra: dict[str, MeasureField] = field(default_factory=dict)  # formula measures and their CALCULATE parts
    ti_leaves: dict[str, tuple[MeasureField, Modifier]] = field(default_factory=dict)  # SAMEPERIODLASTYEAR(...)
    lod_leaves: dict[str, Lod] = field(default_factory=dict)  # FIXED / EXCLUDE / ALL parts of formulas

    @property
    def row_filter_tables(self) -> set[str]:
        return {ref.field.table for ref, _ in self.row_filters}

    @property
    def dimension_tables(self) -> set[str]:
        return {ref.field.table for ref in self.dimensions}


def today_in(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()


def make_plan(model: SemanticModel, spec: QuerySpec) -> Plan:
    catalog = model.fields
    dims = [catalog.resolve(d) for d in spec.dimensions]
    for ref in dims:
        if not isinstance(ref.field, DimensionField):
            raise QueryError(f"{ref.label!r} is a measure; list it under measures, not dimensions")
    ti: dict[str, Modifier] = {}
    extra: dict[str, MeasureField] = {}
    leaves: dict[str, tuple[MeasureField, Modifier]] = {}
    lods: dict[str, Lod] = {}
    measures = [_measure_ref(model, m, ti, extra, leaves, lods) for m in spec.measures]
    _unique_labels(dims + measures, ti)

    row_filters: list[tuple[FieldRef, Filter]] = []
    group_filters: list[tuple[FieldRef, Filter]] = []
    for flt in spec.filters:
        ref = catalog.resolve(flt.field) if flt.field not in ti else next(r for r in measures if r.label == flt.field)
        (group_filters if isinstance(ref.field, MeasureField) else row_filters).append((ref, flt))

    wanted = [r.field for r in measures] + [r.field for r, _ in group_filters]
    hidden = {**leaves, **{k: (v.base, None) for k, v in lods.items()}}
    base, derived = _expand([f for f in wanted if isinstance(f, MeasureField)], model, extra, hidden)
    homes: dict[str, list[MeasureField]] = {}
    for m in base.values():
        homes.setdefault(m.table, []).append(m)
    return Plan(
        dimensions=dims,
        measures=measures,
        row_filters=row_filters,
        group_filters=group_filters,
        base_measures=base,
        derived=derived,
        order=_order(spec, dims, measures, model),
        limit=spec.limit,
        as_of=spec.as_of or today_in(model.spec.calendar.timezone),
        homes=homes,
        ti=ti,
        extra=extra,
        ti_leaves=leaves,
        lod_leaves=lods,
    )


def _measure_ref(
    model: SemanticModel, text: str, ti: dict[str, Modifier], extra: dict[str, MeasureField],
    leaves: dict[str, tuple[MeasureField, Modifier]], lods: dict[str, Lod],
) -> FieldRef:
    """A query's measure; ``revenue:ytd`` and model measures with ``base``/``ti`` resolve to their base."""
    name, modifier = split_measure(text)
    ref = model.fields.resolve(name)
    if not isinstance(ref.field, MeasureField):
        raise QueryError(f"{ref.label!r} is a dimension; list it under dimensions, not measures")
    field_ = ref.field
    if field_.spec.ti is not None and field_.spec.base is not None:
        if modifier is not None:
            raise QueryError(f"{text!r}: {name!r} already has the modifier {field_.spec.ti!r}; use its base measure")
        modifier = parse_modifier(field_.spec.ti, field_.qualified)
        qualified = f"{field_.table}.{field_.spec.base}"
        base = model.fields.by_qualified.get(qualified) or model.fields.lookup(field_.spec.base)
        assert isinstance(base, MeasureField)
        field_ = base
    if field_.spec.formula is not None:
        field_ = _formula_field(model, field_, extra, leaves, lods)
        if modifier is not None and any(d in leaves for d in field_.depends_on):
            raise QueryError(f"{text!r}: {name!r} already compares periods (SAMEPERIODLASTYEAR/DATEADD); "
                             "modifiers do not nest")
    if modifier is None:
        return FieldRef(field_, None, text)
    if _uses_time_intelligence(model, field_):
        raise QueryError(f"{text!r}: {field_.qualified} uses a time-intelligence measure; modifiers do not nest")
    ti[text] = modifier
    return FieldRef(field_, None, text)


def _formula_field(
    model: SemanticModel, m: MeasureField, extra: dict[str, MeasureField],
    leaves: dict[str, tuple[MeasureField, Modifier]], lods: dict[str, Lod],
) -> MeasureField:
    """A formula measure as a derived measure over (possibly CALCULATE-filtered) measures."""
    from dataclasses import replace

    from bheem_nb.query.formula import parse_formula

    assert m.spec.formula is not None
    parsed = parse_formula(m.spec.formula, f"{m.qualified}.formula", model.fields, m.qualified)
    extra.update(parsed.fields)
    leaves.update(parsed.ti_leaves)
    lods.update(parsed.lod_leaves)
    deps = tuple(dict.fromkeys(f"{c.table}.{c.name}" for c in parsed.tree.find_all(exp.Column)))
    out = replace(m, expr=parsed.tree, depends_on=deps)
    extra[out.qualified] = out
    return out


def _uses_time_intelligence(model: SemanticModel, m: MeasureField) -> bool:
    if m.spec.ti is not None:
        return True
    deps = [model.fields.by_qualified.get(d) for d in m.depends_on]
    return any(isinstance(d, MeasureField) and _uses_time_intelligence(model, d) for d in deps)


def _unique_labels(refs: list[FieldRef], ti: dict[str, Modifier]) -> None:
    seen: dict[tuple[str, str | None, str], str] = {}
    for ref in refs:
        key = (ref.field.qualified, ref.grain, ti[ref.label].text() if ref.label in ti else "")
        if key in seen:
            raise QueryError(f"{ref.label!r} is listed twice (also as {seen[key]!r})")
        seen[key] = ref.label


def _expand(
    wanted: list[MeasureField], model: SemanticModel, extra: dict[str, MeasureField],
    leaves: dict[str, tuple[MeasureField, Modifier | None]] | None = None,
) -> tuple[dict[str, MeasureField], list[MeasureField]]:
    base: dict[str, MeasureField] = {}
    derived: dict[str, MeasureField] = {}

    def visit(m: MeasureField) -> None:
        if m.spec.ti is not None:
            raise QueryError(f"{m.qualified} is a time-intelligence measure; a derived measure cannot use it yet")
        if not m.is_derived:
            base.setdefault(m.qualified, m)
            return
        for dep in m.depends_on:
            if leaves and dep in leaves:  # a period comparison inside a formula: compute its measure
                visit(leaves[dep][0])
                continue
            f = extra.get(dep) or model.fields.by_qualified[dep]
            assert isinstance(f, MeasureField)
            visit(f)
        derived.setdefault(m.qualified, m)

    for m in wanted:
        visit(m)
    return base, list(derived.values())


def _order(
    spec: QuerySpec, dims: list[FieldRef], measures: list[FieldRef], model: SemanticModel
) -> list[tuple[str, bool]]:
    if not spec.order:
        return [(ref.label, False) for ref in dims]
    outputs = dims + measures
    result = []
    for item in spec.order:
        label = next((r.label for r in outputs if r.label == item.field), None)
        if label is None:
            target = model.fields.resolve(item.field)
            label = next(
                (r.label for r in outputs if (r.field.qualified, r.grain) == (target.field.qualified, target.grain)),
                None,
            )
        if label is None:
            raise QueryError(f"cannot order by {item.field!r}: it is not among the query's measures or dimensions")
        result.append((label, item.desc))
    return result
