"""Alert notices decided but not yet delivered: ``sched_alert_state.pending``.

An alert's state is saved as firing, with the notice pending, before the notice is sent, and the
notice is marked delivered after; a run that crashed or failed in between leaves it pending, and
the next run of the job delivers that same notice instead of deciding a second one.

Revision ID: 0003_alert_pending
Revises: 0002_scheduler
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_alert_pending"
down_revision = "0002_scheduler"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sched_alert_state") as batch:
        batch.add_column(sa.Column("pending", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sched_alert_state") as batch:
        batch.drop_column("pending")
