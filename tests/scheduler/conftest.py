"""Fixtures for the scheduler: a tiny shop model with users and RLS, a real SMTP server (aiosmtpd) and a
real HTTP receiver, both on 127.0.0.1 with free ports.

The shop: one DuckDB table ``orders(order_id, region, amount, updated_at)``; the rule
``region_scope`` limits ``managers`` to their region; ``ops@acme.com`` may see everything
(``rls_bypass``); ``alice@acme.com`` is a North manager.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
REPORT_NOTEBOOK = ROOT / "notebooks" / "reports" / "sales_report.ipynb"
SMTP_USER, SMTP_PASSWORD = "mailer", "s3cret-smtp-Pa55"
HOOK_KEY = "hmac-key-7f3a9c"

USERS = [
    {"id": "u_ops", "email": "ops@acme.com", "roles": ["rls_bypass"]},
    {"id": "u_alice", "email": "alice@acme.com", "groups": ["managers"], "attributes": {"region": "North"}},
]


def model_dict(db: Path, users: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "name": "shop",
        "connection": f"duckdb:///{db}",
        "tables": {"orders": {
            "table": "orders", "primary_key": "order_id",
            "dimensions": {"region": {"type": "string"}, "updated_at": {"type": "time"},
                           "order_id": {"type": "number"}, "amount": {"type": "number"}},
            "measures": {"revenue": {"agg": "sum", "expr": "amount"}, "orders": {"agg": "count"}},
        }},
        "rls": {"rules": [{"name": "region_scope", "table": "orders", "filter": "region = USERLOOKUP('region')",
                           "assign": [{"group": "managers"}]}]},
        "users": USERS if users is None else users,
    }


@dataclass
class Shop:
    dir: Path
    db: Path
    model: Path

    def execute(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Write or read the shop's data directly (no engine), as the tests' reference."""
        read_only = sql.lstrip().upper().startswith("SELECT")  # may share the file with a model's connector
        with duckdb.connect(str(self.db), read_only=read_only) as con:
            return con.execute(sql, params or []).fetchall()

    def write_model(self, users: list[dict[str, Any]] | None = None) -> None:
        self.model.write_text(yaml.safe_dump(model_dict(self.db, users)))


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE orders (order_id INTEGER, region VARCHAR, amount DOUBLE, updated_at TIMESTAMP)")
        con.execute("""INSERT INTO orders SELECT i, ['North', 'South', 'East'][1 + i % 3],
                       round(10 + (i * 7.31) % 90, 2), TIMESTAMP '2026-01-01' + i * INTERVAL 1 HOUR
                       FROM range(1, 61) t(i)""")
    s = Shop(tmp_path, db, tmp_path / "shop.yml")
    s.write_model()
    return s


# --------------------------------------------------------------------------- SMTP


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def html(self) -> str:
        """Every text/html part (inline body and attachments), decoded."""
        parts = [p for p in self.message.walk() if p.get_content_type() == "text/html"]
        return "\n".join(p.get_content() for p in parts)  # type: ignore[attr-defined]

    def attachments(self) -> list[str]:
        return [p.get_filename() or "" for p in self.message.iter_attachments()]


@dataclass
class SmtpServer:
    host: str
    port: int
    mails: list[Mail] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Envelope) -> str:
        msg = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        self.server.mails.append(Mail(str(envelope.mail_from), list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that requires LOGIN/PLAIN auth with SMTP_USER/SMTP_PASSWORD."""
    server = SmtpServer("127.0.0.1", free_port())

    def authenticate(smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            login, password = data.login.decode(), data.password.decode()
            server.logins.append((login, password))
            return AuthResult(success=login == SMTP_USER and password == SMTP_PASSWORD)
        return AuthResult(success=False)

    controller = Controller(_Handler(server), hostname=server.host, port=server.port, authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


# --------------------------------------------------------------------------- webhook receiver


@dataclass
class Hook:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    hooks: list[Hook] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 recording every POST."""
    port = free_port()
    rec = Receiver(f"http://127.0.0.1:{port}/hook")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            rec.hooks.append(Hook(self.path, dict(self.headers.items()), body))
            self.send_response(rec.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        httpd.shutdown()
        httpd.server_close()


def write_config(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def base_config(tmp: Path, smtp: SmtpServer | None = None, jobs: list[dict[str, Any]] | None = None,
                **extra: Any) -> dict[str, Any]:
    """A scheduler file: the store in ``tmp``, SMTP with a password from the environment, 127.0.0.1 allowed."""
    data: dict[str, Any] = {"db": f"sqlite:///{tmp / 'sched.sqlite'}", "outputs": str(tmp / "runs"),
                            "webhooks": {"allow_networks": ["127.0.0.1/32"]}, "jobs": jobs or []}
    if smtp is not None:
        data["smtp"] = {"host": smtp.host, "port": smtp.port, "username": SMTP_USER,
                        "password": {"env": "BHEEM_TEST_SMTP_PASSWORD"}, "sender": "reports@acme.com"}
    data.update(extra)
    return data


def bheem(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real ``bheem`` CLI in a subprocess."""
    return subprocess.run([sys.executable, "-m", "bheem_nb", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, check=False)
