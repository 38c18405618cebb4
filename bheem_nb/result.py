"""Result: Arrow first, pandas on demand, with the SQL and timings that produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Result:
    """What every query returns.

    ``arrow`` is the table as the engine produced it (shared, immutable); ``df`` is a
    fresh pandas copy made on first access; ``timings`` holds milliseconds per stage.
    """

    arrow: pa.Table
    sql: str
    timings: dict[str, float]
    cache_hit: bool = False
    dialect: str = "duckdb"
    query: dict[str, Any] | None = None
    _df: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def df(self) -> pd.DataFrame:
        if self._df is None:
            self._df = self.arrow.to_pandas()
        return self._df

    @property
    def columns(self) -> list[str]:
        return list(self.arrow.column_names)

    def __len__(self) -> int:
        return int(self.arrow.num_rows)

    def to_dicts(self) -> list[dict[str, Any]]:
        return self.arrow.to_pylist()  # type: ignore[no-any-return]

    def _repr_html_(self) -> str:
        html: str = self.df._repr_html_()  # type: ignore[operator]
        note = "cache hit" if self.cache_hit else f"{self.timings.get('total_ms', 0):.1f} ms"
        return f"{html}<small>{len(self)} rows · {note}</small>"
