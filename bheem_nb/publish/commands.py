"""Publishing subcommands of ``bheem``: serve dashboards, publish notebooks, embed tokens, usage.

    bheem serve dashboards/ --port 8866 --config publish.yml
    bheem publish notebooks/sales.ipynb --to dashboards/
    bheem embed-token --dashboard sales --user alice@acme.com --ttl 1h --filters '{"region": ["Europe"]}' --lock-filters
    bheem embed-token --revoke 3f9c...
    bheem usage --config publish.yml
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bheem_nb.errors import BheemError
from bheem_nb.publish.config import CONFIG_ENV, PublishConfig, load_config
from bheem_nb.publish.policy import DashboardPolicy


def add_commands(sub: Any) -> None:
    """Register ``serve``, ``publish``, ``embed-token`` and ``usage`` on the ``bheem`` subparsers."""
    p = sub.add_parser("serve", help="serve a notebook or a folder of notebooks as dashboards (Voilà)")
    p.add_argument("target", type=Path, metavar="NOTEBOOK_OR_FOLDER")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--ip", default="127.0.0.1")
    p.add_argument("--config", type=Path, help=f"publish config YAML/JSON (default: ${CONFIG_ENV})")
    p.add_argument("--sign-in", choices=("embed", "header", "none"), help="override the config's sign_in")
    p.add_argument("--dry-run", action="store_true", help="print the voila command instead of running it")
    p.set_defaults(func=serve_command)

    p = sub.add_parser("publish", help="check notebooks and copy them, without outputs, into the served folder")
    p.add_argument("notebooks", type=Path, nargs="+", metavar="NOTEBOOK")
    p.add_argument("--to", type=Path, required=True, help="the folder `bheem serve` serves")
    p.set_defaults(func=publish_command)

    p = sub.add_parser("embed-token", help="create (or revoke) a signed token that embeds one dashboard")
    p.add_argument("--dashboard", help="the dashboard id: notebook path in the served folder, without .ipynb")
    p.add_argument("--user", help="the viewer's email or id")
    p.add_argument("--ttl", default="1h", help="lifetime: 15m, 1h, 2d (default 1h)")
    p.add_argument("--filters", help='JSON object of parameter -> value, e.g. \'{"region": ["Europe"]}\'')
    p.add_argument("--lock-filters", action="store_true", help="the page cannot change the given filters")
    p.add_argument("--origin", action="append", default=[], help="a host page origin allowed to talk to the page")
    p.add_argument("--model", type=Path, help="take the user's groups/attributes from this model's users:")
    p.add_argument("--config", type=Path, help=f"publish config (default: ${CONFIG_ENV})")
    p.add_argument("--revoke", metavar="JTI", help="revoke the token with this id instead")
    p.set_defaults(func=embed_token_command)

    p = sub.add_parser("usage", help="dashboard views per dashboard and user, from the audit log")
    p.add_argument("--config", type=Path, help=f"publish config (default: ${CONFIG_ENV}); its audit_url is read")
    p.add_argument("--db", help="the audit database URL (overrides the config)")
    p.add_argument("--dashboard", help="only this dashboard")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.set_defaults(func=usage_command)


# --------------------------------------------------------------------------- serve / publish


def serve_command(args: argparse.Namespace) -> int:
    from bheem_nb.publish.serve import voila_command

    config = load_config(args.config)
    workdir = Path(tempfile.mkdtemp(prefix="bheem-serve-"))
    config_path = args.config
    if args.sign_in and args.sign_in != config.sign_in:
        config_path = _write_config(config.model_copy(update={"sign_in": args.sign_in}), workdir / "publish.json")
    plan = voila_command(args.target, port=args.port, ip=args.ip, config=config_path, workdir=workdir)
    if args.dry_run:
        print(" ".join(plan.cmd))
        return 0
    print(f"dashboards on {plan.url} (sign-in: {args.sign_in or config.sign_in}); Ctrl-C stops it", file=sys.stderr)
    sys.stderr.flush()
    sys.stdout.flush()
    os.execve(plan.cmd[0], plan.cmd, plan.env)


def _write_config(config: PublishConfig, path: Path) -> Path:
    path.write_text(config.model_dump_json(), encoding="utf-8")
    path.chmod(0o600)  # may hold the secret
    return path


def publish_notebook(notebook: Path, folder: Path) -> Path:
    """Check ``notebook`` (readable, valid parameter policy) and copy it without outputs into ``folder``."""
    import nbformat  # here, not at the top: every `bheem` command imports this module to build its parser

    try:
        nb = nbformat.read(notebook, as_version=4)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise BheemError(f"{notebook}: cannot read the notebook: {exc}") from exc
    DashboardPolicy.from_metadata(nb.metadata)  # raises on a bad policy, naming the parameter
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / notebook.name
    nbformat.write(nb, out)  # type: ignore[no-untyped-call]
    return out


def publish_command(args: argparse.Namespace) -> int:
    for notebook in args.notebooks:
        out = publish_notebook(notebook, args.to)
        print(f"{out.stem}\t{out}")
    return 0


# --------------------------------------------------------------------------- embed tokens


def embed_token_command(args: argparse.Namespace) -> int:
    from bheem_nb.publish.revocations import Revocations
    from bheem_nb.publish.tokens import create_embed_token

    config = load_config(args.config)
    if args.revoke:
        Revocations(config.audit_url).revoke(args.revoke, reason="bheem embed-token --revoke")
        print(f"revoked {args.revoke}", file=sys.stderr)
        return 0
    if not args.dashboard or not args.user:
        raise BheemError("embed-token needs --dashboard and --user (or --revoke JTI)")
    filters = _json_object(args.filters, "--filters") if args.filters else {}
    user: Any = args.user
    if args.model is not None:
        from bheem_nb.model.semantic import SemanticModel
        from bheem_nb.security.identity import resolve_user

        if not args.model.is_file():
            raise BheemError(f"--model: model file not found: {args.model}")
        user = resolve_user(SemanticModel.from_yaml(args.model).spec, args.user)
    token = create_embed_token(args.dashboard, user, config=config, ttl=args.ttl, filters=filters,
                               lock_filters=args.lock_filters, origins=args.origin)
    print(token)
    return 0


def _json_object(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BheemError(f"{where}: not valid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise BheemError(f'{where}: expected a JSON object like {{"region": ["Europe"]}}')
    return data


# --------------------------------------------------------------------------- usage


def usage_command(args: argparse.Namespace) -> int:
    from bheem_nb.publish.usage import dashboard_usage
    from bheem_nb.store.audit import AuditLog

    url = args.db or load_config(args.config).audit_url
    usage = dashboard_usage(AuditLog(url, background=False), dashboard=args.dashboard)
    if args.json:
        tables = {"views": usage.views, "by_dashboard": usage.by_dashboard, "refused": usage.refused}
        print(json.dumps({k: v.to_dict("records") for k, v in tables.items()}, default=str, indent=2))
    else:
        print(usage.format())
    return 0

