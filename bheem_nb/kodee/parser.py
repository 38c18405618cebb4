"""The offline parser: a plain-language question to a semantic query, with no LLM.

Deterministic and explainable: every word is either matched to a field, a value, a time phrase
or a ranking phrase, or ignored as filler; unmatched content words lower the confidence and
produce "did you mean" suggestions. The output is a query spec for ``model.query``, so the
engine, row-level security and the guard apply exactly as for any other query.

    parse("top 5 countries by revenue in 2024", vocab) -> Parsed(spec={"measures": ["orders.revenue"], ...})
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from bheem_nb.kodee.explain import explain
from bheem_nb.kodee.phrasing import (
    BOTTOM,
    TOP,
    asks_for_one,
    clean_number,
    expand_shared_head,
    read_comparisons,
    read_ranking,
    unknown_noun_phrase,
)
from bheem_nb.kodee.text import raw_words, words
from bheem_nb.kodee.timephrases import TimeIntent, read_time
from bheem_nb.kodee.vocab import Term, Vocabulary

GRAIN_WORDS = {"year": "year", "quarter": "quarter", "month": "month", "week": "week", "day": "day",
               "date": "day"}
GROUP_WORDS = {"by", "per", "each", "every", "across", "for", "which", "what", "split", "between", "among", "over"}
#: words that may stand between "top 5" / "by" and the noun they apply to ("best selling products")
_SKIPPED_BEFORE = {"the", "a", "an", "each", "every", "selling", "performing", "earning", "grossing"}
#: verbs of earning: "what does each channel bring in" asks for the model's main measure
EARN_VERBS = {"sell", "sold", "selling", "bring", "brought", "make", "made", "generate", "generated", "earn",
              "earned", "earning"}
#: words that put the values of a filter side by side ("Germany vs France", "compare A and B")
SIDE_BY_SIDE = {"versus", "compared", "compare", "comparing", "comparison"}
NEGATE = {"not", "excluding", "except", "without", "exclude", "non", "other", "outside"}
_FILLER_WORDS = (
    "a an the of is are was were be been what whats which who how much many show me us give list tell display "
    "get find see please i we our my you your can could would do does did there their in on at to for from "
    "with and or by per each every all total sum overall value amount count number figure data have has had "
    "it its that this those these as than into vs versus across between among ever so far whole entire "
    "where when about compare compared breakdown broken down split chart plot graph table graphically now "
    "then also just only instead rather same again along order sorted sort ranked rank descending ascending "
    "up over time trend made generated make bring brought sold sell selling come came look like year "
    "break comparing comparison performance performing earn earned earning stat statistic metric result "
    "summary overview report kpi"
)
FILLER = frozenset(_FILLER_WORDS.split())


@dataclass
class Parsed:
    """The parser's reading of one question."""

    spec: dict[str, Any] | None
    explanation: str
    confidence: float
    unknown: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Mention:
    start: int
    end: int
    terms: list[Term]
    group_slot: bool
    negated: bool = False
    ranked: bool = False  # right after "top 5", "best", "3"


def _find_mentions(tokens: list[str], used: list[bool], vocab: Vocabulary) -> list[_Mention]:
    """Longest-first phrase matches of fields and values over the unused tokens."""
    mentions: list[_Mention] = []
    i = 0
    while i < len(tokens):
        if used[i]:
            i += 1
            continue
        for n in range(min(vocab.max_len, len(tokens) - i), 0, -1):
            if any(used[i:i + n]):
                continue
            terms = vocab.terms.get(tuple(tokens[i:i + n]))
            if terms:
                prev = [t for t in tokens[max(0, i - 3):i] if t not in _SKIPPED_BEFORE]
                ranked = bool(prev) and (prev[-1] in TOP | BOTTOM or prev[-1].isdigit())
                slot = ranked or (bool(prev) and prev[-1] in GROUP_WORDS)
                last = mentions[-1] if mentions else None
                if last is not None and last.end == i and last.ranked and all(t.kind == "value" for t in last.terms):
                    slot = True  # "top 5 office supplies products": a value between the ranking and its noun
                negated = bool(prev) and prev[-1] in NEGATE
                mentions.append(_Mention(i, i + n, terms, slot, negated, ranked))
                for k in range(i, i + n):
                    used[k] = True
                i += n
                break
        else:
            i += 1
    return mentions


