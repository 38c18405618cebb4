"""Data alerts: one value from a semantic query, checked against a condition at each slot.

The state machine per alert (stored, so a restart remembers it):

* not firing + condition met + cooldown over → send an **alert**, now firing;
* not firing + condition met + still in cooldown → nothing (the breach is noted in history);
* firing + condition no longer met → send a **recovery** notice (unless ``recovery: false``);
* firing + still met → nothing (one alert per breach, not one per check).

``change_by`` and ``change_by_pct`` compare with the previous check's value (absolute change, or
change in percent of the previous value); the first check has nothing to compare with.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bheem_nb.model.semantic import SemanticModel
from bheem_nb.security.identity import User

from .spec import AlertJob, Condition, SchedulerError
from .store import AlertState

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "=": lambda a, b: math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12),
    "!=": lambda a, b: not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12),
}


@dataclass(frozen=True)
class AlertOutcome:
    value: float
    previous: float | None
    met: bool
    event: str | None  # "alert", "recovery" or None
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "previous": self.previous, "condition_met": self.met, "event": self.event,
                "suppressed_by_cooldown": self.suppressed}


def read_value(job: AlertJob, model: SemanticModel, user: User) -> float:
    """The single value of the alert's query, as ``user``."""
    table = model.query(**job.query, user=user).arrow
    if table.num_rows != 1 or table.num_columns != 1:
        raise SchedulerError(f"alert {job.name!r}: the query must return one value, got "
                             f"{table.num_rows} rows x {table.num_columns} columns")
    value = table.column(0)[0].as_py()
    if value is None:
        raise SchedulerError(f"alert {job.name!r}: the query returned no value (NULL); nothing to compare")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SchedulerError(f"alert {job.name!r}: the value {value!r} is not a number") from None
    if math.isnan(number):
        raise SchedulerError(f"alert {job.name!r}: the query returned NaN")
    return number


def condition_met(cond: Condition, value: float, previous: float | None) -> bool:
    if cond.op == "change_by":
        return previous is not None and abs(value - previous) >= cond.value
    if cond.op == "change_by_pct":
        if previous is None:
            return False
        if previous == 0:
            return value != 0
        return abs(value - previous) / abs(previous) * 100.0 >= cond.value
    return _COMPARE[cond.op](value, cond.value)


def step(job: AlertJob, state: AlertState, value: float, now: dt.datetime) -> tuple[AlertOutcome, AlertState]:
    """The event for ``value`` at ``now`` and the state to store next."""
    met = condition_met(job.condition, value, state.last_value)
    event: str | None = None
    suppressed = False
    firing, last_alert = state.firing, state.last_alert_at
    if met and not firing:
        cooling = last_alert is not None and (now - last_alert).total_seconds() < job.cooldown
        if cooling:
            suppressed = True
        else:
            event, firing, last_alert = "alert", True, now
    elif not met and firing:
        event = "recovery" if job.recovery else None
        firing = False
    outcome = AlertOutcome(value, state.last_value, met, event, suppressed)
    return outcome, AlertState(firing, value, now, last_alert)


def describe(job: AlertJob) -> str:
    c = job.condition
    measure = job.query["measures"][0]  # type: ignore[index]
    if c.op == "change_by":
        return f"{measure} changes by {c.value:g} or more"
    if c.op == "change_by_pct":
        return f"{measure} changes by {c.value:g}% or more"
    return f"{measure} {c.op} {c.value:g}"
