"""Publish tests build pages in this process; a page makes its viewer the process's current user
(right in a kernel that serves one viewer), so each test puts the previous user back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bheem_nb.publish import session
from bheem_nb.security.identity import reset_current_user, set_current_user


@pytest.fixture(autouse=True)
def _viewer_stays_in_its_test() -> Iterator[None]:
    token = set_current_user(None)
    viewer = session._viewer
    yield
    session._viewer = viewer
    reset_current_user(token)
