"""Configuration errors, parameter and SSRF guards, retries with exponential backoff, failure notices,
revoked workspace access and secrets kept out of history and errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import pytest
from bheem_nb.scheduler import Scheduler, SchedulerError, load_config, parse_job
from bheem_nb.scheduler.secrets import SecretResolver
from bheem_nb.scheduler.spec import WebhookPolicy
from bheem_nb.scheduler.ssrf import WebhookRefused, check_url
from cryptography.fernet import Fernet
from papermill.translators import PythonTranslator

from bheem_nb.security.identity import User
from bheem_nb.store.metadata import MetadataStore
from bheem_nb.store.secrets import SecretBox
from tests.scheduler.conftest import SMTP_PASSWORD, Receiver, Shop, SmtpServer, base_config, bheem, write_config

T0 = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)


def _alert(shop: Shop, **kw: object) -> dict[str, object]:
    return {"name": "rev", "kind": "alert", "model": str(shop.model), "owner": "alice@acme.com",
            "query": {"measures": ["revenue"]}, "condition": {"op": ">", "value": 0}, **kw}


def test_yaml_errors_name_the_file_line_and_key(tmp_path: Path) -> None:
    cfg = tmp_path / "jobs.yml"
    cfg.write_text("jobs:\n  - name: daily\n    kind: notebook\n    notebook: r.ipynb\n    model: m.yml\n"
                   "    schedule:\n      cron: '61 * * * *'\n      timezone: Mars/Olympus\n"
                   "  - name: x\n    kind: refrsh\n")
    with pytest.raises(SchedulerError) as err:
        load_config(cfg)
    text = str(err.value)
    assert f"{cfg}:2: jobs.0.owner: missing required key 'owner'" in text
    assert f"{cfg}:7: jobs.0.schedule.cron: not a valid cron expression: '61 * * * *'" in text
    assert "jobs.0.schedule.timezone: unknown time zone 'Mars/Olympus'" in text
    assert (f"{cfg}:9: jobs.1: unknown job kind 'refrsh'; kinds are notebook, refresh, alert; "
            "did you mean 'refresh'?") in text


def test_parameters_are_values_never_code() -> None:
    base = {"name": "r", "kind": "notebook", "notebook": "r.ipynb", "model": "m.yml", "owner": "a@b.c"}
    with pytest.raises(SchedulerError, match="parameter 'bheem_user': names starting with 'bheem_' are set by"):
        parse_job({**base, "parameters": {"bheem_user": "u_ops"}})
    with pytest.raises(SchedulerError, match=r"parameters\.region"):
        parse_job({**base, "parameters": {"region": object()}})
    with pytest.raises(SchedulerError, match="not a Python identifier"):
        parse_job({**base, "parameters": {"x=1;import os": 1}})
    sneaky = "__import__('os').system('touch /tmp/pwned')"
    job = parse_job({**base, "parameters": {"region": sneaky, "n": [1, {"a": None}]}})
    code = PythonTranslator.codify(job.parameters)  # what papermill injects: literals only
    assert f"region = {sneaky!r}" in code.replace('"', "'") or repr(sneaky) in code


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://localhost/x", "http://169.254.169.254/latest/",
                                 "http://10.1.2.3/x", "http://[::1]/x", "http://192.168.0.10/x",
                                 "http://[::ffff:127.0.0.1]/x"])
def test_ssrf_refuses_internal_addresses_by_default(url: str) -> None:
    with pytest.raises(WebhookRefused, match="refused to prevent SSRF"):
        check_url(url, WebhookPolicy())


def test_ssrf_allowlist() -> None:
    loop = WebhookPolicy(allow_networks=["127.0.0.1/32"])
    assert check_url("http://127.0.0.1:8080/hook", loop)[2] == "127.0.0.1"
    with pytest.raises(WebhookRefused, match=r"169\.254\.169\.254, a link-local"):
        check_url("http://169.254.169.254/", loop)
    with pytest.raises(WebhookRefused, match=r"not in webhooks\.allow_hosts"):
        check_url("http://127.0.0.1/", WebhookPolicy(allow_hosts=["hooks.example.com"],
                                                     allow_networks=["127.0.0.0/8"]))
    with pytest.raises(WebhookRefused, match="credentials"):
        check_url("http://user:pw@127.0.0.1/", loop)


def test_unlisted_webhook_is_refused_in_a_run(shop: Shop, receiver: Receiver, tmp_path: Path) -> None:
    data = base_config(tmp_path, None, [_alert(shop, deliver=[{"webhook": {"url": receiver.url}}])])
    data["webhooks"] = {}
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", data)))
    run = sched.run_now("rev")
    assert run.status == "failed" and "127.0.0.1, a loopback address; refused to prevent SSRF" in (run.error or "")
    assert receiver.hooks == []


def test_retries_back_off_then_fail_and_notify_with_a_stored_secret(
        shop: Shop, receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("BHEEM_SECRET_KEYS", key)
    hook_key = "stored-hook-key-41d2"
    job = {"name": "copy", "kind": "refresh", "model": str(shop.model), "owner": "ops@acme.com",
           "sql": "SELECT * FROM payroll", "target": {"database": str(tmp_path / "wh.duckdb"), "table": "t"},
           "schedule": {"cron": "0 * * * *"}, "retries": 2, "backoff": 60,
           "notify_failure": [{"webhook": {"url": receiver.url, "secret": {"store": "hook"}}}]}
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", base_config(tmp_path, None, [job]))))
    SecretResolver(sched.store, SecretBox.from_env()).put("hook", hook_key)
    sched.tick(T0)
    first = sched.tick(T0 + dt.timedelta(hours=1))
    assert [(r.status, r.attempt) for r in first] == [("retry_wait", 1)]
    assert "'payroll' is not a table of the model" in (first[0].error or "")
    assert sched.tick(T0 + dt.timedelta(hours=1, seconds=59)) == []  # backoff 60 s not over
    second = sched.tick(T0 + dt.timedelta(hours=1, seconds=60))
    assert [(r.status, r.attempt) for r in second] == [("retry_wait", 2)]
    assert sched.tick(T0 + dt.timedelta(hours=1, seconds=60 + 119)) == []  # then 120 s
    third = sched.tick(T0 + dt.timedelta(hours=1, seconds=60 + 120))
    assert [(r.status, r.attempt) for r in third] == [("failed", 3)]
    assert receiver.hooks and len(receiver.hooks) == 1
    notice = receiver.hooks[0]
    assert notice.headers["X-Bheem-Signature"] == "sha256=" + hmac.new(hook_key.encode(), notice.body,
                                                                       hashlib.sha256).hexdigest()
    assert notice.json()["event"] == "failure" and notice.json()["attempts"] == 3
    assert hook_key.encode() not in notice.body
    assert hook_key.encode() not in (tmp_path / "sched.sqlite").read_bytes()  # stored encrypted only


@pytest.mark.slow
def test_wrong_smtp_password_never_reaches_history(shop: Shop, smtp_server: SmtpServer, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    wrong = "not-the-Pa55word-9"
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", wrong)
    cfg = base_config(tmp_path, smtp_server, [_alert(shop, deliver=[{"email": {"to": ["alice@acme.com"]}}])])
    cfg["smtp"]["timeout"] = 5  # aiosmtpd holds the line after a failed login
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", cfg)))
    with caplog.at_level("INFO", logger="bheem_nb.scheduler"):
        run = sched.run_now("rev")
    assert run.status == "failed" and "email to alice@acme.com via 127.0.0.1" in (run.error or "")
    assert ("mailer", wrong) in smtp_server.logins and smtp_server.mails == []
    assert wrong not in (run.error or "") and wrong not in caplog.text
    assert wrong.encode() not in (tmp_path / "sched.sqlite").read_bytes()
    assert SMTP_PASSWORD not in (run.error or "")


def test_owner_losing_workspace_access_stops_the_job(shop: Shop, tmp_path: Path) -> None:
    cfg = base_config(tmp_path, None, [_alert(shop, workspace="sales")])
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", cfg)))
    meta = MetadataStore(sched.store.engine, migrate=False)
    admin = User("u_ops", email="ops@acme.com")
    meta.create_workspace("sales", owner=admin)
    meta.add_member("sales", "u_alice", "viewer", by=admin)
    assert sched.run_now("rev", now=T0).status == "succeeded"
    meta.remove_member("sales", "u_alice", by=admin)
    run = sched.run_now("rev", now=T0 + dt.timedelta(minutes=1))
    assert run.status == "failed"
    assert run.error == "job 'rev': its owner 'alice@acme.com' may no longer view model 'shop' in workspace 'sales'"


def test_jobs_added_from_python_are_kept_beside_the_files_jobs(shop: Shop, tmp_path: Path) -> None:
    cfg = load_config(write_config(tmp_path / "jobs.yml", base_config(tmp_path, None, [_alert(shop)])))
    sched = Scheduler(cfg)
    sched.add_job(_alert(shop, name="py_alert", schedule={"cron": "0 9 * * *", "timezone": "Asia/Tokyo"}), now=T0)
    runs = sched.tick(T0 + dt.timedelta(days=1))  # 09:00 Tokyo = 00:00 UTC, once
    assert [(r.job, r.slot) for r in runs] == [("py_alert", dt.datetime(2026, 7, 2, 0, 0, tzinfo=dt.UTC))]
    again = Scheduler(cfg)  # a restart: the file's jobs sync, the stored one stays
    assert sorted(j.name for j, _ in again.jobs()) == ["py_alert", "rev"]
    assert again.remove_job("py_alert") and [j.name for j, _ in again.jobs()] == ["rev"]


@pytest.mark.slow
def test_cli_add_list_and_run_now(shop: Shop, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "jobs.yml", base_config(tmp_path, None, [
        _alert(shop, schedule={"cron": "30 6 * * 1-5", "timezone": "America/New_York"})]))
    job_file = write_config(tmp_path / "extra.yml", _alert(shop, name="extra", model="shop.yml"))
    added = bheem("scheduler", "add", str(job_file), "--config", str(cfg))
    assert added.returncode == 0, added.stderr
    listing = bheem("scheduler", "list", "--config", str(cfg))
    assert listing.returncode == 0, listing.stderr
    assert "30 6 * * 1-5 (America/New_York)" in listing.stdout and "extra " in listing.stdout
    assert Scheduler(load_config(cfg)).job("extra").model == str(shop.model)  # resolved beside the job file
    now = bheem("scheduler", "run-now", "rev", "--config", str(cfg))
    assert now.returncode == 0, now.stderr
    assert "succeeded" in now.stdout and "manual" in now.stdout
    missing = bheem("scheduler", "run-now", "revv", "--config", str(cfg))
    assert missing.returncode == 2 and "no job named 'revv'; did you mean 'rev'?" in missing.stderr
