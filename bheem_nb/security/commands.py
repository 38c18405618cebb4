"""Governance subcommands of ``bheem``: check a rule as a user, read the audit log.

    bheem rls test --model sales.yml --as alice@acme.com --json '{"measures": ["revenue"]}'
    bheem rls test --model sales.yml --as alice@acme.com --sql "SELECT count(*) FROM customers"
    bheem audit --db sqlite:///audit.sqlite --user alice@acme.com --action query --csv -
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bheem_nb.errors import BheemError


def add_commands(sub: Any) -> None:
    """Register ``rls test`` and ``audit`` on the ``bheem`` subparsers."""
    p = sub.add_parser("rls", help="row-level security: show what a user sees")
    rls_sub = p.add_subparsers(dest="rls_command", required=True, metavar="ACTION")
    t = rls_sub.add_parser("test", help="run a query as a user: the rules applied, the final SQL and the rows")
    t.add_argument("--model", required=True, type=Path, help="the semantic model YAML")
    t.add_argument("--as", dest="user", required=True, help="a user id or email from the model's `users:`")
    src = t.add_mutually_exclusive_group(required=True)
    src.add_argument("--json", dest="json_text", metavar="JSON", help="a semantic query as a JSON object")
    src.add_argument("--sql", help="raw SQL (guarded like model.sql)")
    t.add_argument("--limit", type=int, default=50, help="rows to show (default 50)")
    t.set_defaults(func=rls_test_command)

    a = sub.add_parser("audit", help="list or export the audit log")
    a.add_argument("--db", default="sqlite:///bheem_audit.sqlite", help="the audit database URL")
    a.add_argument("--user", help="only this user id or email")
    a.add_argument("--action", help="only this action (query, sql, view, export, ...)")
    a.add_argument("--since", type=_when, help="ISO date/time, inclusive")
    a.add_argument("--until", type=_when, help="ISO date/time, exclusive")
    a.add_argument("--limit", type=int, default=None)
    a.add_argument("--csv", metavar="FILE", help="write CSV to FILE ('-': stdout) instead of a listing")
    a.set_defaults(func=audit_command)


def _when(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO date or date-time, got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def rls_test(model_path: Path, user: str, *, query: dict[str, Any] | None = None, sql: str | None = None,
             limit: int = 50) -> dict[str, Any]:
    """What ``user`` gets for one query: the rules applied, the final SQL and the first rows."""
    from bheem_nb.model.semantic import SemanticModel
    from bheem_nb.query.spec import QuerySpec
    from bheem_nb.security.identity import resolve_user
    from bheem_nb.security.rls import secure_sql, secure_tree

    if not model_path.is_file():
        raise BheemError(f"--model: model file not found: {model_path}")
    model = SemanticModel.from_yaml(model_path)
    who = resolve_user(model.spec, user)
    dialect = model.connector.dialect
    if sql is not None:
        secured = secure_sql(model, sql, dialect, who)
        result = model.engine.run_sql(model, sql, user=who)
    else:
        spec = QuerySpec.from_dict(query or {})
        compiled = model.engine.compile(model, spec)
        secured = secure_tree(model, compiled.ast, dialect, who, cache_key=compiled.sql)
        result = model.engine.run(model, spec, user=who)
    rows = result.to_dicts()
    return {
        "user": {"id": who.id, "email": who.email} if who else None,
        "rules": list(secured.rules),
        "sql": secured.sql,
        "row_count": len(rows),
        "rows": [{k: _plain(v) for k, v in r.items()} for r in rows[:limit]],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def rls_test_command(args: argparse.Namespace) -> int:
    query = None
    if args.json_text is not None:
        try:
            query = json.loads(args.json_text)
        except json.JSONDecodeError as exc:
            raise BheemError(f"--json: not valid JSON: {exc.msg}") from exc
    report = rls_test(args.model, args.user, query=query, sql=args.sql, limit=args.limit)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def audit_command(args: argparse.Namespace) -> int:
    from bheem_nb.store.audit import AuditLog

    log = AuditLog(args.db, background=False)
    try:
        filters = {"user": args.user, "action": args.action, "since": args.since, "until": args.until,
                   "limit": args.limit}
        if args.csv:
            text = log.to_csv(None if args.csv == "-" else args.csv, **filters)
            if args.csv == "-":
                sys.stdout.write(text)
            return 0
        for e in log.events(**filters):
            who = e["user_email"] or e["user_id"] or "-"
            print(f"{e['ts']:%Y-%m-%d %H:%M:%S} {e['action']:<8} {who:<28} {e['status']:<5} "
                  f"rows={e['rows'] if e['rows'] is not None else '-'} rules={e['rules'] or '[]'}")
    finally:
        log.close()
    return 0
