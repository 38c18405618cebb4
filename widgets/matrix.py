"""MatrixView: a pivot table whose row and column groups expand, with subtotals and grand totals from the engine.

    ctx.matrix(rows=["category", "subcategory", "product_name"], columns=["order_date.year", "order_date.quarter"],
               measures=["revenue"], formats=[{"field": "revenue", "type": "data_bars"}],
               expanded=[["Technology"]], expanded_columns=[["2024-01-01"]])

Every number is an engine answer at its own grain, never a sum of the cells beside or below it, so a
subtotal of ``orders`` (count distinct) or ``avg_discount`` is right. A group of rows costs one query
for its row totals plus one per column depth on screen (the top column level, and one more for each
level with an open column group, narrowed to the open groups); closed groups cost nothing. The page
only receives the visible cells. Conditional formats colour the detail cells by row level and column
depth (subtotals and totals keep their plain look, as in Power BI).
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
from .matrix_columns import TOTAL, Layout, Path, check_paths, column_layout, grains, narrowing, open_paths
from .slicers import CSS, STATIC, field_label
from .table import format_value
from .visual_styles import field_format, styles_for

Cells = dict[tuple[Path, Path], tuple[Any, ...]]


class MatrixView(anywidget.AnyWidget):
    """Rows × columns × measures on a :class:`FilterContext`.

    ``expanded`` holds the open row paths and ``expanded_columns`` the open column paths (lists of
    members from the top level down); setting either from Python re-queries, as a click does.
    """

    _esm = STATIC / "matrix.js"
    _css = CSS
    title = traitlets.Unicode("").tag(sync=True)
    header = traitlets.List(traitlets.Dict()).tag(sync=True)
    header_rows = traitlets.List(traitlets.List(traitlets.Dict())).tag(sync=True)
    row_header = traitlets.Unicode("").tag(sync=True)
    body = traitlets.List(traitlets.Dict()).tag(sync=True)
    expanded = traitlets.List(traitlets.List()).tag(sync=True)
    expanded_columns = traitlets.List(traitlets.List()).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    query_ms = traitlets.Float(0.0).tag(sync=True)

    def __init__(self, context: Any, *, rows: Sequence[str] | str, measures: Sequence[str] | str,
                 columns: Sequence[str] | str | None = None, formats: Any = (), title: str = "",
                 expanded: Sequence[Sequence[Any]] = (), expanded_columns: Sequence[Sequence[Any]] = ()) -> None:
        row_dims = [rows] if isinstance(rows, str) else list(rows or ())
        cols = [columns] if isinstance(columns, str) else list(columns or ())
        ms = [measures] if isinstance(measures, str) else list(measures or ())
        if not row_dims:
            raise ValueError("a matrix needs at least one row dimension: rows=['category', ...]")
        if not ms:
            raise ValueError("a matrix needs at least one measure: measures=['revenue', ...]")
        both = [d for d in cols if d in row_dims]
        if both or len(set(cols)) < len(cols) or len(set(row_dims)) < len(row_dims):
            raise ValueError(f"a dimension can be on one axis once: rows={row_dims}, columns={cols}")
        model = context.model
        super().__init__(title=title, row_header=" / ".join(field_label(model, r) for r in row_dims))
        self._ready = False
        self.context, self.rows, self.columns, self.measures = context, row_dims, cols, ms
        self.formats = formats
        self.expanded = check_paths(expanded, row_dims, "expanded")
        self.expanded_columns = check_paths(expanded_columns, cols, "expanded_columns")
        self._formats = {m: field_format(model, m) for m in ms}
        self._labels = {m: field_label(model, m.split(":")[0]) for m in ms}
        self.on_msg(self._on_event)
        self._ready = True

    # -- queries ---------------------------------------------------------------------------
    def _cells(self, dims: list[str], filters: list[Filter], open_cols: set[Path]) -> tuple[pd.DataFrame, Cells]:
        """One grain of rows against every column depth on screen: (the row totals, cells by (row, column) path)."""
        cells: Cells = {}
        totals = pd.DataFrame()
        for depth in [0, *grains(open_cols, len(self.columns))]:
            keys = [*dims, *self.columns[:depth]]
            df = self.context.query(measures=self.measures, dimensions=keys, order=[(k, "asc") for k in keys],
                                    filters=[*filters, *narrowing(self.columns, open_cols, depth)]).df
            if depth == 0:
                totals = df
            for rec in df[[*keys, *self.measures]].itertuples(index=False, name=None):
                path = tuple(member_key(k, v) for k, v in zip(keys, rec, strict=False))
                cells[(path[:len(dims)], path[len(dims):])] = rec[len(keys):]
        return totals, cells

    def refresh(self) -> None:
        start = time.perf_counter()
        try:
            open_cols = open_paths(self.expanded_columns, len(self.columns))
            _, grand = self._cells([], [], open_cols)
            members: dict[int, list[Path]] = {}
            for _, col in grand:
                if col:
                    members.setdefault(len(col), []).append(col)
            layout = column_layout(self.columns, members, open_cols, self.measures, self._labels)
            body = [*self._level((), layout, open_cols), self._row((), TOTAL, grand, layout, total=True)]
        except Exception as exc:  # the page shows why instead of a stale matrix
            self.error = str(exc)
            self.version += 1
            return
        self._style(body, layout)
        with self.hold_trait_notifications():
            self.error = ""
            self.header = layout.header
            self.header_rows = layout.header_rows
            self.body = body
            self.query_ms = round((time.perf_counter() - start) * 1000, 1)
            self.version += 1

    def _level(self, path: Path, layout: Layout, open_cols: set[Path]) -> list[dict[str, Any]]:
        """The rows under ``path`` (one level down), each followed by its own children when expanded."""
        dims = self.rows[: len(path) + 1]
        filters = [Filter(d, "=", m) for d, m in zip(self.rows, path, strict=False)]
        totals, cells = self._cells(dims, filters, open_cols)
        open_rows = {tuple(p) for p in self.expanded}
        out: list[dict[str, Any]] = []
        for rec in totals[dims].itertuples(index=False, name=None):
            key = tuple(member_key(d, v) for d, v in zip(dims, rec, strict=True))
            child = (*path, key[-1])
            out.append(self._row(key, member_label(dims[-1], child[-1]), cells, layout, path=child))
            if child in open_rows and len(child) < len(self.rows):
                out.extend(self._level(child, layout, open_cols))
        return out

    def _row(self, key: Path, label: str, cells: Cells, layout: Layout, *, path: Path = (),
             total: bool = False) -> dict[str, Any]:
        out: list[dict[str, Any]] = []
        for col in layout.columns:
            values = cells.get((key, col.path))
            out.extend(self._cell(None if values is None else values[k], m, col.kind)
                       for k, m in enumerate(self.measures))
        expandable = not total and len(path) < len(self.rows)
        return {"path": list(path), "level": max(len(path) - 1, 0), "label": label, "total": total,
                "expandable": expandable, "expanded": expandable and list(path) in self.expanded, "cells": out}

    def _cell(self, value: Any, measure: str, kind: str) -> dict[str, Any]:
        plain = None if value is None or pd.isna(value) else (value.item() if hasattr(value, "item") else value)
        return {"value": plain, "text": format_value(plain, self._formats[measure]), "measure": measure,
                "row_total": kind == "total", "subtotal": kind == "subtotal", "style": {}}

    def _style(self, body: list[dict[str, Any]], layout: Layout) -> None:
        """Conditional formats over the detail cells, scaled per row level × column depth × measure."""
        if not self.formats:
            return
        groups: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
        for row in body:
            if row["total"]:
                continue
            for col, cell in zip(layout.header, row["cells"], strict=True):
                if col["kind"] == "member" or not self.columns:  # without columns the total is the detail
                    groups.setdefault((row["level"], col["level"], cell["measure"]), []).append(cell)
        for (_, _, measure), mine in groups.items():
            styles = styles_for(pd.DataFrame({measure: [c["value"] for c in mine]}), self.formats)
            for cell, style in zip(mine, styles, strict=True):
                cell["style"] = style.get(measure, {})

    # -- interaction -----------------------------------------------------------------------------
    def toggle(self, path: Sequence[Any]) -> None:
        """Expand a row group (or collapse it and everything under it)."""
        self.expanded = _toggled(self.expanded, check_paths([path], self.rows, "expanded")[0])

    def toggle_column(self, path: Sequence[Any]) -> None:
        """Expand a column group (or collapse it and everything under it)."""
        self.expanded_columns = _toggled(self.expanded_columns,
                                         check_paths([path], self.columns, "expanded_columns")[0])

    @traitlets.validate("expanded")
    def _valid_rows(self, proposal: Any) -> list[list[Any]]:
        return check_paths(proposal["value"], self.rows, "expanded")

    @traitlets.validate("expanded_columns")
    def _valid_columns(self, proposal: Any) -> list[list[Any]]:
        return check_paths(proposal["value"], self.columns, "expanded_columns")

    @traitlets.observe("expanded", "expanded_columns")
    def _reshape(self, _change: Any) -> None:
        if getattr(self, "_ready", False):
            self.refresh()

    def _on_event(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        event = content.get("event")
        if event == "toggle":
            self.toggle(content.get("path") or [])
        elif event == "toggle_column":
            self.toggle_column(content.get("path") or [])


def _toggled(paths: list[list[Any]], key: list[Any]) -> list[list[Any]]:
    """``paths`` with ``key`` added, or without ``key`` and every path under it."""
    if key in paths:
        return [p for p in paths if p[: len(key)] != key]
    return [*paths, key]
