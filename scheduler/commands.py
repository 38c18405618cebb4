"""``bheem scheduler ...``: run the loop, tick once at a given time, list jobs, show history, run now.

    bheem scheduler run --config jobs.yml                      # loop; Ctrl-C / SIGTERM stop it
    bheem scheduler tick --config jobs.yml --now 2026-01-05T07:00:00+01:00
    bheem scheduler list --config jobs.yml
    bheem scheduler history daily_sales --config jobs.yml
    bheem scheduler run-now daily_sales --config jobs.yml
    bheem scheduler add weekly.yml --db sqlite:///scheduler.sqlite
    echo "$PASSWORD" | bheem scheduler secret set smtp --config jobs.yml
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from bheem_nb.errors import BheemError


def add_commands(sub: Any) -> None:
    """Register ``scheduler`` and its actions on the ``bheem`` subparsers."""
    p = sub.add_parser("scheduler", help="scheduled reports, refreshes, subscriptions and alerts")
    actions = p.add_subparsers(dest="scheduler_command", required=True, metavar="ACTION")

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        a: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        a.add_argument("--config", type=Path, help="the scheduler YAML (jobs, smtp, webhooks)")
        a.add_argument("--db", help="the store's SQLAlchemy URL (default: the file's `db`, else "
                                    "sqlite:///bheem_scheduler.sqlite)")
        return a

    a = action("run", "run the scheduler loop until stopped")
    a.add_argument("--poll", type=float, default=5.0, help="seconds between passes (default 5)")
    a.set_defaults(func=_run)
    a = action("tick", "one pass at a given time (for tests and system cron)")
    a.add_argument("--now", type=_when, default=None, help="ISO date-time (default: now; no offset means UTC)")
    a.set_defaults(func=_tick)
    a = action("list", "list jobs and their next slot")
    a.set_defaults(func=_list)
    a = action("history", "past runs, newest first")
    a.add_argument("job", nargs="?", help="only this job")
    a.add_argument("--limit", type=int, default=20)
    a.set_defaults(func=_history)
    a = action("run-now", "run one job now, outside its schedule")
    a.add_argument("job")
    a.set_defaults(func=_run_now)
    a = action("add", "register a job from a YAML or JSON file (kept in the store)")
    a.add_argument("job_file", type=Path, help="one job as a mapping; relative paths are read from its folder")
    a.set_defaults(func=_add)
    a = action("remove", "remove a job added with `add` or from Python")
    a.add_argument("job")
    a.set_defaults(func=_remove)
    a = action("secret", "store an encrypted secret (value read from stdin)")
    a.add_argument("verb", choices=("set",))
    a.add_argument("name")
    a.set_defaults(func=_secret)


def _when(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO date-time like 2026-01-05T07:00:00Z, got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _scheduler(args: argparse.Namespace) -> Any:
    from .core import Scheduler
    from .spec import SchedulerConfig, load_config

    if args.config is not None and not args.config.is_file():
        raise BheemError(f"--config: file not found: {args.config}")
    config = load_config(args.config) if args.config else SchedulerConfig()
    return Scheduler(config, db=args.db)


def _print_run(r: Any) -> None:
    took = f"{r.duration_s:.2f}s" if r.duration_s is not None else "-"
    err = f"  {r.error}" if r.error else ""
    print(f"{r.id:>5} {r.job:<24} {r.slot:%Y-%m-%d %H:%M:%S}Z {r.trigger:<8} {r.status:<10} "
          f"attempt={r.attempt} {took}{err}")


def _run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sched = _scheduler(args)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"scheduler {sched.worker} running {len(sched.jobs())} job(s); polling every {args.poll:g} s",
          file=sys.stderr, flush=True)
    sched.run_forever(poll=args.poll, stop=stop)
    return 0


def _tick(args: argparse.Namespace) -> int:
    import time

    sched = _scheduler(args)
    t0 = time.perf_counter()
    runs = sched.tick(args.now)
    for r in runs:
        _print_run(r)
    print(f"tick: {len(runs)} run(s) in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 1 if any(r.status == "failed" for r in runs) else 0


def _list(args: argparse.Namespace) -> int:
    sched = _scheduler(args)
    sched.sync(dt.datetime.now(dt.UTC))
    nxt = sched.next_slots()
    for job, _ in sched.jobs():
        when = f"{nxt[job.name]:%Y-%m-%d %H:%M:%S}Z" if nxt[job.name] else "manual"
        cron = f"{job.schedule.cron} ({job.schedule.timezone})" if job.schedule else "-"
        print(f"{job.name:<24} {job.kind:<9} {cron:<32} next={when} owner={job.owner}"
              + ("" if job.enabled else " (disabled)"))
    return 0


def _history(args: argparse.Namespace) -> int:
    sched = _scheduler(args)
    if args.job:
        sched.job(args.job)
    for r in sched.store.history(args.job, limit=args.limit):
        _print_run(r)
    return 0


def _run_now(args: argparse.Namespace) -> int:
    sched = _scheduler(args)
    r = sched.run_now(args.job)
    _print_run(r)
    return 0 if r.status == "succeeded" else 1


def _add(args: argparse.Namespace) -> int:
    import yaml

    from .spec import SchedulerConfig, parse_job, resolve_paths

    try:
        data = yaml.safe_load(args.job_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BheemError(f"{args.job_file}: cannot read the job: {exc}") from exc
    if not isinstance(data, dict):
        raise BheemError(f"{args.job_file}: a job file holds one job as a mapping (name, kind, owner, ...)")
    job = parse_job(data, str(args.job_file))
    job = resolve_paths(SchedulerConfig(jobs=[job]), args.job_file.resolve().parent).jobs[0]
    sched = _scheduler(args)
    sched.add_job(job)
    print(f"added job {job.name!r} ({job.kind})", file=sys.stderr)
    return 0


def _remove(args: argparse.Namespace) -> int:
    sched = _scheduler(args)
    if not sched.remove_job(args.job):
        sched.job(args.job)  # raises with the close match
    print(f"removed job {args.job!r}", file=sys.stderr)
    return 0


def _secret(args: argparse.Namespace) -> int:
    sched = _scheduler(args)
    value = sys.stdin.readline().rstrip("\n")
    if not value:
        raise BheemError("secret set: read an empty value from stdin")
    sched.secrets.put(args.name, value)
    print(f"stored secret {args.name!r} (encrypted)", file=sys.stderr)
    return 0
