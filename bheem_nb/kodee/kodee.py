"""Kodee: plain-language questions to governed queries, with a chart and an explanation.

    kodee = Kodee(model, user="alice@acme.com")            # offline parser
    kodee = Kodee(model, llm=LLMConfig(base_url=..., model=...))   # or an OpenAI-compatible LLM
    a = kodee.ask("top 5 countries by revenue in 2024")
    a.df, a.sql, a.chart, a.explanation
    kodee.ask("now only Europe")                            # refines the previous query

Every answer runs through ``model.query(..., user=)`` or ``model.sql(sql, user=)``, so row-level
security and the read-only guard apply after Kodee (and after any LLM) decided what to ask.
Each question, its SQL and its outcome are written to the audit log when one is configured.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bheem_nb.errors import BheemError
from bheem_nb.kodee.answer import Answer, KodeeError
from bheem_nb.kodee.chart import suggest_chart
from bheem_nb.kodee.explain import explain
from bheem_nb.kodee.feedback import FeedbackStore
from bheem_nb.kodee.followup import is_follow_up, merge
from bheem_nb.kodee.llm import LLMClient, LLMConfig
from bheem_nb.kodee.parser import Parsed, parse
from bheem_nb.kodee.vocab import Vocabulary, build_vocabulary
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.security.identity import resolve_user
from bheem_nb.store.audit import AuditLog

FALLBACK_CONFIDENCE = 0.5


class Kodee:
    """Ask questions of ``model`` as ``user``; ``llm`` is an :class:`LLMConfig`, ``"env"`` or None (offline).

    ``as_of`` fixes "today" for relative dates (tests, evaluations); ``synonyms`` adds words per field
    (``{"revenue": ["bookings"]}``); ``audit`` defaults to the model's engine audit log.
    """

    def __init__(self, model: SemanticModel, user: Any = None, llm: LLMConfig | str | None = None, *,
                 as_of: str | None = None, synonyms: Mapping[str, Sequence[str]] | None = None,
                 audit: AuditLog | None = None, feedback: FeedbackStore | str | None = None) -> None:
        self.model = model
        self.user = user
        self.as_of = as_of
        self.synonyms = dict(synonyms or {})
        self.llm_config = LLMConfig.from_env() if llm == "env" else llm if isinstance(llm, LLMConfig) else None
        if isinstance(llm, str) and llm != "env":
            raise KodeeError(f"llm= takes an LLMConfig, 'env' or None, got {llm!r}")
        self.audit = audit if audit is not None else model.engine.audit
        self._feedback = feedback
        self.history: list[Answer] = []
        self._previous: dict[str, Any] | None = None
        self._vocab: Vocabulary | None = None
        self._llm: Any = None

    # -- state -------------------------------------------------------------------------------
    @property
    def vocab(self) -> Vocabulary:
        """Fields, synonyms and values as this user sees them (built on first use)."""
        if self._vocab is None:
            self._vocab = build_vocabulary(self.model, user=self.user, synonyms=self.synonyms)
        return self._vocab

    def reset(self) -> None:
        """Forget the conversation: the next question starts fresh."""
        self._previous = None
        self.history.clear()

    @property
    def default_measure(self) -> str | None:
        return self.vocab.measure_order[0] if self.vocab.measure_order else None

    # -- asking -------------------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        """Answer ``question`` (a follow-up refines the previous answer). Never raises for a bad question:
        the answer says plainly what went wrong; only a bad argument raises :class:`KodeeError`."""
        if not isinstance(question, str) or not question.strip():
            raise KodeeError("ask() needs a question, e.g. kodee.ask('revenue by region')")
        question = question.strip()
        answer = self._ask_llm(question) if self.llm_config is not None else self._ask_offline(question)
        self._remember(answer)
        return answer

    def _remember(self, answer: Answer) -> None:
        self._record(answer)
        if answer.ok and answer.query_spec is not None:
            self._previous = answer.query_spec
        self.history.append(answer)

    def parse(self, question: str) -> tuple[Parsed, dict[str, Any] | None, bool]:
        """The offline reading of ``question``: (parsed, spec to run, is it a follow-up)."""
        parsed = parse(question, self.vocab, default_measure=None)
        if is_follow_up(question, parsed, self._previous):
            assert self._previous is not None
            spec = merge(self._previous, parsed, question, set(self.vocab.time_dims.values()))
            return parsed, spec, True
        if parsed.spec is None or not parsed.spec.get("measures"):
            parsed = parse(question, self.vocab, default_measure=self.default_measure)
        return parsed, parsed.spec, False

    def _ask_offline(self, question: str, note: str = "") -> Answer:
        parsed, spec, follow = self.parse(question)
        if spec is None:
            return Answer(question, explanation=note + parsed.explanation, confidence=0.0,
                          follow_ups=self.suggestions(3), error="cannot answer", source="offline")
        text = explain(spec, self.vocab)
        if follow:
            text = "Refining the previous question: " + text
        elif parsed.unknown:
            text += f" (ignored: {', '.join(parsed.unknown)})"
        return self._run_spec(question, spec, note + text, parsed.confidence, "offline",
                              share="share" in parsed.flags)

    def _run_spec(self, question: str, spec: dict[str, Any], explanation: str, confidence: float, source: str,
                  share: bool = False) -> Answer:
        run = {k: v for k, v in spec.items() if v not in ([], None)}
        if self.as_of is not None and "as_of" not in run:
            run["as_of"] = self.as_of
        try:
            result = self.model.query(**run, user=self.user)
        except BheemError as exc:
            return Answer(question, explanation=explanation, confidence=confidence, query_spec=spec, source=source,
                          error=str(exc))
        labels = {str(c): self.column_label(str(c)) for c in result.df.columns}
        formats = {str(f["field"]): f.get("format") for f in self.model.describe()}
        chart = suggest_chart(result.df, measures=list(spec.get("measures", [])), share=share, labels=labels,
                              formats=formats)
        return Answer(question, sql=result.sql, explanation=explanation, result=result, chart=chart,
                      confidence=confidence, follow_ups=self.follow_ups(spec, len(result)), query_spec=spec,
                      source=source)

    def run_sql(self, sql: str, question: str = "(edited SQL)") -> Answer:
        """Run SQL (e.g. edited in the chat) through ``model.sql(sql, user=)``: guard and RLS apply."""
        try:
            result = self.model.sql(sql, user=self.user)
        except BheemError as exc:
            answer = Answer(question, sql=sql, explanation="The SQL was not run.", source="sql", error=str(exc))
        else:
            answer = Answer(question, sql=result.sql, explanation="Your SQL, run with your access rules.",
                            result=result, chart=suggest_chart(result.df), confidence=1.0, source="sql")
        self._remember(answer)
        return answer

    # -- the LLM path -------------------------------------------------------------------------
    def _ask_llm(self, question: str) -> Answer:
        from bheem_nb.kodee.llm_path import ask_llm

        if self._llm is None:
            assert self.llm_config is not None
            self._llm = LLMClient(self.llm_config)
        try:
            return ask_llm(self, self._llm, question)
        except KodeeError as exc:
            parsed, spec, _ = self.parse(question)
            if spec is not None and parsed.confidence >= FALLBACK_CONFIDENCE:
                return self._ask_offline(question, note=f"The LLM failed ({exc}); answered offline: ")
            return Answer(question, explanation=f"The LLM failed and the offline parser could not answer "
                          f"either: {parsed.explanation}", error=str(exc), source="llm")

    # -- suggestions --------------------------------------------------------------------------
    def suggestions(self, n: int = 6) -> list[str]:
        """Questions this model can answer, for the chat's empty state."""
        v = self.vocab
        measures = [v.label(m) for m in v.measure_order[:3]]
        # fields of fact and entity tables first (region, category), calendar lookups (month name) last
        cats = self._categories()
        out: list[str] = []
        if measures:
            m = measures[0]
            if cats:
                out.append(f"{m} by {v.label(cats[0])}")
            out.append(f"{m} by month")
            wide = [c for c in cats if 8 <= len(v.values[c]) <= 50]
            if wide:
                out.append(f"top 5 {_plural(v.label(wide[0]))} by {m}")
            out.append(f"{m} this year vs last year")
            if len(cats) > 1:
                out.append(f"{measures[-1]} in {v.values[cats[1]][0]}")
            if len(measures) > 1 and cats:
                out.append(f"{measures[1]} by {v.label(cats[-1] if len(cats) < 3 else cats[2])} last 90 days")
        return out[:n]

    def column_label(self, column: str) -> str:
        """A column as it reads: ``revenue:yoy_pct`` -> "Revenue (yoy pct)", grains -> "Order date (month)"."""
        base, _, modifier = column.partition(":")
        head, _, last = base.rpartition(".")
        grain = last if head in self.vocab.time_dims.values() else ""
        text = self.vocab.label(head if grain else base) if "." in base else base.replace("_", " ")
        text = text[:1].upper() + text[1:]
        if grain:
            text += f" ({grain})"
        return f"{text} ({modifier.replace('_', ' ')})" if modifier else text

    def follow_ups(self, spec: dict[str, Any], rows: int | None = None) -> list[str]:
        """Refinements that make sense after ``spec`` (which gave ``rows`` rows); each is a question
        this conversation can answer next: a time series, a top 5 of more than 5 rows, one value of a
        field not yet used, another measure."""
        v = self.vocab
        time_dims = set(v.time_dims.values())
        dims = spec.get("dimensions", [])
        filtered = {f["field"] for f in spec.get("filters", [])}
        measures = spec.get("measures", [])
        out = []
        if any(":" in m for m in measures):  # "this year vs last year": split it by a category, not by month
            cat = next((f for f in self._categories() if f not in dims and f not in filtered), None)
            if cat is not None:
                out.append(f"by {v.label(cat)}")
        elif not any(d.rsplit(".", 1)[0] in time_dims for d in dims):
            out.append("by month instead" if dims else "by month")
        if dims and not spec.get("limit") and (rows is None or rows > 5):
            out.append("top 5")
        for field, values in sorted(v.values.items(), key=lambda kv: len(kv[1])):
            if field not in filtered and field not in dims and len(values) > 1:
                out.append(f"now only {values[0]}")
                break
        bases = {m.partition(":")[0] for m in measures}
        others = [m for m in v.measure_order if m not in bases]
        if others:
            out.append(f"what about {v.label(others[0])}")
        return out[:4]

    def _categories(self) -> list[str]:
        """Text fields to group by, those of tables with measures first, fewest values first."""
        v = self.vocab
        with_measures = {m.split(".")[0] for m in v.measure_order}
        return sorted(v.values, key=lambda f: (f.split(".")[0] not in with_measures, len(v.values[f])))

    # -- feedback and audit -------------------------------------------------------------------
    @property
    def feedback_store(self) -> FeedbackStore:
        if not isinstance(self._feedback, FeedbackStore):
            self._feedback = FeedbackStore(self._feedback)
        return self._feedback

    def feedback(self, answer: Answer | str, rating: int, comment: str = "") -> None:
        """Store a thumbs up (1) or down (-1) for an answer (or its id) for later tuning."""
        found = answer if isinstance(answer, Answer) else next((a for a in self.history if a.id == answer), None)
        if found is None:
            raise KodeeError(f"no answer with id {answer!r} in this conversation")
        who = resolve_user(self.model.spec, self.user)
        self.feedback_store.add(question=found.question, rating=rating, answer_id=found.id,
                                user_id=who.id if who else None, model=self.model.name,
                                query_spec=found.query_spec, sql=found.sql, source=found.source, comment=comment)
        if self.audit is not None:
            self.audit.record("kodee_feedback", user=who, model=self.model.name,
                              payload={"answer": found.id, "rating": rating})

    def _record(self, answer: Answer) -> None:
        if self.audit is None:
            return
        try:
            who = resolve_user(self.model.spec, self.user)
        except BheemError:
            who = None
        outcome = "answered" if answer.ok else ("cannot_answer" if answer.error == "cannot answer" else "error")
        payload = {"question": answer.question, "source": answer.source, "outcome": outcome,
                   "query": json.dumps(answer.query_spec, default=str) if answer.query_spec else None,
                   "sql": answer.sql, "confidence": answer.confidence,
                   "rows": len(answer.result) if answer.result is not None else None}
        self.audit.record("kodee", user=who, model=self.model.name, payload=payload,
                          error=answer.error if not answer.ok else None)


def _plural(label: str) -> str:
    if label.endswith("y") and not label.endswith(("ay", "ey", "oy")):
        return label[:-1] + "ies"
    return label if label.endswith("s") else label + "s"
