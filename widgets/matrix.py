"""MatrixView: a pivot table with expandable row groups, subtotals and grand totals from the engine.

    ctx.matrix(rows=["category", "subcategory", "product_name"], columns="region",
               measures=["revenue"], formats=[{"field": "revenue", "type": "data_bars"}])

Every number is an engine answer at its own grain, never a sum of the cells below it, so a
subtotal of ``orders`` (count distinct) or ``avg_discount`` is right. The top level, the column
totals and the grand total are queried on every refresh; a row group's children only once it is
expanded (two queries per open group, filtered to its path). Conditional formats colour the
detail cells level by level (totals keep their plain look, as in Power BI).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import anywidget
import pandas as pd
import traitlets

from bheem_nb.charts.drill import member_label
from bheem_nb.query.spec import Filter

from .chart_spec import member_key
from .slicers import CSS, STATIC, field_label
from .table import format_value
from .visual_styles import field_format, styles_for

TOTAL = "Total"


class MatrixView(anywidget.AnyWidget):
    """Rows × columns × measures on a :class:`FilterContext`; ``expanded`` holds the open row paths."""

    _esm = STATIC / "matrix.js"
    _css = CSS
    title = traitlets.Unicode("").tag(sync=True)
    header = traitlets.List(traitlets.Dict()).tag(sync=True)
    row_header = traitlets.Unicode("").tag(sync=True)
    body = traitlets.List(traitlets.Dict()).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    query_ms = traitlets.Float(0.0).tag(sync=True)

    def __init__(self, context: Any, *, rows: Sequence[str], measures: Sequence[str] | str,
                 columns: Sequence[str] | str | None = None, formats: Any = (), title: str = "",
                 expanded: Sequence[Sequence[Any]] = ()) -> None:
        cols = [columns] if isinstance(columns, str) else list(columns or ())
        if len(cols) > 1:
            raise ValueError(f"a matrix takes one column dimension, got {cols}; put the others in rows=")
        if not rows:
            raise ValueError("a matrix needs at least one row dimension: rows=['category', ...]")
        model = context.model
        super().__init__(title=title, row_header=" / ".join(field_label(model, r) for r in rows))
        self.context, self.rows = context, list(rows)
        self.measures = [measures] if isinstance(measures, str) else list(measures)
        self.column = cols[0] if cols else None
        self.formats = formats
        self.expanded: set[tuple[Any, ...]] = {tuple(p) for p in expanded}
        self._formats = {m: field_format(model, m) for m in self.measures}
        self._labels = {m: field_label(model, m.split(":")[0]) for m in self.measures}
        self.on_msg(self._on_event)

    # -- queries ---------------------------------------------------------------------------
    def _grid(self, dims: list[str], filters: list[Filter]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(by the column dimension, row totals) at one grain, both from the engine."""
        order = [(d, "asc") for d in dims]
        totals = self.context.query(measures=self.measures, dimensions=dims, filters=filters, order=order).df
        if self.column is None:
            return pd.DataFrame(), totals
        by_col = self.context.query(measures=self.measures, dimensions=[*dims, self.column], filters=filters,
                                    order=[*order, (self.column, "asc")]).df
        return by_col, totals

    def refresh(self) -> None:
        start = time.perf_counter()
        try:
            col_df, grand = self._grid([], [])
            members = [member_key(self.column, v) for v in col_df[self.column]] if self.column else []
            total = self._row((), TOTAL, col_df, grand.iloc[0] if len(grand) else None, members, total=True)
            body = [*self._level((), members), total]
        except Exception as exc:  # the page shows why instead of a stale matrix
            self.error = str(exc)
            self.version += 1
            return
        self._style(body)
        with self.hold_trait_notifications():
            self.error = ""
            self.header = self._header(members)
            self.body = body
            self.query_ms = round((time.perf_counter() - start) * 1000, 1)
            self.version += 1

    def _level(self, path: tuple[Any, ...], members: list[Any]) -> list[dict[str, Any]]:
        """The rows under ``path`` (one level down), each followed by its own children when expanded."""
        depth = len(path)
        dims = self.rows[: depth + 1]
        filters = [Filter(d, "=", m) for d, m in zip(self.rows, path, strict=False)]
        by_col, totals = self._grid(dims, filters)
        out: list[dict[str, Any]] = []
        for _, rec in totals.iterrows():
            child = (*path, member_key(dims[-1], rec[dims[-1]]))
            cells = by_col
            for d, m in zip(dims, child, strict=True):
                if len(cells):
                    cells = cells[[member_key(d, v) == m for v in cells[d]]]
            out.append(self._row(child, member_label(dims[-1], child[-1]), cells, rec, members))
            if child in self.expanded and len(child) < len(self.rows):
                out.extend(self._level(child, members))
        return out

    def _row(self, path: tuple[Any, ...], label: str, by_col: pd.DataFrame, totals: Any, members: list[Any],
             total: bool = False) -> dict[str, Any]:
        cells: list[dict[str, Any]] = []
        for member in members:
            hit = by_col[[member_key(self.column or "", v) == member for v in by_col[self.column]]] \
                if len(by_col) else by_col
            cells.extend(self._cell(hit.iloc[0][m] if len(hit) else None, m, False) for m in self.measures)
        cells.extend(self._cell(None if totals is None else totals[m], m, True) for m in self.measures)
        expandable = not total and len(path) < len(self.rows)
        return {"path": list(path), "level": max(len(path) - 1, 0), "label": label, "total": total,
                "expandable": expandable, "expanded": expandable and tuple(path) in self.expanded, "cells": cells}

    def _cell(self, value: Any, measure: str, row_total: bool) -> dict[str, Any]:
        plain = None if value is None or pd.isna(value) else (value.item() if hasattr(value, "item") else value)
        return {"value": plain, "text": format_value(plain, self._formats[measure]), "measure": measure,
                "row_total": row_total, "style": {}}

    def _header(self, members: list[Any]) -> list[dict[str, Any]]:
        many = len(self.measures) > 1
        cols = [{"label": f"{member_label(self.column or '', m)}" + (f" · {self._labels[x]}" if many else ""),
                 "member": m, "measure": x, "row_total": False} for m in members for x in self.measures]
        label = TOTAL if self.column else ""
        cols += [{"label": (f"{label} · {self._labels[x]}" if label and many else label or self._labels[x]),
                  "member": None, "measure": x, "row_total": True} for x in self.measures]
        return cols

    def _style(self, body: list[dict[str, Any]]) -> None:
        """Conditional formats per row level over the detail cells (not the totals)."""
        if not self.formats:
            return
        for level in {r["level"] for r in body if not r["total"]}:
            cells = [c for r in body if r["level"] == level and not r["total"] for c in r["cells"]
                     if not (c["row_total"] and self.column)]
            for measure in self.measures:
                mine = [c for c in cells if c["measure"] == measure]
                styles = styles_for(pd.DataFrame({measure: [c["value"] for c in mine]}), self.formats)
                for cell, style in zip(mine, styles, strict=True):
                    cell["style"] = style.get(measure, {})

    # -- interaction -----------------------------------------------------------------------------
    def toggle(self, path: Sequence[Any]) -> None:
        """Expand a row group (or collapse it and everything under it)."""
        key = tuple(path)
        if key in self.expanded:
            self.expanded = {p for p in self.expanded if p[: len(key)] != key}
        else:
            self.expanded.add(key)
        self.refresh()

    def _on_event(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("event") == "toggle":
            self.toggle(content.get("path") or [])
