"""The scheduler: find due slots, claim each once, run the job as its owner, deliver, record.

    sched = Scheduler.from_file("jobs.yml")
    sched.tick()                      # one pass at the current time (or tick(now=...))
    sched.run_forever(poll=5)         # the long-running loop behind `bheem scheduler run`

One pass: register the file's jobs, take over runs whose worker died (lease expired), then for
every job claim and run each due slot not yet claimed, then run retries whose backoff is over.
Every job first resolves its owner against the model's current ``users:`` (and the workspace's
``view`` right when a workspace is set); a removed owner stops the job and the owner is told.
A run is held through a :class:`~.lease.Claim`: a worker that stalled past its lease and lost the
run to another worker sends, saves and records nothing more for it.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bheem_nb.engine import Engine, default_engine
from bheem_nb.errors import BheemError
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.security.identity import User, lookup_user

from . import alerts, notebook
from .delivery import Attachment, Message, deliver, target_key
from .lease import Claim, LeaseLost
from .refresh import refresh
from .secrets import SecretResolver
from .slots import due_slots, next_slot
from .spec import (
    AlertJob,
    EmailTarget,
    NotebookJob,
    RefreshJob,
    SchedulerConfig,
    SchedulerError,
    SecretRef,
    Target,
    load_config,
    parse_job,
)
from .store import AlertState, RunRow, SchedulerStore

log = logging.getLogger("bheem_nb.scheduler")
AnyJob = NotebookJob | RefreshJob | AlertJob
DEFAULT_DB = "sqlite:///bheem_scheduler.sqlite"


class OwnerRevoked(SchedulerError):
    """The job's owner is no longer a user of the model, or lost the right to view it."""


