"""Cron slots in a time zone: which scheduled times fell due between two instants.

A slot is the scheduled instant itself (UTC), so the same schedule gives the same slots on every
worker and after every restart; that is what makes (job, slot) a key a run can be claimed by.
Cron fields are read in the schedule's time zone, daylight-saving changes included.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from croniter import croniter

from .spec import Schedule

MAX_SCAN = 100_000


def due_slots(schedule: Schedule, after: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
    """Slots ``s`` with ``after < s <= now``, oldest first, as aware UTC datetimes."""
    tz = zoneinfo.ZoneInfo(schedule.timezone)
    it = croniter(schedule.cron, after.astimezone(tz))
    found: list[dt.datetime] = []
    while len(found) < MAX_SCAN:
        nxt: dt.datetime = it.get_next(dt.datetime)
        if nxt > now:
            break
        found.append(nxt.astimezone(dt.UTC))
    return found


def next_slot(schedule: Schedule, after: dt.datetime) -> dt.datetime:
    """The first slot after ``after`` (aware UTC)."""
    tz = zoneinfo.ZoneInfo(schedule.timezone)
    nxt: dt.datetime = croniter(schedule.cron, after.astimezone(tz)).get_next(dt.datetime)
    return nxt.astimezone(dt.UTC)
