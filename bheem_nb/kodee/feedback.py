"""Thumbs up/down on Kodee's answers, kept for later prompt and synonym tuning.

A small SQLite table (``kodee_feedback``) beside the demo cache by default
(``$BHEEM_KODEE_DB`` or ``~/.cache/bheem_nb/kodee.sqlite``): who asked what, the query and SQL
that answered it, and the rating. Only the asker's own question and query are stored, never rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

_SCHEMA = """CREATE TABLE IF NOT EXISTS kodee_feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, answer_id TEXT, user_id TEXT, model TEXT,
    question TEXT NOT NULL, query_spec TEXT, sql TEXT, source TEXT, rating INTEGER NOT NULL, comment TEXT)"""


def default_path() -> Path:
    given = os.environ.get("BHEEM_KODEE_DB")
    return Path(given) if given else Path.home() / ".cache" / "bheem_nb" / "kodee.sqlite"


class FeedbackStore:
    """Append ratings (+1 / -1) and read them back."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as con:
            con.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, *, question: str, rating: int, answer_id: str | None = None, user_id: str | None = None,
            model: str | None = None, query_spec: dict[str, Any] | None = None, sql: str | None = None,
            source: str | None = None, comment: str = "") -> None:
        if rating not in (1, -1):
            from bheem_nb.kodee.answer import KodeeError

            raise KodeeError(f"feedback rating must be 1 (thumbs up) or -1 (thumbs down), got {rating!r}")
        row = (dt.datetime.now(dt.UTC).isoformat(), answer_id, user_id, model, question,
               json.dumps(query_spec) if query_spec is not None else None, sql, source, rating, comment)
        with self._lock, self._connect() as con:
            con.execute("INSERT INTO kodee_feedback (ts, answer_id, user_id, model, question, query_spec, sql, "
                        "source, rating, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)

    def rows(self, model: str | None = None) -> list[dict[str, Any]]:
        """Every rating, oldest first (optionally of one model)."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            cur = con.execute("SELECT * FROM kodee_feedback WHERE (? IS NULL OR model = ?) ORDER BY id",
                              (model, model))
            return [dict(r) for r in cur.fetchall()]
