"""The published page's context in Python: the viewer's rows, locked filters that nothing on the page can
change, the parameter policy, the bridge's requests and exports; numbers against hand-written DuckDB SQL."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from bheem_nb.model.semantic import SemanticModel
from bheem_nb.publish.bridge import EmbedBridge
from bheem_nb.publish.page import PublishedContext
from bheem_nb.publish.policy import DashboardPolicy, ParameterError
from bheem_nb.publish.session import Viewer
from bheem_nb.security.identity import User
from bheem_nb.store.audit import AuditLog
from tests.publish.servers import PARAMETERS, rls_demo, write_config

REVENUE = "sum(o.quantity * o.unit_price * (1 - o.discount))"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[SemanticModel, Path]:
    yml = rls_demo(tmp_path_factory.mktemp("page"), rows=5_000)
    return SemanticModel.from_yaml(yml), yml.with_suffix(".duckdb")


def reference(db: Path, where: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT c.region, {REVENUE}, count(DISTINCT o.order_id) FROM orders o "
                           f"JOIN customers c USING (customer_id) WHERE {where} GROUP BY 1 ORDER BY 1").fetchall()


def embed_viewer(user: User, **kw: object) -> Viewer:
    return Viewer(dashboard="sales", user=user, via="embed", parameters=PARAMETERS,
                  origins=("http://127.0.0.1:1",), **kw)  # type: ignore[arg-type]


def rows(table: object) -> list[tuple[object, ...]]:
    return [tuple(c["value"] for c in r) for r in table.rows]  # type: ignore[attr-defined]


def test_viewer_rows_and_locked_filter(demo: tuple[SemanticModel, Path]) -> None:
    model, db = demo
    token_user = User("alice", email="alice@acme.example")  # no attributes: the model's entry is used
    ctx = PublishedContext(model, viewer=embed_viewer(token_user, filters={"channel": ["online"]},
                                                      locked=frozenset({"channel"})))
    assert ctx.user is not None and ctx.user.attributes["region"] == "Europe"
    channel = ctx.tile("channel")
    table = ctx.table(measures=["revenue", "orders"], dimensions=["region"], order=[("region", "asc")])
    expected = reference(db, "c.region = 'Europe' AND o.channel = 'online'")
    assert [r[0] for r in rows(table)] == [e[0] for e in expected] == ["Europe"]
    assert math.isclose(float(rows(table)[0][1]), float(expected[0][1]), rel_tol=1e-9)  # type: ignore[arg-type]

    # the page (a slicer click, a forged widget update) cannot change the locked channel
    assert channel.layout.display == "none"
    channel.value = ["store"]
    assert channel.value == ["online"]
    assert rows(table)[0][2] == expected[0][2]
    ctx.clear_all()
    ctx.from_query_string('channel=["store"]')
    assert rows(table)[0][2] == expected[0][2] and ctx.current_filters() == {"channel": ["online"]}


@pytest.fixture()
def audit_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Exports are audited in the publish config's database: a fresh one per test."""
    from bheem_nb.publish import bridge

    write_config(tmp_path / "publish.yml", tmp_path / "audit.sqlite")
    monkeypatch.setenv("BHEEM_PUBLISH_CONFIG", str(tmp_path / "publish.yml"))
    bridge._audit.cache_clear()
    yield tmp_path / "audit.sqlite"
    bridge._audit.cache_clear()


def test_bridge_requests_follow_the_policy(demo: tuple[SemanticModel, Path], audit_db: Path) -> None:
    model, db = demo
    bob = User("bob", email="bob@acme.example", groups=["region_managers"], attributes={"region": "North America"})
    ctx = PublishedContext(model, viewer=embed_viewer(bob, filters={"channel": ["partner"]},
                                                      locked=frozenset({"channel"})), pages=["Overview", "Details"])
    for field in ("region", "segment", "channel", "category"):
        ctx.dropdown(field)
    table = ctx.table(measures=["revenue", "orders"], dimensions=["region"])
    ctx.on_page("Details", table)
    bridge: EmbedBridge = ctx.bridge

    got = bridge.handle("setFilters", {"filters": {"segment": ["Consumer"]}})
    assert got == {"segment": ["Consumer"], "channel": ["partner"]} == bridge.filters
    expected = reference(db, "c.region = 'North America' AND o.channel = 'partner' AND c.segment = 'Consumer'")
    assert rows(table)[0][2] == expected[0][2]

    export = bridge.handle("exportData", {"format": "csv"})
    parsed = list(csv.DictReader(io.StringIO(export["data"])))
    assert [(r["region"], int(r["orders"])) for r in parsed] == [(e[0], e[2]) for e in expected]
    assert export["mime"] == "text/csv" and export["rows"] == len(expected)
    as_json = json.loads(bridge.handle("exportData", {"format": "json"})["data"])
    assert as_json[0]["orders"] == expected[0][2]
    exports = AuditLog(f"sqlite:///{audit_db}", background=False).events(action="export", user=bob.email)
    audited = [(json.loads(e["payload"])["format"], e["rows"]) for e in exports]
    assert audited == [("csv", len(expected)), ("json", len(expected))]

    with pytest.raises(ParameterError, match="locked"):
        bridge.handle("setFilters", {"filters": {"channel": ["store"]}})
    with pytest.raises(ParameterError, match="disabled"):
        bridge.handle("setFilters", {"filters": {"category": ["Technology"]}})
    with pytest.raises(ParameterError, match="did you mean 'region'"):
        bridge.handle("setFilters", {"filters": {"regoin": ["Europe"]}})
    # a value a slicer cannot take is refused by name, and the request changes nothing, not even its good part
    with pytest.raises(ValueError, match=r"parameter 'segment' cannot take 5 \(dropdown slicer: .*expected a list"
                                         r".*no filter was changed"):
        bridge.handle("setFilters", {"filters": {"region": ["Europe"], "segment": 5}})
    assert bridge.filters == {"segment": ["Consumer"], "channel": ["partner"]} == ctx.current_filters()
    assert rows(table)[0][2] == expected[0][2]
    with pytest.raises(ValueError, match="export format 'xlsx'"):
        bridge.handle("exportData", {"format": "xlsx"})
    with pytest.raises(ValueError, match="unknown method 'runCode'"):
        bridge.handle("runCode", {"code": "import os"})

    # state sent by the page cannot rewrite the bridge (origins, filters are the kernel's)
    bridge.set_state({"origins": ["http://evil.example"], "filters": {"channel": ["store"]}})
    assert bridge.origins == ["http://127.0.0.1:1"] and bridge.filters["channel"] == ["partner"]
    assert bridge.handle("clearFilters", {}) == {"channel": ["partner"]}
    assert bridge.handle("setPage", {"page": "Details"}) == {"pages": ["Overview", "Details"], "current": "Details"}
    assert table.layout.display is None
    bridge.handle("setPage", {"page": "Overview"})
    assert table.layout.display == "none"


