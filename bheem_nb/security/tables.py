"""Table references in a query tree, with CTE scoping, for the guard and the RLS rewrite.

A reference names a common table expression only where that CTE is in scope: in the
statement (or subquery) that defines it, and in later CTE bodies of the same ``WITH``. A
``customers`` CTE defined in one subquery does not hide the real ``customers`` table in
another, and names are compared the way the target dialect compares them (DuckDB folds
case even for quoted names; PostgreSQL keeps quoted case). When unsure a reference is
taken for the real table: filtering a CTE by mistake is a wrong answer, not a leak.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect


@dataclass(frozen=True)
class TableRef:
    """One ``exp.Table`` node and the CTE it names, when it names one in scope."""

    node: exp.Table
    cte: exp.CTE | None

    @property
    def is_cte(self) -> bool:
        return self.cte is not None


def normalized(name: str, dialect: str, quoted: bool = False) -> str:
    """``name`` as ``dialect`` resolves it (case folding of unquoted or all identifiers)."""
    ident = exp.to_identifier(name, quoted=quoted)
    out = Dialect.get_or_raise(dialect).normalize_identifier(ident)
    return str(out.name)


def _ident_norm(node: exp.Expr | None, dialect: str) -> str | None:
    if not isinstance(node, exp.Identifier):
        return None
    return normalized(node.name, dialect, bool(node.args.get("quoted")))


Scope = dict[str, exp.CTE]


def table_refs(root: exp.Expr, dialect: str) -> Iterator[TableRef]:
    """Every table reference in ``root``, each once, with the CTE it names if one is in scope."""
    stack: list[tuple[exp.Expr, Scope]] = [(root, {})]
    while stack:
        node, visible = stack.pop()
        if isinstance(node, exp.Table):
            yield TableRef(node, _named_cte(node, visible, dialect))
        with_ = node.args.get("with_")
        inner = visible
        if isinstance(with_, exp.With):
            inner = _push_ctes(with_, visible, dialect, stack)
        for child in node.iter_expressions():
            if child is not with_:
                stack.append((child, inner))


def _push_ctes(with_: exp.With, visible: Scope, dialect: str, stack: list[tuple[exp.Expr, Scope]]) -> Scope:
    recursive = bool(with_.args.get("recursive"))
    names: Scope = dict(visible)
    for cte in with_.expressions:
        alias = cte.args.get("alias")
        name = _ident_norm(alias.this if isinstance(alias, exp.TableAlias) else None, dialect)
        body = cte.this
        before = dict(names)
        if recursive and name and isinstance(body, exp.Union):
            # only the recursive term (right of UNION) may name the CTE itself
            stack.append((body.this, before))
            stack.append((body.expression, {**before, name: cte}))
            for key, value in body.args.items():
                if key not in ("this", "expression") and isinstance(value, exp.Expr):
                    stack.append((value, before))
        else:
            stack.append((body, before))
        for key, value in cte.args.items():
            if key not in ("this", "alias") and isinstance(value, exp.Expr):
                stack.append((value, before))
        if name:
            names[name] = cte
    return names


def _named_cte(table: exp.Table, visible: Scope, dialect: str) -> exp.CTE | None:
    if table.args.get("db") or table.args.get("catalog"):
        return None
    name = _ident_norm(table.this, dialect)
    return visible.get(name) if name is not None else None


def rename_ctes(root: exp.Expr, refs: list[TableRef], prefix: str = "_bn_cte") -> None:
    """Give every CTE a fresh name and point its references there (keeping their alias).

    Table names injected later (the filtered relations) can then never be captured by a
    user's CTE that happens to share a governed table's name.
    """
    new_names: dict[int, str] = {}
    for i, cte in enumerate(root.find_all(exp.CTE)):
        alias = cte.args.get("alias")
        if isinstance(alias, exp.TableAlias):
            new_names[id(cte)] = f"{prefix}{i}"
            alias.set("this", exp.to_identifier(f"{prefix}{i}"))
    for ref in refs:
        if ref.cte is None or id(ref.cte) not in new_names:
            continue
        node = ref.node
        node.set("alias", table_alias(node))
        node.set("this", exp.to_identifier(new_names[id(ref.cte)]))


def table_alias(table: exp.Table) -> exp.TableAlias:
    """The alias a reference answers to: its own (a TableAlias or a bare identifier) or its name."""
    alias = table.args.get("alias")
    if isinstance(alias, exp.TableAlias):
        return alias.copy()
    if isinstance(alias, exp.Identifier):
        return exp.TableAlias(this=alias.copy())
    return exp.TableAlias(this=exp.to_identifier(table.name))


def table_key(table: exp.Table) -> tuple[str, str, str]:
    """(catalog, db, name) folded to lower case, for case-insensitive matching."""
    return (table.catalog.casefold(), table.db.casefold(), table.name.casefold())
