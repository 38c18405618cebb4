"""The scheduler: papermill report jobs, scheduled refresh, subscriptions (email, webhook) and alerts.

    from bheem_nb.scheduler import Scheduler
    sched = Scheduler.from_file("jobs.yml")
    sched.tick()                 # one pass; `bheem scheduler run` loops

See docs/scheduler.md.
"""

from typing import TYPE_CHECKING

from bheem_nb._lazy import lazy_exports

if TYPE_CHECKING:
    from .core import OwnerRevoked, Scheduler
    from .refresh import refresh as refresh_table
    from .refresh import target_connection, target_connector
    from .spec import (
        AlertJob,
        NotebookJob,
        RefreshJob,
        SchedulerConfig,
        SchedulerError,
        load_config,
        parse_job,
    )

__getattr__, __dir__ = lazy_exports(__name__, {
    "OwnerRevoked": "bheem_nb.scheduler.core",
    "Scheduler": "bheem_nb.scheduler.core",
    "refresh_table": "bheem_nb.scheduler.refresh:refresh",
    "target_connection": "bheem_nb.scheduler.refresh",
    "target_connector": "bheem_nb.scheduler.refresh",
    "AlertJob": "bheem_nb.scheduler.spec",
    "NotebookJob": "bheem_nb.scheduler.spec",
    "RefreshJob": "bheem_nb.scheduler.spec",
    "SchedulerConfig": "bheem_nb.scheduler.spec",
    "SchedulerError": "bheem_nb.scheduler.spec",
    "load_config": "bheem_nb.scheduler.spec",
    "parse_job": "bheem_nb.scheduler.spec",
})

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
