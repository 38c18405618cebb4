"""Alerts driven through the real CLI (`bheem scheduler tick --now`): a value walks across its threshold and
back; exactly one alert and one recovery arrive by email and webhook, none during the cooldown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bheem_nb.scheduler import Scheduler, load_config
from bheem_nb.scheduler.alerts import condition_met
from bheem_nb.scheduler.spec import Condition

from tests.scheduler.conftest import SMTP_PASSWORD, Receiver, Shop, SmtpServer, base_config, bheem, write_config

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


def _north(shop: Shop) -> float:
    return float(shop.execute("SELECT sum(amount) FROM orders WHERE region = 'North'")[0][0])


def test_conditions() -> None:
    assert condition_met(Condition(op=">", value=10), 10.5, None)
    assert not condition_met(Condition(op=">=", value=10), 9.99, None)
    assert condition_met(Condition(op="=", value=0.3), 0.1 + 0.2, None)
    assert condition_met(Condition(op="!=", value=1), 2, None)
    assert not condition_met(Condition(op="change_by", value=5), 100, None)  # nothing to compare with yet
    assert condition_met(Condition(op="change_by", value=5), 94, 100)
    assert not condition_met(Condition(op="change_by_pct", value=10), 109, 100)
    assert condition_met(Condition(op="change_by_pct", value=10), 89, 100)


@pytest.mark.slow
def test_value_walks_across_the_threshold_and_back(shop: Shop, smtp_server: SmtpServer, receiver: Receiver,
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _north(shop)
    threshold = base + 100  # North revenue starts below; adding 150 crosses it
    job = {"name": "north_revenue", "kind": "alert", "model": str(shop.model), "owner": "alice@acme.com",
           "schedule": {"cron": "*/10 * * * *", "timezone": "UTC"},
           "query": {"measures": ["revenue"]},  # alice's RLS scope: North only
           "condition": {"op": ">", "value": threshold}, "cooldown": 3600,
           "deliver": [{"email": {"to": ["alice@acme.com"]}}, {"webhook": {"url": receiver.url}}]}
    cfg = write_config(tmp_path / "jobs.yml", base_config(tmp_path, smtp_server, [job]))
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)

    sched = Scheduler(load_config(cfg))

    def tick(minutes: int, cli: bool = False) -> None:
        """One pass at T0 + minutes: through the real CLI, or in-process (the same code, faster)."""
        now = T0 + dt.timedelta(minutes=minutes)
        if cli:
            done = bheem("scheduler", "tick", "--config", str(cfg), "--now", now.isoformat())
            assert done.returncode == 0, done.stderr
        else:
            assert [r.status for r in sched.tick(now)] == ["succeeded"]

    def set_extra(amount: float) -> None:
        shop.execute("DELETE FROM orders WHERE order_id = 999")
        if amount:
            shop.execute("INSERT INTO orders VALUES (999, 'North', ?, TIMESTAMP '2026-05-01')", [amount])

    def events() -> list[str]:
        return [h.json()["event"] for h in receiver.hooks]

    tick(0, cli=True)  # registers the job
    tick(10)  # below the threshold
    assert events() == [] and smtp_server.mails == []
    set_extra(150)
    tick(20, cli=True)  # crosses: one alert
    assert events() == ["alert"]
    alert = receiver.hooks[0].json()
    assert alert["value"] == pytest.approx(base + 150) and alert["previous"] == pytest.approx(base)
    assert smtp_server.mails[0].subject.startswith("[bheem alert] north_revenue: revenue >")
    assert smtp_server.mails[0].recipients == ["alice@acme.com"]
    tick(30)  # still above: no second alert
    set_extra(0)
    tick(40, cli=True)  # back below: one recovery
    assert events() == ["alert", "recovery"]
    assert smtp_server.mails[1].subject == "[bheem recovered] north_revenue: back to normal"
    set_extra(150)
    tick(50)  # above again within the hour's cooldown (alert was at :20): nothing
    set_extra(0)
    tick(60)
    set_extra(150)
    tick(70)
    assert events() == ["alert", "recovery"]
    tick(80)  # 60 minutes after the first alert: the cooldown is over and it is still above
    assert events() == ["alert", "recovery", "alert"]
    assert len(smtp_server.mails) == 3

    state = sched.store.alert_state("north_revenue")
    assert state.firing and state.last_value == pytest.approx(base + 150)
    history = sched.store.history("north_revenue", limit=None)
    assert len(history) == 8 and {h.status for h in history} == {"succeeded"}
    suppressed = [h.slot.minute for h in history if h.outputs.get("suppressed_by_cooldown")]
    assert sorted(suppressed) == [10, 50]  # :50 and 1:10 breached within the cooldown
    listing = bheem("scheduler", "history", "north_revenue", "--config", str(cfg))
    assert listing.returncode == 0 and listing.stdout.count("north_revenue") == 8


class _Crash(BaseException):
    """The process dying mid-delivery (nothing in the scheduler catches it, as nothing survives a SIGKILL)."""


@pytest.mark.slow
def test_a_crash_mid_delivery_resends_the_same_alert_never_a_second_one(
        shop: Shop, smtp_server: SmtpServer, receiver: Receiver, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The alert is saved as firing with its notice pending before it is sent. The process dies after the email,
    before the webhook; after the restart the retry sends that same notice to the webhook only, and the value,
    changed meanwhile, raises no second alert."""
    from bheem_nb.scheduler import delivery

    base = _north(shop)
    job = {"name": "north_revenue", "kind": "alert", "model": str(shop.model), "owner": "alice@acme.com",
           "schedule": {"cron": "*/10 * * * *", "timezone": "UTC"}, "query": {"measures": ["revenue"]},
           "condition": {"op": ">", "value": base + 100}, "retries": 1, "backoff": 0,
           "deliver": [{"email": {"to": ["alice@acme.com"]}}, {"webhook": {"url": receiver.url}}]}
    cfg = load_config(write_config(tmp_path / "jobs.yml", base_config(tmp_path, smtp_server, [job], lease=60)))
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    wall = dt.datetime.now(dt.UTC)
    first = Scheduler(cfg, worker="first", clock=lambda: wall)
    first.tick(T0)
    shop.execute("INSERT INTO orders VALUES (999, 'North', 150, TIMESTAMP '2026-05-01')")

    def crash(*_: object) -> None:
        raise _Crash()

    monkeypatch.setattr(delivery, "post_webhook", crash)
    with pytest.raises(_Crash):
        first.tick(T0 + dt.timedelta(minutes=10))
    monkeypatch.undo()
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    assert [m.subject.split(":")[0] for m in smtp_server.mails] == ["[bheem alert] north_revenue"]
    assert receiver.hooks == []
    saved = first.store.alert_state("north_revenue")
    assert saved.firing and saved.pending is not None and len(saved.pending["sent"]) == 1  # the email

    shop.execute("UPDATE orders SET amount = 300 WHERE order_id = 999")  # a second alert would say base + 300
    restarted = Scheduler(cfg, worker="restarted", clock=lambda: wall + dt.timedelta(seconds=61))
    runs = restarted.tick(T0 + dt.timedelta(minutes=10))  # the lost run's lease has run out: retried
    assert [(r.status, r.attempt, r.worker) for r in runs] == [("succeeded", 2, "restarted")]
    restarted.tick(T0 + dt.timedelta(minutes=20))  # still above: nothing new
    assert len(smtp_server.mails) == 1
    assert [h.json()["event"] for h in receiver.hooks] == ["alert"]
    resent = receiver.hooks[0].json()
    assert resent["value"] == pytest.approx(base + 150)  # the notice decided before the crash
    assert resent["slot"] == (T0 + dt.timedelta(minutes=10)).isoformat()
    state = restarted.store.alert_state("north_revenue")
    assert state.firing and state.pending is None and state.last_value == pytest.approx(base + 300)


