"""Checks shared by the cloud connectors: only one read-only query reaches a warehouse.

The engine's guard already refuses writes; warehouses have no read-only session switch that a
statement cannot undo, so each cloud connector checks again with sqlglot, in its own dialect,
before sending anything (defence in depth, and raw ``Connector.execute`` callers get it too).
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from bheem_nb.errors import BheemConnectionError

#: statements that only read (a query, possibly in parentheses)
_READ_NODES = (exp.Query, exp.Subquery)


def require_query(sql: str, dialect: str, name: str) -> None:
    """Raise unless ``sql`` is exactly one read-only query (SELECT, WITH ... SELECT, UNION, VALUES)."""
    try:
        trees = [t for t in sqlglot.parse(sql, read=dialect) if t is not None]
    except ParseError as exc:
        raise BheemConnectionError(f"the SQL for {name} does not parse as {dialect}: {_first_line(exc)}") from None
    if len(trees) != 1:
        raise BheemConnectionError(f"{name} runs one statement at a time, got {len(trees)}")
    tree = trees[0]
    if not isinstance(tree, _READ_NODES) and not isinstance(tree, exp.Values):
        kind = tree.key.upper()
        raise BheemConnectionError(f"{name} is read-only: only queries run here, not {kind} statements")
    for node in tree.walk():
        if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Merge, exp.Alter)):
            raise BheemConnectionError(f"{name} is read-only: a query may not contain {node.key.upper()}")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
