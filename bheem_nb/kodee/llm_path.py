"""One question through the LLM: context -> reply -> governed execution -> one repair on failure.

The reply is either a semantic query (run by ``model.query(..., user=)``) or raw SQL (run by
``model.sql(sql, user=)``: read-only guard and row-level security). A reply that fails is sent
back once with the error so the model can repair it; a second failure becomes the answer's error.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bheem_nb.errors import BheemError
from bheem_nb.kodee.answer import Answer
from bheem_nb.kodee.chart import suggest_chart
from bheem_nb.kodee.context import build_context, system_message
from bheem_nb.query.spec import QuerySpec

if TYPE_CHECKING:
    from bheem_nb.kodee.kodee import Kodee
    from bheem_nb.kodee.llm import LLMClient

HISTORY_TURNS = 4
LLM_CONFIDENCE = 0.8


def messages_for(kodee: Kodee, question: str) -> list[dict[str, str]]:
    """System context, the last few answered turns (so follow-ups work) and the question."""
    context = build_context(kodee.model, kodee.vocab, user=kodee.user)
    messages = [{"role": "system", "content": system_message(context)}]
    for past in [a for a in kodee.history if a.ok][-HISTORY_TURNS:]:
        reply: dict[str, Any] = ({"type": "query", "query": past.query_spec} if past.query_spec is not None
                                 else {"type": "sql", "sql": past.sql})
        messages.append({"role": "user", "content": past.question})
        messages.append({"role": "assistant", "content": json.dumps(reply, default=str)})
    messages.append({"role": "user", "content": question})
    return messages


def ask_llm(kodee: Kodee, client: LLMClient, question: str) -> Answer:
    """Answer through the LLM; transport and JSON problems raise KodeeError (the caller falls back)."""
    messages = messages_for(kodee, question)
    reply = client.complete(messages)
    answer, error = _execute(kodee, question, reply)
    if error is None:
        return answer
    messages += [
        {"role": "assistant", "content": json.dumps(reply, default=str)},
        {"role": "user", "content": f"That failed with this error: {error}\nReply with a corrected JSON object."},
    ]
    repaired = client.complete(messages)
    answer, error = _execute(kodee, question, repaired)
    if error is not None:
        answer.explanation = f"The LLM's answer failed twice; last error: {error}"
    return answer


def _execute(kodee: Kodee, question: str, reply: dict[str, Any]) -> tuple[Answer, str | None]:
    explanation = str(reply.get("explanation") or "")
    if reply["type"] == "none":
        return Answer(question, explanation=explanation or "The LLM says the model cannot answer this.",
                      error="cannot answer", source="llm"), None
    if reply["type"] == "query":
        spec = dict(reply["query"])
        try:
            QuerySpec.from_dict(spec)
        except BheemError as exc:
            return Answer(question, explanation=explanation, query_spec=spec, source="llm", error=str(exc)), str(exc)
        answer = kodee._run_spec(question, spec, explanation or "The LLM's query.", LLM_CONFIDENCE, "llm")
        return answer, answer.error
    sql = str(reply["sql"])
    try:
        result = kodee.model.sql(sql, user=kodee.user)
    except BheemError as exc:
        return Answer(question, sql=sql, explanation=explanation, source="llm", error=str(exc)), str(exc)
    return Answer(question, sql=result.sql, explanation=explanation or "The LLM's SQL.", result=result,
                  chart=suggest_chart(result.df), confidence=LLM_CONFIDENCE, source="llm"), None
