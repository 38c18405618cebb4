"""Table, matrix (pivot with engine-computed subtotals) and KPI card.

Their :meth:`fetch` returns what the interactive widgets need: a table's rows (with a ``_spark``
list per row when ``sparkline`` is set), a matrix's cells at every subtotal level (``_row_level``,
``_col_level``; rolled-up dimensions are null), a KPI's value, target, previous period and series.
A static matrix shows every level open: subtotal rows above their children, subtotal columns after
theirs (the widget in ``bheem_nb.widgets.matrix`` opens and closes them).
Subtotals are separate engine queries, never sums in Python: a distinct count or an average does
not add up.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING, Any

import pandas as pd

from bheem_nb.charts.formatting import cell_styles
from bheem_nb.charts.kinds.base import Ctx, QueryDict, Visual, query, run
from bheem_nb.charts.kinds.grid import Grid, grid_spec
from bheem_nb.charts.render import NEGATIVE, PALETTE, POSITIVE, format_number, plain

if TYPE_CHECKING:
    from bheem_nb.charts.spec import ChartSpec
    from bheem_nb.model.semantic import SemanticModel

TOTAL = "Total"


def _text(ctx: Ctx, name: str, value: Any) -> str:
    value = plain(value)
    meta = ctx.meta(name)
    if meta.vl_type == "temporal" and isinstance(value, str):
        return value[:7] if meta.grain == "month" else value[:10]
    return meta.text(value)


class Table(Visual):
    """Rows of ``rows`` dimensions with ``y`` measures; ``sparkline`` adds a trend per row."""

    requires = ("y",)
    category_key = "rows"

    def dimensions(self, spec: ChartSpec) -> list[str]:
        return list(spec.rows)

    def order(self, spec: ChartSpec) -> list[tuple[str, str]]:
        if spec.sort == "x" and spec.rows:
            return [(spec.rows[0], "asc")]
        return [(spec.y[0], "desc")] if spec.rows else []

    def queries(self, spec: ChartSpec, filters: list[dict[str, Any]]) -> list[QueryDict]:
        out = [query(spec.y, spec.rows, filters, self.order(spec), spec.limit)]
        if spec.sparkline:
            out.append(query(spec.y[:1], [*spec.rows, spec.sparkline], filters,
                             [(d, "asc") for d in (*spec.rows, spec.sparkline)]))
        return out

    def fetch(self, model: SemanticModel, spec: ChartSpec, filters: list[dict[str, Any]], user: Any) -> pd.DataFrame:
        queries = self.queries(spec, filters)
        df = run(model, queries[0], user)
        if spec.sparkline:
            series = run(model, queries[1], user)
            keys = list(spec.rows)
            grouped = {k if isinstance(k, tuple) else (k,): list(g[spec.y[0]])
                       for k, g in (series.groupby(keys, sort=False) if keys else [((), series)])}
            df["_spark"] = [grouped.get(tuple(r), []) for r in df[keys].itertuples(index=False)] if keys \
                else [list(series[spec.y[0]])]
        return df

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        cols = [*spec.rows, *spec.y]
        limit = int(ctx.option("max_rows", 25))
        shown = df.head(limit)
        cells = [[_text(ctx, c, v) for c, v in zip(cols, rec, strict=True)]
                 for rec in shown[cols].itertuples(index=False)]
        grid = Grid(header=[ctx.meta(c).label for c in cols], cells=cells,
                    numeric=[c in spec.y for c in cols],
                    styles=[[row[c] for c in cols] for row in cell_styles(shown[cols], spec.formats)])
        if "_spark" in shown:
            grid.sparklines = {i: list(v) for i, v in enumerate(shown["_spark"])}
        if len(df) > limit:
            grid.note = f"First {limit} of {len(df):,} rows"
        return grid_spec(grid)


class Matrix(Visual):
    """A pivot: ``rows`` down, ``columns`` across, ``y`` in the cells, with subtotals and grand totals."""

    requires = ("rows", "y")
    category_key = "rows"

    def queries(self, spec: ChartSpec, filters: list[dict[str, Any]]) -> list[QueryDict]:
        out = []
        for i, j in product(range(len(spec.rows), -1, -1), range(len(spec.columns), -1, -1)):
            dims = [*spec.rows[:i], *spec.columns[:j]]
            out.append(query(spec.y, dims, filters, [(d, "asc") for d in dims]))
        return out

    def fetch(self, model: SemanticModel, spec: ChartSpec, filters: list[dict[str, Any]], user: Any) -> pd.DataFrame:
        frames = []
        levels = list(product(range(len(spec.rows), -1, -1), range(len(spec.columns), -1, -1)))
        for (i, j), q in zip(levels, self.queries(spec, filters), strict=True):
            part = run(model, q, user)
            for d in [*spec.rows[i:], *spec.columns[j:]]:
                part[d] = None
            frames.append(part.assign(_row_level=i, _col_level=j))
        cols = [*spec.rows, *spec.columns, *spec.y, "_row_level", "_col_level"]
        return pd.concat([f[cols].astype(object) for f in frames], ignore_index=True)

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        rows, cols, ms = list(spec.rows), list(spec.columns), list(spec.y)
        full_c = len(cols)
        header = [" / ".join(ctx.meta(r).label for r in rows)]
        columns: list[tuple[tuple[Any, ...], int, str]] = []
        for clevel, key in [*_column_order(df, cols), (0, (None,) * full_c)]:
            for m in ms:
                label = " / ".join(_text(ctx, c, v) for c, v in zip(cols[:clevel], key, strict=False)) or TOTAL
                label = f"{label} total" if 0 < clevel < full_c else label
                label = label if not cols else (f"{label} · {ctx.meta(m).label}" if len(ms) > 1 else label)
                header.append(label if cols else ctx.meta(m).label)
                columns.append((key, clevel, m))
        lookup = {(tuple(plain(v) for v in r[:len(rows)]), tuple(plain(v) for v in r[len(rows):len(rows) + full_c]),
                   int(r[-2]), int(r[-1])): r for r in df[[*rows, *cols, *ms, "_row_level", "_col_level"]]
                  .itertuples(index=False)}
        ordered = _row_order(df, rows)
        cells, bold, indent, values = [], set(), {}, []
        for n, (level, key) in enumerate(ordered):
            label = TOTAL if level == 0 else _text(ctx, rows[level - 1], key[level - 1])
            line, raw = [label], []
            for ckey, clevel, m in columns:
                rec = lookup.get((key, ckey, level, clevel))
                value = rec[len(rows) + full_c + ms.index(m)] if rec is not None else None
                raw.append(value)
                line.append(ctx.meta(m).text(value))
            cells.append(line)
            values.append(raw)
            if level < len(rows):
                bold.add(n)
            indent[n] = max(level - 1, 0)
        value_frame = pd.DataFrame(values, columns=[f"c{k}" for k in range(len(columns))])
        styles: list[list[dict[str, Any]]] = [[{} for _ in header] for _ in cells]
        for fmt in spec.formats:
            picked = [k for k, (_, _, m) in enumerate(columns) if m == fmt.field]
            leaf = [n for n, (level, _) in enumerate(ordered) if level == len(rows)]
            sub = value_frame.iloc[leaf][[f"c{k}" for k in picked]]
            for k in picked:  # each column of the format's measure is scaled on its own leaf cells
                renamed = sub.rename(columns={f"c{k}": fmt.field})[[fmt.field]]
                for r, style in zip(leaf, cell_styles(renamed, [fmt]), strict=True):
                    styles[r][k + 1].update(style[fmt.field])
        grid = Grid(header=header, cells=cells, numeric=[False, *([True] * len(columns))], styles=styles,
                    bold_rows=bold, indent=indent)
        return grid_spec(grid)


def _column_order(df: pd.DataFrame, cols: list[str]) -> list[tuple[int, tuple[Any, ...]]]:
    """Columns in reading order as (level, key padded with None): each group's leaves, then its subtotal."""
    n = len(cols)
    if not n:
        return []
    keys = sorted({tuple(plain(v) for v in r) for r in df[df["_col_level"] == n][cols].itertuples(index=False)},
                  key=lambda k: tuple(str(v) for v in k))
    keys = [k for k in keys if None not in k]
    out: list[tuple[int, tuple[Any, ...]]] = []
    for i, key in enumerate(keys):
        out.append((n, key))
        after = keys[i + 1] if i + 1 < len(keys) else None
        for level in range(n - 1, 0, -1):  # close the inner groups first
            if after is None or after[:level] != key[:level]:
                out.append((level, key[:level] + (None,) * (n - level)))
    return out


