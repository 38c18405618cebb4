"""Who is asking: the :class:`User` every governed query runs as, and where it comes from.

The user is resolved on the server side only, in this order:

1. an explicit ``user=`` argument (a :class:`User`, or an id/email looked up in the model's
   ``users:``);
2. the current-user context, set by the dashboard server from a verified token
   (:func:`set_current_user` / :func:`as_user`);
3. ``JUPYTERHUB_USER`` in a notebook (set by JupyterHub in the single-user server process).

Never from a value the browser can set: widgets carry no identity traitlet.

    >>> alice = User("u1", email="alice@acme.com", groups=["managers"], attributes={"region": "Europe"})
    >>> with as_user(alice):
    ...     model.query(measures=["revenue"])       # runs as alice
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bheem_nb.errors import SecurityError

if TYPE_CHECKING:
    from bheem_nb.model.schema import ModelSpec

#: the role that lifts row-level security for its holder (admins, scheduled refreshes)
RLS_BYPASS = "rls_bypass"

_current: ContextVar[User | None] = ContextVar("bheem_nb_user", default=None)


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True, init=False)
class User:
    """An authenticated person (or service) a query runs as. Immutable.

    ``id`` is the principal name (``USERPRINCIPALNAME()``), ``email`` the user name
    (``USERNAME()``), ``groups`` feed rule assignments and ``USERGROUPS()``, ``attributes``
    feed ``USERLOOKUP('attr')``; ``roles`` hold grants such as ``rls_bypass``.
    """

    id: str
    email: str | None
    groups: tuple[str, ...]
    attributes: Mapping[str, Any] = field(hash=False)
    roles: tuple[str, ...]

    def __init__(
        self,
        id: str,
        email: str | None = None,
        groups: Iterable[str] = (),
        attributes: Mapping[str, Any] | None = None,
        roles: Iterable[str] = (),
    ) -> None:
        if not isinstance(id, str) or not id:
            raise SecurityError("a User needs a non-empty string id")
        if isinstance(groups, str) or isinstance(roles, str):
            raise SecurityError("User groups and roles are lists of names, not one string")
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "email", email)
        object.__setattr__(self, "groups", tuple(str(g) for g in groups))
        object.__setattr__(self, "attributes", _freeze(dict(attributes or {})))
        object.__setattr__(self, "roles", tuple(str(r) for r in roles))

    @property
    def bypasses_rls(self) -> bool:
        return RLS_BYPASS in self.roles

    @property
    def fingerprint(self) -> str:
        """A stable hash of everything RLS may read; part of the secured-SQL cache key."""
        payload = json.dumps(
            [self.id, self.email, list(self.groups), _thaw(self.attributes), list(self.roles)],
            sort_keys=True, default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:24]

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, email={self.email!r}, groups={list(self.groups)!r}, roles={list(self.roles)!r})"


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def set_current_user(user: User | None) -> Token[User | None]:
    """Make ``user`` the current user of this context (thread / asyncio task); returns a reset token."""
    if user is not None and not isinstance(user, User):
        raise SecurityError("the current user must be a bheem_nb.User (resolved by the server), not a plain value")
    return _current.set(user)


def reset_current_user(token: Token[User | None]) -> None:
    _current.reset(token)


@contextlib.contextmanager
def as_user(user: User | None) -> Iterator[User | None]:
    """Run the block as ``user``: ``with as_user(alice): model.query(...)``."""
    token = set_current_user(user)
    try:
        yield user
    finally:
        _current.reset(token)


def current_user() -> User | None:
    """The user of this context, else the JupyterHub user of this notebook server, else None."""
    user = _current.get()
    if user is not None:
        return user
    hub = os.environ.get("JUPYTERHUB_USER")
    if hub:
        return User(hub, email=hub if "@" in hub else None)
    return None


def user_from_spec(spec: Any) -> User:
    """A :class:`User` from a model ``users:`` entry."""
    return User(spec.id, email=spec.email, groups=spec.groups, attributes=spec.attributes, roles=spec.roles)


def lookup_user(spec: ModelSpec, name: str) -> User | None:
    """The model's ``users:`` entry whose id or email (case-insensitive) is ``name``."""
    wanted = name.casefold()
    for entry in spec.users:
        if entry.id.casefold() == wanted or (entry.email or "").casefold() == wanted:
            return user_from_spec(entry)
    return None


def resolve_user(spec: ModelSpec, user: User | str | None) -> User | None:
    """The user a query runs as: explicit ``user=`` beats the context, which beats JupyterHub.

    A string names a user of the model's ``users:`` (by id or email); an unknown name is an
    error rather than a silent anonymous user.
    """
    if isinstance(user, User):
        return user
    if isinstance(user, str):
        found = lookup_user(spec, user)
        if found is None:
            raise SecurityError(
                f"unknown user {user!r}: not in the model's `users:`; pass a bheem_nb.User instead"
            )
        return found
    if user is not None:
        raise SecurityError("user= must be a bheem_nb.User or a user id/email from the model's `users:`")
    ctx = _current.get()
    if ctx is not None:
        return ctx
    hub = os.environ.get("JUPYTERHUB_USER")
    if hub:
        return lookup_user(spec, hub) or User(hub, email=hub if "@" in hub else None)
    return None
