"""The column side of a matrix: which column groups are open, the visible columns, the header rows.

With ``columns=["category", "subcategory"]`` the matrix shows one column per category until a
category is expanded; then that category's subcategories follow, one column each, and a subtotal
column for the category closes the group. The grand total column comes last. Every number is an
engine answer at the grain of its row and column path (see :mod:`.matrix`); this module only says
which paths are visible, which grains to query, and how the header spans them, so the page draws
``header_rows`` as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bheem_nb.charts.drill import member_label
from bheem_nb.query.spec import Filter

Path = tuple[Any, ...]
TOTAL = "Total"


@dataclass(frozen=True)
class Column:
    """One visible column group (× every measure): ``path`` from the top column dimension down.

    ``kind`` is ``"member"`` (a closed group or a leaf: detail cells), ``"subtotal"`` (an open
    group's own total, after its children) or ``"total"`` (the grand total, ``path == ()``).
    """

    path: Path
    kind: str


def check_paths(paths: Iterable[Sequence[Any]], dims: Sequence[str], name: str) -> list[list[Any]]:
    """``paths`` as JSON-able lists, refusing what cannot be expanded (a leaf, an empty path)."""
    out = []
    for p in paths:
        if isinstance(p, str) or not isinstance(p, Sequence):
            raise ValueError(f"{name} takes a list of paths such as [['Technology']], got {p!r}")
        if not 0 < len(p) < len(dims):
            raise ValueError(f"{name} path {list(p)!r} cannot expand: with {len(dims)} level(s) "
                             f"({', '.join(dims) or 'none'}) a path has 1 to {max(len(dims) - 1, 0)} member(s)")
        out.append(list(p))
    return out


def open_paths(expanded: Iterable[Sequence[Any]], levels: int) -> set[Path]:
    """The open groups that are on screen: every ancestor open too, and not a leaf level."""
    paths = {tuple(p) for p in expanded}
    return {p for p in paths if 0 < len(p) < levels and all(p[:k] in paths for k in range(1, len(p)))}


def grains(open_: set[Path], levels: int) -> list[int]:
    """The column depths to query: the top level always, one deeper for each level with an open group."""
    return [1, *sorted({len(p) + 1 for p in open_})] if levels else []


def narrowing(columns: Sequence[str], open_: set[Path], depth: int) -> list[Filter]:
    """Filters keeping a depth-``depth`` query under the open groups.

    Per dimension ``IN`` the open parents' members: a superset when several groups are open at
    depth 3 or more; cells are picked by their exact path. A filter on a grouping column does not
    change any group's number. A null member cannot be matched by ``IN``, so it drops the filter.
    """
    parents = [p for p in open_ if len(p) == depth - 1]
    out = []
    for i in range(depth - 1):
        values = {p[i] for p in parents}
        if None not in values:
            out.append(Filter(columns[i], "in", sorted(values, key=str)))
    return out


@dataclass
class Layout:
    """The visible columns in reading order, the flat header (one entry per cell) and the header rows."""

    columns: list[Column]
    header: list[dict[str, Any]]
    header_rows: list[list[dict[str, Any]]]


def column_layout(columns: Sequence[str], members: dict[int, list[Path]], open_: set[Path],
                  measures: Sequence[str], labels: dict[str, str]) -> Layout:
    """Lay out the columns from the members found at each queried depth (engine order)."""
    children: dict[Path, list[Path]] = {}
    for depth in sorted(members):
        for path in members[depth]:
            kids = children.setdefault(path[:-1], [])
            if path not in kids:
                kids.append(path)
    levels = len(columns)

    def deepest(path: Path) -> int:
        if path in open_ and children.get(path):
            return max(deepest(kid) for kid in children[path])
        return len(path)

    height = max([deepest(top) for top in children.get((), [])] + [1]) if levels else 1
    many = len(measures) > 1
    rows: list[list[dict[str, Any]]] = [[] for _ in range(height + (1 if many and levels else 0))]
    visible: list[Column] = []

    def text(path: Path) -> str:
        return member_label(columns[len(path) - 1], path[-1])

    def head(label: str, path: Path, kind: str, span: int, rowspan: int, **more: Any) -> dict[str, Any]:
        return {"label": label, "path": list(path), "kind": kind, "colspan": span * len(measures),
                "rowspan": rowspan, "expandable": False, "expanded": False, **more}

    def place(path: Path) -> int:
        """Header cells for ``path`` and everything open under it; returns how many columns it spans."""
        depth = len(path)
        if path in open_ and children.get(path):
            cell = head(text(path), path, "member", 0, 1, expandable=True, expanded=True)
            rows[depth - 1].append(cell)
            span = sum(place(kid) for kid in children[path])
            rows[depth].append(head(TOTAL, path, "subtotal", 1, height - depth,
                                    aria_label=f"{path_label(columns, path)} total"))
            visible.append(Column(path, "subtotal"))
            cell["colspan"] = (span + 1) * len(measures)
            return span + 1
        rows[depth - 1].append(head(text(path), path, "member", 1, height - depth + 1,
                                    expandable=depth < levels, expanded=False))
        visible.append(Column(path, "member"))
        return 1

    for top in children.get((), []) if levels else []:
        place(top)
    visible.append(Column((), "total"))
    if levels:
        rows[0].append(head(TOTAL, (), "total", 1, height))
    if many or not levels:
        measure_row = rows[-1] if levels else rows[0]
        measure_row.extend({"label": labels[m], "path": list(col.path), "kind": col.kind, "colspan": 1, "rowspan": 1,
                            "expandable": False, "expanded": False, "measure": m} for col in visible for m in measures)
    return Layout(visible, _flat_header(columns, visible, measures, labels), rows)


def path_label(columns: Sequence[str], path: Path) -> str:
    """``Technology / Phones``; a label naming its parent stands alone (``2024 Q3``, not ``2024 / 2024 Q3``)."""
    parts: list[str] = []
    for k, v in enumerate(path):
        label = member_label(columns[k], v)
        if parts and label.startswith(parts[-1]):
            parts.pop()
        parts.append(label)
    return " / ".join(parts)


def _flat_header(columns: Sequence[str], visible: list[Column], measures: Sequence[str],
                 labels: dict[str, str]) -> list[dict[str, Any]]:
    """One entry per cell column: what a test, a copy or a screen reader reads for it."""
    many = len(measures) > 1
    out = []
    for col in visible:
        name = path_label(columns, col.path)
        name = {"member": name, "subtotal": f"{name} total", "total": TOTAL if columns else ""}[col.kind]
        for m in measures:
            label = f"{name} · {labels[m]}" if name and many else name or labels[m]
            out.append({"label": label, "path": list(col.path), "member": col.path[-1] if col.path else None,
                        "level": len(col.path), "measure": m, "kind": col.kind, "row_total": col.kind == "total"})
    return out
