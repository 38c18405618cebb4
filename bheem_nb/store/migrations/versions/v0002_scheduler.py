"""The scheduler's tables: jobs, runs (unique per job and slot), alert state and named secrets.

Revision ID: 0002_scheduler
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_scheduler"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sched_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sched_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job", sa.String(100), nullable=False, index=True),
        sa.Column("slot", sa.DateTime, nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(200)),
        sa.Column("pid", sa.Integer),
        sa.Column("lease_until", sa.DateTime),
        sa.Column("next_attempt_at", sa.DateTime),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("duration_s", sa.Float),
        sa.Column("error", sa.Text),
        sa.Column("outputs", sa.Text, nullable=False),
        sa.UniqueConstraint("job", "slot", name="sched_runs_job_slot"),
    )
    op.create_table(
        "sched_alert_state",
        sa.Column("job", sa.String(100), primary_key=True),
        sa.Column("firing", sa.Boolean, nullable=False),
        sa.Column("last_value", sa.Float),
        sa.Column("last_checked_at", sa.DateTime),
        sa.Column("last_alert_at", sa.DateTime),
    )
    op.create_table(
        "sched_secrets",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("secret", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for name in ("sched_secrets", "sched_alert_state", "sched_runs", "sched_jobs"):
        op.drop_table(name)
