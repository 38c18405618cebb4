"""The audit log: an append-only record of who ran what, saw how many rows, under which rules.

One row per event (``query``, ``sql``, ``export``, ``view``, ``auth``, ``rule_change``...), kept
in SQLite by default or any SQLAlchemy database (PostgreSQL for a shared server). Rows are
never updated or deleted through this API, and the database refuses it too (triggers).
Payloads are redacted before they are written: any key containing ``password``, ``token``,
``secret``, ``key`` or ``credential`` (at any depth) holds ``***``, and URL passwords are masked.

Writing never fails or blocks a query: rows go through a background writer, and a failed
write is logged (logger ``bheem_nb.audit``), warned about and counted in :attr:`AuditLog.failures`.

    audit = AuditLog("sqlite:///audit.sqlite")
    engine = bn.Engine(audit=audit)
    ...
    audit.flush(); audit.events(user="alice@acme.com", action="query")
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import queue
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa

from bheem_nb.connectors.base import redact

if TYPE_CHECKING:
    from bheem_nb.security.identity import User

log = logging.getLogger("bheem_nb.audit")

SECRET_WORDS = ("password", "token", "secret", "key", "credential")
REDACTED = "***"

metadata = sa.MetaData()
events_table = sa.Table(
    "audit_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ts", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("user_id", sa.String(200), index=True),
    sa.Column("user_email", sa.String(200), index=True),
    sa.Column("model", sa.String(200)),
    sa.Column("connection", sa.String(400)),
    sa.Column("sql_hash", sa.String(64)),
    sa.Column("rows", sa.Integer),
    sa.Column("duration_ms", sa.Float),
    sa.Column("rules", sa.Text),
    sa.Column("cache_hit", sa.Boolean),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("payload", sa.Text),
)

_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
        "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    ],
}


def redact_payload(value: Any) -> Any:
    """A copy of ``value`` with secret-named keys masked at any depth and URL passwords hidden."""
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if any(w in str(k).casefold() for w in SECRET_WORDS) else redact_payload(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_payload(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


def sql_hash(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


_STOP = object()


class AuditLog:
    """Append-only audit rows in a SQLAlchemy database (``sqlite:///bheem_audit.sqlite`` by default)."""

    def __init__(self, url: str | sa.Engine = "sqlite:///bheem_audit.sqlite", *, background: bool = True) -> None:
        self.engine = url if isinstance(url, sa.Engine) else sa.create_engine(url)
        self.failures = 0
        self.last_error: str | None = None
        metadata.create_all(self.engine)
        with self.engine.begin() as con:
            for statement in _APPEND_ONLY.get(self.engine.dialect.name, []):
                con.exec_driver_sql(statement)
        self._queue: queue.Queue[Any] | None = None
        if background:
            self._queue = queue.Queue()
            self._thread = threading.Thread(target=self._drain, name="bheem-audit", daemon=True)
            self._thread.start()

    # -- writing ---------------------------------------------------------------------------
    def record(self, action: str, *, user: User | None = None, payload: Mapping[str, Any] | None = None,
               status: str = "ok", error: BaseException | str | None = None, **columns: Any) -> None:
        """Queue one event; never raises."""
        try:
            row = {
                "ts": dt.datetime.now(dt.UTC), "action": action,
                "user_id": user.id if user else None, "user_email": user.email if user else None,
                "status": "error" if error is not None else status,
                "error": redact(f"{type(error).__name__}: {error}") if isinstance(error, BaseException)
                else (redact(error) if error else None),
                "payload": json.dumps(redact_payload(dict(payload)), default=str, sort_keys=True) if payload else None,
                **columns,
            }
        except Exception as exc:  # a bad payload must not fail the caller either
            self._failed(exc)
            return
        if self._queue is not None:
            self._queue.put(row)
        else:
            self._write(row)

    def record_query(self, *, model: str, connection: str, sql: str, user: User | None, rows: int | None,
                     duration_ms: float | None, rules: tuple[str, ...], cache_hit: bool = False,
                     kind: str = "query", error: BaseException | None = None) -> None:
        """The engine's row per query: SQL hash (not the SQL), user, rows, time and RLS rules applied."""
        self.record(
            kind, user=user, error=error, model=model, connection=redact(connection), sql_hash=sql_hash(sql),
            rows=rows, duration_ms=duration_ms, rules=json.dumps(list(rules)), cache_hit=cache_hit,
        )

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until queued rows are written (tests, shutdown)."""
        if self._queue is None:
            return
        done = threading.Event()
        self._queue.put(done)
        done.wait(timeout)

    def close(self) -> None:
        if self._queue is not None:
            self.flush()
            self._queue.put(_STOP)
            self._thread.join(5)
            self._queue = None
        self.engine.dispose()

    def _drain(self) -> None:
        assert self._queue is not None
        q = self._queue
        while True:
            item = q.get()
            if item is _STOP:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            self._write(item)

    def _write(self, row: dict[str, Any]) -> None:
        try:
            with self.engine.begin() as con:
                con.execute(events_table.insert().values(**row))
        except Exception as exc:
            self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        self.last_error = redact(f"{type(exc).__name__}: {exc}")
        log.error("audit write failed: %s", self.last_error)
        warnings.warn(f"bheem_nb audit write failed: {self.last_error}", RuntimeWarning, stacklevel=2)

    # -- reading ---------------------------------------------------------------------------
    def events(self, *, user: str | None = None, action: str | None = None, since: dt.datetime | None = None,
               until: dt.datetime | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Events, oldest first, filtered by user (id or email), action and time."""
        t = events_table
        stmt = sa.select(t).order_by(t.c.id)
        if user is not None:
            stmt = stmt.where(sa.or_(t.c.user_id == user, t.c.user_email == user))
        if action is not None:
            stmt = stmt.where(t.c.action == action)
        if since is not None:
            stmt = stmt.where(t.c.ts >= since)
        if until is not None:
            stmt = stmt.where(t.c.ts < until)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(stmt)]

    def to_csv(self, out: str | Path | IO[str] | None = None, **filters: Any) -> str:
        """Write the filtered events as CSV to ``out`` (a path or a file); returns the CSV text."""
        rows = self.events(**filters)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=[c.name for c in events_table.columns], lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in r.items()})
        text = buf.getvalue()
        if isinstance(out, str | Path):
            Path(out).write_text(text)
        elif out is not None:
            out.write(text)
        return text
