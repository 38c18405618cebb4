"""Row-level security by rewriting the query tree, in one place for every query path.

Each reference to a governed physical table anywhere in a statement (FROM, joins,
subqueries, CTE bodies, UNION branches, IN/EXISTS, LATERAL) is replaced by a filtered
derived table with the same alias::

    customers AS c   →   (SELECT * FROM customers AS customers WHERE <user's filter>) AS c

* several rules of one user on one table combine with OR, different tables with AND;
* a table that has rules denies a user who matches none (``WHERE FALSE``), unless the user
  holds the ``rls_bypass`` role;
* filters follow many-to-one joins: a rule on ``customers`` keeps only ``orders`` rows whose
  customer is visible (an EXISTS semi-join on the join's ``on`` condition), even when the
  query never names ``customers``.

Rule YAML (``rls:`` in the model)::

    rls:
      rules:
        - {name: region_scope, table: customers, filter: "region = USERLOOKUP('region')",
           assign: [{group: managers}, {email_domain: "@acme.com"}, {user: bob@acme.com}]}
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from bheem_nb.errors import ModelError, SecurityError
from bheem_nb.model.schema import RLSAssign, RLSRule
from bheem_nb.security.guard import GuardPolicy, check_sql, check_tree
from bheem_nb.security.identity import User
from bheem_nb.security.tables import rename_ctes, table_alias, table_refs
from bheem_nb.security.userfuncs import RULE_DIALECT, bind_filter, parse_filter

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel

_PLAIN_TABLE_ARGS = frozenset({"this", "db", "catalog", "alias", "only"})
#: dialects whose planner would push a user's predicate below the row filter (where it could raise on
#: hidden rows, an error oracle); OFFSET 0 is PostgreSQL's optimisation fence for a subquery
_FENCED = frozenset({"postgres"})


@dataclass(frozen=True)
class Secured:
    """A statement ready to run: the final SQL after RLS, and which rules shaped it."""

    sql: str
    tree: exp.Query
    rules: tuple[str, ...]
    user: User | None


@dataclass(frozen=True)
class _Rule:
    spec: RLSRule
    condition: exp.Expr

    def applies_to(self, user: User) -> bool:
        if not self.spec.assign:
            return True  # a rule without `assign` holds for every identified user
        return any(_matches(a, user) for a in self.spec.assign)


@dataclass
class _Relation:
    """A user's filtered version of one physical table."""

    select: exp.Select
    rules: tuple[str, ...]


