"""The join graph: which tables join to which, and whether a join multiplies rows.

The graph must be a forest (no cycles), so the path between two tables is unique and a
query never depends on which of two routes the compiler happened to pick, the same rule
Power BI applies to active relationships.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from bheem_nb.errors import ModelError
from bheem_nb.model.schema import Join, ModelSpec

MODEL_DIALECT = "duckdb"
"""Expressions in a model (measures, dimensions, join conditions) are written in DuckDB SQL."""


@dataclass(frozen=True)
class Step:
    """One hop of a join path, read in the direction of travel."""

    join: Join
    source: str
    target: str
    condition: exp.Expr

    @property
    def fans_out(self) -> bool:
        """True when one source row may match many target rows."""
        forward = self.join.left == self.source
        rel = self.join.relationship
        return (rel == "one_to_many") if forward else (rel == "many_to_one")


class JoinGraph:
    """Undirected adjacency over the model's joins, checked for unknown tables and cycles."""

    def __init__(self, spec: ModelSpec) -> None:
        self._edges: dict[str, list[tuple[str, int]]] = {name: [] for name in spec.tables}
        self._joins = spec.joins
        self._conditions: list[exp.Expr] = []
        parent = {name: name for name in spec.tables}

        def root(t: str) -> str:
            while parent[t] != t:
                t = parent[t]
            return t

        for i, join in enumerate(spec.joins):
            where = f"joins[{i}] ({join.left} -> {join.right})"
            for side in (join.left, join.right):
                if side not in spec.tables:
                    raise ModelError(f"{where}: unknown table {side!r}; tables are {sorted(spec.tables)}")
            if join.left == join.right:
                raise ModelError(f"{where}: a table cannot join to itself; add a second table entry (an alias)")
            self._conditions.append(_parse_condition(join, where))
            a, b = root(join.left), root(join.right)
            if a == b:
                raise ModelError(
                    f"{where}: this join closes a cycle in the join graph; the path between "
                    f"{join.left!r} and {join.right!r} would be ambiguous. Remove a join or model "
                    "the table twice under different names (role-playing dimension)."
                )
            parent[a] = b
            self._edges[join.left].append((join.right, i))
            self._edges[join.right].append((join.left, i))

    def path(self, source: str, target: str) -> list[Step]:
        """The unique list of hops from ``source`` to ``target``; raises when none exists."""
        if source == target:
            return []
        prev: dict[str, tuple[str, int]] = {}
        queue = deque([source])
        seen = {source}
        while queue:
            node = queue.popleft()
            for nxt, idx in self._edges[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    prev[nxt] = (node, idx)
                    queue.append(nxt)
        if target not in prev:
            raise ModelError(
                f"no join path from {source!r} to {target!r}: add a join between them to the model's `joins`"
            )
        steps: list[Step] = []
        node = target
        while node != source:
            back, idx = prev[node]
            steps.append(Step(self._joins[idx], back, node, self._conditions[idx]))
            node = back
        return steps[::-1]

    def neighbours(self, table: str) -> list[str]:
        return [t for t, _ in self._edges[table]]


def _parse_condition(join: Join, where: str) -> exp.Expr:
    try:
        cond = sqlglot.parse_one(join.on, read=MODEL_DIALECT)
    except sqlglot.errors.ParseError as exc:
        raise ModelError(f"{where}: cannot parse `on: {join.on}`: {exc}") from exc
    equalities = list(cond.find_all(exp.EQ))
    if not equalities:
        raise ModelError(f"{where}: `on` must compare columns with =, e.g. orders.customer_id = customers.id")
    for col in cond.find_all(exp.Column):
        if col.table not in (join.left, join.right):
            raise ModelError(
                f"{where}: column {col.sql()!r} in `on` must be qualified with {join.left!r} or {join.right!r}"
            )
    return cond
