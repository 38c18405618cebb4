"""The semantic model as data: pydantic classes for every key the YAML may hold.

Unknown keys are refused (``extra="forbid"``) so a typo such as ``measure:`` fails at load
time with its path, instead of silently dropping a measure.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Aggregation = Literal["sum", "avg", "min", "max", "count", "count_distinct", "median", "percentile", "stddev"]
DimensionType = Literal["string", "number", "time", "boolean"]
Relationship = Literal["many_to_one", "one_to_one", "one_to_many"]
Grain = Literal["year", "quarter", "month", "week", "day", "fiscal_year", "fiscal_quarter"]
GRAINS: tuple[str, ...] = ("year", "quarter", "month", "week", "day", "fiscal_year", "fiscal_quarter")
Format = Literal["number", "integer", "currency", "percent", "date", "text"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_name(name: str, what: str) -> str:
    """Model names are SQL-identifier shaped so they can be addressed as ``table.field``."""
    if not _NAME.match(name):
        raise ValueError(f"{what} name {name!r} must start with a letter or _ and hold only letters, digits and _")
    return name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(_Strict):
    """A column (or expression over one table's columns) to group and filter by."""

    type: DimensionType = "string"
    expr: str | None = Field(default=None, description="SQL over this table's columns; default: the same-named column")
    hierarchy: list[Grain] | None = None
    label: str | None = None
    description: str | None = None
    format: Format | None = None
    synonyms: tuple[str, ...] = Field(default=(), description="other words people use for it in questions (Kodee)")


class Measure(_Strict):
    """An aggregation over one table, or (no ``agg``) an expression over other measures."""

    agg: Aggregation | None = None
    expr: str | None = None
    filter: str | None = Field(default=None, description="row condition applied before aggregating")
    p: float | None = Field(default=None, description="the fraction for agg: percentile, e.g. 0.9")
    base: str | None = Field(default=None, description="with `ti`: the measure a time-intelligence measure modifies")
    ti: str | None = Field(default=None, description="a time-intelligence modifier, e.g. ytd or rolling(3, month)")
    formula: str | None = Field(default=None, description="a calculated measure, e.g. DIVIDE(revenue, orders, 0)")
    format: Format | None = None
    label: str | None = None
    description: str | None = None
    synonyms: tuple[str, ...] = Field(default=(), description="other words people use for it in questions (Kodee)")

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if self.formula is not None:
            if self.agg or self.expr or self.filter or self.base or self.ti or self.p is not None:
                raise ValueError("a formula measure takes only `formula` (no agg, expr, filter, base or ti)")
            return self
        if self.base is not None or self.ti is not None:
            if not (self.base and self.ti):
                raise ValueError("a time-intelligence measure needs both `base` (a measure) and `ti` (e.g. ytd)")
            if self.agg or self.expr or self.filter or self.p is not None:
                raise ValueError("a time-intelligence measure takes only `base` and `ti` (no agg, expr or filter)")
            return self
        if self.agg is None and not self.expr:
            raise ValueError("a measure needs `agg` (with `expr`), or for a derived measure an `expr` over measures")
        if self.agg not in (None, "count") and not self.expr:
            raise ValueError(f"agg {self.agg!r} needs `expr`: the column or expression to aggregate")
        if self.agg == "percentile":
            if self.p is None or not 0 < self.p < 1:
                raise ValueError("agg percentile needs `p` between 0 and 1 (exclusive), e.g. p: 0.9")
        elif self.p is not None:
            raise ValueError("`p` only applies to agg: percentile")
        if self.agg is None and self.filter:
            raise ValueError("a derived measure cannot have `filter`; put the filter on the measures it uses")
        return self

    @property
    def is_derived(self) -> bool:
        return self.agg is None


class Table(_Strict):
    """One logical table of the model: a physical table or a SQL query."""

    table: str | None = None
    sql: str | None = None
    primary_key: str | list[str] | None = None
    time_dimension: str | None = None
    label: str | None = None
    description: str | None = None
    dimensions: dict[str, Dimension] = Field(default_factory=dict)
    measures: dict[str, Measure] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _source(self) -> Table:
        if (self.table is None) == (self.sql is None):
            raise ValueError("give exactly one of `table` (a table name) or `sql` (a SELECT)")
        for name in self.dimensions:
            check_name(name, "dimension")
        for name in self.measures:
            check_name(name, "measure")
        both = set(self.dimensions) & set(self.measures)
        if both:
            raise ValueError(f"{sorted(both)} named both a dimension and a measure; rename one")
        if self.time_dimension is not None:
            dim = self.dimensions.get(self.time_dimension)
            if dim is None:
                raise ValueError(f"time_dimension {self.time_dimension!r} is not a dimension of this table")
            if dim.type != "time":
                raise ValueError(f"time_dimension {self.time_dimension!r} must have type: time")
        return self

    @property
    def key_columns(self) -> list[str]:
        if self.primary_key is None:
            return []
        return [self.primary_key] if isinstance(self.primary_key, str) else list(self.primary_key)


class Join(_Strict):
    """An edge of the join graph; ``relationship`` is read from ``left`` to ``right``."""

    left: str
    right: str
    on: str
    relationship: Relationship = "many_to_one"
    referential_integrity: bool = Field(
        default=False,
        description="every many-side row has its one-side row (Power BI's 'assume referential integrity'): "
        "the join may be INNER, which is faster; leave false when orphans must show as blanks",
    )


class Calendar(_Strict):
    """Calendar settings shared by grains, relative dates and time intelligence."""

    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin") from exc
        return value


class RLSAssign(_Strict):
    """Who a row-level security rule applies to: exactly one of the keys."""

    group: str | None = None
    email_domain: str | None = None
    user: str | None = Field(default=None, description="a user id or email")
    role: str | None = None

    @model_validator(mode="after")
    def _one(self) -> RLSAssign:
        given = [k for k in ("group", "email_domain", "user", "role") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an assignment names exactly one of group, email_domain, user or role")
        return self


class RLSRule(_Strict):
    """A row filter on one table for the users it is assigned to (security/rls.py applies it)."""

    name: str
    table: str
    filter: str
    assign: list[RLSAssign] = Field(default_factory=list)
    description: str | None = None


class RLSSpec(_Strict):
    """Row-level security: rules, OR-ed per user and table, AND-ed across tables."""

    rules: list[RLSRule] = Field(default_factory=list)


class UserSpec(_Strict):
    """A user for notebooks and tests; a server takes users from its identity provider."""

    id: str
    email: str | None = None
    groups: list[str] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    roles: list[str] = Field(default_factory=list)


class ModelSpec(_Strict):
    """The whole model, exactly as YAML or a Python dict describes it."""

    name: str
    connection: str | None = None
    description: str | None = None
    tables: dict[str, Table]
    joins: list[Join] = Field(default_factory=list)
    calendar: Calendar = Field(default_factory=Calendar)
    rls: RLSSpec = Field(default_factory=RLSSpec)
    users: list[UserSpec] = Field(default_factory=list)

    @field_validator("tables")
    @classmethod
    def _table_names(cls, value: dict[str, Table]) -> dict[str, Table]:
        if not value:
            raise ValueError("a model needs at least one table")
        for name in value:
            check_name(name, "table")
        return value
