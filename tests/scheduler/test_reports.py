"""Report jobs end to end: the real report notebook through papermill, run as the owner (RLS), delivered to a
real SMTP server and a real HTTP receiver; a revoked owner stops the job and is told; no secret leaks."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from bheem_nb.scheduler import Scheduler, load_config

from tests.scheduler.conftest import (
    HOOK_KEY,
    REPORT_NOTEBOOK,
    SMTP_PASSWORD,
    SMTP_USER,
    USERS,
    Receiver,
    Shop,
    SmtpServer,
    base_config,
    write_config,
)

pytestmark = pytest.mark.slow


def _expected(shop: Shop, region: str | None) -> dict[str, float]:
    """Revenue by region straight from DuckDB, filtered by hand like the RLS rule would."""
    where = "WHERE region = ?" if region else ""
    rows = shop.execute(f"SELECT region, sum(amount) FROM orders {where} GROUP BY 1 ORDER BY 1",
                        [region] if region else [])
    return {r: float(v) for r, v in rows}


def _job(shop: Shop, receiver: Receiver, owner: str, **extra: object) -> dict[str, object]:
    return {"name": "daily_sales", "kind": "notebook", "notebook": str(REPORT_NOTEBOOK), "model": str(shop.model),
            "owner": owner, "schedule": {"cron": "0 7 * * *", "timezone": "Europe/Berlin"},
            "parameters": {"title": "Daily revenue"}, "timeout": 300,
            "deliver": [{"email": {"to": ["boss@acme.com", owner], "subject": "Daily revenue"}},
                        {"webhook": {"url": receiver.url, "secret": {"env": "BHEEM_TEST_HOOK_KEY"}}}],
            **extra}


def test_report_runs_as_owner_and_is_delivered(shop: Shop, smtp_server: SmtpServer, receiver: Receiver,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("BHEEM_TEST_HOOK_KEY", HOOK_KEY)
    cfg = write_config(tmp_path / "jobs.yml", base_config(tmp_path, smtp_server,
                                                          [_job(shop, receiver, "alice@acme.com")]))
    sched = Scheduler.from_file(cfg)
    start = dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)
    assert sched.tick(start) == []  # registers the job; its first slot is 07:00 Berlin = 06:00 UTC
    t0 = time.perf_counter()
    runs = sched.tick(start + dt.timedelta(hours=1, minutes=30))
    took = time.perf_counter() - t0
    assert [r.status for r in runs] == ["succeeded"], runs[0].error
    run = runs[0]
    assert run.slot == dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    print(f"papermill report run: {run.duration_s:.2f} s (tick {took:.2f} s)")

    # outputs per run: the executed notebook and the HTML report, with alice's numbers only
    expected = _expected(shop, "North")
    html = Path(run.outputs["html"]).read_text()
    assert Path(run.outputs["notebook"]).is_file()
    for value in expected.values():
        assert f"{value:,.2f}" in html
    other = _expected(shop, "South")["South"]
    assert f"{other:,.2f}" not in html
    assert "IPython.core.display" not in html and "hide-in-report" not in html  # report readers see the report

    # email: recipients, subject, the numbers in the inline report, login with the secret password
    assert len(smtp_server.mails) == 1
    mail = smtp_server.mails[0]
    assert sorted(mail.recipients) == ["alice@acme.com", "boss@acme.com"]
    assert mail.subject == "Daily revenue"
    body = mail.html()
    assert f"{expected['North']:,.2f}" in body and f"{sum(expected.values()):,.2f}" in body
    assert smtp_server.logins == [(SMTP_USER, SMTP_PASSWORD)]

    # webhook: JSON with the report's numbers, signed with HMAC-SHA256 over the exact body
    assert len(receiver.hooks) == 1
    hook = receiver.hooks[0]
    want = "sha256=" + hmac.new(HOOK_KEY.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["X-Bheem-Signature"] == want
    payload = hook.json()
    assert payload["job"] == "daily_sales" and payload["slot"] == "2026-03-02T06:00:00+00:00"
    assert payload["summary"]["values"] == pytest.approx({k: round(v, 2) for k, v in expected.items()})

    # the same slot never runs twice, history records it
    assert sched.tick(start + dt.timedelta(hours=2)) == []
    hist = sched.store.history("daily_sales")
    assert [(h.status, h.attempt) for h in hist] == [("succeeded", 1)] and hist[0].duration_s > 0

    # secrets appear in no output, no run history, no payload, no mail
    texts = [p.read_text(errors="replace") for p in Path(run.outputs["notebook"]).parent.iterdir()]
    texts += [json.dumps(h.outputs) + (h.error or "") for h in hist]
    texts += [hook.body.decode(), mail.message.as_string()]
    for text in texts:
        assert SMTP_PASSWORD not in text and HOOK_KEY not in text


def test_attached_report_and_pdf(shop: Shop, smtp_server: SmtpServer, receiver: Receiver, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    job = _job(shop, receiver, "ops@acme.com", formats=["html", "pdf"],
               deliver=[{"email": {"to": ["boss@acme.com"], "attach": True}}])
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", base_config(tmp_path, smtp_server, [job]))))
    run = sched.run_now("daily_sales")
    assert run.status == "succeeded", run.error
    expected = _expected(shop, None)  # ops bypasses RLS: every region
    mail = smtp_server.mails[0]
    assert "report.html" in mail.attachments()
    for value in expected.values():
        assert f"{value:,.2f}" in mail.html()
    if run.outputs["pdf"]:
        assert Path(run.outputs["pdf"]).read_bytes().startswith(b"%PDF")
        assert "report.pdf" in mail.attachments()
    else:
        assert any("pdf" in n for n in run.outputs["notes"])


def test_revoked_owner_stops_the_job_and_is_notified(shop: Shop, smtp_server: SmtpServer, receiver: Receiver,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("BHEEM_TEST_HOOK_KEY", HOOK_KEY)
    cfg = write_config(tmp_path / "jobs.yml", base_config(tmp_path, smtp_server,
                                                          [_job(shop, receiver, "alice@acme.com")]))
    shop.write_model([u for u in USERS if u["email"] != "alice@acme.com"])  # alice left the company
    sched = Scheduler.from_file(cfg)
    run = sched.run_now("daily_sales")
    assert run.status == "failed"
    assert "'alice@acme.com' is no longer a user of model 'shop'" in (run.error or "")
    assert receiver.hooks == []  # nothing was delivered to the subscribers
    assert [m.recipients for m in smtp_server.mails] == [["alice@acme.com"]]
    notice = smtp_server.mails[0]
    assert notice.subject == "[bheem] job daily_sales failed"
    assert "no longer a user" in notice.html()
    assert not (tmp_path / "runs" / "daily_sales").exists()  # the notebook never ran
