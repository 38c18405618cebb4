"""SQLAlchemy tables of the metadata store: workspaces, members, objects, grants, connections, rules.

The schema is created and changed only by Alembic migrations (``store/migrations``); these
classes describe it for queries.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("admin", "member", "viewer")
OBJECT_KINDS = ("model", "dashboard", "saved_query", "connection", "rls_rule", "schedule")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(sa.ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))


class StoredObject(Base):
    """A dashboard, saved query, schedule, ... owned by one workspace (its spec as JSON)."""

    __tablename__ = "objects"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(sa.ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    spec: Mapped[str] = mapped_column(sa.Text, default="{}")


class ObjectGrant(Base):
    """An object-level override: this user holds ``role`` on this object whatever the workspace says."""

    __tablename__ = "object_grants"
    __table_args__ = (sa.UniqueConstraint("object_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_id: Mapped[int] = mapped_column(sa.ForeignKey("objects.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))


class StoredConnection(Base):
    """A connection of a workspace; its URL (with the password) is stored encrypted only."""

    __tablename__ = "connections"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(sa.ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    display_url: Mapped[str] = mapped_column(sa.String(1000))
    secret: Mapped[bytes] = mapped_column(sa.LargeBinary)


class StoredRule(Base):
    """An RLS rule kept in the store (same shape as a model's ``rls.rules`` entry)."""

    __tablename__ = "rls_rules"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "model", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(sa.ForeignKey("workspaces.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str] = mapped_column(sa.String(200))
    table_name: Mapped[str] = mapped_column(sa.String(200))
    filter: Mapped[str] = mapped_column(sa.Text)
    assign: Mapped[str] = mapped_column(sa.Text, default="[]")


# -- scheduler (bheem_nb.scheduler): jobs, runs claimed once per slot, alert state, secrets -------
# Times are naive UTC: the slot a run belongs to, and the wall-clock lease of the worker running it.


class SchedJob(Base):
    """A job registered with the scheduler (from YAML, Python or the CLI); ``spec`` is its JSON."""

    __tablename__ = "sched_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    spec: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(20), default="api")
    #: the first slot considered is the first one after this (scheduler time)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)


class SchedRun(Base):
    """One (job, slot): claimed by inserting this row, so the unique key makes each slot run once."""

    __tablename__ = "sched_runs"
    __table_args__ = (sa.UniqueConstraint("job", "slot", name="sched_runs_job_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(100), index=True)
    slot: Mapped[dt.datetime] = mapped_column(sa.DateTime)
    trigger: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    attempt: Mapped[int] = mapped_column(default=1)
    worker: Mapped[str | None] = mapped_column(sa.String(200))
    pid: Mapped[int | None] = mapped_column()
    lease_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    duration_s: Mapped[float | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(sa.Text)
    outputs: Mapped[str] = mapped_column(sa.Text, default="{}")


class SchedAlertState(Base):
    """The last value an alert saw and whether it is currently firing."""

    __tablename__ = "sched_alert_state"

    job: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    firing: Mapped[bool] = mapped_column(default=False)
    last_value: Mapped[float | None] = mapped_column()
    last_checked_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    last_alert_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    #: a notice decided but not yet delivered to every target (JSON), sent before anything else next time
    pending: Mapped[str | None] = mapped_column(sa.Text)


class SchedSecret(Base):
    """A named secret (SMTP password, webhook key) encrypted with the store's Fernet keys."""

    __tablename__ = "sched_secrets"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    secret: Mapped[bytes] = mapped_column(sa.LargeBinary)
