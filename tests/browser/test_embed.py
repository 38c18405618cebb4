"""The embed SDK in headless Chromium: a host page on one loopback origin embeds a dashboard on another.

Host application: ``http://127.0.0.1:<P1>/host.html`` (the built UMD SDK). Dashboard server:
``http://localhost:<P2>`` (Voilà via ``bheem serve``'s plan, sign-in by embed token only). The
model has row-level security (alice: Europe, bob: North America); every number on screen or in an
export is compared with hand-written SQL on the raw DuckDB file.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bheem_nb.publish.config import PublishConfig
from bheem_nb.publish.tokens import create_embed_token
from bheem_nb.security.identity import User
from bheem_nb.store.audit import AuditLog
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium
from tests.publish.servers import HOST_HTML, USERS, HostPage, Voila, rls_demo, write_config, write_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "publish"
TIMEOUT_MS = 120_000
REVENUE = "sum(o.quantity * o.unit_price * (1 - o.discount))"
ALICE = User(**{k: v for k, v in USERS[0].items()})  # type: ignore[arg-type]
BOB = User(**{k: v for k, v in USERS[1].items()})  # type: ignore[arg-type]


@dataclass
class Env:
    voila: Voila
    host: HostPage
    config: PublishConfig
    db: Path
    audit_db: Path

    @property
    def dashboard_base(self) -> str:
        return self.voila.url("localhost")

    def token(self, user: User, dashboard: str = "sales", **kw: Any) -> str:
        kw.setdefault("filters", {"channel": ["online"]})
        kw.setdefault("origins", [self.host.origin])
        return create_embed_token(dashboard, user, config=self.config, **kw)

    def sql(self, where: str) -> list[tuple[Any, ...]]:
        import duckdb

        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(f"SELECT c.region, {REVENUE}, count(DISTINCT o.order_id) FROM orders o "
                               f"JOIN customers c USING (customer_id) WHERE {where} GROUP BY 1 ORDER BY 1").fetchall()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    work = tmp_path_factory.mktemp("embed")
    yml = rls_demo(work, rows=20_000)
    folder = work / "dashboards"
    write_dashboard(folder, "sales")
    write_dashboard(folder, "finance")
    (folder / "export.png").write_bytes(b"\x89PNG a file next to the dashboards")
    host = HostPage(work / "host", HOST_HTML, host="127.0.0.1")
    audit_db = work / "audit.sqlite"
    data = write_config(work / "publish.yml", audit_db, sign_in="embed", allowed_origins={"sales": [host.origin]})
    voila = Voila(folder, work, config=work / "publish.yml", model_yml=yml).start()
    try:
        yield Env(voila, host, PublishConfig.model_validate(data), yml.with_suffix(".duckdb"), audit_db)
    finally:
        voila.stop()
        host.stop()


@pytest.fixture(scope="module")
def browser(env: Env) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def open_embed(browser: Any, env: Env, token: str, *, host_origin: str | None = None, **opts: Any) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(f"{host_origin or env.host.origin}/host.html")
    options = {"embedUrl": env.dashboard_base, "id": "sales", "accessToken": token, "timeoutMs": 60_000, **opts}
    page.evaluate("(o) => window.startEmbed(o)", options)
    return page


def wait_event(page: Any, name: str, timeout: int = TIMEOUT_MS) -> Any:
    page.wait_for_function("(n) => window.events.some(e => e.name === n)", arg=name, timeout=timeout)
    return page.evaluate("(n) => window.events.filter(e => e.name === n).at(-1).data", name)


def dashboard_frame(page: Any) -> Any:
    return next(f for f in page.frames if f.url.startswith("http://localhost:"))


def total_orders(frame: Any) -> int:
    """The 'Total' table's orders cell (raw value) once the table shows an answer."""
    cell = frame.locator(".bn-table-view:has(caption:text-is('Total')) td[data-col='orders']")
    cell.wait_for(timeout=TIMEOUT_MS)
    return int(json.loads(cell.get_attribute("data-value")))