def test_policy_on_the_token() -> None:
    policy = DashboardPolicy.from_metadata({"bheem": {"parameters": PARAMETERS}})
    assert policy.check_token({"channel": ["online"], "region": ["Europe"]}, ["region"]) == {"channel", "region"}
    with pytest.raises(ParameterError, match=r"\['channel'\] are locked"):
        policy.check_token({"region": ["Europe"]}, [])
    with pytest.raises(ParameterError, match="'category' is disabled"):
        policy.check_token({"channel": ["online"], "category": ["Furniture"]}, [])
    with pytest.raises(ParameterError, match="unknown parameter 'segmnt'; did you mean 'segment'"):
        policy.check_token({"channel": ["online"], "segmnt": ["Consumer"]}, [])
    with pytest.raises(ParameterError, match="'sometimes' is not one of"):
        DashboardPolicy.from_metadata({"bheem": {"parameters": {"region": "sometimes"}}})


class _KernelStderr(io.StringIO):
    """What ipykernel puts in ``sys.stderr``: what is written goes to the page; ``fileno()`` is the server's log."""

    def __init__(self, server_fd: int) -> None:
        super().__init__()
        self._fd = server_fd

    def fileno(self) -> int:
        return self._fd


def test_an_unexpected_failure_still_gets_an_answer(demo: tuple[SemanticModel, Path], audit_db: Path,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any exception answers the SDK (no timeout) with a generic message and a reference; the details go to the
    server log under that reference, without the password, and nothing goes to the page."""
    model, _ = demo
    ctx = PublishedContext(model, viewer=embed_viewer(User("alice", email="alice@acme.example")), pages=["Overview"])
    ctx.dropdown("segment")
    ctx.table(measures=["revenue"], dimensions=["region"])
    bridge: EmbedBridge = ctx.bridge
    sent: list[dict[str, object]] = []
    monkeypatch.setattr(bridge, "send", sent.append)
    secret = "hunter2-Pa55"

    def broken(**_: object) -> None:
        raise RuntimeError(f"Binder Error: SELECT sum(revenue) FROM orders WHERE region = 'Europe' "
                           f"(postgresql://bheem:{secret}@db.internal/shop)")

    monkeypatch.setattr(ctx, "query", broken)
    server_log = tmp_path / "server.log"
    with server_log.open("wb") as fd_target:
        page = _KernelStderr(fd_target.fileno())
        monkeypatch.setattr(sys, "stderr", page)
        request = {"type": "request", "method": "exportData", "params": {"format": "csv"}}
        bridge._on_request(bridge, {**request, "id": "r1"}, [])
        bridge._on_request(bridge, {**request, "id": "r2", "method": "getFilters"}, [])
    logged = server_log.read_text()

    assert [(m["id"], m["ok"]) for m in sent] == [("r1", False), ("r2", True)]
    found = re.fullmatch(r"the dashboard could not answer exportData \(an internal error, reference "
                         r"([0-9a-f]{8})\); the dashboard owner can find the details in the server log under "
                         "that reference", str(sent[0]["error"]))
    assert found, sent[0]["error"]
    assert page.getvalue() == ""  # the page's websocket saw nothing
    assert f"request r1 (exportData) on dashboard 'sales' failed, reference {found[1]}" in logged
    assert "Traceback" in logged and "RuntimeError: Binder Error: SELECT sum(revenue) FROM orders" in logged
    assert secret not in logged and "postgresql://bheem:***@db.internal" in logged
