"""Where the scheduler keeps jobs, runs, alert state and named secrets: the metadata store's database.

Exactly-once per slot rests on one rule: a worker runs (job, slot) only after it inserted that
row, and the table's unique key on (job, slot) lets exactly one insert win. A running row carries
a wall-clock lease the worker renews; a row whose lease ran out belonged to a worker that died,
and is taken over by a compare-and-set update so two survivors cannot both take it. Renewals,
the pid and the result are written only while the row is still running under the same worker and
attempt (the claim's fencing token, see :mod:`.lease`), so a worker that stalled past its lease
cannot overwrite a run another worker took over.

Times are naive UTC. ``slot`` and ``next_attempt_at`` are in scheduler time (the ``--now`` of a
tick); ``lease_until``, ``started_at`` and ``finished_at`` in wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bheem_nb.store.metadata import transaction, upgrade
from bheem_nb.store.models import SchedAlertState, SchedJob, SchedRun, SchedSecret


def naive(t: dt.datetime) -> dt.datetime:
    """UTC without tzinfo, the form stored (SQLite keeps no offsets)."""
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def aware(t: dt.datetime | None) -> dt.datetime | None:
    return None if t is None else (t if t.tzinfo else t.replace(tzinfo=dt.UTC))


@dataclass(frozen=True)
class RunRow:
    """One run as history shows it."""

    id: int
    job: str
    slot: dt.datetime
    trigger: str
    status: str
    attempt: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_s: float | None
    error: str | None
    outputs: dict[str, Any]
    worker: str | None
    pid: int | None

    @classmethod
    def of(cls, r: SchedRun) -> RunRow:
        return cls(r.id, r.job, aware(r.slot) or r.slot, r.trigger, r.status, r.attempt, aware(r.started_at),
                   aware(r.finished_at), r.duration_s, r.error, json.loads(r.outputs or "{}"), r.worker, r.pid)


@dataclass
class AlertState:
    """What an alert remembers between checks; ``pending`` is a notice decided but not yet delivered to all
    targets: ``{"subject", "html", "payload", "sent": [target keys already delivered]}``."""

    firing: bool = False
    last_value: float | None = None
    last_checked_at: dt.datetime | None = None
    last_alert_at: dt.datetime | None = None
    pending: dict[str, Any] | None = None


class SchedulerStore:
    """Jobs, runs, alert state and encrypted named secrets in one SQLAlchemy database."""

    def __init__(self, url: str | sa.Engine, *, migrate: bool = True) -> None:
        if isinstance(url, sa.Engine):
            self.engine = url
        else:
            args = {"timeout": 30} if url.startswith("sqlite") else {}
            self.engine = sa.create_engine(url, connect_args=args)
        if migrate:
            upgrade(self.engine)

    def _session(self) -> AbstractContextManager[Session]:
        return transaction(self.engine)

    # -- jobs ------------------------------------------------------------------------------
    def save_job(self, name: str, kind: str, spec: dict[str, Any], *, source: str, now: dt.datetime) -> None:
        """Insert or update a job; its ``created_at`` (where slots start) is kept on update."""
        text = json.dumps(spec, sort_keys=True)
        with self._session() as s:
            row = s.scalar(sa.select(SchedJob).where(SchedJob.name == name))
            if row is None:
                s.add(SchedJob(name=name, kind=kind, spec=text, source=source, created_at=naive(now)))
            else:
                row.kind, row.spec, row.source = kind, text, source

    def drop_jobs(self, *, source: str, keep: set[str]) -> list[str]:
        """Remove jobs of ``source`` not in ``keep`` (a job deleted from the YAML file); their runs stay."""
        with self._session() as s:
            names = [n for n in s.scalars(sa.select(SchedJob.name).where(SchedJob.source == source)) if n not in keep]
            if names:
                s.execute(sa.delete(SchedJob).where(SchedJob.name.in_(names)))
            return names

    def remove_job(self, name: str) -> bool:
        with self._session() as s:
            return bool(_rowcount(s.execute(sa.delete(SchedJob).where(SchedJob.name == name))))

    def jobs(self) -> list[tuple[dict[str, Any], dt.datetime, str]]:
        """(spec, created_at, source) of every job, by name."""
        with self._session() as s:
            rows = s.scalars(sa.select(SchedJob).order_by(SchedJob.name))
            return [(json.loads(r.spec), aware(r.created_at) or r.created_at, r.source) for r in rows]

    # -- claiming and running --------------------------------------------------------------
    def last_slot(self, job: str) -> dt.datetime | None:
        with self._session() as s:
            last = s.scalar(sa.select(sa.func.max(SchedRun.slot)).where(SchedRun.job == job,
                                                                        SchedRun.trigger == "schedule"))
            return aware(last)

    def claim(self, job: str, slot: dt.datetime, *, trigger: str, worker: str, lease_until: dt.datetime,
              status: str = "running") -> int | None:
        """Insert the (job, slot) row; its id, or None when another worker already holds the slot."""
        try:
            with self._session() as s:
                row = SchedRun(job=job, slot=naive(slot), trigger=trigger, status=status, attempt=1, worker=worker,
                               lease_until=naive(lease_until), started_at=naive(dt.datetime.now(dt.UTC)),
                               outputs="{}")
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            return None

    def claim_retry(self, run_id: int, *, worker: str, lease_until: dt.datetime) -> bool:
        """Move a run waiting for its retry to running, if nobody else did first."""
        with self._session() as s:
            done = _rowcount(s.execute(
                sa.update(SchedRun).where(SchedRun.id == run_id, SchedRun.status == "retry_wait").values(
                    status="running", attempt=SchedRun.attempt + 1, worker=worker, pid=None,
                    lease_until=naive(lease_until), started_at=naive(dt.datetime.now(dt.UTC)), finished_at=None,
                    next_attempt_at=None)
            ))
            return bool(done)

    def heartbeat(self, run_id: int, worker: str, lease_until: dt.datetime, *, attempt: int) -> bool:
        """Extend the lease of ``worker``'s ``attempt``; False when the run is no longer theirs."""
        with self._session() as s:
            return bool(_rowcount(s.execute(sa.update(SchedRun).where(
                *_held(run_id, worker, attempt)).values(lease_until=naive(lease_until)))))

    def set_pid(self, run_id: int, pid: int | None, *, worker: str, attempt: int) -> bool:
        with self._session() as s:
            return bool(_rowcount(s.execute(sa.update(SchedRun).where(
                *_held(run_id, worker, attempt)).values(pid=pid))))

    def finish(self, run_id: int, status: str, *, worker: str, attempt: int, error: str | None,
               outputs: dict[str, Any], duration_s: float, next_attempt_at: dt.datetime | None = None) -> bool:
        """Record the attempt's result if ``worker`` still holds it; False (nothing written) when it lost it."""
        with self._session() as s:
            return bool(_rowcount(s.execute(sa.update(SchedRun).where(*_held(run_id, worker, attempt)).values(
                status=status, error=error, outputs=json.dumps(outputs), duration_s=duration_s,
                finished_at=naive(dt.datetime.now(dt.UTC)), lease_until=None, pid=None,
                next_attempt_at=naive(next_attempt_at) if next_attempt_at else None))))

    def expired(self, wall_now: dt.datetime) -> list[RunRow]:
        """Running rows whose worker stopped renewing the lease."""
        with self._session() as s:
            rows = s.scalars(sa.select(SchedRun).where(SchedRun.status == "running",
                                                       SchedRun.lease_until < naive(wall_now)))
            return [RunRow.of(r) for r in rows]

    def take_over(self, run: RunRow, *, status: str, error: str, next_attempt_at: dt.datetime | None,
                  wall_now: dt.datetime) -> bool:
        """Compare-and-set a lost run to ``retry_wait`` or ``failed``; False when someone else did."""
        with self._session() as s:
            return bool(_rowcount(s.execute(sa.update(SchedRun).where(
                SchedRun.id == run.id, SchedRun.status == "running", SchedRun.attempt == run.attempt,
                SchedRun.lease_until < naive(wall_now),
            ).values(status=status, error=error, lease_until=None, pid=None,
                     finished_at=naive(wall_now),
                     next_attempt_at=naive(next_attempt_at) if next_attempt_at else None))))

    def due_retries(self, now: dt.datetime) -> list[RunRow]:
        with self._session() as s:
            rows = s.scalars(sa.select(SchedRun).where(SchedRun.status == "retry_wait",
                                                       SchedRun.next_attempt_at <= naive(now)).order_by(SchedRun.id))
            return [RunRow.of(r) for r in rows]

    def run(self, run_id: int) -> RunRow:
        with self._session() as s:
            return RunRow.of(s.get_one(SchedRun, run_id))

    def history(self, job: str | None = None, limit: int | None = 50) -> list[RunRow]:
        """Newest first."""
        q = sa.select(SchedRun).order_by(SchedRun.slot.desc(), SchedRun.id.desc())
        if job is not None:
            q = q.where(SchedRun.job == job)
        if limit is not None:
            q = q.limit(limit)
        with self._session() as s:
            return [RunRow.of(r) for r in s.scalars(q)]

    # -- alert state -----------------------------------------------------------------------
    def alert_state(self, job: str) -> AlertState:
        with self._session() as s:
            r = s.get(SchedAlertState, job)
            if r is None:
                return AlertState()
            return AlertState(r.firing, r.last_value, aware(r.last_checked_at), aware(r.last_alert_at),
                              json.loads(r.pending) if r.pending else None)

    def save_alert_state(self, job: str, state: AlertState) -> None:
        with self._session() as s:
            r = s.get(SchedAlertState, job)
            if r is None:
                r = SchedAlertState(job=job)
                s.add(r)
            r.firing, r.last_value = state.firing, state.last_value
            r.last_checked_at = naive(state.last_checked_at) if state.last_checked_at else None
            r.last_alert_at = naive(state.last_alert_at) if state.last_alert_at else None
            r.pending = json.dumps(state.pending, sort_keys=True) if state.pending is not None else None

    # -- named secrets (encrypted by the caller's SecretBox) --------------------------------
    def put_secret(self, name: str, token: bytes) -> None:
        with self._session() as s:
            r = s.get(SchedSecret, name)
            if r is None:
                s.add(SchedSecret(name=name, secret=token))
            else:
                r.secret = token

    def get_secret(self, name: str) -> bytes | None:
        with self._session() as s:
            r = s.get(SchedSecret, name)
            return None if r is None else r.secret


def _held(run_id: int, worker: str, attempt: int) -> tuple[sa.ColumnElement[bool], ...]:
    """The row is still running under this worker's claim (worker and attempt: the fencing token)."""
    return (SchedRun.id == run_id, SchedRun.worker == worker, SchedRun.attempt == attempt,
            SchedRun.status == "running")


def _rowcount(result: Any) -> int:
    """Rows an UPDATE/DELETE touched (a CursorResult; typed as Result by SQLAlchemy's stubs)."""
    return int(result.rowcount)
