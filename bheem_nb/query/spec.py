"""The query as a small, JSON-able object: the same spec travels from Python, the CLI,
widgets, Kodee and scheduled jobs.

    {"measures": ["revenue"], "dimensions": ["customers.region", "orders.order_date.month"],
     "filters": [{"field": "segment", "op": "in", "values": ["Consumer"]}],
     "order": [{"field": "revenue", "desc": true}], "limit": 100, "as_of": "2024-06-30"}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bheem_nb.errors import QueryError

FilterOp = Literal[
    "=", "!=", "in", "not_in", ">", ">=", "<", "<=", "between", "contains", "starts_with",
    "is_null", "not_null", "relative_date", "relative_period", "date_range",
]
FILTER_OPS: tuple[str, ...] = FilterOp.__args__  # type: ignore[attr-defined]
_OP_ALIASES = {"==": "=", "<>": "!=", "not in": "not_in", "is null": "is_null", "is not null": "not_null"}
Scalar = str | int | float | bool | dt.date | dt.datetime | None


class Filter(BaseModel):
    """One condition: ``Filter("segment", "in", ["Consumer"])``.

    On a dimension it filters rows (WHERE); on a measure it filters groups (HAVING).
    A single value may be given without a list: ``Filter("status", "=", "paid")``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    op: FilterOp
    values: tuple[Scalar, ...] = ()

    def __init__(self, field: str | None = None, op: str | None = None, values: Any = (), **kw: Any) -> None:
        if field is not None:
            kw["field"] = field
        if op is not None:
            kw["op"] = op
        if "value" in kw:
            values = kw.pop("value")
        kw.setdefault("values", values)
        if kw["values"] is None and str(kw.get("op", "")).strip() in ("=", "!=", "==", "<>"):
            kw["values"] = (None,)  # "= null" means "is blank"
        super().__init__(**kw)

    @field_validator("op", mode="before")
    @classmethod
    def _alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return _OP_ALIASES.get(value, value)
        return value

    @field_validator("values", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, (str, bytes, int, float, bool, dt.date)):
            return (value,)
        return tuple(value)


class OrderBy(BaseModel):
    """Sort by an output field; ``("revenue", "desc")`` and ``{"field": ..., "desc": true}`` both work."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    desc: bool = False


class QuerySpec(BaseModel):
    """What to compute: measures by dimensions, filtered, sorted and limited."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measures: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    order: tuple[OrderBy, ...] = ()
    limit: int | None = Field(default=None, ge=0)
    as_of: dt.date | None = None

    @field_validator("measures", "dimensions", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        return (value,) if isinstance(value, (str, Mapping)) else value

    @field_validator("measures", mode="before")
    @classmethod
    def _modifiers(cls, value: Any) -> Any:
        """``{"measure": "revenue", "ti": "ytd"}`` is the same as ``"revenue:ytd"``."""
        if isinstance(value, (str, Mapping)):
            value = [value]
        return tuple(_measure_text(v) for v in value or ())

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        if isinstance(value, (Filter, Mapping)):
            value = [value]
        return tuple(v if isinstance(v, Filter) else _filter_from(v) for v in value or ())

    @field_validator("order", mode="before")
    @classmethod
    def _order(cls, value: Any) -> Any:
        if isinstance(value, (str, Mapping, OrderBy)):
            value = [value]
        return tuple(_order_from(v) for v in value or ())

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError as exc:
                raise ValueError(f"as_of must be an ISO date like 2024-06-30, got {value!r}") from exc
        return value

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuerySpec:
        """Validate a dict or keyword arguments; problems become one QueryError naming the key."""
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "query"
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    msg = f"unknown key; a query takes {', '.join(cls.model_fields)}"
                elif err["type"] == "literal_error":
                    msg = f"unknown filter op {err.get('input')!r}; ops are {', '.join(FILTER_OPS)}"
                problems.append(f"{loc}: {msg}")
            raise QueryError("invalid query:\n  " + "\n  ".join(problems)) from exc

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON shape of the contract (dates as ISO strings)."""
        return self.model_dump(mode="json", exclude_defaults=True)


def _measure_text(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    if set(value) - {"measure", "ti"} or "measure" not in value:
        raise ValueError(f"a measure entry is a name or {{'measure': name, 'ti': modifier}}; got {dict(value)!r}")
    ti = value.get("ti")
    return f"{value['measure']}:{ti}" if ti else value["measure"]


def _filter_from(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Filter(**value)
    if isinstance(value, Sequence) and not isinstance(value, str) and 2 <= len(value) <= 3:
        return Filter(*value)
    raise ValueError(f"a filter is a bn.Filter or a dict with field, op, values; got {value!r}")


def _order_from(value: Any) -> OrderBy:
    if isinstance(value, OrderBy):
        return value
    if isinstance(value, str):
        return OrderBy(field=value.lstrip("-"), desc=value.startswith("-"))
    if isinstance(value, Mapping):
        return OrderBy(**value)
    if isinstance(value, Sequence) and len(value) == 2:
        field, direction = value
        if str(direction).lower() not in ("asc", "desc"):
            raise ValueError(f"sort direction must be 'asc' or 'desc', got {direction!r}")
        return OrderBy(field=field, desc=str(direction).lower() == "desc")
    raise ValueError(f"an order entry is 'field', ('field', 'desc') or {{'field': ..., 'desc': true}}; got {value!r}")
