"""The prelaunch hook's decisions on real tornado requests: token, trusted-proxy header, anonymous, refusals,
and the injected session cell running in a real kernel."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import pytest
import tornado.web
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from bheem_nb.publish.config import PublishConfig
from bheem_nb.publish.hook import _SignInError, dashboard_id, frame_ancestors, inject_session, resolve_viewer
from bheem_nb.publish.policy import ParameterError
from bheem_nb.publish.revocations import Revocations
from bheem_nb.publish.tokens import EmbedTokenError, create_embed_token
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
