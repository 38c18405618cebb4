"""``bheem connections``: list and test the named connections of a ``connections.yml``.

    bheem connections list [--file connections.yml]
    bheem connections test warehouse [--file connections.yml] [--timeout 30]
    echo -n "s3cret" | bheem connections encrypt      # prints ${enc:...} for the file

Errors print ``error: <message>`` (secrets masked) and exit with 2, like every ``bheem`` command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

_FILE_HELP = "connections.yml/.toml (default: $BHEEM_CONNECTIONS or ./connections.yml)"


def add_commands(sub: Any) -> None:
    """Register ``connections list|test|encrypt`` on the ``bheem`` subparsers."""
    p = sub.add_parser("connections", help="named connections: list them, test one")
    actions = p.add_subparsers(dest="connections_command", required=True, metavar="ACTION")
    ls = actions.add_parser("list", help="the connections of the file (secrets redacted)")
    ls.add_argument("--file", type=Path, help=_FILE_HELP)
    ls.set_defaults(func=list_command)
    t = actions.add_parser("test", help="connect, run SELECT 1 and print the timings")
    t.add_argument("name", help="the connection's name in the file")
    t.add_argument("--file", type=Path, help=_FILE_HELP)
    t.add_argument("--timeout", type=float, default=30.0, help="seconds for SELECT 1 (default 30)")
    t.set_defaults(func=test_command)
    e = actions.add_parser("encrypt", help="encrypt a secret read from stdin as ${enc:...} (keys: BHEEM_SECRET_KEYS)")
    e.set_defaults(func=encrypt_command)


def list_command(args: argparse.Namespace) -> int:
    from bheem_nb.cloud.profiles import Profiles

    profiles = Profiles.load(args.file)
    width = max(len(n) for n in profiles)
    for name, profile in sorted(profiles.items()):
        options = f"  options: {', '.join(sorted(profile.options))}" if profile.options else ""
        print(f"{name:<{width}}  {profile.scheme:<10} {profile.display_url}{options}")
    return 0


def test_command(args: argparse.Namespace) -> int:
    from bheem_nb.cloud.profiles import Profiles

    result = Profiles.load(args.file).test(args.name, timeout=args.timeout)
    print(f"ok: {result.name} ({result.dialect}) connected in {result.connect_ms:,.0f} ms, "
          f"SELECT 1 in {result.query_ms:,.0f} ms")
    return 0


def encrypt_command(args: argparse.Namespace) -> int:
    from bheem_nb.store.secrets import SecretBox

    secret = sys.stdin.read().rstrip("\n")
    if not secret:
        from bheem_nb.cloud.profiles import ProfileError

        raise ProfileError("nothing to encrypt: pipe the secret into the command")
    print("${enc:" + SecretBox.from_env().encrypt(secret).decode() + "}")
    return 0