def wait_total(frame: Any, expected: int) -> None:
    frame.wait_for_function(
        "(n) => { const t = [...document.querySelectorAll('.bn-table-view')]"
        ".find(x => x.caption && x.caption.textContent === 'Total');"
        " const d = t && t.querySelector(\"td[data-col='orders']\"); return d && JSON.parse(d.dataset.value) === n; }",
        arg=expected, timeout=TIMEOUT_MS)


def test_sdk_filters_selection_export_pages(browser: Any, env: Env) -> None:
    page = open_embed(browser, env, env.token(ALICE, lock_filters=True))
    loaded = wait_event(page, "loaded")
    assert loaded["filters"] == {"channel": ["online"]} and loaded["locked"] == ["channel"]
    assert loaded["pages"] == ["Overview", "Details"]
    frame = dashboard_frame(page)
    expected_all = env.sql("c.region = 'Europe' AND o.channel = 'online'")
    wait_total(frame, expected_all[0][2])

    # setFilters, then read them back; the numbers on the page follow
    got = page.evaluate("() => window.embed.setFilters({segment: ['Consumer']})")
    assert got == {"segment": ["Consumer"], "channel": ["online"]}
    assert page.evaluate("() => window.embed.getFilters()") == got
    changed = wait_event(page, "filtersChanged")
    assert changed["filters"] == got
    expected = env.sql("c.region = 'Europe' AND o.channel = 'online' AND c.segment = 'Consumer'")
    wait_total(frame, expected[0][2])

    # a click on a table row reaches the host as dataSelected with that row's raw values
    frame.locator(".bn-table-view:has(caption:text-is('Revenue by region')) td[data-col='region']").first.click()
    selected = wait_event(page, "dataSelected")
    assert selected["column"] == "region" and selected["value"] == "Europe"
    assert selected["row"]["orders"] == expected[0][2]
    assert math.isclose(selected["row"]["revenue"], float(expected[0][1]), rel_tol=1e-9)

    # exportData: CSV of the first table, as this viewer with these filters
    export = page.evaluate("() => window.embed.exportData('csv')")
    rows = list(csv.DictReader(io.StringIO(export["data"])))
    assert export["mime"] == "text/csv" and export["filename"] == "sales.csv"
    assert [(r["region"], int(r["orders"])) for r in rows] == [(e[0], e[2]) for e in expected]
    assert math.isclose(float(rows[0]["revenue"]), float(expected[0][1]), rel_tol=1e-9)

    # pages
    assert page.evaluate("() => window.embed.getPages()") == {"pages": ["Overview", "Details"], "current": "Overview"}
    page.evaluate("() => window.embed.setPage('Details')")
    assert wait_event(page, "pageChanged")["page"] == "Details"
    frame.locator(".bn-table-view:has(caption:text-is('By category'))").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert frame.locator(".bn-table-view:has(caption:text-is('Total'))").is_hidden()

    # the policy: a locked, a disabled and an unknown parameter are refused with a reason; so is a value
    # the slicer cannot take, naming the parameter
    for filters, reason in (({"channel": ["store"]}, "locked"), ({"category": ["Technology"]}, "disabled"),
                            ({"regoin": ["Europe"]}, "did you mean 'region'"),
                            ({"segment": 5}, "parameter 'segment' cannot take 5")):
        message = page.evaluate("(f) => window.embed.setFilters(f).then(() => 'accepted', e => e.message)", filters)
        assert reason in message, message
        assert "Traceback" not in message and "Error" not in message, message
    assert page.evaluate("() => window.embed.clearFilters()") == {"channel": ["online"]}
    page.evaluate("() => window.embed.setPage('Overview')")
    wait_total(frame, expected_all[0][2])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed_host.png"), full_page=True)

    views = AuditLog(f"sqlite:///{env.audit_db}", background=False).events(action="view", user=ALICE.email)
    assert any(json.loads(v["payload"])["via"] == "embed" for v in views)
    exports = AuditLog(f"sqlite:///{env.audit_db}", background=False).events(action="export", user=ALICE.email)
    assert exports and exports[-1]["rows"] == len(expected)
    page.close()


