"""Where insights get their numbers: small aggregates from the engine, never raw rows.

Every query goes through ``model.query(..., user=)`` or, for the one statement that needs a
window function (members ranked for the Pareto curve), ``model.sql(..., user=)`` over the
compiled semantic query, so the read-only guard and row-level security hold as for any view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import sqlglot
from sqlglot import exp

from bheem_nb.errors import QueryError
from bheem_nb.model.fields import DimensionField, MeasureField

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel

#: grains tried for a time series, coarsest first, with the fewest periods each needs
GRAIN_MINIMUM = (("month", 24), ("week", 20), ("day", 14))
SEASON_LAG = {"month": 12, "quarter": 4, "week": 52, "day": 7}


@dataclass
class Source:
    """A model, the user asking and the filters that hold for every query of one analysis."""

    model: SemanticModel
    filters: tuple[Any, ...] = ()
    user: Any = None

    def query(
        self,
        measures: Sequence[str],
        dimensions: Sequence[str] = (),
        *,
        extra: Sequence[Any] = (),
        order: Sequence[Any] = (),
        limit: int | None = None,
    ) -> pd.DataFrame:
        spec: dict[str, Any] = {
            "measures": list(measures),
            "dimensions": list(dimensions),
            "filters": [*self.filters, *extra],
            "order": list(order),
        }
        if limit is not None:
            spec["limit"] = limit
        return self.model.query(user=self.user, **spec).df

    def measure(self, name: str) -> MeasureField:
        found = self.model.fields.resolve(name).field
        if not isinstance(found, MeasureField):
            raise QueryError(f"{name!r} is a dimension; insights need a measure (e.g. {_first_measure(self.model)!r})")
        return found

    def time_field(self, measure: str, date_field: str | None) -> str | None:
        """The time dimension to build series on: given, the measure table's ``time_dimension``, or
        its first time dimension; None when the table has none."""
        if date_field is not None:
            found = self.model.fields.resolve(date_field).field
            if not isinstance(found, DimensionField) or found.spec.type != "time":
                raise QueryError(f"date_field {date_field!r} is not a time dimension")
            return found.qualified
        table = self.measure(measure).table
        spec = self.model.spec.tables[table]
        if spec.time_dimension:
            return f"{table}.{spec.time_dimension}"
        for name, dim in spec.dimensions.items():
            if dim.type == "time":
                return f"{table}.{name}"
        return None

    def series(self, measures: Sequence[str], time_field: str, grain: str | None = None) -> tuple[str, pd.DataFrame]:
        """Measures per period at ``grain`` or, when None, the coarsest grain with enough periods."""
        for g, minimum in GRAIN_MINIMUM if grain is None else ((grain, 0),):
            dim = f"{time_field}.{g}"
            df = self.query(measures, [dim], order=[(dim, "asc")])
            df = df.rename(columns={dim: "period"}).dropna(subset=["period"])
            if len(df) >= minimum or g == "day":
                df["period"] = pd.to_datetime(df["period"])
                return g, df.reset_index(drop=True)
        raise AssertionError("unreachable")

    def members(self, measures: Sequence[str], dimension: str, limit: int) -> pd.DataFrame:
        """Measures per member of ``dimension``, largest first (by the first measure)."""
        df = self.query(measures, [dimension], order=[(measures[0], "desc")], limit=limit)
        return df.rename(columns={dimension: "member"})

    def pareto(self, measure: str, dimension: str) -> pd.DataFrame:
        """Members ranked by ``measure`` in the database: per tenth of members, their count and total.

        One statement: the compiled per-member query, ranked with a window function and grouped
        into deciles, so even a million customers return ten rows.
        """
        inner_sql = self.model.to_sql(measures=[measure], dimensions=[dimension], filters=list(self.filters))
        dialect = self.model.connector.dialect
        inner = sqlglot.parse_one(inner_sql, read=dialect)
        assert isinstance(inner, exp.Query)
        member = exp.column(dimension, quoted=True)
        value = exp.column(measure, quoted=True)
        ranked = (
            exp.select(
                exp.alias_(value.copy(), "v"),
                exp.alias_(
                    exp.Window(
                        this=exp.RowNumber(),
                        order=exp.Order(
                            expressions=[exp.Ordered(this=value.copy(), desc=True), exp.Ordered(this=member.copy())]
                        ),
                    ),
                    "rn",
                ),
                exp.alias_(exp.Window(this=exp.Count(this=exp.Star())), "n"),
            )
            .from_(inner.subquery("m"))
            .where(exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
        )
        decile = exp.Ceil(
            this=exp.Div(
                this=exp.paren(exp.Mul(this=exp.Literal.number("10.0"), expression=exp.column("rn"))),
                expression=exp.column("n"),
            )
        )
        outer = (
            exp.select(
                exp.alias_(decile.copy(), "decile"),
                exp.alias_(exp.Count(this=exp.Star()), "members"),
                exp.alias_(exp.Sum(this=exp.column("v")), "total"),
                exp.alias_(exp.Min(this=exp.column("v")), "smallest"),
            )
            .from_(ranked.subquery("r"))
            .group_by(decile.copy())
            .order_by(exp.column("decile"))
        )
        df = self.model.sql(outer.sql(dialect=dialect), user=self.user).df
        df["decile"] = df["decile"].astype(int)
        return df


def _first_measure(model: SemanticModel) -> str:
    for f in model.describe():
        if f["kind"] == "measure":
            return str(f["field"])
    return "a measure"


def as_float(values: Any) -> np.ndarray:
    return np.asarray(pd.to_numeric(values, errors="coerce"), dtype=float)