def parse(question: str, vocab: Vocabulary, *, default_measure: str | None = None) -> Parsed:
    """Read ``question`` against ``vocab``; ``Parsed.spec`` is None when it cannot be answered."""
    tokens, raw = expand_shared_head(words(question), raw_words(question), vocab)
    used = [False] * len(tokens)
    direction, limit = read_ranking(tokens, used)
    comparisons = read_comparisons(tokens, used)
    preview = _find_mentions(tokens, list(used), vocab)
    first = next((t.field for m in preview for t in m.terms if t.kind == "measure"), default_measure or "")
    time_dim = vocab.time_dims.get(first.split(".")[0]) or next(iter(vocab.time_dims.values()), "")
    time = read_time(tokens, used, time_dim) if time_dim else TimeIntent()
    mentions = _find_mentions(tokens, used, vocab)
    reading = _interpret(mentions, vocab, tokens)
    measures, dims, filters = reading.measures, reading.dims, reading.filters
    for i, t in enumerate(tokens):
        if not used[i] and t in GRAIN_WORDS and time_dim:
            used[i] = True
            reading.noun_last.append(i)
            name = f"{time_dim}.{GRAIN_WORDS[t]}"
            if name not in dims:
                dims.append(name)
    unknown_at = {i for i, t in enumerate(tokens)
                  if not used[i] and t not in FILLER and t not in NEGATE and not t.isdigit()}
    unknown = [tokens[i] for i in sorted(unknown_at)]
    if unknown_noun_phrase(unknown_at, reading.measure_spans):
        return _cannot(question, unknown, vocab)
    for pos, op, value in comparisons:
        target = _nearest_measure(mentions, pos, vocab) or (measures[0] if measures else None)
        if target is not None:
            if target not in measures:
                measures.append(target)
            filters.append({"field": target, "op": op, "values": [clean_number(value)]})
    earns = dims and EARN_VERBS & set(tokens)
    if not measures and default_measure and (direction or filters or time.filters or time.flags or earns):
        measures.append(default_measure)
    asked = dims or filters or time.filters or time.flags or direction or limit
    if not measures and (unknown or not asked):
        return _cannot(question, unknown, vocab)
    if SIDE_BY_SIDE & set(tokens):  # "Germany vs France": one row each, side by side
        for f in filters:
            if f["op"] == "in" and len(f["values"]) > 1 and f["field"] not in dims:
                dims.append(f["field"])
    measures = _apply_flags(measures, dims, filters, time, time_dim)
    filters.extend(time.filters)
    if time.years and len(time.years) > 1 and not any(d.startswith(time_dim) for d in dims):
        dims.append(f"{time_dim}.year")
    spec: dict[str, Any] = {"measures": measures, "dimensions": dims, "filters": filters}
    order_field = reading.sort_measure or (measures[0] if measures else None)
    has_time = any(d.startswith(time_dim + ".") or d == time_dim for d in dims) if time_dim else False
    if direction and order_field:
        spec["order"] = [{"field": order_field, "desc": direction == "desc"}]
        if limit is None and _singular_question(question, tokens, raw, reading.noun_last):
            limit = 1
    elif order_field and dims and not has_time:
        spec["order"] = [{"field": order_field, "desc": True}]
    if limit is not None:
        spec["limit"] = limit
    confidence = max(0.1, 1.0 - 0.2 * len(unknown))
    parsed = Parsed(spec, explain(spec, vocab), round(confidence, 2), unknown,
                    _suggest(unknown, vocab), time.flags)
    if unknown:
        parsed.explanation += f" (ignored: {', '.join(unknown)})"
    parsed.parts = {"direction": direction, "limit": limit, "row_nouns": reading.row_nouns}
    return parsed


@dataclass
class _Reading:
    """What the mentions mean: the query parts, and where in the question they were said."""

    measures: list[str] = field(default_factory=list)
    dims: list[str] = field(default_factory=list)
    filters: list[dict[str, Any]] = field(default_factory=list)
    sort_measure: str | None = None
    measure_spans: list[tuple[int, int]] = field(default_factory=list)
    noun_last: list[int] = field(default_factory=list)  # last token of each grouping noun
    row_nouns: list[str] = field(default_factory=list)  # "corporate customers": the rows, maybe not a measure