def test_two_users_see_their_own_numbers(browser: Any, env: Env) -> None:
    numbers = {}
    for user, region in ((ALICE, "Europe"), (BOB, "North America")):
        page = open_embed(browser, env, env.token(user, filters={"channel": ["store"]}),
                          filters={"segment": ["Corporate"]})
        loaded = wait_event(page, "loaded")
        assert loaded["filters"] == {"channel": ["store"], "segment": ["Corporate"]}
        expected = env.sql(f"c.region = '{region}' AND o.channel = 'store' AND c.segment = 'Corporate'")
        frame = dashboard_frame(page)
        wait_total(frame, expected[0][2])
        regions = frame.locator(".bn-table-view:has(caption:text-is('Revenue by region')) td[data-col='region']")
        assert regions.all_inner_texts() == [region]
        numbers[user.id] = total_orders(frame)
        page.close()
    assert numbers["alice"] != numbers["bob"]


def _refused_in_frame(browser: Any, env: Env, token: str, reason: str) -> None:
    """The dashboard answers 403 (the browser will not even frame the error page for a foreign origin),
    the SDK never sees `loaded`, its requests time out, and the audit log has the refusal's reason."""
    page = browser.new_page()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "embed_token=" in r.url else None)
    page.goto(f"{env.host.origin}/host.html")
    page.evaluate("(o) => window.startEmbed(o)", {"embedUrl": env.dashboard_base, "id": "sales",
                                                  "accessToken": token, "timeoutMs": 3000})
    page.wait_for_function("() => window.embed.iframe.contentWindow !== null")
    message = page.evaluate("() => window.embed.getFilters().then(() => 'answered', e => e.code)")
    assert message == "timeout"
    assert statuses == [403]
    assert not page.evaluate("() => window.events.some(e => e.name === 'loaded')")
    page.close()
    last = AuditLog(f"sqlite:///{env.audit_db}", background=False).events(action="auth")[-1]
    assert last["status"] == "error" and json.loads(last["payload"])["reason"] == reason, last


def test_forged_expired_and_foreign_tokens_fail_safely(browser: Any, env: Env) -> None:
    import datetime as dt

    good = env.token(ALICE)
    head, body, _sig = good.split(".")
    _refused_in_frame(browser, env, f"{head}.{body}.{'A' * 43}", "signature")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    _refused_in_frame(browser, env, env.token(ALICE, ttl="1h", now=old), "expired")
    _refused_in_frame(browser, env, env.token(ALICE, dashboard="finance"), "scope")
    other = PublishConfig(secret=env.config.secret, audience="another-app")
    _refused_in_frame(browser, env, create_embed_token("sales", ALICE, config=other, filters={"channel": ["x"]}),
                      "audience")
    _refused_in_frame(browser, env, env.token(ALICE, filters={}), "policy")  # channel is locked: must be set
    # a token for sales opens no other dashboard
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{env.dashboard_base}/voila/render/finance.ipynb?embed_token={good}", timeout=60)
    assert refused.value.code == 403
    assert refused.value.reason == "embed token is for dashboard 'sales', not 'finance'"
    # nor any raw file next to the dashboards (Voilà would serve images by default)
    with pytest.raises(urllib.error.HTTPError) as no_file:
        urllib.request.urlopen(f"{env.dashboard_base}/voila/files/export.png?embed_token={good}", timeout=60)
    assert no_file.value.code in (403, 404)


def test_wrong_origins_are_ignored_on_both_sides(browser: Any, env: Env) -> None:
    page = open_embed(browser, env, env.token(ALICE))
    wait_event(page, "loaded")
    frame = dashboard_frame(page)
    before = page.evaluate("() => window.embed.getFilters()")
    # the dashboard drops a request that is not from its parent on an allowed origin
    frame.evaluate("() => window.postMessage({type: 'bheem:request', id: 'x1', method: 'setFilters',"
                   " params: {filters: {segment: ['Consumer']}}}, '*')")
    frame.wait_for_function("() => window.__bheemEmbedRejected >= 1", timeout=10_000)
    assert page.evaluate("() => window.embed.getFilters()") == before
    # the SDK drops events that do not come from the dashboard frame's origin
    page.evaluate("() => window.postMessage({type: 'bheem:event', event: 'dataSelected', data: {forged: true}}, '*')")
    page.wait_for_timeout(300)
    assert not page.evaluate("() => window.events.some(e => e.name === 'dataSelected')")
    page.close()

    # a host page on an origin the token does not allow: the browser refuses to frame the dashboard
    stranger = HostPage(Path(env.voila.log).parent / "stranger", HOST_HTML)
    try:
        page = open_embed(browser, env, env.token(ALICE), host_origin=stranger.origin, timeoutMs=3000)
        message = page.evaluate("() => window.embed.getFilters().then(() => 'answered', e => e.code)")
        assert message == "timeout"
        assert not page.evaluate("() => window.events.some(e => e.name === 'loaded')")
        page.close()
    finally:
        stranger.stop()


