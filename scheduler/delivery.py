"""Deliveries: an HTML email over SMTP and a JSON webhook POST, both with secrets kept out of errors.

Email: ``tls`` is ``none`` (plain, for a relay on localhost), ``starttls`` (upgrade on port 587)
or ``ssl`` (TLS from the first byte, port 465). The report goes inline as the HTML body or,
with ``attach: true``, as an attachment under a short HTML note.

Webhook: the body is JSON; with a ``secret`` the header (default ``X-Bheem-Signature``) holds
``sha256=<hex HMAC-SHA256 of the exact body bytes>``, which the receiver recomputes. The URL
passes the SSRF guard first and the connection goes to the checked address.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bheem_nb.errors import BheemError

from .spec import EmailTarget, SchedulerConfig, SchedulerError, SmtpConfig, Target, WebhookPolicy, WebhookTarget
from .ssrf import check_url

if TYPE_CHECKING:
    from .secrets import SecretResolver


class DeliveryError(SchedulerError):
    """An email or webhook could not be delivered."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = "application/octet-stream"


@dataclass
class Message:
    """What one delivery says: a subject, an HTML body, optional attachments and a JSON payload."""

    subject: str
    html: str
    payload: dict[str, Any]
    attachments: list[Attachment] = field(default_factory=list)


def send_email(smtp: SmtpConfig | None, password: str | None, target: EmailTarget, message: Message) -> None:
    """Send ``message`` to the target's recipients."""
    if smtp is None:
        raise DeliveryError("an email target needs `smtp:` in the scheduler configuration")
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(target.to)
    if target.cc:
        msg["Cc"] = ", ".join(target.cc)
    msg["Subject"] = target.subject or message.subject
    if target.attach:
        msg.set_content("The report is attached as HTML.")
        msg.add_alternative(f"<p>{_escape(message.subject)}: the report is attached.</p>", subtype="html")
        msg.add_attachment(message.html.encode(), maintype="text", subtype="html", filename="report.html")
    else:
        msg.set_content("This message is HTML; open it in a mail reader that shows HTML.")
        msg.add_alternative(message.html, subtype="html")
    for a in message.attachments:
        maintype, _, subtype = a.mime.partition("/")
        msg.add_attachment(a.data, maintype=maintype, subtype=subtype or "octet-stream", filename=a.filename)
    context = ssl.create_default_context(cafile=smtp.cafile)
    if smtp.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        client: smtplib.SMTP
        if smtp.tls == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.tls == "starttls":
                client.starttls(context=context)
            if smtp.username:
                client.login(smtp.username, password or "")
            client.send_message(msg, to_addrs=[*target.to, *target.cc])
    except (smtplib.SMTPException, OSError) as exc:
        # smtplib messages quote the server's reply, never our password; the caller scrubs anyway
        raise DeliveryError(f"email to {', '.join(target.to)} via {smtp.host}:{smtp.port} failed: "
                            f"{type(exc).__name__}: {exc}") from None


def post_webhook(policy: WebhookPolicy, target: WebhookTarget, key: str | None, payload: dict[str, Any]) -> int:
    """POST ``payload`` as JSON; returns the HTTP status (2xx), raises otherwise."""
    host, port, address = check_url(target.url, policy)
    body = json.dumps(payload, sort_keys=True, default=str).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "bheem-scheduler", "Host": _host_header(target.url)}
    if key is not None:
        headers[target.header] = sign(key, body)
    parts = urlsplit(target.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = _PinnedHTTPS(host, port, address, policy.timeout) if parts.scheme == "https" else \
        _PinnedHTTP(host, port, address, policy.timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
    except OSError as exc:
        raise DeliveryError(f"webhook POST to {host}:{port} failed: {type(exc).__name__}: {exc}") from None
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise DeliveryError(f"webhook POST to {host}:{port}{parts.path} answered HTTP {response.status}")
    return response.status


def sign(key: str, body: bytes) -> str:
    """The signature header value a receiver expects for ``body``."""
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def _host_header(url: str) -> str:
    return urlsplit(url).netloc


def _escape(text: str) -> str:
    import html

    return html.escape(text)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to the address the SSRF guard checked, not to a fresh DNS answer."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def deliver(targets: list[Target], message: Message, *, config: SchedulerConfig, secrets: SecretResolver,
            before: Callable[[str], None] | None = None, on_sent: Callable[[Target], None] | None = None) -> None:
    """Send ``message`` to every target; one failed target fails the delivery after the others were tried.

    ``before(what)`` runs before each target and may raise to stop (a worker that lost its run);
    ``on_sent(target)`` runs after each success (an alert records who has its notice).
    """
    failures = []
    for target in targets:
        if before is not None:
            before(f"delivery to {target_name(target)}")
        try:
            if target.email is not None:
                smtp = config.smtp
                password = secrets.get(smtp.password) if smtp and smtp.password else None
                send_email(smtp, password, target.email, message)
            elif target.webhook is not None:
                hook = target.webhook
                key = secrets.get(hook.secret) if hook.secret else None
                post_webhook(config.webhooks, hook, key, message.payload)
        except BheemError as exc:
            failures.append(str(exc))
            continue
        if on_sent is not None:
            on_sent(target)
    if failures:
        raise DeliveryError("delivery failed: " + "; ".join(failures))


def target_key(target: Target) -> str:
    """A target's identity (its settings, secret names not values), to remember who was sent a notice."""
    return json.dumps(target.model_dump(mode="json"), sort_keys=True)


def target_name(target: Target) -> str:
    if target.email is not None:
        return "email to " + ", ".join(target.email.to)
    return f"webhook {target.webhook.url if target.webhook else ''}"