def test_a_failed_target_is_retried_alone(shop: Shop, smtp_server: SmtpServer, receiver: Receiver, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook answers 500: the run waits for its retry; the retry sends the pending notice to the webhook only."""
    job = {"name": "any_revenue", "kind": "alert", "model": str(shop.model), "owner": "alice@acme.com",
           "schedule": {"cron": "*/10 * * * *", "timezone": "UTC"}, "query": {"measures": ["revenue"]},
           "condition": {"op": ">", "value": 0}, "retries": 2, "backoff": 60,
           "deliver": [{"email": {"to": ["alice@acme.com"]}}, {"webhook": {"url": receiver.url}}]}
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", base_config(tmp_path, smtp_server, [job]))))
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    sched.tick(T0)
    receiver.status = 500
    failed = sched.tick(T0 + dt.timedelta(minutes=10))
    assert [(r.status, r.attempt) for r in failed] == [("retry_wait", 1)] and "500" in (failed[0].error or "")
    assert len(smtp_server.mails) == 1 and len(receiver.hooks) == 1  # the webhook was tried
    receiver.status = 200
    retried = sched.tick(T0 + dt.timedelta(minutes=11))  # backoff over, before the next slot
    assert [(r.status, r.attempt) for r in retried] == [("succeeded", 2)]
    assert len(smtp_server.mails) == 1  # not emailed twice
    assert [h.json()["event"] for h in receiver.hooks] == ["alert", "alert"]  # the refused try, then the retry
    assert receiver.hooks[1].body == receiver.hooks[0].body  # the same notice
