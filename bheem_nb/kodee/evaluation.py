"""Execution accuracy of Kodee on an evaluation set: is the answer's table the expected table?

Each case is a question (or a conversation whose last question is judged) and hand-written SQL
over the model's tables. The SQL runs through ``model.sql`` (guarded, as the same user); the
answer's rows must equal its rows: same number of columns, values equal after matching columns
in some order (numbers to a relative 1e-6, dates by day), rows as a multiset, or in sequence when
the case says ``ordered: true``.

A case with ``expect: cannot_answer`` (and no ``sql``) asks about something the model does not
hold: it is right only when Kodee refuses plainly (no rows, error ``cannot answer``), names the
words of ``mentions:`` that it did not know, and offers questions it can answer instead. Answering
such a question with some other measure is the worst mistake a business user can be shown, so
it counts as wrong.

    cases, as_of = load_cases()                      # the demo set; load_cases("heldout") for the other
    report = evaluate(model, cases, as_of=as_of)     # offline parser
    print(report.format())                           # offline execution accuracy: 80/80 = 100.0 %
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bheem_nb.kodee.answer import Answer, KodeeError
from bheem_nb.kodee.kodee import Kodee
from bheem_nb.kodee.llm import LLMConfig
from bheem_nb.model.semantic import SemanticModel

MAX_PERMUTED_COLUMNS = 6


@dataclass(frozen=True)
class Case:
    """One judged question: ``turns`` are asked in order and the last answer is compared."""

    turns: tuple[str, ...]
    sql: str | None
    ordered: bool = False
    refuse: bool = False
    mentions: tuple[str, ...] = ()

    @property
    def question(self) -> str:
        return " → ".join(self.turns)


@dataclass
class CaseResult:
    case: Case
    correct: bool
    reason: str = ""
    spec: dict[str, Any] | None = None
    seconds: float = 0.0


@dataclass
class EvalReport:
    results: list[CaseResult] = field(default_factory=list)
    as_of: str | None = None
    path: str = "offline"

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.results)

    @property
    def accuracy(self) -> float:
        return self.correct / len(self.results) if self.results else 0.0

    def format(self, verbose: bool = False) -> str:
        lines = []
        for r in self.results:
            if verbose or not r.correct:
                mark = "ok  " if r.correct else "FAIL"
                lines.append(f"{mark} {r.case.question}" + (f"\n       {r.reason}" if r.reason else ""))
        lines.append(f"{self.path} execution accuracy: {self.correct}/{len(self.results)} = "
                     f"{self.accuracy * 100:.1f} %")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "as_of": self.as_of, "correct": self.correct, "total": len(self.results),
                "accuracy": self.accuracy,
                "cases": [{"question": r.case.question, "correct": r.correct, "reason": r.reason, "spec": r.spec}
                          for r in self.results]}


#: the evaluation sets shipped with Kodee, by the name ``bheem kodee eval --set NAME`` accepts
SHIPPED_SETS = {"demo": "eval_demo.yml", "heldout": "eval_heldout.yml"}


def load_cases(path: str | Path | None = None) -> tuple[list[Case], str | None]:
    """The cases of an evaluation YAML and its ``as_of``: a file, or a shipped set by name
    (``"demo"``, the default, or ``"heldout"``: questions written after the parser, never tuned on)."""
    key = "demo" if path is None else str(path)
    if Path(key).is_file():
        text = Path(key).read_text(encoding="utf-8")
    elif key in SHIPPED_SETS:
        text = resources.files("bheem_nb.kodee").joinpath(SHIPPED_SETS[key]).read_text(encoding="utf-8")
    else:
        raise KodeeError(f"evaluation set not found: {path} (a YAML file, or one of {', '.join(SHIPPED_SETS)})")
    data = yaml.safe_load(text)
    cases = [_case(i, item) for i, item in enumerate(data.get("questions", []))]
    as_of = data.get("as_of")
    return cases, str(as_of) if as_of is not None else None


def _case(i: int, item: Any) -> Case:
    if not isinstance(item, dict):
        raise KodeeError(f"evaluation case {i + 1}: a mapping with `question` (or `conversation`)")
    turns = item.get("conversation") or [item.get("question")]
    if not isinstance(turns, list) or not all(isinstance(t, str) and t for t in turns):
        raise KodeeError(f"evaluation case {i + 1}: needs `question` (or `conversation`)")
    expect = item.get("expect", "rows")
    if expect not in ("rows", "cannot_answer"):
        raise KodeeError(f"evaluation case {i + 1}: `expect` is `rows` or `cannot_answer`, got {expect!r}")
    mentions = item.get("mentions", [])
    if not isinstance(mentions, list) or not all(isinstance(m, str) for m in mentions):
        raise KodeeError(f"evaluation case {i + 1}: `mentions` is a list of words")
    if expect == "cannot_answer":
        if "sql" in item:
            raise KodeeError(f"evaluation case {i + 1}: a `cannot_answer` case has no `sql`")
        return Case(tuple(turns), None, refuse=True, mentions=tuple(mentions))
    if not isinstance(item.get("sql"), str):
        raise KodeeError(f"evaluation case {i + 1}: needs `sql` (or `expect: cannot_answer`)")
    return Case(tuple(turns), item["sql"], bool(item.get("ordered", False)))


def evaluate(model: SemanticModel, cases: list[Case], *, as_of: str | None = None, user: Any = None,
             llm: LLMConfig | None = None) -> EvalReport:
    """Ask every case with a fresh conversation and compare the last answer with the expected SQL."""
    report = EvalReport(as_of=as_of, path="llm" if llm else "offline")
    shared = Kodee(model, user=user, llm=llm, as_of=as_of)
    for case in cases:
        t0 = time.perf_counter()
        shared.reset()
        answer = None
        for turn in case.turns:
            answer = shared.ask(turn)
        assert answer is not None
        if case.refuse:
            ok, why = judge_refusal(answer, case.mentions)
            outcome = CaseResult(case, ok, why, answer.query_spec)
        elif not answer.ok or answer.df is None:
            outcome = CaseResult(case, False, f"no answer: {answer.error}: {answer.explanation}", answer.query_spec)
        else:
            assert case.sql is not None
            expected = model.sql(case.sql, user=user).df
            same, why = tables_equal(rows_of(answer.df), rows_of(expected), ordered=case.ordered)
            outcome = CaseResult(case, same, why, answer.query_spec)
        outcome.seconds = time.perf_counter() - t0
        report.results.append(outcome)
    return report


def judge_refusal(answer: Answer, mentions: tuple[str, ...]) -> tuple[bool, str]:
    """Whether ``answer`` is a plain refusal: no rows, says what it did not know, offers other questions."""
    if answer.ok:
        return False, f"answered instead of refusing: {answer.explanation}"
    if answer.error != "cannot answer":
        return False, f"failed instead of refusing: {answer.error}"
    text = answer.explanation.lower()
    missing = [m for m in mentions if m.lower() not in text]
    if missing:
        return False, f"the refusal does not name {', '.join(map(repr, missing))}: {answer.explanation}"
    if not answer.follow_ups:
        return False, "the refusal offers no question it can answer"
    return True, ""


def rows_of(df: Any) -> list[tuple[Any, ...]]:
    return [tuple(_norm(v) for v in row) for row in df.itertuples(index=False)]


def _norm(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    if hasattr(value, "isoformat") and hasattr(value, "year"):  # pandas Timestamp
        return str(value.isoformat())[:10]
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return value[:10]
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
    return bool(a == b)


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(round(v, 4) if isinstance(v, float) else v for v in row)


def tables_equal(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]], *, ordered: bool) -> tuple[bool, str]:
    """Whether two tables hold the same rows, trying every column order of ``got``."""
    if len(got) != len(want):
        return False, f"{len(got)} rows, expected {len(want)}"
    if not want:
        return True, ""
    width = len(want[0])
    if len(got[0]) != width:
        return False, f"{len(got[0])} columns, expected {width}"
    if width > MAX_PERMUTED_COLUMNS:
        return False, f"more than {MAX_PERMUTED_COLUMNS} columns"
    for perm in itertools.permutations(range(width)):
        permuted = [tuple(r[i] for i in perm) for r in got]
        if ordered:
            if all(all(_same(a, b) for a, b in zip(g, w, strict=True)) for g, w in zip(permuted, want, strict=True)):
                return True, ""
        else:
            g_sorted = sorted(permuted, key=lambda r: repr(_key(r)))
            w_sorted = sorted(want, key=lambda r: repr(_key(r)))
            pairs = zip(g_sorted, w_sorted, strict=True)
            if all(all(_same(a, b) for a, b in zip(g, w, strict=True)) for g, w in pairs):
                return True, ""
            if Counter(map(_key, permuted)) == Counter(map(_key, want)):
                return True, ""
    return False, f"values differ; first answer row {got[0]}, first expected row {want[0]}"
