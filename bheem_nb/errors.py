"""One exception hierarchy, so callers can catch ``BheemError`` and show its message.

Every message names the offending field, token, table or rule and, where possible,
what would fix it. Messages never carry secrets: connection URLs are redacted first.
"""

from __future__ import annotations


class BheemError(Exception):
    """Base class for every error bheem_nb raises on purpose."""


class ModelError(BheemError):
    """The semantic model (YAML or Python) is invalid: unknown key, bad join, cycle, ..."""


class QueryError(BheemError):
    """A query names an unknown field, uses a bad filter, or cannot be compiled."""


class SecurityError(BheemError):
    """A query was refused by the read-only guard or row-level security."""


class BheemConnectionError(BheemError):
    """A connection could not be opened, or a statement failed or timed out on it."""


class QueryTimeoutError(BheemConnectionError):
    """A statement ran longer than its timeout and was cancelled."""
