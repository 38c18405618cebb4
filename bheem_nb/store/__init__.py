"""Persistent state beside the query path: the audit log (and, later, the metadata store)."""
