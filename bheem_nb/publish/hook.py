"""The Voilà prelaunch hook: who is viewing, decided on the server before the kernel starts.

``bheem serve`` installs it (``c.VoilaConfiguration.prelaunch_hook = prelaunch_hook`` in the
``voila.py`` it writes). For each page request it

1. verifies ``?embed_token=`` (signature, algorithm, audience, expiry, dashboard scope, revocation,
   parameter policy, allowed origins), or else applies the configured sign-in (a trusted proxy's
   user header, or anonymous when ``sign_in: none``);
2. writes an audit row: ``view`` when the page opens, ``auth`` with the reason when it is refused
   (and a warning line in the server log);
3. injects a first cell that hands the verified viewer to the kernel (:func:`session.begin`).

A refusal is an HTTP 401/403 with a one-line reason; the kernel is never started. The token itself
never reaches the audit log, the server log or the reason: messages are scrubbed of it, and the
``voila.py`` that ``bheem serve`` writes redacts it from tornado's access log (:mod:`.redact`).
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any, NoReturn

import nbformat
from tornado.web import HTTPError

from bheem_nb.errors import BheemError
from bheem_nb.publish.config import PublishConfig, load_config
from bheem_nb.publish.policy import DashboardPolicy
from bheem_nb.publish.redact import TOKEN_ARG, scrub
from bheem_nb.publish.revocations import Revocations
from bheem_nb.publish.session import Viewer
from bheem_nb.publish.tokens import EmbedTokenError, verify_embed_token
from bheem_nb.security.identity import User
from bheem_nb.store.audit import AuditLog

SESSION_CELL_TAG = "bheem-session"
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+")
log = logging.getLogger("bheem_nb.publish.hook")


@functools.cache
def _services() -> tuple[PublishConfig, AuditLog, Revocations]:
    config = load_config()
    return config, AuditLog(config.audit_url, background=False), Revocations(config.audit_url)


def dashboard_id(handler: Any) -> str:
    """The dashboard a request opens: the notebook path under the served folder, without ``.ipynb``."""
    single = getattr(handler, "notebook_path", None)
    if single:
        return Path(str(single)).stem
    path = handler.path_kwargs.get("path") or (handler.path_args[0] if handler.path_args else "")
    return str(path).removesuffix(".ipynb").strip("/")


def prelaunch_hook(handler: Any, notebook: nbformat.NotebookNode, cwd: str) -> nbformat.NotebookNode:
    """Voilà's hook: authenticate the viewer, audit the view and inject the session cell, or refuse."""
    config, audit, revocations = _services()
    dashboard = dashboard_id(handler)
    try:
        viewer = resolve_viewer(handler, notebook, dashboard, config, revocations)
    except EmbedTokenError as exc:
        _refuse(handler, audit, dashboard, exc.reason, str(exc), 403)
    except _SignInError as exc:
        _refuse(handler, audit, dashboard, "sign_in", str(exc), 401)
    except BheemError as exc:
        _refuse(handler, audit, dashboard, "policy", str(exc), 403)
    handler.set_header("Content-Security-Policy", frame_ancestors(viewer.origins))
    audit.record("view", user=viewer.user,
                 payload={"dashboard": dashboard, "via": viewer.via, "jti": viewer.jti,
                          "remote_ip": handler.request.remote_ip})
    return inject_session(notebook, viewer)


def resolve_viewer(handler: Any, notebook: nbformat.NotebookNode, dashboard: str, config: PublishConfig,
                   revocations: Revocations) -> Viewer:
    """The verified viewer of this request (raises :class:`EmbedTokenError` or a sign-in error)."""
    policy = DashboardPolicy.from_metadata(notebook.metadata)
    token = handler.get_query_argument(TOKEN_ARG, None)
    if token:
        claims = verify_embed_token(token, dashboard=dashboard, config=config, is_revoked=revocations.is_revoked)
        locked = policy.check_token(claims.filters, claims.locked)
        configured = [*policy.allowed_origins, *config.origins_for(dashboard)]
        stray = [o for o in claims.origins if configured and o not in configured]
        if stray:
            raise EmbedTokenError("origin", f"origin(s) {stray} may not embed dashboard {dashboard!r}; "
                                            f"allowed: {configured}")
        return Viewer(dashboard=dashboard, user=claims.user, via="embed", filters=dict(claims.filters),
                      locked=locked, parameters=dict(policy.parameters),
                      origins=tuple(claims.origins) or tuple(configured), jti=claims.jti)
    user = _signed_in_user(handler, config)
    return Viewer(dashboard=dashboard, user=user, via="header" if user else "anonymous",
                  parameters=dict(policy.parameters),
                  origins=(*policy.allowed_origins, *config.origins_for(dashboard)))


class _SignInError(BheemError):
    pass


def _signed_in_user(handler: Any, config: PublishConfig) -> User | None:
    if config.sign_in == "none":
        return None
    if config.sign_in == "header":
        name = handler.request.headers.get(config.user_header, "").strip()
        if handler.request.remote_ip not in config.trusted_proxies:
            raise _SignInError(f"sign-in: {handler.request.remote_ip} is not a trusted proxy; open this dashboard "
                               "through the company sign-in")
        if not name:
            raise _SignInError(f"sign-in: the proxy sent no {config.user_header} header")
        return User(name, email=name if "@" in name else None)
    raise _SignInError("this dashboard needs an embed token (?embed_token=...) from the host application")


def inject_session(notebook: nbformat.NotebookNode, viewer: Viewer) -> nbformat.NotebookNode:
    """A copy of ``notebook`` whose first cell hands ``viewer`` to the kernel (a repr'd JSON literal, no code)."""
    nb: nbformat.NotebookNode = nbformat.from_dict(notebook)  # type: ignore[no-untyped-call]
    nb.cells = [c for c in nb.cells if SESSION_CELL_TAG not in c.get("metadata", {}).get("tags", [])]
    source = f"import bheem_nb.publish.session as _bheem_session\n_bheem_session.begin({viewer.to_json()!r})"
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [SESSION_CELL_TAG]})  # type: ignore[no-untyped-call]
    nb.cells.insert(0, cell)
    return nb


def frame_ancestors(origins: tuple[str, ...]) -> str:
    """The page may be framed by itself and by the viewer's allowed origins only (clickjacking)."""
    clean = [o for o in origins if _ORIGIN.fullmatch(o)]
    return " ".join(["frame-ancestors 'self'", *clean])


def _refuse(handler: Any, audit: AuditLog, dashboard: str, reason: str, message: str, status: int) -> NoReturn:
    """Audit and log the refusal (scrubbed of the token), then answer ``status`` with a one-line reason."""
    text = _one_line(scrub(message, handler.get_query_argument(TOKEN_ARG, None)))
    ip = handler.request.remote_ip
    audit.record("auth", status="error", error=text, payload={"dashboard": dashboard, "reason": reason,
                                                               "remote_ip": ip})
    getattr(handler, "log", log).warning("refused dashboard %r for %s (%s): %s", dashboard, ip, reason, text)
    raise HTTPError(status, reason=text)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
