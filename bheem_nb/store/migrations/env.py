"""Alembic environment: runs on the connection handed over by ``bheem_nb.store.metadata.upgrade``."""

from __future__ import annotations

from alembic import context

from bheem_nb.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
