"""Keep embed tokens out of every line the dashboard server logs.

An embed token travels in the page URL (``?embed_token=...``), and tornado writes the request URI
into its access log: a refused (403) or missing (404) page is a warning line with the full URI, so
without this the token would sit in the server log for anyone who reads it, until it expires.

:func:`install_log_redaction` (called by the ``voila.py`` that ``bheem serve`` writes, and in the
page's kernel by :func:`bheem_nb.publish.session.begin`) wraps the process's log record factory, so
every record any logger creates (tornado's access log, Voilà's, ours) is redacted once, before any
handler formats it, whatever handlers are attached now or later. :func:`redact_tokens` is the text
rule: the value of an ``embed_token`` query parameter (also percent-encoded) and anything shaped
like a JWT become ``[redacted]``.

    redact_tokens("403 GET /voila/render/sales.ipynb?embed_token=eyJhbGciOi... (127.0.0.1)")
    # '403 GET /voila/render/sales.ipynb?embed_token=[redacted] (127.0.0.1)'
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import unquote_plus

TOKEN_ARG = "embed_token"
REDACTED = "[redacted]"
#: key=value where the key starts a query string, a parameter or a word; bounded, so the scan stays linear
_PARAM = re.compile(r"(?:(?<=[?&;\s\"'(,\[])|^)(?P<key>[^\s?&=#;\"'<>]{1,64})=(?P<value>[^\s&#\"'<>]*)")
#: a JWT: base64url of '{"' starts every header PyJWT and the JS libraries write
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_FORMATTER = logging.Formatter()
_lock = threading.Lock()
_installed = False


def redact_tokens(text: str) -> str:
    """``text`` with embed-token query values and JWT-shaped strings replaced by ``[redacted]``."""
    if "=" in text:
        text = _PARAM.sub(_param, text)
    if "eyJ" in text:
        text = _JWT.sub(REDACTED, text)
    return text


def scrub(text: str, secret: str | None) -> str:
    """:func:`redact_tokens`, and also every piece of ``secret`` (a token's header, payload, signature)."""
    if secret:
        for part in sorted({secret, *secret.split(".")}, key=len, reverse=True):
            if len(part) >= 8:
                text = text.replace(part, REDACTED)
    return redact_tokens(text)


def _param(m: re.Match[str]) -> str:
    if unquote_plus(m["key"]).strip().lower() != TOKEN_ARG:
        return m[0]
    return f"{m['key']}={REDACTED}"


def redact_record(record: logging.LogRecord) -> None:
    """Redact one record in place: its message (formatted now) and its exception text."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: the handler would print msg and args raw
        message = f"{record.msg} {record.args!r}"
    clean = redact_tokens(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None:
        text = _FORMATTER.formatException(record.exc_info)
        record.exc_text = redact_tokens(text)  # formatters use exc_text when it is set


def install_log_redaction() -> None:
    """Redact every log record this process creates from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        make = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make(*args, **kwargs)
            redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
