"""The result types of quick insights, and how their numbers read in a sentence."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bheem_nb.insights.stats import STRONG_SCORE

KINDS = ("trend", "change_point", "seasonality", "outlier", "segment", "correlation", "concentration")


@dataclass(frozen=True)
class Insight:
    """One finding: what kind, how significant (0-1), one plain sentence, a mini chart.

    ``score`` comes from a p-value corrected for the candidates tried (see
    :func:`bheem_nb.insights.stats.significance`); ``strong`` means ``score >= 0.5``.
    ``chart`` is a small Vega-Lite spec (a dict) built with Altair; ``details`` holds the raw
    numbers behind the sentence (p-value, effect, member, period...).
    """

    kind: str
    score: float
    description: str
    fields: tuple[str, ...]
    chart: dict[str, Any] = field(repr=False)
    details: dict[str, Any] = field(default_factory=dict, repr=False)
    #: builds ``chart``; charts are drawn only for the insights that survive ranking
    draw: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)

    @property
    def strong(self) -> bool:
        return self.score >= STRONG_SCORE

    @property
    def key(self) -> tuple[Any, ...]:
        """What makes two insights near-duplicates: same kind family, same fields, same member."""
        family = "member" if self.kind in ("outlier", "segment") else self.kind
        return (family, tuple(sorted(self.fields)), str(self.details.get("member", self.details.get("lag", ""))))

    def drawn(self) -> Insight:
        """This insight with its chart built."""
        return replace(self, chart=self.draw(), draw=None) if self.draw is not None else self

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self.drawn())
        out.pop("draw", None)
        out["fields"] = list(self.fields)
        out["details"] = {k: plain(v) for k, v in self.details.items()}
        return out


@dataclass(frozen=True)
class Driver:
    """One member's part in the difference ``explain`` looks at."""

    dimension: str
    member: Any
    value: float
    compare_value: float
    contribution: float
    share: float  # of the whole difference (may exceed 1 or be negative when others offset)
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {k: plain(v) for k, v in asdict(self).items()}


def plain(value: Any) -> Any:
    """JSON-friendly: numpy scalars to Python, dates to ISO text, NaN to None."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        value = value.item()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def fmt_num(value: float) -> str:
    """12,345 → "12.3k"; 1,234,567 → "1.23M"; small numbers keep two decimals."""
    v = float(value)
    a = abs(v)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= limit:
            return f"{v / limit:,.3g}{suffix}"
    if a >= 100 or v.is_integer():
        return f"{v:,.0f}"
    return f"{v:,.2f}"


def fmt_pct(fraction: float) -> str:
    return f"{fraction * 100:.0f}%" if abs(fraction) >= 0.1 else f"{fraction * 100:.1f}%"


def fmt_period(value: Any, grain: str) -> str:
    """A period start as people say it: 2024-03 for months, 2024-Q1 for quarters."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if grain == "month":
        return value.strftime("%b %Y")
    if grain == "quarter":
        return f"Q{(value.month - 1) // 3 + 1} {value.year}"
    if grain == "year":
        return str(value.year)
    if grain == "week":
        return f"week of {value.isoformat()}"
    return value.isoformat()


def label(field_name: str) -> str:
    """``customers.region`` → "region"; ``order_date.month`` → "order date"."""
    parts = field_name.split(".")
    base = parts[-2] if len(parts) > 1 and parts[-1] in ("year", "quarter", "month", "week", "day") else parts[-1]
    return base.replace("_", " ")