def _interpret(mentions: list[_Mention], vocab: Vocabulary, tokens: list[str]) -> _Reading:
    r = _Reading()
    measures, dims = r.measures, r.dims
    values: dict[str, list[Any]] = {}
    negated: dict[str, bool] = {}
    field_mentions = {t.field for m in mentions for t in m.terms if t.kind == "dimension"}
    previous: _Mention | None = None
    for m in mentions:
        previous, prev_mention = m, previous
        kinds = {t.kind for t in m.terms}
        if kinds == {"value"} or ("value" in kinds and not m.group_slot and "measure" not in kinds):
            term = _pick_value(m.terms, field_mentions, vocab)
            values.setdefault(term.field, []).append(term.value)
            negated[term.field] = negated.get(term.field, False) or m.negated
            continue
        dim = next((t for t in m.terms if t.kind == "dimension"), None)
        meas = next((t for t in m.terms if t.kind == "measure"), None)
        if dim is not None and (meas is None or m.group_slot):
            names_a_filter = not m.group_slot and any(
                t.kind == "value" and t.field == dim.field for n in mentions for t in n.terms)
            if dim.field not in dims and not names_a_filter:
                dims.append(dim.field)
                r.noun_last.append(m.end - 1)
        elif meas is not None:
            after_value = prev_mention is not None and prev_mention.end == m.start and any(
                t.kind == "value" for t in prev_mention.terms)
            if after_value:
                r.row_nouns.append(meas.field)
                if measures:
                    continue  # "revenue excluding cancelled orders": the rows are orders, not a second measure
            r.measure_spans.append((m.start, m.end))
            if meas.field not in measures:
                measures.append(meas.field)
            prev = tokens[m.start - 1] if m.start else ""
            if (prev == "by" and len(measures) > 1) or (prev == "by" and dims):
                r.sort_measure = meas.field
    filters = r.filters
    for fname, vals in values.items():
        op = "not_in" if negated[fname] else "in"
        if len(vals) == 1 and not negated[fname]:
            filters.append({"field": fname, "op": "=", "values": vals})
        else:
            filters.append({"field": fname, "op": op, "values": vals})
    return r


def _pick_value(terms: list[Term], mentioned: set[str], vocab: Vocabulary) -> Term:
    """A value known in several fields (Singapore the city and the country): prefer one named in the
    question, else the field with the fewest distinct values."""
    values = [t for t in terms if t.kind == "value"]
    named = [t for t in values if t.field in mentioned]
    pool = named or values
    return min(pool, key=lambda t: len(vocab.values.get(t.field, [])) or 1)


def _nearest_measure(mentions: list[_Mention], pos: int, vocab: Vocabulary) -> str | None:
    best: tuple[int, str] | None = None
    for m in mentions:
        term = next((t for t in m.terms if t.kind == "measure"), None)
        if term is None:
            continue
        dist = abs(m.start - pos)
        if best is None or dist < best[0]:
            best = (dist, term.field)
    return best[1] if best else None


def _apply_flags(measures: list[str], dims: list[str], filters: list[dict[str, Any]], time: TimeIntent,
                 time_dim: str) -> list[str]:
    """Time-intelligence flags turn measures into modified measures (revenue -> revenue:yoy_pct)."""
    if not measures or not time.flags:
        return measures
    base = measures[0]
    has_time = any(d.startswith(time_dim + ".") for d in dims)
    out = list(measures)
    for flag in time.flags:
        if flag == "compare_py":
            if has_time:
                out = [base, f"{base}:py", f"{base}:yoy_pct"]
            else:
                out = [f"{base}:ytd", f"{base}:pytd", f"{base}:ytd_growth_pct"]
        elif flag == "growth":
            out = [base, f"{base}:yoy_pct"] if has_time else [base, f"{base}:py", f"{base}:yoy_pct"]
        elif flag == "mom":
            if not has_time:
                dims.append(f"{time_dim}.month")
            out = [base, f"{base}:mom_pct"]
        elif flag == "ytd":
            if has_time:
                out = [f"{base}:ytd"]
            else:
                filters.append({"field": time_dim, "op": "relative_period", "values": [0, "year"]})
        elif flag == "running_total":
            if not has_time:
                dims.append(f"{time_dim}.month")
            out = [base, f"{base}:running_total"]
        elif flag == "share" and dims:
            out = [base, f"{base}:share_of_total"]
    return out


def _singular_question(question: str, tokens: list[str], raw: list[str], noun_last: list[int]) -> bool:
    """"Which region has the most revenue?" asks for one row; "which regions have ..." for several.
    The grouping noun's number decides; a question without one falls back to its verb."""
    one = asks_for_one(tokens, raw, noun_last)
    if one is not None:
        return one
    text = question.lower()
    return bool(re.match(r"\s*(which|what|who)\b", text)) and bool(re.search(
        r"\b(has|had|is|was|did|does|sold|sells|made|makes|generated|brought|got|gets)\b", text))


def _suggest(unknown: list[str], vocab: Vocabulary) -> list[str]:
    options = vocab.phrases()
    out: list[str] = []
    for word in unknown:
        for match in difflib.get_close_matches(word, options, n=3, cutoff=0.7):
            if match not in out:
                out.append(match)
    return out


def _cannot(question: str, unknown: list[str], vocab: Vocabulary) -> Parsed:
    suggestions = _suggest(unknown, vocab)
    what = f" I do not know {', '.join(repr(w) for w in unknown)}." if unknown else " No measure or field matched."
    hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    measures = ", ".join(vocab.label(m) for m in vocab.measure_order[:8])
    text = f"I cannot answer this from the model.{what}{hint} The measures I know: {measures}."
    return Parsed(None, text, 0.0, unknown, suggestions)
