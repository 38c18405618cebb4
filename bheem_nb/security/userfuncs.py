"""Bind a rule filter to one user: ``USERNAME()`` and friends become literals in the AST.

Values enter the tree as ``exp.Literal`` nodes, never as SQL text, so an attribute such as
``"Europe' OR 1=1 --"`` is only ever a string compared with a column. A list value turns
``col = USERLOOKUP('regions')`` into ``col IN (...)`` (``<>`` into ``NOT IN``); an empty list
matches nothing. ``[Field]`` (Power BI brackets) names a column of the rule's table.

Functions: ``USERNAME()`` (email), ``USERPRINCIPALNAME()`` (id), ``USERLOOKUP('attr')``,
``USERGROUPS()`` (a list).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import sqlglot
from sqlglot import exp

from bheem_nb.errors import ModelError, SecurityError
from bheem_nb.security.guard import FORBIDDEN_NODES
from bheem_nb.security.identity import User

USER_FUNCTIONS = frozenset({"username", "userprincipalname", "userlookup", "usergroups"})
RULE_DIALECT = "duckdb"


def parse_filter(text: str, where: str) -> exp.Expr:
    """Parse a rule filter (DuckDB SQL) and turn ``[Field]`` brackets into column references."""
    try:
        tree = sqlglot.parse_one(text, read=RULE_DIALECT)
    except sqlglot.errors.SqlglotError as exc:
        raise ModelError(f"{where}: cannot parse filter: {str(exc).splitlines()[0]}") from None
    if isinstance(tree, exp.Query) or not isinstance(tree, exp.Condition) or tree.find(*FORBIDDEN_NODES):
        raise ModelError(f"{where}: a filter is a condition such as region = USERLOOKUP('region')")

    def brackets(node: exp.Expr) -> exp.Expr:
        if (isinstance(node, exp.Array) and len(node.expressions) == 1
                and isinstance(node.expressions[0], exp.Column) and not node.expressions[0].table):
            return exp.column(node.expressions[0].name)
        return node

    tree = tree.transform(brackets)
    for fn in tree.find_all(exp.Anonymous):
        name = str(fn.name).casefold()
        if name == "userlookup" and not (len(fn.expressions) == 1 and isinstance(fn.expressions[0], exp.Literal)
                                         and fn.expressions[0].is_string):
            raise ModelError(f"{where}: USERLOOKUP takes one quoted attribute name, e.g. USERLOOKUP('region')")
        if name in USER_FUNCTIONS - {"userlookup"} and fn.expressions:
            raise ModelError(f"{where}: {fn.name}() takes no arguments")
    return tree


def bind_filter(tree: exp.Expr, user: User, where: str) -> exp.Expr:
    """A copy of ``tree`` with every user function replaced by the user's values."""
    holder = exp.Paren(this=tree.copy())  # so the filter's root itself can be replaced
    for fn in list(holder.find_all(exp.Anonymous)):
        name = str(fn.name).casefold()
        if name not in USER_FUNCTIONS:
            continue
        value = _value(name, fn, user)
        if isinstance(value, tuple):
            _splice_list(fn, value, where)
        else:
            fn.replace(literal(value))
    return holder.this  # type: ignore[no-any-return]


def _value(name: str, fn: exp.Anonymous, user: User) -> Any:
    if name == "username":
        return user.email
    if name == "userprincipalname":
        return user.id
    if name == "usergroups":
        return tuple(user.groups)
    attr = fn.expressions[0].name
    value = user.attributes.get(attr)
    return tuple(value) if isinstance(value, list) else value


def _splice_list(fn: exp.Expr, values: tuple[Any, ...], where: str) -> None:
    parent = fn.parent
    items = [literal(v) for v in values]
    if isinstance(parent, exp.EQ | exp.NEQ):
        other = parent.expression if parent.this is fn else parent.this
        cond: exp.Expr = exp.In(this=other.copy(), expressions=items) if items else exp.false()
        parent.replace(exp.Not(this=cond) if isinstance(parent, exp.NEQ) else cond)
    elif isinstance(parent, exp.In) and (fn in parent.expressions or parent.args.get("field") is fn):
        rest = [e for e in parent.expressions if e is not fn]
        new_items = rest + items
        parent.set("field", None)
        if new_items:
            parent.set("expressions", new_items)
        else:
            parent.replace(exp.false())
    else:
        raise SecurityError(f"{where}: a list value (USERGROUPS() or a list attribute) can only be compared "
                            "with = , <> or IN")


def literal(value: Any) -> exp.Expr:
    """A SQL literal for a Python value; anything else becomes its string form."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int | float | decimal.Decimal):
        return exp.Literal.number(value)
    if isinstance(value, dt.date | dt.datetime):
        return exp.Literal.string(value.isoformat())
    return exp.Literal.string(str(value))
