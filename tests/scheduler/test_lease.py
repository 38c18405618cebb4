"""A worker that stalls past its lease loses the run to another worker on the same store: its renewals, its pid
and its result write nothing, and it delivers nothing more; the worker that took over delivers once and
records the run. Stalls are simulated by advancing an injected clock, never by sleeping."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bheem_nb.scheduler import Scheduler, load_config
from bheem_nb.scheduler.lease import Claim, LeaseLost
from bheem_nb.scheduler.store import SchedulerStore

from tests.scheduler.conftest import Receiver, Shop, base_config, write_config

T0 = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
LEASE = 600.0  # seconds; the heartbeat thread's first beat (LEASE / 3 of real time) never falls inside a test


@pytest.fixture
def store(tmp_path: Path) -> SchedulerStore:
    return SchedulerStore(f"sqlite:///{tmp_path / 'sched.sqlite'}")


def _take_over(store: SchedulerStore, run_id: int, worker: str, wall: dt.datetime) -> None:
    """What `recover` then a retry do on another worker: the expired run to retry_wait, then claimed again."""
    lost = next(r for r in store.expired(wall) if r.id == run_id)
    assert store.take_over(lost, status="retry_wait", error="lease ran out", next_attempt_at=T0, wall_now=wall)
    assert store.claim_retry(run_id, worker=worker, lease_until=wall + dt.timedelta(seconds=LEASE))


@pytest.mark.parametrize("successor", ["B", "A"])  # "A": a restarted worker with the same name; the attempt differs
def test_only_the_claim_holder_writes_the_run(store: SchedulerStore, successor: str) -> None:
    wall = dt.datetime.now(dt.UTC)
    run_id = store.claim("j", T0, trigger="schedule", worker="A", lease_until=wall + dt.timedelta(seconds=30))
    assert run_id is not None
    assert not store.heartbeat(run_id, "B", wall, attempt=1)  # not B's run
    # the lease ran out but nobody took the run yet: the holder's renewal and a take-over race, one wins
    late = wall + dt.timedelta(seconds=40)
    expired = store.expired(late)
    assert [r.id for r in expired] == [run_id]
    assert store.heartbeat(run_id, "A", late + dt.timedelta(seconds=30), attempt=1)
    assert not store.take_over(expired[0], status="retry_wait", error="x", next_attempt_at=T0, wall_now=late)

    _take_over(store, run_id, successor, wall + dt.timedelta(seconds=200))
    # the stalled holder of attempt 1 wakes up: nothing it writes lands
    assert not store.heartbeat(run_id, "A", wall + dt.timedelta(seconds=900), attempt=1)
    assert not store.set_pid(run_id, 4242, worker="A", attempt=1)
    assert not store.finish(run_id, "succeeded", worker="A", attempt=1, error=None, outputs={"from": "A"},
                            duration_s=1.0)
    row = store.run(run_id)
    assert (row.status, row.attempt, row.worker, row.pid, row.outputs) == ("running", 2, successor, None, {})
    assert store.finish(run_id, "succeeded", worker=successor, attempt=2, error=None, outputs={"from": "new"},
                        duration_s=1.0)
    assert (store.run(run_id).status, store.run(run_id).outputs) == ("succeeded", {"from": "new"})


def test_the_heartbeat_notices_a_lost_run_and_stops_the_work(store: SchedulerStore) -> None:
    wall = dt.datetime.now(dt.UTC)
    run_id = store.claim("j", T0, trigger="schedule", worker="A", lease_until=wall + dt.timedelta(seconds=30))
    assert run_id is not None
    stopped = threading.Event()
    claim = Claim(store, run_id, worker="A", attempt=1, lease=0.3, clock=lambda: wall)  # beats every 0.1 s
    claim.on_lost(stopped.set)  # what a notebook run registers: kill its papermill group
    claim.start()
    try:
        _take_over(store, run_id, "B", wall + dt.timedelta(seconds=60))
        assert stopped.wait(timeout=60), "the heartbeat did not notice that worker B holds the run"
    finally:
        claim.stop()
    assert claim.lost.is_set()
    with pytest.raises(LeaseLost, match=rf"run {run_id}: worker A lost attempt 1 to another worker .*; "
                                         "delivery to ops abandoned"):
        claim.confirm("delivery to ops")
    assert not claim.finish("failed", error="x", outputs={}, duration_s=0.1)
    assert store.run(run_id).worker == "B"


def _alert_job(shop: Shop, receiver: Receiver) -> dict[str, Any]:
    return {"name": "big_north", "kind": "alert", "model": str(shop.model), "owner": "alice@acme.com",
            "schedule": {"cron": "*/10 * * * *", "timezone": "UTC"}, "query": {"measures": ["revenue"]},
            "condition": {"op": ">", "value": 0}, "retries": 1, "backoff": 0,
            "deliver": [{"webhook": {"url": receiver.url}}]}


@pytest.mark.parametrize("stall_in", ["alert_state", "save_alert_state"])
def test_a_worker_stalled_past_its_lease_delivers_nothing(shop: Shop, receiver: Receiver, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture, stall_in: str) -> None:
    """Worker A stalls while running the alert (before deciding it, or after saving it as pending but before
    sending); its lease runs out, worker B takes the run over and delivers; A wakes up and sends nothing."""
    cfg = load_config(write_config(tmp_path / "jobs.yml", base_config(tmp_path, None, [_alert_job(shop, receiver)],
                                                                      lease=LEASE)))
    wall = [dt.datetime.now(dt.UTC)]
    a = Scheduler(cfg, worker="A", clock=lambda: wall[0])
    b = Scheduler(cfg, worker="B", clock=lambda: wall[0])
    slot = T0 + dt.timedelta(minutes=10)
    assert a.tick(T0) == []  # registers the job; its first slot is T0 + 10 min
    by_b: list[Any] = []
    real: Callable[..., Any] = getattr(a.store, stall_in)

    def stall(*args: Any) -> Any:
        result = real(*args)
        if not by_b:  # once: A is frozen here past its lease; meanwhile B's pass takes the run over
            wall[0] += dt.timedelta(seconds=LEASE + 1)
            by_b.extend(b.tick(slot))
        return result

    monkeypatch.setattr(a.store, stall_in, stall)
    with caplog.at_level(logging.WARNING, logger="bheem_nb.scheduler"):
        assert a.tick(slot) == []  # A finished nothing: the run is B's

    north = shop.execute("SELECT sum(amount) FROM orders WHERE region = 'North'")[0][0]
    assert [h.json()["event"] for h in receiver.hooks] == ["alert"]  # one notice, from B, not a second from A
    assert receiver.hooks[0].json()["value"] == pytest.approx(north)  # alice's RLS scope: North
    runs = b.store.history("big_north", limit=None)
    assert len(runs) == 1 and by_b == runs
    assert (runs[0].slot, runs[0].status, runs[0].attempt, runs[0].worker) == (slot, "succeeded", 2, "B")
    state = b.store.alert_state("big_north")
    assert state.firing and state.pending is None
    assert any("worker A lost the run" in r.getMessage() for r in caplog.records)
    assert any("attempt 1 abandoned" in r.getMessage() for r in caplog.records)