class Kernel:
    """A raw Jupyter websocket client on a page's kernel: what a viewer's browser could send by hand."""

    def __init__(self, url: str) -> None:
        import uuid

        import websocket

        self.ws = websocket.create_connection(url, timeout=30)
        self.session = uuid.uuid4().hex

    def send(self, channel: str, msg_type: str, content: dict[str, Any]) -> str:
        import datetime as dt
        import uuid

        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "viewer", "session": self.session, "msg_type": msg_type,
                       "version": "5.3", "date": dt.datetime.now(dt.UTC).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def until(self, done: Any, limit: float = 60.0) -> list[dict[str, Any]]:
        """Messages received until ``done(msg)`` is true (inclusive)."""
        import time

        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            seen.append(msg)
            if done(msg):
                return seen
        raise AssertionError(f"no awaited message among {[m['header']['msg_type'] for m in seen]}")

    def comm(self, comm_id: str, data: dict[str, Any]) -> str:
        return self.send("shell", "comm_msg", {"comm_id": comm_id, "data": data})

    def states(self) -> dict[str, dict[str, Any]]:
        info = self.send("shell", "comm_info_request", {"target_name": "jupyter.widget"})
        reply = self.until(lambda m: m["parent_header"].get("msg_id") == info
                           and m["header"]["msg_type"] == "comm_info_reply")[-1]
        comms = list(reply["content"]["comms"])
        asked = {self.comm(cid, {"method": "request_state"}): cid for cid in comms}
        states: dict[str, dict[str, Any]] = {}

        def collect(m: dict[str, Any]) -> bool:
            if m["header"]["msg_type"] == "comm_msg" and m["parent_header"].get("msg_id") in asked:
                states[m["content"]["comm_id"]] = m["content"]["data"].get("state", {})
            return len(states) == len(asked)

        self.until(collect)
        return states


def test_kernel_refuses_code_and_forged_widget_messages(browser: Any, env: Env, tmp_path: Path) -> None:
    page = open_embed(browser, env, env.token(ALICE))
    wait_event(page, "loaded")
    frame = dashboard_frame(page)
    expected = env.sql("c.region = 'Europe' AND o.channel = 'online'")[0][2]
    wait_total(frame, expected)
    kernel_id = frame.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    kernel = Kernel(f"ws://localhost:{env.voila.port}/api/kernels/{kernel_id}/channels")
    try:
        # execute_request is dropped by Voilà; kernel_info still answers, so the channel itself works
        marker = tmp_path / "ran"
        run = kernel.send("shell", "execute_request", {"code": f"open({str(marker)!r}, 'w').write('x')",
                                                       "silent": False, "store_history": False,
                                                       "user_expressions": {}, "allow_stdin": False})
        info = kernel.send("shell", "kernel_info_request", {})
        seen = kernel.until(lambda m: m["parent_header"].get("msg_id") == info
                            and m["header"]["msg_type"] == "kernel_info_reply")
        assert not [m for m in seen if m["parent_header"].get("msg_id") == run]
        assert not marker.exists()

        states = kernel.states()
        tile = next(cid for cid, s in states.items() if s.get("label") == "Channel")
        bridge = next(cid for cid, s in states.items() if "origins" in s)
        # forged updates: the locked slicer's value, a made-up `user` trait, the bridge's origins and filters
        kernel.comm(tile, {"method": "update", "state": {"value": ["store"]}, "buffer_paths": []})
        for cid in states:
            kernel.comm(cid, {"method": "update", "state": {"user": BOB.email, "context": None}, "buffer_paths": []})
        kernel.comm(bridge, {"method": "update", "state": {"origins": ["http://evil.example"],
                                                           "filters": {"channel": ["store"]}}, "buffer_paths": []})
        # a request sent straight to the kernel, bypassing the page's origin check, still meets the policy
        kernel.comm(bridge, {"method": "custom", "content": {"type": "request", "id": "forged", "method": "setFilters",
                                                             "params": {"filters": {"channel": ["store"]}}}})
        answer = kernel.until(lambda m: m["header"]["msg_type"] == "comm_msg"
                              and m["content"]["data"].get("content", {}).get("id") == "forged")[-1]
        assert answer["content"]["data"]["content"]["ok"] is False
        assert "locked" in answer["content"]["data"]["content"]["error"]
    finally:
        kernel.ws.close()
    assert page.evaluate("() => window.embed.getFilters()") == {"channel": ["online"]}
    page.evaluate("() => window.embed.refresh()")
    wait_total(frame, expected)
    assert frame.locator(".bn-table-view:has(caption:text-is('Revenue by region')) td[data-col='region']"
                         ).all_inner_texts() == ["Europe"]
    page.close()


