"""The viewer of a published page, inside its kernel: set once by the server, read by the page.

The Voilà prelaunch hook (:mod:`bheem_nb.publish.hook`) verifies the embed token or the sign-in on
the server and injects one cell at the top of the notebook that calls :func:`begin` with the
verified result. The browser cannot execute code in the kernel (Voilà refuses ``execute_request``),
so nothing the page sends can call :func:`begin` again or change the viewer.

    from bheem_nb.publish import viewer
    viewer().user          # the verified bheem_nb.User, or None for an anonymous page
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bheem_nb.errors import SecurityError
from bheem_nb.security.identity import User, lookup_user, set_current_user


@dataclass(frozen=True)
class Viewer:
    """Who opened this page, how they were recognised and what the embed token fixed."""

    dashboard: str = ""
    user: User | None = None
    via: str = "notebook"  # embed | header | anonymous | notebook (not published)
    filters: Mapping[str, Any] = field(default_factory=dict)
    locked: frozenset[str] = frozenset()
    parameters: Mapping[str, str] = field(default_factory=dict)
    origins: tuple[str, ...] = ()
    jti: str | None = None

    def user_for(self, model: Any) -> User | None:
        """The viewer as the model knows them: a token without groups/attributes takes the model's entry."""
        if self.user is None or self.user.groups or self.user.attributes:
            return self.user
        spec = getattr(model, "spec", None)
        found = lookup_user(spec, self.user.email or self.user.id) if spec is not None else None
        return found or self.user

    def to_json(self) -> str:
        user = None if self.user is None else {
            "id": self.user.id, "email": self.user.email, "groups": list(self.user.groups),
            "attributes": _thaw(self.user.attributes)}
        return json.dumps({"dashboard": self.dashboard, "user": user, "via": self.via, "filters": dict(self.filters),
                           "locked": sorted(self.locked), "parameters": dict(self.parameters),
                           "origins": list(self.origins), "jti": self.jti}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Viewer:
        data = json.loads(text)
        u = data.get("user")
        user = None if u is None else User(u["id"], email=u.get("email"), groups=u.get("groups") or [],
                                           attributes=u.get("attributes") or {})
        return cls(dashboard=data["dashboard"], user=user, via=data["via"], filters=data.get("filters") or {},
                   locked=frozenset(data.get("locked") or []), parameters=data.get("parameters") or {},
                   origins=tuple(data.get("origins") or []), jti=data.get("jti"))


_viewer: Viewer | None = None


def begin(payload: str) -> None:
    """Called once by the cell the server injects; a second call (or a call after the page started) fails."""
    global _viewer
    if _viewer is not None:
        raise SecurityError("the viewer of this page is already set by the server")
    from bheem_nb.publish.redact import install_log_redaction

    install_log_redaction()  # the kernel's logs reach the server log too, and its env holds the page URL
    _viewer = Viewer.from_json(payload)
    set_current_user(_viewer.user)


def viewer() -> Viewer:
    """This page's viewer; outside a published page, an unpublished notebook session (no user, no limits)."""
    global _viewer
    if _viewer is None:
        _viewer = Viewer()
    return _viewer


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value
