"""The metadata store: workspaces and their members, objects, connections and RLS rules.

SQLite by default, PostgreSQL for a shared server; the schema comes from Alembic migrations,
applied on open. Every call that reads or changes something takes the acting :class:`User` and
checks the permission here, not only in a UI:

* workspace roles: ``viewer`` may view, ``member`` may also edit, ``admin`` may also manage
  members, grants and rules;
* an object-level grant overrides the workspace role for that one object (up or down).

Connection URLs are stored encrypted (Fernet, see :mod:`bheem_nb.store.secrets`); only a
redacted form is kept in clear. Permission and rule changes are written to the audit log.

    store = MetadataStore("sqlite:///meta.sqlite", secrets=SecretBox.from_env())
    ws = store.create_workspace("sales", owner=alice)
    store.add_member("sales", "bob", "viewer", by=alice)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bheem_nb.connectors.base import redact
from bheem_nb.errors import BheemError, SecurityError
from bheem_nb.store.models import (
    OBJECT_KINDS,
    ROLES,
    Member,
    ObjectGrant,
    StoredConnection,
    StoredObject,
    StoredRule,
    Workspace,
)

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel
    from bheem_nb.security.identity import User
    from bheem_nb.store.audit import AuditLog
    from bheem_nb.store.secrets import SecretBox

ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view"}),
    "member": frozenset({"view", "edit"}),
    "admin": frozenset({"view", "edit", "admin"}),
}


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the store's schema to ``revision`` with the bundled Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, revision)


@contextmanager
def transaction(engine: sa.Engine) -> Iterator[Session]:
    """One session in one transaction: committed when the block ends, rolled back on an error.

    Objects stay readable after the commit (``expire_on_commit=False``), so stores can return them.
    """
    with Session(engine, expire_on_commit=False) as s, s.begin():
        yield s


class MetadataStore:
    """Workspaces, members, objects, encrypted connections and RLS rules, permission-checked."""

    def __init__(self, url: str | sa.Engine = "sqlite:///bheem_meta.sqlite", *, secrets: SecretBox | None = None,
                 audit: AuditLog | None = None, migrate: bool = True) -> None:
        self.engine = url if isinstance(url, sa.Engine) else sa.create_engine(url)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", lambda con, _: con.execute("PRAGMA foreign_keys = ON"))
        self.secrets = secrets
        self.audit = audit
        if migrate:
            upgrade(self.engine)

    def _session(self) -> AbstractContextManager[Session]:
        return transaction(self.engine)

    # -- workspaces and members -------------------------------------------------------------
    def create_workspace(self, name: str, *, owner: User) -> int:
        """A new workspace whose owner is its first admin."""
        with self._session() as s:
            if s.scalar(sa.select(Workspace.id).where(Workspace.name == name)) is not None:
                raise BheemError(f"workspace {name!r} already exists")
            ws = Workspace(name=name)
            s.add(ws)
            s.flush()
            s.add(Member(workspace_id=ws.id, user_id=owner.id, role="admin"))
        self._log("workspace_create", owner, {"workspace": name})
        return ws.id

    def add_member(self, workspace: str, user_id: str, role: str, *, by: User) -> None:
        _check_role(role)
        with self._session() as s:
            ws = self._require(s, workspace, by, "admin")
            member = s.scalar(sa.select(Member).where(Member.workspace_id == ws.id, Member.user_id == user_id))
            if member is None:
                s.add(Member(workspace_id=ws.id, user_id=user_id, role=role))
            else:
                member.role = role
        self._log("permission_change", by, {"workspace": workspace, "member": user_id, "role": role})

    def remove_member(self, workspace: str, user_id: str, *, by: User) -> None:
        with self._session() as s:
            ws = self._require(s, workspace, by, "admin")
            s.execute(sa.delete(Member).where(Member.workspace_id == ws.id, Member.user_id == user_id))
        self._log("permission_change", by, {"workspace": workspace, "member": user_id, "role": None})

    def role_of(self, user: User, workspace: str, obj: tuple[str, str] | None = None) -> str | None:
        """The user's effective role: an object grant if there is one, else the workspace role."""
        with self._session() as s:
            ws = self._workspace(s, workspace)
            return self._role(s, ws, user, obj)

    def can(self, user: User, workspace: str, action: str, obj: tuple[str, str] | None = None) -> bool:
        role = self.role_of(user, workspace, obj)
        return role is not None and action in ACTIONS[role]

    def check(self, user: User, workspace: str, action: str, obj: tuple[str, str] | None = None) -> None:
        """Raise :class:`SecurityError` unless ``user`` may ``action`` (view/edit/admin) here."""
        if not self.can(user, workspace, action, obj):
            what = f"{obj[0]} {obj[1]!r} in " if obj else ""
            raise SecurityError(f"permission denied: {user.id!r} may not {action} {what}workspace {workspace!r}")

    def model_access(self, workspace: str) -> Callable[[User | None, SemanticModel], None]:
        """A check for ``Engine(access=...)``: every query needs ``view`` on the workspace, or on
        the model when it is stored as an object of kind ``model`` with its own grants."""

        def check(user: User | None, model: SemanticModel) -> None:
            if user is None:
                raise SecurityError(f"permission denied: an anonymous user may not query workspace {workspace!r}")
            self.check(user, workspace, "view", ("model", model.name))

        return check

    # -- objects ---------------------------------------------------------------------------
    def save_object(self, workspace: str, kind: str, name: str, spec: Mapping[str, Any], *, by: User) -> None:
        if kind not in OBJECT_KINDS:
            raise BheemError(f"unknown object kind {kind!r}; kinds are {list(OBJECT_KINDS)}")
        with self._session() as s:
            ws = self._require(s, workspace, by, "edit", (kind, name))
            obj = self._object(s, ws, kind, name)
            if obj is None:
                s.add(StoredObject(workspace_id=ws.id, kind=kind, name=name, spec=json.dumps(dict(spec))))
            else:
                obj.spec = json.dumps(dict(spec))

    def get_object(self, workspace: str, kind: str, name: str, *, user: User) -> dict[str, Any]:
        with self._session() as s:
            ws = self._require(s, workspace, user, "view", (kind, name))
            obj = self._object(s, ws, kind, name)
            if obj is None:
                raise BheemError(f"no {kind} {name!r} in workspace {workspace!r}")
            return dict(json.loads(obj.spec))

    def grant(self, workspace: str, kind: str, name: str, user_id: str, role: str | None, *, by: User) -> None:
        """Set (or with ``role=None`` remove) an object-level override for one user."""
        if role is not None:
            _check_role(role)
        with self._session() as s:
            ws = self._require(s, workspace, by, "admin")
            obj = self._object(s, ws, kind, name)
            if obj is None:
                raise BheemError(f"no {kind} {name!r} in workspace {workspace!r}")
            s.execute(sa.delete(ObjectGrant).where(ObjectGrant.object_id == obj.id, ObjectGrant.user_id == user_id))
            if role is not None:
                s.add(ObjectGrant(object_id=obj.id, user_id=user_id, role=role))
        self._log("permission_change", by, {"workspace": workspace, "object": f"{kind}:{name}",
                                            "member": user_id, "role": role})

    # -- connections -----------------------------------------------------------------------
    def save_connection(self, workspace: str, name: str, url: str, *, by: User) -> None:
        """Store a connection URL encrypted; only its redacted form is kept in clear."""
        box = self._box()
        with self._session() as s:
            ws = self._require(s, workspace, by, "admin")
            row = s.scalar(sa.select(StoredConnection).where(StoredConnection.workspace_id == ws.id,
                                                             StoredConnection.name == name))
            if row is None:
                s.add(StoredConnection(workspace_id=ws.id, name=name, display_url=redact(url),
                                       secret=box.encrypt(url)))
            else:
                row.display_url, row.secret = redact(url), box.encrypt(url)
        self._log("connection_change", by, {"workspace": workspace, "connection": name, "url": redact(url)})

    def connection_url(self, workspace: str, name: str, *, user: User) -> str:
        """The decrypted URL, for members who may edit (viewers never see credentials)."""
        box = self._box()
        with self._session() as s:
            ws = self._require(s, workspace, user, "edit", ("connection", name))
            row = s.scalar(sa.select(StoredConnection).where(StoredConnection.workspace_id == ws.id,
                                                             StoredConnection.name == name))
            if row is None:
                raise BheemError(f"no connection {name!r} in workspace {workspace!r}")
            return box.decrypt(row.secret)

    def rotate_secrets(self, box: SecretBox | None = None) -> int:
        """Re-encrypt every stored secret with the newest key; returns how many."""
        if box is not None:
            self.secrets = box
        box = self._box()
        with self._session() as s:
            rows = list(s.scalars(sa.select(StoredConnection)))
            for row in rows:
                row.secret = box.rotate(row.secret)
        return len(rows)

    # -- RLS rules -------------------------------------------------------------------------
    def save_rule(self, workspace: str, model: str, rule: Mapping[str, Any], *, by: User) -> None:
        """Store one rule (``{name, table, filter, assign}``); validated like a model's rule."""
        from bheem_nb.model.schema import RLSRule

        checked = RLSRule.model_validate(dict(rule))
        with self._session() as s:
            ws = self._require(s, workspace, by, "admin")
            s.execute(sa.delete(StoredRule).where(StoredRule.workspace_id == ws.id, StoredRule.model == model,
                                                  StoredRule.name == checked.name))
            s.add(StoredRule(workspace_id=ws.id, model=model, name=checked.name, table_name=checked.table,
                             filter=checked.filter,
                             assign=json.dumps([a.model_dump(exclude_none=True) for a in checked.assign])))
        self._log("rule_change", by, {"workspace": workspace, "model": model, "rule": checked.name,
                                      "table": checked.table})

    def rules(self, workspace: str, model: str) -> list[dict[str, Any]]:
        with self._session() as s:
            ws = self._workspace(s, workspace)
            rows = s.scalars(sa.select(StoredRule).where(StoredRule.workspace_id == ws.id,
                                                         StoredRule.model == model).order_by(StoredRule.id))
            return [{"name": r.name, "table": r.table_name, "filter": r.filter, "assign": json.loads(r.assign)}
                    for r in rows]

    def with_rules(self, model: SemanticModel, workspace: str) -> SemanticModel:
        """``model`` with the store's rules for it added to the model's own."""
        from bheem_nb.model.semantic import SemanticModel

        data = model.spec.model_dump(mode="json")
        data["rls"]["rules"] = [*data["rls"]["rules"], *self.rules(workspace, model.name)]
        return SemanticModel(data, base_dir=model.base_dir, connector=model.connector, engine=model.engine)

    # -- helpers ---------------------------------------------------------------------------
    def _workspace(self, s: Session, name: str) -> Workspace:
        ws = s.scalar(sa.select(Workspace).where(Workspace.name == name))
        if ws is None:
            raise BheemError(f"no workspace {name!r}")
        return ws

    def _object(self, s: Session, ws: Workspace, kind: str, name: str) -> StoredObject | None:
        return s.scalar(sa.select(StoredObject).where(StoredObject.workspace_id == ws.id,
                                                      StoredObject.kind == kind, StoredObject.name == name))

    def _role(self, s: Session, ws: Workspace, user: User, obj: tuple[str, str] | None) -> str | None:
        if obj is not None:
            row = self._object(s, ws, *obj)
            if row is not None:
                grant = s.scalar(sa.select(ObjectGrant.role).where(ObjectGrant.object_id == row.id,
                                                                   ObjectGrant.user_id == user.id))
                if grant is not None:
                    return grant
        return s.scalar(sa.select(Member.role).where(Member.workspace_id == ws.id, Member.user_id == user.id))

    def _require(self, s: Session, workspace: str, user: User, action: str,
                 obj: tuple[str, str] | None = None) -> Workspace:
        ws = self._workspace(s, workspace)
        role = self._role(s, ws, user, obj)
        if role is None or action not in ACTIONS[role]:
            what = f"{obj[0]} {obj[1]!r} in " if obj else ""
            raise SecurityError(f"permission denied: {user.id!r} may not {action} {what}workspace {workspace!r}")
        return ws

    def _box(self) -> SecretBox:
        if self.secrets is None:
            from bheem_nb.store.secrets import SecretBox

            self.secrets = SecretBox.from_env()
        return self.secrets

    def _log(self, action: str, user: User, payload: dict[str, Any]) -> None:
        if self.audit is not None:
            self.audit.record(action, user=user, payload=payload)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise BheemError(f"unknown role {role!r}; roles are {list(ROLES)}")
