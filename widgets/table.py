"""TableView: one query's result as a table, re-queried whenever the page's filters change.

    ctx.table(measures=["revenue", "orders"], dimensions=["region"], order=[("revenue", "desc")])

Cells travel formatted (``text``) and raw (``value``), so the page shows "$1,234.50" while
tests and copy-paste can read the exact number. With no dimensions it is a one-row KPI strip.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

import anywidget
import traitlets

from .slicers import CSS, STATIC, _plain, field_label


def format_value(value: Any, fmt: str | None) -> str:
    """How a cell reads on the page: currency, percent or grouped number; blanks stay blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if fmt == "currency":
        return f"${value:,.2f}"
    if fmt == "percent":
        return f"{value * 100:.1f}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


class TableView(anywidget.AnyWidget):
    """A query's result, refreshed by its :class:`FilterContext`; ``spec`` is a ``model.query`` spec."""

    _esm = STATIC / "table.js"
    _css = CSS
    title = traitlets.Unicode("").tag(sync=True)
    columns = traitlets.List(traitlets.Dict()).tag(sync=True)
    rows = traitlets.List(traitlets.List()).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    #: bumped on every refresh, so the page (and tests) can tell a new answer from an old one
    version = traitlets.Int(0).tag(sync=True)
    query_ms = traitlets.Float(0.0).tag(sync=True)

    def __init__(self, context: Any, *, title: str = "", formats: Any = (), **spec: Any) -> None:
        super().__init__(title=title)
        self.context = context
        self.spec = spec
        self.formats = formats  # conditional formats (bheem_nb.charts.formatting); cells then carry a "style"
        formats = {str(f["field"]).split(".")[-1]: f.get("format") for f in context.model.describe()}
        self._formats = formats

    def refresh(self) -> None:
        start = time.perf_counter()
        try:
            df = self.context.query(**self.spec).df
        except Exception as exc:  # the page shows why instead of a stale table
            self.error, self.rows = str(exc), []
            self.version += 1
            return
        columns = [{"name": str(c), "label": field_label(self.context.model, str(c).split(".")[0]) if "." not in str(c)
                    else str(c), "numeric": str(c) in self.spec.get("measures", [])} for c in df.columns]
        rows = [[{"value": _plain(v), "text": format_value(_plain(v), self._formats.get(str(c).split(".")[-1]))}
                 for c, v in zip(df.columns, rec, strict=True)] for rec in df.itertuples(index=False)]
        if self.formats:
            from .visual_styles import styles_for

            for row, styles in zip(rows, styles_for(df, self.formats), strict=True):
                for cell, col in zip(row, df.columns, strict=True):
                    if styles.get(str(col)):
                        cell["style"] = styles[str(col)]
        with self.hold_trait_notifications():
            self.error = ""
            self.columns = columns
            self.rows = rows
            self.query_ms = round((time.perf_counter() - start) * 1000, 1)
            self.version += 1
