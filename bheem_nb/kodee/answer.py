"""What Kodee hands back: the governed query, its SQL, the rows, a chart and how sure it is."""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bheem_nb.errors import BheemError

if TYPE_CHECKING:
    import pandas as pd

    from bheem_nb.result import Result


class KodeeError(BheemError):
    """Kodee could not answer: the LLM was unreachable, replied nonsense, or its SQL was refused twice."""


@dataclass
class Answer:
    """One answer. ``result`` is None when the question could not be answered (``error`` says why).

    ``query_spec`` is the semantic query (a ``model.query`` spec) when there is one; ``sql`` is the
    SQL that ran, after row-level security; ``source`` is ``offline``, ``llm`` or ``sql`` (edited SQL).
    """

    question: str
    sql: str | None = None
    explanation: str = ""
    result: Result | None = None
    chart: dict[str, Any] | None = None
    confidence: float = 0.0
    follow_ups: list[str] = field(default_factory=list)
    query_spec: dict[str, Any] | None = None
    source: str = "offline"
    error: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def ok(self) -> bool:
        return self.result is not None and self.error is None

    @property
    def df(self) -> pd.DataFrame | None:
        return self.result.df if self.result is not None else None

    def __repr__(self) -> str:
        shown = f"{len(self.result)} rows" if self.result is not None else f"no answer ({self.error})"
        return f"<Answer {self.question!r}: {shown}, {self.source}, confidence {self.confidence:.2f}>"

    def _repr_html_(self) -> str:
        parts = [f"<div class='bn-kodee-answer'><p><b>{html.escape(self.question)}</b></p>",
                 f"<p>{html.escape(self.explanation)}</p>"]
        if self.error:
            parts.append(f"<p style='color:#b00020'>{html.escape(self.error)}</p>")
        if self.sql:
            parts.append(f"<details><summary>SQL</summary><pre>{html.escape(self.sql)}</pre></details>")
        if self.result is not None:
            parts.append(self.result.df.head(50).to_html(index=False))
        if self.follow_ups:
            parts.append("<p>Try: " + " · ".join(html.escape(f) for f in self.follow_ups) + "</p>")
        return "".join(parts) + "</div>"
