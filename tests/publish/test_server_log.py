"""Embed tokens never reach the server's log: the dashboard served as `bheem serve` serves it, asked with a valid,
an expired, a forged and a revoked token (and on paths that do not exist); the log still records each refusal."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

import jwt
import nbformat
import pytest

from bheem_nb.publish.config import PublishConfig
from bheem_nb.publish.redact import REDACTED, redact_record, redact_tokens
from bheem_nb.publish.revocations import Revocations
from bheem_nb.publish.tokens import create_embed_token
from bheem_nb.store.audit import AuditLog
from tests.publish.servers import Voila, write_config

TOKEN = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImRzaCI6InNhbGVzIn0."
         "3q2-7wQ0Y1kZ9Xc4VbN8mL5pR7sT2uW6yA1cE3gI5kM")


def test_redact_tokens_in_urls_headers_and_tracebacks() -> None:
    assert redact_tokens(f"403 GET /voila/render/sales.ipynb?theme=dark&embed_token={TOKEN} (127.0.0.1) 2.1ms") \
        == f"403 GET /voila/render/sales.ipynb?theme=dark&embed_token={REDACTED} (127.0.0.1) 2.1ms"
    # the parameter whatever its value or spelling, and a JWT wherever it appears (a Referer header, JSON)
    assert redact_tokens("GET /x?embed%5Ftoken=not-a-jwt&page=2") == f"GET /x?embed%5Ftoken={REDACTED}&page=2"
    assert redact_tokens("GET /x?EMBED_TOKEN=abc;def") == f"GET /x?EMBED_TOKEN={REDACTED}"
    assert redact_tokens(f'{{"Referer": "http://h/p#{TOKEN}"}}') == f'{{"Referer": "http://h/p#{REDACTED}"}}'
    assert redact_tokens("GET /x?token_type=a&page=2 ratio=0.5") == "GET /x?token_type=a&page=2 ratio=0.5"

    record = logging.LogRecord("tornado.access", logging.WARNING, __file__, 1, "%d %s",
                               (403, f"/p?embed_token={TOKEN}"), None)
    try:
        raise ValueError(f"bad token {TOKEN}")
    except ValueError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    redact_record(record)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.emit(record)
    assert TOKEN.split(".")[2] not in out.getvalue()
    assert f"403 /p?embed_token={REDACTED}" in out.getvalue() and f"ValueError: bad token {REDACTED}" in out.getvalue()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=180) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, str(refused.reason)


@pytest.mark.slow  # Voilà and one kernel
def test_tokens_never_reach_the_server_log(tmp_path: Path) -> None:
    folder = tmp_path / "dashboards"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("from bheem_nb.publish import viewer\nprint('viewer:', viewer().via)")]
    nbformat.write(nb, folder / "sales.ipynb")
    config = PublishConfig.model_validate(write_config(tmp_path / "publish.yml", tmp_path / "audit.sqlite"))
    valid = create_embed_token("sales", "alice@acme.example", config=config, ttl="10m")
    expired = create_embed_token("sales", "alice@acme.example", config=config, ttl="1h",
                                 now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    head, body, _ = valid.split(".")
    forged = f"{head}.{body}.{'Q' * 20}forgedSignature{'Z' * 7}A"  # 43 characters, like an HS256 signature
    revoked = create_embed_token("sales", "bob@acme.example", config=config, ttl="10m")
    Revocations(config.audit_url).revoke(jwt.decode(revoked, options={"verify_signature": False})["jti"])

    voila = Voila(folder, tmp_path, config=tmp_path / "publish.yml", model_yml=None).start()
    try:
        page = f"{voila.url()}/voila/render/sales.ipynb"
        status, html = _get(f"{page}?embed_token={valid}")
        assert status == 200 and "viewer: embed" in html
        answers = {name: _get(f"{page}?embed_token={token}") for name, token in
                   (("expired", expired), ("forged", forged), ("revoked", revoked))}
        answers["encoded key"] = _get(f"{page}?embed%5Ftoken={expired}")
        answers["raw file"] = _get(f"{voila.url()}/voila/files/sales.ipynb?embed_token={valid}")
        answers["no such page"] = _get(f"{voila.url()}/nothing?embed_token={valid}")
    finally:
        voila.stop()
    log = voila.log.read_text(errors="replace")

    assert answers["expired"] == (403, "embed token has expired; ask the host application for a new one")
    assert answers["forged"] == (403, "embed token signature does not match (tampered or another key)")
    assert answers["revoked"][0] == 403 and "has been revoked" in answers["revoked"][1]
    assert answers["encoded key"][0] == 403 and answers["raw file"][0] == 403 and answers["no such page"][0] == 404
    for name, token in (("valid", valid), ("expired", expired), ("forged", forged), ("revoked", revoked)):
        for part in [token, *token.split(".")[1:]]:  # the payload and the signature (every HS256 header is alike)
            assert part not in log, f"the {name} token's {part[:12]}... is in the server log"
    # the refusals are still there, redacted: tornado's access lines and the hook's reasons
    refused = [line for line in log.splitlines() if f"403 GET /voila/render/sales.ipynb?embed_token={REDACTED}" in line]
    assert len(refused) == 3, log[-3000:]
    assert f"403 GET /voila/render/sales.ipynb?embed%5Ftoken={REDACTED}" in log
    assert f"404 GET /nothing?embed_token={REDACTED}" in log
    for reason in ("expired", "signature", "revoked"):
        assert f"refused dashboard 'sales' for 127.0.0.1 ({reason}): " in log, reason
    # and the audit rows hold the reasons but no token
    audit = AuditLog(config.audit_url, background=False)
    rows = audit.events(action="auth")
    assert sorted(json.loads(r["payload"])["reason"] for r in rows) == ["expired", "expired", "revoked", "signature"]
    dumped = json.dumps(rows + audit.events(action="view"), default=str)
    assert all(part not in dumped for t in (valid, expired, forged, revoked) for part in t.split(".")[1:])
