"""Workspaces, members, objects with grants, encrypted connections and RLS rules.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.UniqueConstraint("workspace_id", "user_id"),
        sa.CheckConstraint("role IN ('admin', 'member', 'viewer')", name="members_role"),
    )
    op.create_table(
        "objects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.UniqueConstraint("workspace_id", "kind", "name"),
    )
    op.create_table(
        "object_grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("object_id", sa.Integer, sa.ForeignKey("objects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.UniqueConstraint("object_id", "user_id"),
        sa.CheckConstraint("role IN ('admin', 'member', 'viewer')", name="object_grants_role"),
    )
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("display_url", sa.String(1000), nullable=False),
        sa.Column("secret", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "rls_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("table_name", sa.String(200), nullable=False),
        sa.Column("filter", sa.Text, nullable=False),
        sa.Column("assign", sa.Text, nullable=False),
        sa.UniqueConstraint("workspace_id", "model", "name"),
    )


def downgrade() -> None:
    for name in ("rls_rules", "connections", "object_grants", "objects", "members", "workspaces"):
        op.drop_table(name)
