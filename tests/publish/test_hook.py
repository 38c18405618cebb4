"""The prelaunch hook's decisions on real tornado requests: token, trusted-proxy header, anonymous, refusals,
and the injected session cell running in a real kernel."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import nbclient
import nbformat
import pytest
import tornado.web
import yaml
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from bheem_nb.publish import hook
from bheem_nb.publish.config import PublishConfig
from bheem_nb.publish.hook import _SignInError, dashboard_id, frame_ancestors, inject_session, resolve_viewer
from bheem_nb.publish.policy import ParameterError
from bheem_nb.publish.revocations import Revocations
from bheem_nb.publish.tokens import EmbedTokenError, create_embed_token
from bheem_nb.store.audit import AuditLog
from tests.publish.servers import PARAMETERS

ORIGIN = "http://127.0.0.1:8000"


class _Context:
    def __init__(self, ip: str) -> None:
        self.remote_ip = ip
        self.protocol = "http"


def handler(query: str = "", headers: dict[str, str] | None = None, ip: str = "127.0.0.1",
            path: str = "sales.ipynb") -> tornado.web.RequestHandler:
    class Conn:
        context = _Context(ip)

        def set_close_callback(self, cb: Any) -> None:
            pass

    start = RequestStartLine("GET", f"/voila/render/{path}?{query}", "HTTP/1.1")
    request = HTTPServerRequest(start_line=start, headers=HTTPHeaders({"Host": "127.0.0.1:8866", **(headers or {})}),
                                connection=Conn())  # type: ignore[arg-type]
    h = tornado.web.RequestHandler(tornado.web.Application(), request)
    h.path_args, h.path_kwargs = [path], {}
    return h


@pytest.fixture()
def notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["bheem"] = {"parameters": PARAMETERS, "allowed_origins": [ORIGIN]}
    nb.cells = [nbformat.v4.new_code_cell("from bheem_nb.publish import viewer\nv = viewer()\n"
                                          "print(v.user.email if v.user else None, v.via, sorted(v.locked))")]
    return nb


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[PublishConfig, Revocations]:
    config = PublishConfig(secret=secrets.token_urlsafe(48), audit_url=f"sqlite:///{tmp_path / 'a.sqlite'}")
    return config, Revocations(config.audit_url)


@pytest.mark.slow  # starts a kernel
def test_token_viewer_reaches_the_kernel(notebook: nbformat.NotebookNode,
                                         setup: tuple[PublishConfig, Revocations]) -> None:
    config, revocations = setup
    token = create_embed_token("sales", "alice@acme.example", config=config, filters={"channel": ["online"]},
                               origins=[ORIGIN])
    h = handler(f"embed_token={token}")
    assert dashboard_id(h) == "sales"
    viewer = resolve_viewer(h, notebook, "sales", config, revocations)
    assert viewer.via == "embed" and viewer.locked == {"channel"} and viewer.origins == (ORIGIN,)
    assert frame_ancestors(viewer.origins) == f"frame-ancestors 'self' {ORIGIN}"
    assert frame_ancestors(("http://x.example; script-src *",)) == "frame-ancestors 'self'"

    page = inject_session(notebook, viewer)
    assert len(page.cells) == 2 and "bheem-session" in page.cells[0].metadata["tags"]
    assert inject_session(page, viewer).cells[1:] == page.cells[1:]  # an old session cell is replaced, not kept
    nbclient.NotebookClient(page, kernel_name="python3", timeout=120).execute()
    assert page.cells[1].outputs[0]["text"].strip() == "alice@acme.example embed ['channel']"


def test_refusals(notebook: nbformat.NotebookNode, setup: tuple[PublishConfig, Revocations]) -> None:
    config, revocations = setup
    with pytest.raises(_SignInError, match="needs an embed token"):
        resolve_viewer(handler(), notebook, "sales", config, revocations)
    stray = create_embed_token("sales", "a@b.c", config=config, filters={"channel": ["x"]},
                               origins=["http://evil.example"])
    with pytest.raises(EmbedTokenError, match="may not embed dashboard 'sales'"):
        resolve_viewer(handler(f"embed_token={stray}"), notebook, "sales", config, revocations)
    unlocked = create_embed_token("sales", "a@b.c", config=config)
    with pytest.raises(ParameterError, match="locked on this dashboard"):
        resolve_viewer(handler(f"embed_token={unlocked}"), notebook, "sales", config, revocations)


def test_header_sign_in_only_from_trusted_proxies(notebook: nbformat.NotebookNode,
                                                  setup: tuple[PublishConfig, Revocations]) -> None:
    config, revocations = setup
    header = config.model_copy(update={"sign_in": "header"})
    viewer = resolve_viewer(handler(headers={"X-Forwarded-Email": "dana@acme.example"}), notebook, "sales",
                            header, revocations)
    assert viewer.user is not None and viewer.user.email == "dana@acme.example" and viewer.via == "header"
    with pytest.raises(_SignInError, match="not a trusted proxy"):
        resolve_viewer(handler(headers={"X-Forwarded-Email": "dana@acme.example"}, ip="10.1.2.3"), notebook,
                       "sales", header, revocations)
    with pytest.raises(_SignInError, match="no X-Forwarded-Email"):
        resolve_viewer(handler(), notebook, "sales", header, revocations)
    anonymous = resolve_viewer(handler(), notebook, "sales", config.model_copy(update={"sign_in": "none"}),
                               revocations)
    assert anonymous.user is None and anonymous.via == "anonymous"


@pytest.fixture()
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PublishConfig]:
    """The publish config the hook reads in the server (BHEEM_PUBLISH_CONFIG), with a fresh audit database."""
    config = PublishConfig(secret=secrets.token_urlsafe(48), audit_url=f"sqlite:///{tmp_path / 'audit.sqlite'}")
    (tmp_path / "publish.yml").write_text(yaml.safe_dump(config.model_dump(mode="json")))
    monkeypatch.setenv("BHEEM_PUBLISH_CONFIG", str(tmp_path / "publish.yml"))
    hook._services.cache_clear()
    yield config
    hook._services.cache_clear()


def test_the_hook_refuses_a_revoked_token(notebook: nbformat.NotebookNode, served: PublishConfig,
                                          caplog: pytest.LogCaptureFixture) -> None:
    """The page opens with the token; after `bheem embed-token --revoke JTI` the same request gets a 403 with a
    clear reason, an `auth` audit row with reason `revoked` and a log line, none of which holds the token."""
    token = create_embed_token("sales", "alice@acme.example", config=served, filters={"channel": ["online"]},
                               origins=[ORIGIN])
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    opened = hook.prelaunch_hook(handler(f"embed_token={token}"), notebook, ".")
    assert "bheem-session" in opened.cells[0].metadata["tags"]

    Revocations(served.audit_url).revoke(jti, reason="user left")
    with caplog.at_level(logging.WARNING, logger="bheem_nb.publish.hook"), \
            pytest.raises(tornado.web.HTTPError) as refused:
        hook.prelaunch_hook(handler(f"embed_token={token}"), notebook, ".")
    assert refused.value.status_code == 403
    assert refused.value.reason == f"embed token {jti} has been revoked; ask the host application for a new one"

    audit = AuditLog(served.audit_url, background=False)
    views, auth = audit.events(action="view"), audit.events(action="auth")
    assert len(views) == 1 and views[0]["user_email"] == "alice@acme.example"
    assert len(auth) == 1 and auth[0]["status"] == "error" and "has been revoked" in auth[0]["error"]
    assert json.loads(auth[0]["payload"]) == {"dashboard": "sales", "reason": "revoked", "remote_ip": "127.0.0.1"}
    logged = [r.getMessage() for r in caplog.records if r.name == "bheem_nb.publish.hook"]
    assert logged == [f"refused dashboard 'sales' for 127.0.0.1 (revoked): {refused.value.reason}"]
    rows = json.dumps([*views, *auth], default=str)
    for part in token.split(".")[1:]:
        assert part not in rows and all(part not in line for line in logged)