REACT_APP = """
import React from "react";
import { createRoot } from "react-dom/client";
import { useBheemEmbed } from "%(hook)s";

function App({ options }) {
  const { ref, embed, loaded, filters, error } = useBheemEmbed(options);
  window.hook = { embed, loaded, filters, error };
  return React.createElement("div", null,
    React.createElement("p", { id: "status" }, loaded ? "loaded" : "loading"),
    React.createElement("pre", { id: "filters" }, JSON.stringify(filters)),
    React.createElement("div", { ref, id: "dash", style: { height: 900 } }));
}
window.mountReact = (options) =>
  createRoot(document.getElementById("root")).render(React.createElement(App, { options }));
"""


def _build_react_app(folder: Path) -> None:
    """Bundle a tiny React host app around the shipped dist/bheem-embed-react.esm.js (react from js/node_modules)."""
    import shutil
    import subprocess

    node = shutil.which("node")
    modules = ROOT / "js" / "node_modules"
    if node is None or not (modules / "react-dom").is_dir() or not (modules / "esbuild").is_dir():
        pytest.skip("node and js/node_modules (npm ci in js/) are needed to bundle the React host app")
    src = folder / "app.js"
    src.write_text(REACT_APP % {"hook": str(ROOT / "js" / "embed" / "dist" / "bheem-embed-react.esm.js")})
    script = ("require('esbuild').buildSync({entryPoints: [process.argv[1]], bundle: true, format: 'iife',"
              " outfile: process.argv[2], nodePaths: [process.argv[3]], logLevel: 'error',"
              " define: {'process.env.NODE_ENV': '\"production\"'}})")
    subprocess.run([node, "-e", script, str(src), str(folder / "react-app.js"), str(modules)], check=True,
                   cwd=ROOT / "js", timeout=120)
    (folder / "react.html").write_text('<!doctype html><html><head><meta charset="utf-8"><title>React host</title>'
                                       '</head><body><div id="root"></div><script src="/react-app.js"></script>'
                                       "</body></html>")


def test_react_hook_mounts_and_drives_the_dashboard(browser: Any, env: Env) -> None:
    _build_react_app(env.host.folder)
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(f"{env.host.origin}/react.html")
    page.evaluate("(o) => window.mountReact(o)", {"embedUrl": env.dashboard_base, "id": "sales",
                                                  "accessToken": env.token(BOB), "timeoutMs": 60_000})
    page.locator("#status", has_text="loaded").wait_for(timeout=TIMEOUT_MS)
    assert json.loads(page.locator("#filters").inner_text()) == {"channel": ["online"]}
    got = page.evaluate("() => window.hook.embed.setFilters({segment: ['Home Office']})")
    assert got == {"channel": ["online"], "segment": ["Home Office"]}
    page.wait_for_function("() => JSON.parse(document.getElementById('filters').textContent).segment")
    expected = env.sql("c.region = 'North America' AND o.channel = 'online' AND c.segment = 'Home Office'")
    wait_total(dashboard_frame(page), expected[0][2])
    page.close()
