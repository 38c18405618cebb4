"""Per-dashboard parameter policy, like Metabase's: each filter is disabled, enabled or locked.

Declared by the notebook author in the notebook's metadata (edit it in Jupyter's property inspector):

    "bheem": {"parameters": {"region": "locked", "channel": "enabled", "segment": "disabled"},
              "allowed_origins": ["https://app.example.com"]}

* ``enabled``: the embedding page may set it (``setFilters``); a token may give a start value or lock it.
* ``locked``: the value comes only from the token, which must carry one; the page cannot change it.
* ``disabled``: neither the token nor the page may set it.
* anything else is an unknown parameter and is refused, naming the close match.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from bheem_nb.errors import SecurityError

Mode = Literal["disabled", "enabled", "locked"]
MODES: tuple[Mode, ...] = ("disabled", "enabled", "locked")


class ParameterError(SecurityError):
    """A filter that the dashboard's parameter policy does not allow."""


@dataclass(frozen=True)
class DashboardPolicy:
    """The parameters a dashboard accepts and the origins that may embed it."""

    parameters: Mapping[str, Mode] = field(default_factory=dict)
    allowed_origins: tuple[str, ...] = ()

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> DashboardPolicy:
        """From a notebook's ``metadata["bheem"]`` (missing: no parameters, no origins)."""
        bheem = metadata.get("bheem") or {}
        raw = bheem.get("parameters") or {}
        if not isinstance(raw, Mapping):
            raise ParameterError("notebook metadata bheem.parameters must map parameter names to a mode")
        params: dict[str, Mode] = {}
        for name, mode in raw.items():
            if mode not in MODES:
                raise ParameterError(f"notebook metadata bheem.parameters.{name}: {mode!r} is not one of "
                                     f"{', '.join(MODES)}")
            params[str(name)] = cast(Mode, mode)
        origins = bheem.get("allowed_origins") or []
        return cls(params, tuple(str(o) for o in origins))

    def check_token(self, filters: Mapping[str, Any], locked: Iterable[str]) -> frozenset[str]:
        """The keys locked for this viewer; refuses unknown and disabled parameters and missing locked ones."""
        for key in filters:
            self._known(key)
            if self.parameters[key] == "disabled":
                raise ParameterError(f"parameter {key!r} is disabled on this dashboard; the token may not set it")
        required = {k for k, m in self.parameters.items() if m == "locked"}
        missing = sorted(required - set(filters))
        if missing:
            raise ParameterError(f"parameter(s) {missing} are locked on this dashboard: the token must set them")
        return frozenset(required | set(locked))

    def check_page(self, keys: Iterable[str], locked: frozenset[str]) -> None:
        """Refuse a page's attempt to set anything but enabled, unlocked parameters."""
        for key in keys:
            self._known(key)
            if key in locked or self.parameters[key] == "locked":
                raise ParameterError(f"parameter {key!r} is locked by the embed token; the page cannot change it")
            if self.parameters[key] == "disabled":
                raise ParameterError(f"parameter {key!r} is disabled on this dashboard")

    def _known(self, key: str) -> None:
        if key in self.parameters:
            return
        close = difflib.get_close_matches(key, list(self.parameters), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        known = ", ".join(sorted(self.parameters)) or "none"
        raise ParameterError(f"unknown parameter {key!r}{hint} (this dashboard's parameters: {known})")
