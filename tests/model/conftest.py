"""Fixtures shared with the query suite."""

from tests.query.conftest import duck_shop  # noqa: F401  (re-exported fixture)