@dataclass
class RLSPolicy:
    """The model's rules, parsed and checked once per model version."""

    model: SemanticModel
    rules: dict[str, list[_Rule]] = field(default_factory=dict)
    parents: dict[str, list[tuple[str, exp.Expr]]] = field(default_factory=dict)
    physical: dict[str, exp.Table] = field(default_factory=dict)
    governed: set[str] = field(default_factory=set)
    readable: list[exp.Table] = field(default_factory=list)

    @classmethod
    def of(cls, model: SemanticModel) -> RLSPolicy:
        policy = cls(model)
        spec = model.spec
        for name, table in spec.tables.items():
            if table.table is not None:
                try:
                    policy.physical[name] = exp.to_table(table.table, dialect=RULE_DIALECT)
                except sqlglot.errors.SqlglotError as exc:
                    raise ModelError(f"tables.{name}.table: cannot read table name {table.table!r}") from exc
                policy.readable.append(policy.physical[name])
            elif table.sql is not None:
                try:
                    inner = sqlglot.parse_one(table.sql, read=RULE_DIALECT)
                except sqlglot.errors.SqlglotError:
                    continue  # the compiler reports it
                policy.readable.extend(r.node for r in table_refs(inner, RULE_DIALECT) if not r.is_cte)
        for i, rule in enumerate(spec.rls.rules):
            where = f"rls.rules[{i}] ({rule.name})"
            if rule.table not in spec.tables:
                raise ModelError(f"{where}: unknown table {rule.table!r}; tables are {sorted(spec.tables)}")
            if rule.table not in policy.physical:
                raise ModelError(f"{where}: rules apply to tables with `table:`; {rule.table!r} is a SQL query")
            condition = _qualify(parse_filter(rule.filter, where), rule.table)
            policy.rules.setdefault(rule.table, []).append(_Rule(rule, condition))
        for join in spec.joins:
            cond = sqlglot.parse_one(join.on, read=RULE_DIALECT)
            if join.relationship == "many_to_one":
                policy.parents.setdefault(join.left, []).append((join.right, cond))
            elif join.relationship == "one_to_many":
                policy.parents.setdefault(join.right, []).append((join.left, cond))
        policy.governed = {t for t in policy.physical if policy._is_governed(t, set())}
        policy._check_filters()
        return policy

    def _is_governed(self, table: str, seen: set[str]) -> bool:
        if table in self.rules:
            return True
        seen = seen | {table}
        return any(p in self.physical and p not in seen and self._is_governed(p, seen)
                   for p, _ in self.parents.get(table, []))

    def _check_filters(self) -> None:
        names = {self.physical[t].name.casefold() for t in self.governed}
        for table, rules in self.rules.items():
            for rule in rules:
                for ref in table_refs(rule.condition, RULE_DIALECT):
                    if not ref.is_cte and ref.node.name.casefold() in names:
                        raise ModelError(f"rls rule {rule.spec.name!r} on {table!r}: a filter may not read "
                                         f"governed table {ref.node.name!r}")

    @property
    def active(self) -> bool:
        return bool(self.rules)

    def guard(self, dialect: str) -> GuardPolicy:
        return GuardPolicy.build(dialect, self.readable)

    # -- per user ---------------------------------------------------------------------
    def relations(self, user: User | None) -> dict[str, _Relation]:
        """Physical table name (folded) → the user's filtered relation, for governed tables."""
        memo: dict[str, tuple[exp.Expr | None, tuple[str, ...]]] = {}
        out: dict[str, _Relation] = {}
        for table in sorted(self.governed):
            key = self.physical[table].name.casefold()
            cond, rules = self._condition(table, user, memo)
            source: exp.Expr
            if key in out:  # one physical table behind two logical ones: both filters hold
                source = out[key].select.subquery(table)
                rules = out[key].rules + rules
            else:
                source = exp.alias_(self.physical[table].copy(), table, table=True)
            select = exp.select("*").from_(source)
            if cond is not None:
                select = select.where(cond, copy=False)
            out[key] = _Relation(select, rules)
        return out

    def _condition(self, table: str, user: User | None,
                   memo: dict[str, tuple[exp.Expr | None, tuple[str, ...]]]) -> tuple[exp.Expr | None, tuple[str, ...]]:
        """The WHERE condition making ``table`` the user's rows (None: no restriction)."""
        if table in memo:
            return memo[table]
        parts: list[exp.Expr] = []
        applied: list[str] = []
        if table in self.rules:
            mine = [r for r in self.rules[table] if user is not None and r.applies_to(user)]
            if not mine:
                parts.append(exp.false())
                applied.append(f"{table}:deny")
            else:
                assert user is not None
                bound = [bind_filter(r.condition, user, f"rls rule {r.spec.name!r}") for r in mine]
                parts.append(exp.or_(*[exp.paren(b, copy=False) for b in bound], copy=False))
                applied.extend(r.spec.name for r in mine)
        for parent, on in self.parents.get(table, []):
            if parent not in self.governed:
                continue
            pcond, prules = self._condition(parent, user, memo)
            sub = exp.select("1").from_(exp.alias_(self.physical[parent].copy(), parent, table=True))
            if pcond is not None:
                sub = sub.where(pcond.copy(), copy=False)
            parts.append(exp.Exists(this=sub.where(on.copy(), copy=False)))
            applied.extend(prules)
        out = (exp.and_(*parts, copy=False) if parts else None, tuple(dict.fromkeys(applied)))
        memo[table] = out
        return out


