"""A worker's hold on one run: renewed while it works, checked before anything leaves the worker.

A claim is (run id, worker, attempt). ``claim`` and ``claim_retry`` write the worker into the row
and bump the attempt, so the attempt is the claim's fencing token: once another worker has taken
a run over (``recover`` moves it to ``retry_wait`` or ``failed``; ``claim_retry`` runs it again as
attempt n+1), the stalled worker's (worker, attempt) matches no row, and its renewals, its pid and
its ``finish`` change nothing.

A worker learns that it lost the run

* from the heartbeat thread, whose renewal touches no row: it sets :attr:`Claim.lost` and runs the
  ``on_lost`` callbacks (the notebook job's callback stops its papermill group);
* from :meth:`Claim.confirm`, a renewal made right before anything is sent or saved (each delivery
  target, alert state). A worker that was stalled (suspended, starved, its heartbeat thread never
  ran) finds out there, before it acts, not after.

A worker that lost its run sends and saves nothing more and leaves the row to its new owner. A
lease that ran out but that nobody took over is still the worker's: its renewal and the take-over
are both compare-and-set updates of the same row, so exactly one of them wins.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from .spec import SchedulerError
from .store import SchedulerStore

log = logging.getLogger("bheem_nb.scheduler")
Clock = Callable[[], dt.datetime]


class LeaseLost(SchedulerError):
    """This worker no longer holds the run: its lease ran out and another worker took the run over."""


class Claim:
    """One worker's claim on one attempt of a run; see the module docstring.

        claim = Claim(store, run_id, worker="w1", attempt=1, lease=30, clock=now).start()
        claim.confirm("email to boss@acme.com")      # raises LeaseLost if the run was taken over
        claim.finish("succeeded", error=None, outputs={...}, duration_s=1.2)
        claim.stop()
    """

    def __init__(self, store: SchedulerStore, run_id: int, *, worker: str, attempt: int, lease: float,
                 clock: Clock) -> None:
        self.store, self.run_id, self.worker, self.attempt = store, run_id, worker, attempt
        self.lease, self.clock = lease, clock
        self.lost = threading.Event()
        self._callbacks: list[Callable[[], Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"bheem-heartbeat-{run_id}", daemon=True)

    def start(self) -> Claim:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def on_lost(self, callback: Callable[[], Any]) -> None:
        """Call ``callback`` (once) when the claim is found lost; at once if it already is."""
        with self._lock:
            if not self.lost.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def renew(self) -> bool:
        """Extend the lease; False (and :attr:`lost` set) when another worker holds the run now."""
        if self.lost.is_set():
            return False
        until = self.clock() + dt.timedelta(seconds=self.lease)
        if self.store.heartbeat(self.run_id, self.worker, until, attempt=self.attempt):
            return True
        self._lose("its lease could not be renewed")
        return False

    def confirm(self, what: str) -> None:
        """Renew now, before ``what`` leaves this worker; :class:`LeaseLost` when the run was taken over."""
        if not self.renew():
            raise LeaseLost(f"run {self.run_id}: worker {self.worker} lost attempt {self.attempt} to another worker "
                            f"after its lease ran out; {what} abandoned")

    def set_pid(self, pid: int | None) -> None:
        self.store.set_pid(self.run_id, pid, worker=self.worker, attempt=self.attempt)

    def finish(self, status: str, *, error: str | None, outputs: dict[str, Any], duration_s: float,
               next_attempt_at: dt.datetime | None = None) -> bool:
        """Record the result, if this worker still holds the run (False, and nothing written, if not)."""
        done = self.store.finish(self.run_id, status, worker=self.worker, attempt=self.attempt, error=error,
                                 outputs=outputs, duration_s=duration_s, next_attempt_at=next_attempt_at)
        if not done:
            self._lose("its result could not be recorded")
        return done

    def _lose(self, why: str) -> None:
        with self._lock:
            if self.lost.is_set():
                return
            self.lost.set()
            callbacks, self._callbacks = self._callbacks, []
        log.warning("run %s attempt %d: worker %s lost the run (%s): another worker took it over after the lease "
                    "ran out; this worker stops and sends nothing more", self.run_id, self.attempt, self.worker, why)
        for callback in callbacks:
            try:
                callback()
            except Exception as exc:  # stopping the work is best effort; the run is someone else's now
                log.warning("run %s: stopping after the lost lease failed: %s", self.run_id, type(exc).__name__)

    def _beat(self) -> None:
        while not self._stop.wait(self.lease / 3):
            try:
                if not self.renew():
                    return
            except Exception as exc:  # a missed beat only shortens the lease; confirm() checks again
                log.warning("heartbeat for run %s failed: %s", self.run_id, type(exc).__name__)