def _row_order(df: pd.DataFrame, rows: list[str]) -> list[tuple[int, tuple[Any, ...]]]:
    """Rows as a tree in reading order: each subtotal above its children, the grand total last."""
    keys: set[tuple[Any, ...]] = set()
    for r in df[df["_row_level"] == len(rows)][rows].itertuples(index=False):
        keys.add(tuple(plain(v) for v in r))
    out: list[tuple[int, tuple[Any, ...]]] = []
    seen: set[tuple[int, tuple[Any, ...]]] = set()
    for key in sorted(keys, key=lambda k: tuple(str(v) for v in k)):
        for level in range(1, len(rows) + 1):
            item = (level, key[:level] + (None,) * (len(rows) - level))
            if item not in seen:
                seen.add(item)
                out.append(item)
    out.append((0, (None,) * len(rows)))
    return out


class Kpi(Visual):
    """One number, its change on the previous ``sparkline`` period, a target and a trend line."""

    requires = ("y",)
    category_key = ""  # one number: nothing to click or drill

    def queries(self, spec: ChartSpec, filters: list[dict[str, Any]]) -> list[QueryDict]:
        out = [query([*spec.y[:1], *([spec.target] if spec.target else [])], [], filters)]
        if spec.sparkline:
            out.append(query(spec.y[:1], [spec.sparkline], filters, [(spec.sparkline, "asc")]))
        return out

    def fetch(self, model: SemanticModel, spec: ChartSpec, filters: list[dict[str, Any]], user: Any) -> pd.DataFrame:
        queries = self.queries(spec, filters)
        total = run(model, queries[0], user)
        y = spec.y[0]
        row: dict[str, Any] = {"value": plain(total[y].iloc[0]) if len(total) else None,
                               "target": plain(total[spec.target].iloc[0]) if spec.target and len(total) else None}
        if spec.sparkline:
            series = run(model, queries[1], user)
            values = [plain(v) for v in series[y]]
            row.update(_spark=values, _spark_x=[plain(v) for v in series[spec.sparkline]],
                       last=values[-1] if values else None, previous=values[-2] if len(values) > 1 else None)
            prev = row["previous"]
            row["delta"] = (row["last"] - prev) / abs(prev) if prev else None
        return pd.DataFrame([row])

    def build(self, ctx: Ctx, df: pd.DataFrame) -> dict[str, Any]:
        spec = ctx.spec
        y = spec.y[0]
        ym = ctx.meta(y)
        rec = df.iloc[0].to_dict() if len(df) else {}
        value = rec.get("value")
        style = cell_styles(pd.DataFrame({y: [value]}), spec.formats)[0][y] if spec.formats else {}
        w, h = int(ctx.option("width", 300)), int(ctx.option("height", 170))
        texts: list[dict[str, Any]] = [
            {"x": 16, "y": 26, "text": ym.label, "size": 13, "color": "#555", "weight": "normal"},
            {"x": 16, "y": 66, "text": format_number(value, ym.format, compact=True), "size": 34,
             "color": style.get("color", "#1f1f1f"), "weight": "bold"},
        ]
        delta = rec.get("delta")
        if delta is not None and pd.notna(delta):
            up = delta >= 0
            grain = (spec.sparkline or "").split(".")[-1]
            texts.append({"x": 16, "y": 102, "text": f"{'▲' if up else '▼'} {abs(delta):.1%} vs previous {grain}",
                          "size": 12, "color": POSITIVE if up else NEGATIVE, "weight": "bold"})
        target = rec.get("target")
        if target is not None and pd.notna(target) and value is not None:
            share = value / target if target else 0
            texts.append({"x": 16, "y": 124, "text": f"{share:.0%} of target {format_number(target, ym.format, True)}",
                          "size": 12, "color": "#555", "weight": "normal"})
        pix = {"x": {"scale": {"domain": [0, w], "nice": False, "zero": False}, "axis": None},
               "y": {"scale": {"domain": [0, h], "nice": False, "zero": False, "reverse": True}, "axis": None}}
        layers: list[dict[str, Any]] = []
        if style.get("background"):
            layers.append({"data": {"values": [{"a": 0, "b": w, "c": 0, "d": h}]},
                           "mark": {"type": "rect", "color": style["background"]},
                           "encoding": {"x": {"field": "a", "type": "quantitative", **pix["x"]}, "x2": {"field": "b"},
                                        "y": {"field": "c", "type": "quantitative", **pix["y"]},
                                        "y2": {"field": "d"}}})
        spark = [v for v in (rec.get("_spark") or []) if v is not None]
        if len(spark) > 1:
            lo, hi = min(spark), max(spark)
            pts = [{"x": 16 + k * (w - 32) / (len(spark) - 1), "y": h - 10 - (v - lo) / ((hi - lo) or 1) * 30,
                    "base": h - 10} for k, v in enumerate(spark)]
            layers.append({"data": {"values": pts}, "mark": {"type": "area", "color": PALETTE[0], "opacity": 0.15},
                           "encoding": {"x": {"field": "x", "type": "quantitative", **pix["x"]},
                                        "y": {"field": "y", "type": "quantitative", **pix["y"]},
                                        "y2": {"field": "base"}}})
            layers.append({"data": {"values": pts}, "mark": {"type": "line", "color": PALETTE[0], "strokeWidth": 2},
                           "encoding": {"x": {"field": "x", "type": "quantitative", **pix["x"]},
                                        "y": {"field": "y", "type": "quantitative", **pix["y"]}}})
        layers.append({"data": {"values": texts}, "mark": {"type": "text", "align": "left", "baseline": "middle"},
                       "encoding": {"x": {"field": "x", "type": "quantitative", **pix["x"]},
                                    "y": {"field": "y", "type": "quantitative", **pix["y"]},
                                    "text": {"field": "text"}, "size": {"field": "size", "type": "quantitative",
                                                                        "scale": None},
                                    "color": {"field": "color", "type": "nominal", "scale": None},
                                    "fontWeight": {"field": "weight", "type": "nominal", "scale": None}}})
        return {"width": w, "height": h, "layer": layers, "_frame": True}
