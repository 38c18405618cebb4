"""The read-only guard: raw SQL runs only if everything in it is on an allowlist.

A statement passes when it is exactly one query (SELECT / WITH / UNION / INTERSECT /
EXCEPT / VALUES) that sqlglot parsed completely, that holds no node which writes, attaches,
copies, sets, installs, loads, pragmas or calls, whose table references are plain names of
tables the model (or an explicit allowlist) names, and whose functions are on the dialect's
allowlist. Everything else is refused with a :class:`~bheem_nb.errors.SecurityError` that
names the construct, never a literal value of the query.

The engine checks raw SQL before row-level security and every final statement after it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from bheem_nb.errors import SecurityError
from bheem_nb.security.functions import allowed_function
from bheem_nb.security.tables import table_refs

_QUERY_ROOTS = (exp.Select, exp.SetOperation, exp.Values, exp.Subquery)

#: nodes that write, change the session or reach outside the database
FORBIDDEN_NODES: tuple[type[exp.Expr], ...] = (
    exp.DML, exp.DDL, exp.Command, exp.Set, exp.SetItem, exp.Copy, exp.Pragma, exp.Attach, exp.Detach,
    exp.Install, exp.LoadData, exp.Use, exp.Into, exp.Grant, exp.Revoke, exp.Transaction, exp.Commit,
    exp.Rollback, exp.Kill, exp.Export, exp.Summarize, exp.Describe, exp.Show, exp.Refresh, exp.Cache,
    exp.Lock, exp.Analyze, exp.Comment, exp.Execute, exp.ExecuteSql, exp.Declare, exp.Returning,
    exp.MultitableInserts, exp.UserDefinedFunction, exp.SessionParameter, exp.Parameter, exp.Placeholder,
    exp.TableFromRows, exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter,
    exp.TruncateTable,
)

SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema",
                            "sys", "temp", "system"})
_SYSTEM_PREFIXES = ("pg_", "duckdb_", "sqlite_")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuardPolicy:
    """What a statement may read: table names (case-insensitive) and allowed schema qualifiers."""

    dialect: str
    tables: frozenset[str]
    schemas: frozenset[str] = field(default_factory=lambda: frozenset({"main", "public"}))
    functions: frozenset[str] = frozenset()

    @classmethod
    def build(cls, dialect: str, tables: Iterable[exp.Table], extra_tables: Iterable[str] = (),
              functions: Iterable[str] = ()) -> GuardPolicy:
        names = {t.name.casefold() for t in tables} | {n.casefold() for n in extra_tables}
        schemas = {"main", "public"} | {t.db.casefold() for t in tables if t.db}
        return cls(dialect, frozenset(names), frozenset(schemas), frozenset(f.casefold() for f in functions))


def parse_statement(sql: str, dialect: str) -> exp.Query:
    """Parse exactly one query statement or refuse."""
    if not isinstance(sql, str) or not sql.strip():
        raise SecurityError("refused: empty SQL; give one SELECT statement")
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the Command fallback warning; we refuse Commands below
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise SecurityError(f"refused: the SQL could not be parsed as {dialect} SQL ({type(exc).__name__}); "
                            "only plain SELECT queries run here") from None
    finally:
        logger.setLevel(level)
    if len(statements) != 1:
        raise SecurityError(f"refused: {len(statements)} statements; exactly one SELECT statement may run")
    tree = statements[0]
    if not isinstance(tree, _QUERY_ROOTS):
        raise SecurityError(f"refused: the statement is {_kind(tree)}, not a query; "
                            "only SELECT, WITH, UNION, INTERSECT, EXCEPT and VALUES run")
    return tree  # type: ignore[return-value]


def check_sql(sql: str, policy: GuardPolicy) -> exp.Query:
    """Parse and check raw SQL; returns the tree on success."""
    tree = parse_statement(sql, policy.dialect)
    check_tree(tree, policy)
    return tree


def check_tree(tree: exp.Expr, policy: GuardPolicy) -> None:
    """Refuse a tree holding anything outside the allowlist."""
    if not isinstance(tree, _QUERY_ROOTS):
        raise SecurityError(f"refused: the statement is {_kind(tree)}, not a query")
    for node in tree.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise SecurityError(f"refused: {_kind(node)} is not allowed in a read-only query")
        if isinstance(node, exp.Func) and not _function_ok(node, policy):
            raise SecurityError(f"refused: function {_func_name(node)}() is not on the allowlist for "
                                f"{policy.dialect}")
    for ref in table_refs(tree, policy.dialect):
        _check_table(ref.node, ref.is_cte, policy)


def _check_table(table: exp.Table, is_cte: bool, policy: GuardPolicy) -> None:
    if not isinstance(table.this, exp.Identifier):
        what = _func_name(table.this) if isinstance(table.this, exp.Func) else _kind(table.this)
        raise SecurityError(f"refused: table function {what}() may not be used; query the model's tables")
    if is_cte:
        return
    name, db, catalog = table.name.casefold(), table.db.casefold(), table.catalog.casefold()
    if db in SYSTEM_SCHEMAS or catalog in SYSTEM_SCHEMAS or name in SYSTEM_SCHEMAS or (
        name.startswith(_SYSTEM_PREFIXES)
    ):
        raise SecurityError(f"refused: system catalog {table.sql()!r} is hidden")
    if name not in policy.tables:
        raise SecurityError(f"refused: table {table.name!r} is not a table of the model")
    if catalog or (db and db not in policy.schemas):
        raise SecurityError(f"refused: {table.sql()!r} names a schema or database outside the model")


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")


def scrub_error(message: str) -> str:
    """A database error without quoted values or echoed SQL, so it cannot reveal hidden rows.

    ``Could not convert string 'Europe' to INT32`` becomes ``Could not convert string ? to INT32``.
    """
    lines = [ln for ln in message.splitlines() if not ln.lstrip().startswith(("LINE ", "^"))]
    return _QUOTED.sub("?", "\n".join(lines)).strip()


def _function_ok(node: exp.Func, policy: GuardPolicy) -> bool:
    if isinstance(node, exp.Anonymous):
        name = str(node.name).casefold()
        return name in policy.functions or allowed_function(name, policy.dialect)
    return allowed_function(type(node), policy.dialect)


def _func_name(node: exp.Expr) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).upper()
    if isinstance(node, exp.Func):
        return str(node.sql_name()).upper()
    return _kind(node)


def _kind(node: exp.Expr | None) -> str:
    return type(node).__name__.upper() if node is not None else "empty"
