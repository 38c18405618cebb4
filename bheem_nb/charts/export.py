"""Export a chart as PNG or SVG, or its data as CSV or XLSX, as a user, with an audit row.

    export(chart("bar", x="region", y="revenue"), model, "xlsx", "revenue.xlsx", user="alice@acme.com")

The rows come from the engine as that user (row-level security applies, so Alice's file holds
only Alice's regions) and are the chart's aggregated rows, never table rows. Every export writes
one ``export`` event (format, chart kind, rows, fields) to the engine's audit log
(``model.engine.audit``, or the ``audit=`` given); with neither there is nowhere to write it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from bheem_nb.charts.chart import Chart, FilterLike
from bheem_nb.charts.meta import field_meta
from bheem_nb.charts.render import to_png, to_svg
from bheem_nb.errors import QueryError

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel
    from bheem_nb.store.audit import AuditLog

ExportFormat = Literal["png", "svg", "csv", "xlsx"]
FORMATS: tuple[str, ...] = ("png", "svg", "csv", "xlsx")
EXCEL_FORMATS = {"currency": '"$"#,##0.00', "percent": "0.0%", "integer": "#,##0", "number": "#,##0.00"}


def export(chart: Chart, model: SemanticModel, format: str, path: str | Path | None = None, *,
           filters: Iterable[FilterLike] = (), user: Any = None, audit: AuditLog | None = None,
           scale: float = 2.0) -> bytes:
    """The file's bytes (also written to ``path`` when given); one audit row per call."""
    fmt = format.lower().lstrip(".")
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {format!r}; formats are {', '.join(FORMATS)}")
    from bheem_nb.security.identity import resolve_user

    who = resolve_user(model.spec, user)
    df = chart.data(model, filters, who)
    if fmt == "png":
        body = to_png(chart.to_vega_lite(model, data=df), scale=scale)
    elif fmt == "svg":
        body = to_svg(chart.to_vega_lite(model, data=df)).encode()
    elif fmt == "csv":
        body = to_csv(table_of(df))
    else:
        body = to_xlsx(table_of(df), model, title=chart.spec.title or chart.kind)
    if path is not None:
        Path(path).write_bytes(body)
    sink = audit if audit is not None else model.engine.audit
    if sink is not None:
        sink.record("export", user=who, model=model.name, rows=len(df),
                    payload={"format": fmt, "chart": chart.kind, "rows": len(df), "fields": chart.spec.fields(),
                             "filters": [*chart.spec.filters, *(_plain_filter(f) for f in filters)],
                             "bytes": len(body)})
    return body


def table_of(df: pd.DataFrame) -> pd.DataFrame:
    """The rows a person downloads: helper columns (``_spark``...) dropped, subtotal levels kept."""
    keep = [c for c in df.columns if not str(c).startswith("_spark")]
    return df[keep]


def to_csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def to_xlsx(df: pd.DataFrame, model: SemanticModel, title: str = "data") -> bytes:
    """One sheet, bold header, number formats from the model (currency, percent, integer)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "data"
    ws.append([str(c) for c in df.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    from bheem_nb.charts.render import plain

    for rec in df.itertuples(index=False):
        ws.append([plain(v) for v in rec])
    for i, col in enumerate(df.columns, start=1):
        fmt = _model_format(model, str(col))
        if fmt in EXCEL_FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = EXCEL_FORMATS[fmt]
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(12, min(len(str(col)) + 4, 40))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _model_format(model: SemanticModel, name: str) -> str | None:
    if name.startswith("_"):
        return None
    try:
        meta = field_meta(model, name)
    except QueryError:
        return None
    return meta.format if meta.is_measure else None


def _plain_filter(f: Any) -> Any:
    from bheem_nb.charts.spec import _filter_dict

    return _filter_dict(f)
