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