class Scheduler:
    """Runs jobs from a :class:`SchedulerConfig` and the store; see the module docstring."""

    def __init__(self, config: SchedulerConfig | None = None, *, db: str | None = None,
                 secrets: SecretResolver | None = None, worker: str | None = None,
                 engines: tuple[Engine, ...] | None = None, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.config = config or SchedulerConfig()
        #: wall-clock time (aware UTC) for leases and the default ``now`` of a pass; tests advance it
        self.clock = clock or _utcnow
        self.store = SchedulerStore(db or self.config.db or DEFAULT_DB)
        self.secrets = secrets or SecretResolver(self.store)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        #: engines whose cached results a refresh invalidates (readers in this process)
        self.engines = engines if engines is not None else (default_engine(),)
        self.outputs = Path(self.config.outputs)

    @classmethod
    def from_file(cls, path: str | Path, **options: Any) -> Scheduler:
        return cls(load_config(path), **options)

    # -- jobs ------------------------------------------------------------------------------
    def add_job(self, job: AnyJob | dict[str, Any], *, now: dt.datetime | None = None) -> AnyJob:
        """Register (or update) a job in the store; its first slot is the first after ``now``."""
        checked = parse_job(job.model_dump(mode="json") if not isinstance(job, dict) else job)
        self.store.save_job(checked.name, checked.kind, checked.model_dump(mode="json"), source="api",
                            now=now or _utcnow())
        return checked

    def remove_job(self, name: str) -> bool:
        return self.store.remove_job(name)

    def jobs(self) -> list[tuple[AnyJob, dt.datetime]]:
        """Every registered job with the time it was registered."""
        return [(parse_job(spec, f"stored job {spec.get('name')!r}"), created)
                for spec, created, _ in self.store.jobs()]

    def job(self, name: str) -> AnyJob:
        for job, _ in self.jobs():
            if job.name == name:
                return job
        names = [j.name for j, _ in self.jobs()]
        import difflib

        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; jobs: {names}"
        raise SchedulerError(f"no job named {name!r}{hint}")

    def sync(self, now: dt.datetime) -> None:
        """Bring the configuration file's jobs into the store (new ones start at ``now``)."""
        for job in self.config.jobs:
            self.store.save_job(job.name, job.kind, job.model_dump(mode="json"), source="yaml", now=now)
        self.store.drop_jobs(source="yaml", keep={j.name for j in self.config.jobs})

    # -- passes ----------------------------------------------------------------------------
    def tick(self, now: dt.datetime | None = None) -> list[RunRow]:
        """One deterministic pass at ``now`` (default: the clock); the runs it finished (not those lost meanwhile)."""
        now = _aware(now) if now is not None else self.clock()
        t0 = time.perf_counter()
        self.sync(now)
        self.recover(now)
        finished: list[RunRow | None] = []
        for job, created in self.jobs():
            if not job.enabled or job.schedule is None:
                continue
            last = self.store.last_slot(job.name)
            slots = due_slots(job.schedule, max(created, last) if last else created, now)
            skipped, slots = slots[:-self.config.max_catchup], slots[-self.config.max_catchup:]
            for slot in skipped:
                self.store.claim(job.name, slot, trigger="schedule", worker=self.worker, lease_until=now,
                                 status="skipped")
            for slot in slots:
                run_id = self.store.claim(job.name, slot, trigger="schedule", worker=self.worker,
                                          lease_until=self._lease_until())
                if run_id is not None:
                    finished.append(self._execute(job, run_id, slot, 1, now))
        for run in self.store.due_retries(now):
            job_or_none = self._find(run.job)
            if job_or_none is None:
                continue
            if self.store.claim_retry(run.id, worker=self.worker, lease_until=self._lease_until()):
                finished.append(self._execute(job_or_none, run.id, run.slot, run.attempt + 1, now))
        log.info("tick at %s: %d run(s) in %.2f s", now.isoformat(), len(finished), time.perf_counter() - t0)
        return [r for r in finished if r is not None]

    def run_now(self, name: str, *, now: dt.datetime | None = None) -> RunRow:
        """Run a job once, outside its schedule (its own slot: the current instant)."""
        slot = _aware(now) if now is not None else self.clock()
        self.sync(slot)
        job = self.job(name)
        run_id = self.store.claim(job.name, slot, trigger="manual", worker=self.worker,
                                  lease_until=self._lease_until())
        if run_id is None:
            raise SchedulerError(f"job {name!r} already has a run for {slot.isoformat()}")
        row = self._execute(job, run_id, slot, 1, slot)
        if row is None:
            raise SchedulerError(f"job {name!r}: this run stalled past its lease and another worker took it over; "
                                 f"see `bheem scheduler history {name}`")
        return row

    def run_forever(self, poll: float = 5.0, stop: threading.Event | None = None) -> None:
        """Tick until ``stop`` is set; a failing pass is logged and the loop goes on."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # the loop must outlive any one bad pass
                log.error("scheduler pass failed: %s", self.secrets.scrub(f"{type(exc).__name__}: {exc}"))
            stop.wait(poll)

    def recover(self, now: dt.datetime) -> int:
        """Take over runs whose worker died: retry them (per the job's policy) or mark them failed."""
        wall = self.clock()
        taken = 0
        for run in self.store.expired(wall):
            job = self._find(run.job)
            self._stop_orphan(run)
            retry = job is not None and run.attempt <= job.retries
            error = (f"attempt {run.attempt} was lost: worker {run.worker} stopped renewing its lease "
                     "(it crashed or was killed)")
            next_at = now + dt.timedelta(seconds=job.backoff * 2 ** (run.attempt - 1)) if retry and job else None
            if self.store.take_over(run, status="retry_wait" if retry else "failed", error=error,
                                    next_attempt_at=next_at, wall_now=wall):
                taken += 1
                log.warning("run %s of %s (slot %s): %s", run.id, run.job, run.slot.isoformat(), error)
                if not retry and job is not None:
                    self._notify_failure(job, run.slot, error, run.attempt)
        return taken

    # -- one run ---------------------------------------------------------------------------
    def _execute(self, job: AnyJob, run_id: int, slot: dt.datetime, attempt: int,
                 now: dt.datetime) -> RunRow | None:
        """Run one claimed attempt and record it; None when another worker took the run over meanwhile."""
        t0 = time.perf_counter()
        claim = Claim(self.store, run_id, worker=self.worker, attempt=attempt, lease=self.config.lease,
                      clock=self.clock).start()
        try:
            outputs = self._dispatch(job, claim, slot)
        except Exception as exc:
            claim.stop()  # before finish: a beat after it would find the row finished and cry "lost"
            return self._failed(job, claim, slot, now, exc, time.perf_counter() - t0)
        finally:
            claim.stop()
        if not claim.finish("succeeded", error=None, outputs=outputs, duration_s=time.perf_counter() - t0):
            return self._abandoned(job, slot, attempt)
        log.info("job %s slot %s succeeded in %.2f s", job.name, slot.isoformat(), time.perf_counter() - t0)
        return self.store.run(run_id)

    def _failed(self, job: AnyJob, claim: Claim, slot: dt.datetime, now: dt.datetime, exc: Exception,
                took: float) -> RunRow | None:
        """Record a failed attempt: ``retry_wait`` with backoff while retries remain, else ``failed`` + notice."""
        if isinstance(exc, LeaseLost) or claim.lost.is_set():
            return self._abandoned(job, slot, claim.attempt)
        message = self.secrets.scrub(str(exc) if isinstance(exc, BheemError) else f"{type(exc).__name__}: {exc}")
        retry = claim.attempt <= job.retries
        next_at = now + dt.timedelta(seconds=job.backoff * 2 ** (claim.attempt - 1)) if retry else None
        if not claim.finish("retry_wait" if retry else "failed", error=message, outputs={}, duration_s=took,
                            next_attempt_at=next_at):
            return self._abandoned(job, slot, claim.attempt)
        if not retry:
            self._notify_failure(job, slot, message, claim.attempt)
        log.warning("job %s slot %s attempt %d failed: %s", job.name, slot.isoformat(), claim.attempt, message)
        return self.store.run(claim.run_id)

    def _abandoned(self, job: AnyJob, slot: dt.datetime, attempt: int) -> RunRow | None:
        log.warning("job %s slot %s attempt %d abandoned: this worker (%s) lost the run to another worker, which "
                    "records it", job.name, slot.isoformat(), attempt, self.worker)
        return None

    def _dispatch(self, job: AnyJob, claim: Claim, slot: dt.datetime) -> dict[str, Any]:
        engine = Engine(use_cache=False, timeout=job.timeout, max_rows=None)
        model = SemanticModel.from_yaml(job.model, engine=engine)
        try:
            return self._dispatch_on(job, model, claim, slot)
        finally:
            conn = getattr(model, "_connector", None)  # opened lazily; a loop must not keep files open
            if conn is not None:
                conn.close()

    def _dispatch_on(self, job: AnyJob, model: SemanticModel, claim: Claim, slot: dt.datetime) -> dict[str, Any]:
        owner = self.owner(job, model)
        if isinstance(job, NotebookJob):
            return self._run_notebook(job, owner, claim, slot)
        if isinstance(job, RefreshJob):
            report = refresh(job, model, owner, engines=self.engines)
            result = report.to_dict()
            if job.deliver:
                self._deliver(job.deliver, Message(f"{job.name}: refreshed {report.table}",
                                                   _html_table(job.name, result), {**_head(job, slot), **result}),
                              claim=claim)
            return result
        return self._run_alert(job, model, owner, claim, slot)

    def _run_alert(self, job: AlertJob, model: SemanticModel, owner: User, claim: Claim,
                   slot: dt.datetime) -> dict[str, Any]:
        """Check the alert; a notice is saved as pending before it is sent and cleared once every target has it.

        A notice left pending by a crashed or failed run is delivered first, to the targets that lack it,
        and the state already says firing: a restart repeats a delivery, never decides a second alert.
        """
        state = self.store.alert_state(job.name)
        if state.pending is not None:
            self._send_pending(job, state, claim)
        value = alerts.read_value(job, model, owner)
        outcome, state = alerts.step(job, state, value, slot)
        if outcome.event is not None:
            what = alerts.describe(job)
            subject = f"[bheem alert] {job.name}: {what}" if outcome.event == "alert" else \
                f"[bheem recovered] {job.name}: back to normal"
            body = {**_head(job, slot), "event": outcome.event, "condition": what, **outcome.to_dict()}
            state.pending = {"subject": subject, "html": _html_table(subject, body), "payload": body, "sent": []}
        claim.confirm("saving the alert state")
        self.store.save_alert_state(job.name, state)
        if state.pending is not None:
            self._send_pending(job, state, claim)
        return outcome.to_dict()

    def _send_pending(self, job: AlertJob, state: AlertState, claim: Claim) -> None:
        pending = state.pending
        assert pending is not None
        sent: list[str] = pending["sent"]

        def delivered(target: Target) -> None:
            sent.append(target_key(target))
            self.store.save_alert_state(job.name, state)

        todo = [t for t in job.deliver if target_key(t) not in sent]
        self._deliver(todo, Message(pending["subject"], pending["html"], pending["payload"]), claim=claim,
                      on_sent=delivered)
        state.pending = None
        self.store.save_alert_state(job.name, state)

    def owner(self, job: AnyJob, model: SemanticModel) -> User:
        """The job's owner with their current rights; :class:`OwnerRevoked` when they lost them."""
        user = lookup_user(model.spec, job.owner)
        if user is None:
            raise OwnerRevoked(f"job {job.name!r}: its owner {job.owner!r} is no longer a user of model "
                               f"{model.name!r}; the job stops until the owner is restored or given a new owner")
        if job.workspace:
            from bheem_nb.store.metadata import MetadataStore

            meta = MetadataStore(self.store.engine, migrate=False)
            if not meta.can(user, job.workspace, "view", ("model", model.name)):
                raise OwnerRevoked(f"job {job.name!r}: its owner {job.owner!r} may no longer view model "
                                   f"{model.name!r} in workspace {job.workspace!r}")
        return user

    def _run_notebook(self, job: NotebookJob, owner: User, claim: Claim, slot: dt.datetime) -> dict[str, Any]:
        out_dir = self.outputs / job.name / f"{slot:%Y%m%dT%H%M%S%fZ}-a{claim.attempt}"

        def started(pid: int) -> None:
            claim.set_pid(pid)
            claim.on_lost(lambda: notebook.kill_group(pid))  # the run is another worker's now: stop this copy

        result = notebook.run_notebook(job, user_id=owner.id, slot_iso=slot.isoformat(), out_dir=out_dir,
                                       timeout=job.timeout, hidden_env=self._secret_env_names(),
                                       on_start=started)
        outputs = result.to_dict()
        if job.deliver:
            assert result.html is not None
            attachments = [Attachment("report.pdf", result.pdf.read_bytes(), "application/pdf")] if result.pdf else []
            payload = {**_head(job, slot), "summary": result.summary, "outputs": outputs}
            self._deliver(job.deliver, Message(f"{job.name}: report for {slot:%Y-%m-%d %H:%M} UTC",
                                               result.html.read_text(encoding="utf-8"), payload, attachments),
                          claim=claim)
        return outputs

    # -- delivery --------------------------------------------------------------------------
    def _deliver(self, targets: list[Target], message: Message, *, claim: Claim | None = None,
                 on_sent: Callable[[Target], None] | None = None) -> None:
        """:func:`~.delivery.deliver`; with ``claim``, each target only after the claim is confirmed."""
        deliver(targets, message, config=self.config, secrets=self.secrets,
                before=None if claim is None else claim.confirm, on_sent=on_sent)

    def _notify_failure(self, job: AnyJob, slot: dt.datetime, error: str, attempts: int) -> None:
        """Tell the owner (or the job's ``notify_failure`` targets); never raises."""
        targets = job.notify_failure
        if targets is None:
            targets = [Target(email=EmailTarget(to=[job.owner]))] if "@" in job.owner and self.config.smtp else []
        if not targets:
            return
        body = {**_head(job, slot), "event": "failure", "error": error, "attempts": attempts}
        try:
            self._deliver(targets, Message(f"[bheem] job {job.name} failed", _html_table(job.name, body), body))
        except BheemError as exc:
            log.error("failure notice for %s not delivered: %s", job.name, self.secrets.scrub(str(exc)))

    def _secret_env_names(self) -> set[str]:
        refs: list[SecretRef] = []
        if self.config.smtp and self.config.smtp.password:
            refs.append(self.config.smtp.password)
        for job, _ in self.jobs():
            refs += [t.webhook.secret for t in [*job.deliver, *(job.notify_failure or [])]
                     if t.webhook and t.webhook.secret]
        return self.secrets.env_names(refs)

    def _find(self, name: str) -> AnyJob | None:
        try:
            return self.job(name)
        except SchedulerError:
            return None

    def _stop_orphan(self, run: RunRow) -> None:
        """Kill a dead worker's papermill child if it is still alive on this host (never a reused pid)."""
        same_host = (run.worker or "").rsplit(":", 1)[0] == socket.gethostname()
        if run.pid and same_host and notebook.is_papermill(run.pid):
            notebook.kill_group(run.pid)

    def _lease_until(self) -> dt.datetime:
        return self.clock() + dt.timedelta(seconds=self.config.lease)

    def next_slots(self, now: dt.datetime | None = None) -> dict[str, dt.datetime | None]:
        now = _aware(now) if now is not None else self.clock()
        return {j.name: next_slot(j.schedule, now) if j.schedule else None for j, _ in self.jobs()}


def _head(job: AnyJob, slot: dt.datetime) -> dict[str, Any]:
    return {"job": job.name, "kind": job.kind, "slot": slot.isoformat(), "owner": job.owner}


def _html_table(title: str, data: dict[str, Any]) -> str:
    rows = "".join(f"<tr><th align='left'>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in data.items())
    return f"<html><body><h2>{html.escape(title)}</h2><table>{rows}</table></body></html>"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)
