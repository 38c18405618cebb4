"""The scheduler: papermill report jobs, scheduled refresh, subscriptions (email, webhook) and alerts.

    from bheem_nb.scheduler import Scheduler
    sched = Scheduler.from_file("jobs.yml")
    sched.tick()                 # one pass; `bheem scheduler run` loops

See docs/scheduler.md.
"""

from bheem_nb.scheduler.core import OwnerRevoked, Scheduler
from bheem_nb.scheduler.refresh import refresh as refresh_table
from bheem_nb.scheduler.refresh import target_connection, target_connector
from bheem_nb.scheduler.spec import (
    AlertJob,
    NotebookJob,
    RefreshJob,
    SchedulerConfig,
    SchedulerError,
    load_config,
    parse_job,
)

__all__ = [
    "AlertJob",
    "NotebookJob",
    "OwnerRevoked",
    "RefreshJob",
    "Scheduler",
    "SchedulerConfig",
    "SchedulerError",
    "load_config",
    "parse_job",
    "refresh_table",
    "target_connection",
    "target_connector",
]
