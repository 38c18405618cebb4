"""Alembic migrations of the metadata store; run them with ``bheem_nb.store.metadata.upgrade``."""
