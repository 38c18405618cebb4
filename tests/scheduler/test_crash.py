"""Kill `bheem scheduler run` (SIGKILL) in the middle of a papermill run and start it again: the lost attempt
is detected by its expired lease and retried, every slot completes exactly once, nothing runs concurrently,
and a job failing at every slot does not stop the loop."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bheem_nb.scheduler import Scheduler, load_config
from bheem_nb.scheduler.store import SchedulerStore
from cryptography.fernet import Fernet

from tests.scheduler.conftest import ROOT, SMTP_PASSWORD, Shop, SmtpServer, base_config, write_config

pytestmark = pytest.mark.slow
EVERY_S = 30


def _slow_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('bheem_model = None\nbheem_user = None\nbheem_slot = None\nlog_path = ""')
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import os, time\n"
        "from bheem_nb.model.semantic import SemanticModel\n"
        "def log(word):\n"
        "    with open(log_path, 'a') as f:\n"
        "        f.write(f'{word} {bheem_slot} {os.getpid()}\\n')\n"
        "log('start')\n"
        "time.sleep(4)\n"
        "SemanticModel.from_yaml(bheem_model).query(measures=['revenue'], user=bheem_user)\n"
        "log('end')\n")
    nb.cells = [params, body]
    nbformat.write(nb, path)
    return path


def _start(cfg: Path, out: Path) -> subprocess.Popen[bytes]:
    log = out.open("ab")
    return subprocess.Popen([sys.executable, "-m", "bheem_nb", "scheduler", "run", "--config", str(cfg),
                             "--poll", "0.5"], cwd=ROOT, stdout=log, stderr=log)


def _lines(path: Path) -> list[tuple[str, str, int]]:
    if not path.exists():
        return []
    return [(w, s, int(p)) for w, s, p in (line.split() for line in path.read_text().splitlines())]


def _wait(check: object, timeout: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n--- scheduler log ---\n{logs.read_text()[-3000:]}")
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_kill_mid_run_and_restart(shop: Shop, tmp_path: Path) -> None:
    marks = tmp_path / "marks.log"
    job = {"name": "slow_report", "kind": "notebook", "notebook": str(_slow_notebook(tmp_path / "slow.ipynb")),
           "model": str(shop.model), "owner": "alice@acme.com", "retries": 1, "backoff": 0, "timeout": 300,
           "schedule": {"cron": f"* * * * * */{EVERY_S}", "timezone": "UTC"},
           "parameters": {"log_path": str(marks)}}
    broken = {"name": "broken_alert", "kind": "alert", "model": str(shop.model), "owner": "nobody@acme.com",
              "query": {"measures": ["revenue"]}, "condition": {"op": ">", "value": 0},
              "schedule": {"cron": f"* * * * * */{EVERY_S}", "timezone": "UTC"}}  # fails every slot
    cfg = write_config(tmp_path / "jobs.yml", base_config(tmp_path, None, [broken, job], lease=3))
    logs = tmp_path / "scheduler.log"

    first = _start(cfg, logs)
    try:
        _wait(lambda: any(w == "start" for w, _, _ in _lines(marks)), 300, "the first run to start", logs)
        _, killed_slot, killed_kernel = _lines(marks)[0]
        os.kill(first.pid, signal.SIGKILL)  # mid-run: the notebook sleeps between 'start' and 'end'
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
    # the papermill child dies with its scheduler, and its kernel with it: attempt 1 never finishes
    _wait(lambda: not _alive(killed_kernel), 30, "the orphaned kernel to exit", logs)
    assert not any(w == "end" and s == killed_slot for w, s, _ in _lines(marks))

    store = SchedulerStore(f"sqlite:///{tmp_path / 'sched.sqlite'}")
    lost = store.history("slow_report")[0]
    assert (lost.status, lost.attempt) == ("running", 1)  # claimed, its worker gone

    second = _start(cfg, logs)
    try:
        def done() -> bool:
            runs = store.history("slow_report", limit=None)
            retried = any(r.slot == lost.slot and r.status == "succeeded" and r.attempt == 2 for r in runs)
            return retried and sum(r.status == "succeeded" for r in runs) >= 2
        _wait(done, 400, "the lost slot's retry and a later slot", logs)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=120)

    runs = sorted(store.history("slow_report", limit=None), key=lambda r: r.slot)
    marks_now = _lines(marks)
    ends = collections.Counter(s for w, s, _ in marks_now if w == "end")
    starts = collections.Counter(s for w, s, _ in marks_now if w == "start")
    finished = [r for r in runs if r.status == "succeeded"]
    for r in finished:
        assert ends[r.slot.isoformat()] == 1, f"slot {r.slot} ran {ends[r.slot.isoformat()]} times"
    assert starts[killed_slot] == 2 and ends[killed_slot] == 1
    assert set(ends) <= {r.slot.isoformat() for r in finished}
    # no slot was skipped: the slots form an unbroken sequence from the first to the last
    slots = [r.slot for r in runs]
    assert slots == [slots[0] + dt.timedelta(seconds=EVERY_S * i) for i in range(len(slots))]
    assert all(r.status in ("succeeded", "running", "retry_wait") for r in runs)
    # runs never overlapped: each start comes after the previous run's end (or the killed one)
    open_run: str | None = None
    for word, slot, _ in marks_now:
        if word == "start":
            assert open_run is None or open_run == killed_slot, f"{slot} started while {open_run} ran"
            open_run = slot
        else:
            assert open_run == slot
            open_run = None
    # the loop survived a job failing at every slot
    failing = store.history("broken_alert", limit=None)
    assert len(failing) >= 2 and {r.status for r in failing} == {"failed"}
    assert "'nobody@acme.com' is no longer a user of model 'shop'" in (failing[0].error or "")
    lost_run = next(r for r in runs if r.slot == lost.slot)
    print(f"lost slot retried: attempt {lost_run.attempt}, {lost_run.duration_s:.2f} s; "
          f"{len(finished)} slot(s) completed once each")


def test_notebook_past_its_timeout_is_stopped(shop: Shop, smtp_server: SmtpServer, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook still running at the job's timeout is killed with its kernel, the run fails clearly and the
    owner is told; the kernel's environment holds the owner but none of the scheduler's secrets."""
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("BHEEM_SECRET_KEYS", Fernet.generate_key().decode())
    marks = tmp_path / "marks.log"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('bheem_model = None\nbheem_user = None\nbheem_slot = None\nlog_path = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import json, os, time\nopen(log_path, 'w').write(json.dumps([os.getpid(), dict(os.environ)]))\n"
        "time.sleep(600)")]
    nbformat.write(nb, tmp_path / "hang.ipynb")
    job = {"name": "hang", "kind": "notebook", "notebook": str(tmp_path / "hang.ipynb"), "model": str(shop.model),
           "owner": "ops@acme.com", "timeout": 60, "parameters": {"log_path": str(marks)}}
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", base_config(tmp_path, smtp_server, [job]))))
    t0 = time.monotonic()
    run = sched.run_now("hang")
    assert time.monotonic() - t0 < 90
    assert run.status == "failed"
    assert run.error == "the notebook ran longer than its timeout of 60 s and was stopped"
    kernel, env = json.loads(marks.read_text())  # the cell started before the timeout
    assert env["JUPYTERHUB_USER"] == "u_ops"
    assert "BHEEM_TEST_SMTP_PASSWORD" not in env and "BHEEM_SECRET_KEYS" not in env
    assert SMTP_PASSWORD not in marks.read_text()
    assert [(m.recipients, m.subject) for m in smtp_server.mails] == [(["ops@acme.com"], "[bheem] job hang failed")]
    deadline = time.monotonic() + 30
    while _alive(kernel):
        assert time.monotonic() < deadline, "the kernel outlived its stopped papermill"
        time.sleep(0.2)