def _qualify(condition: exp.Expr, table: str) -> exp.Expr:
    """Pin the filter's bare columns to its table, so a typo cannot bind to an outer query's column."""
    for col in list(condition.find_all(exp.Column)):
        if not col.table and col.find_ancestor(exp.Select, exp.Subquery) is None:
            col.set("table", exp.to_identifier(table))
    return condition


def _matches(assign: RLSAssign, user: User) -> bool:
    if assign.group is not None:
        return assign.group.casefold() in {g.casefold() for g in user.groups}
    if assign.role is not None:
        return assign.role.casefold() in {r.casefold() for r in user.roles}
    email = (user.email or "").casefold()
    if assign.email_domain is not None:
        domain = assign.email_domain.casefold()
        domain = domain if domain.startswith("@") else "@" + domain
        return len(email) > len(domain) and email.endswith(domain)
    assert assign.user is not None
    wanted = assign.user.casefold()
    return wanted in (user.id.casefold(), email)


# -- the rewrite ---------------------------------------------------------------------------
def apply_rls(tree: exp.Query, policy: RLSPolicy, user: User | None, dialect: str) -> tuple[exp.Query, tuple[str, ...]]:
    """A copy of ``tree`` with every governed table reference replaced by its filtered relation."""
    if not policy.active:
        return tree.copy(), ()
    if user is not None and user.bypasses_rls:
        return tree.copy(), ("rls_bypass",)
    relations = policy.relations(user)
    out = tree.copy()
    applied: list[str] = []
    refs = list(table_refs(out, dialect))
    rename_ctes(out, refs)
    for ref in refs:
        if ref.is_cte:
            continue
        rel = relations.get(ref.node.name.casefold())
        if rel is None:
            continue
        node = ref.node
        extra = sorted(k for k, v in node.args.items() if v and k not in _PLAIN_TABLE_ARGS)
        if extra:
            raise SecurityError(f"refused: table modifiers ({', '.join(extra)}) on governed table {node.name!r}")
        new_alias = table_alias(node)
        select = rel.select.copy()
        if dialect in _FENCED:
            select = select.offset(0, copy=False)
        node.replace(exp.Subquery(this=select, alias=new_alias))
        applied.extend(rel.rules)
    return out, tuple(dict.fromkeys(applied))


# -- the engine's entry points ----------------------------------------------------------------
_policies: OrderedDict[str, RLSPolicy] = OrderedDict()
_secured: OrderedDict[tuple[str, str, str | None, str], Secured] = OrderedDict()
_lock = threading.Lock()
_MAX_SECURED = 4096


def policy_for(model: SemanticModel) -> RLSPolicy:
    """The model's parsed policy, cached by model version."""
    key = f"{id(model)}:{model.version}"
    with _lock:
        hit = _policies.get(key)
    if hit is not None and hit.model is model:
        return hit
    policy = RLSPolicy.of(model)
    with _lock:
        _policies[key] = policy
        while len(_policies) > 64:
            _policies.popitem(last=False)
    return policy


def secure_tree(model: SemanticModel, tree: exp.Query, dialect: str, user: User | None,
                *, cache_key: str | None = None) -> Secured:
    """RLS applied to a trusted tree (a compiled semantic query), the result guard-checked again."""
    key = (model.version, dialect, cache_key, user.fingerprint if user else "") if cache_key else None
    if key is not None:
        with _lock:
            hit = _secured.get(key)
        if hit is not None:
            return hit
    policy = policy_for(model)
    out, rules = apply_rls(tree, policy, user, dialect)
    guard = policy.guard(dialect)
    check_tree(out, guard)
    sql = out.sql(dialect=dialect, comments=False)
    final = check_sql(sql, guard)
    secured = Secured(sql, final, rules, user)
    if key is not None:
        with _lock:
            _secured[key] = secured
            while len(_secured) > _MAX_SECURED:
                _secured.popitem(last=False)
    return secured


def secure_sql(model: SemanticModel, sql: str, dialect: str, user: User | None) -> Secured:
    """Raw SQL: guard → RLS → guard. Raises :class:`SecurityError` on anything refused."""
    policy = policy_for(model)
    tree = check_sql(sql, policy.guard(dialect))
    return secure_tree(model, tree, dialect, user)
