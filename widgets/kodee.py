"""KodeeChat: ask questions of a model in a notebook or a Voilà dashboard and get a chart, a table and the SQL.

    from bheem_nb.widgets.kodee import KodeeChat
    KodeeChat(model, user="alice@acme.com", as_of="2025-12-31")

The browser sends only what the person did (a question, a rating, edited SQL); identity, the
engine, row-level security and the guard stay in the kernel. Ratings go to Kodee's feedback store.
"""

from __future__ import annotations

import math
from typing import Any

import anywidget
import traitlets
from ipywidgets import widget_serialization

from bheem_nb.kodee.answer import Answer
from bheem_nb.kodee.chart import chart_kind
from bheem_nb.kodee.kodee import Kodee
from bheem_nb.model.semantic import SemanticModel

from .chart import VegaRuntime, vega_runtime
from .slicers import STATIC
from .table import format_value

MAX_ROWS = 50


class KodeeChat(anywidget.AnyWidget):
    """A conversation with :class:`~bheem_nb.kodee.Kodee` (pass a model, or a ready Kodee)."""

    _esm = STATIC / "kodee.js"
    title = traitlets.Unicode("Ask Kodee").tag(sync=True)
    messages = traitlets.List(traitlets.Dict()).tag(sync=True)
    suggestions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    #: bumped whenever messages change, so the page (and tests) can wait for a new answer
    version = traitlets.Int(0).tag(sync=True)
    #: the page's one Vega runtime, shared with the charts (referencing it makes the page load it)
    runtime = traitlets.Instance(VegaRuntime).tag(sync=True, **widget_serialization)

    def __init__(self, model: SemanticModel | Kodee, *, user: Any = None, llm: Any = None, as_of: str | None = None,
                 title: str = "Ask Kodee", max_rows: int = MAX_ROWS, **kodee_options: Any) -> None:
        super().__init__(title=title, runtime=vega_runtime())
        self.kodee = model if isinstance(model, Kodee) else Kodee(model, user=user, llm=llm, as_of=as_of,
                                                                  **kodee_options)
        self.max_rows = max_rows
        self._answers: dict[str, Answer] = {}
        self.suggestions = self.kodee.suggestions()
        self.on_msg(self._on_message)

    def ask(self, question: str) -> Answer:
        """Ask as if typed in the chat; the answer is appended to the conversation."""
        self.busy = True
        try:
            answer = self.kodee.ask(question)
        finally:
            self.busy = False
        self._append(answer)
        return answer

    def run_sql(self, sql: str) -> Answer:
        """Run edited SQL through the guard and RLS (``model.sql(sql, user=)``) and show the result."""
        answer = self.kodee.run_sql(sql)
        self._append(answer)
        return answer

    def rate(self, answer_id: str, rating: int) -> None:
        """Thumbs up (1) or down (-1): stored by Kodee for later tuning, shown as pressed."""
        self.kodee.feedback(self._answers[answer_id], rating)
        self.messages = [dict(m, rating=rating) if m["id"] == answer_id else m for m in self.messages]
        self.version += 1

    def reset(self) -> None:
        self.kodee.reset()
        self._answers.clear()
        self.messages = []
        self.version += 1

    def _append(self, answer: Answer) -> None:
        self._answers[answer.id] = answer
        self.messages = [*self.messages, self._message(answer)]
        self.version += 1

    def _message(self, a: Answer) -> dict[str, Any]:
        columns: list[str] = []
        rows: list[list[str]] = []
        numeric: list[bool] = []
        count = 0
        if a.result is not None:
            df = a.result.df
            count = len(df)
            columns = [str(c) for c in df.columns]
            numeric = [df[c].dtype.kind in "iuf" for c in df.columns]
            formats = {str(f["field"]): f.get("format") for f in self.kodee.model.describe()}
            for rec in df.head(self.max_rows).itertuples(index=False):
                rows.append([format_value(_plain(v), formats.get(c)) for c, v in zip(columns, rec, strict=True)])
        labels = [self.kodee.column_label(c) for c in columns]
        return {"id": a.id, "question": a.question, "explanation": a.explanation, "sql": a.sql or "", "labels": labels,
                "chart": a.chart, "chart_kind": chart_kind(a.chart), "columns": columns, "rows": rows,
                "numeric": numeric, "row_count": count, "truncated": count > len(rows), "error": a.error or "",
                "confidence": a.confidence, "follow_ups": a.follow_ups, "source": a.source, "rating": 0}

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        kind = content.get("type")
        if kind == "ask" and isinstance(content.get("question"), str):
            self.ask(content["question"])
        elif kind == "run_sql" and isinstance(content.get("sql"), str):
            self.run_sql(content["sql"])
        elif kind == "feedback" and content.get("id") in self._answers and content.get("rating") in (1, -1):
            self.rate(content["id"], int(content["rating"]))
        elif kind == "reset":
            self.reset()


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
