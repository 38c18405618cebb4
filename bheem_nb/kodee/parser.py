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

from bheem_nb.kodee.text import words
from bheem_nb.kodee.timephrases import TimeIntent, read_time
from bheem_nb.kodee.vocab import Term, Vocabulary

GRAIN_WORDS = {"year": "year", "quarter": "quarter", "month": "month", "week": "week", "day": "day",
               "date": "day"}
GROUP_WORDS = {"by", "per", "each", "every", "across", "for", "which", "what", "split", "between", "among", "over"}
TOP = {"top", "best", "highest", "largest", "biggest", "most", "greatest", "leading", "maximum", "max"}
BOTTOM = {"bottom", "worst", "lowest", "smallest", "least", "fewest", "minimum", "min"}
NEGATE = {"not", "excluding", "except", "without", "exclude", "non", "other"}
COMPARATORS: dict[tuple[str, ...], str] = {
    ("more", "than"): ">", ("greater", "than"): ">", ("over",): ">", ("above",): ">", ("exceeding",): ">",
    ("at", "least"): ">=", ("less", "than"): "<", ("fewer", "than"): "<", ("under",): "<", ("below",): "<",
    ("at", "most"): "<=",
}
SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mn": 1e6, "b": 1e9, "billion": 1e9}
_FILLER_WORDS = (
    "a an the of is are was were be been what whats which who how much many show me us give list tell display "
    "get find see please i we our my you your can could would do does did there their in on at to for from "
    "with and or by per each every all total sum overall value amount count number figure data have has had "
    "it its that this those these as than into vs versus across between among ever so far whole entire "
    "where when about compare compared breakdown broken down split chart plot graph table graphically now "
    "then also just only instead rather same again along order sorted sort ranked rank descending ascending "
    "up over time trend made generated make bring brought sold sell selling come came look like year"
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


def _number(tokens: list[str], i: int) -> tuple[float, int] | None:
    """A number at ``tokens[i]`` with an optional scale word: ``1.5 million`` -> (1.5e6, 2)."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(k|m|b|mn)?", tok)
    if not m:
        return None
    value, used = float(m.group(1)), 1
    if m.group(2):
        value *= SCALE[m.group(2)]
    elif i + 1 < len(tokens) and tokens[i + 1] in SCALE:
        value *= SCALE[tokens[i + 1]]
        used = 2
    return value, used


def _clean_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _read_ranking(tokens: list[str], used: list[bool]) -> tuple[str | None, int | None]:
    """"top 5", "bottom 3", "highest" -> (direction, limit)."""
    direction, limit = None, None
    for i, t in enumerate(tokens):
        if used[i] or t not in TOP | BOTTOM:
            continue
        if t in ("most", "least") and i + 1 < len(tokens) and tokens[i + 1] in ("recent",):
            continue
        direction = "desc" if t in TOP else "asc"
        used[i] = True
        num = _number(tokens, i + 1)
        if num is not None and num[0] >= 1 and num[1] == 1 and float(num[0]).is_integer():
            limit = int(num[0])
            used[i + 1] = True
    if direction and limit is None:  # "which 3 cities sell the most"
        for i, t in enumerate(tokens[:-1]):
            nxt = tokens[i + 1]
            if t in ("which", "what", "the") and nxt.isdigit() and 0 < int(nxt) < 1000 and not used[i + 1]:
                limit = int(nxt)
                used[i + 1] = True
                break
    return direction, limit


def _read_comparisons(tokens: list[str], used: list[bool]) -> list[tuple[int, str, float]]:
    """"over 1 million" -> [(position, ">", 1e6)]; the measure is found next to it later."""
    found = []
    for i in range(len(tokens)):
        for phrase, op in COMPARATORS.items():
            n = len(phrase)
            if tuple(tokens[i:i + n]) == phrase and not any(used[i:i + n]):
                num = _number(tokens, i + n)
                if num is None:
                    continue
                for k in range(i, i + n + num[1]):
                    used[k] = True
                found.append((i, op, num[0]))
    return found


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
                prev = [t for t in tokens[max(0, i - 3):i] if t not in ("the", "a", "an", "each", "every")]
                slot = bool(prev) and (prev[-1] in GROUP_WORDS or prev[-1] in TOP | BOTTOM or prev[-1].isdigit())
                negated = bool(prev) and prev[-1] in NEGATE
                mentions.append(_Mention(i, i + n, terms, slot, negated))
                for k in range(i, i + n):
                    used[k] = True
                i += n
                break
        else:
            i += 1
    return mentions


def parse(question: str, vocab: Vocabulary, *, default_measure: str | None = None) -> Parsed:
    """Read ``question`` against ``vocab``; ``Parsed.spec`` is None when it cannot be answered."""
    tokens = words(question)
    used = [False] * len(tokens)
    direction, limit = _read_ranking(tokens, used)
    comparisons = _read_comparisons(tokens, used)
    preview = _find_mentions(tokens, list(used), vocab)
    first = next((t.field for m in preview for t in m.terms if t.kind == "measure"), default_measure or "")
    time_dim = vocab.time_dims.get(first.split(".")[0]) or next(iter(vocab.time_dims.values()), "")
    time = read_time(tokens, used, time_dim) if time_dim else TimeIntent()
    mentions = _find_mentions(tokens, used, vocab)
    measures, dims, filters, sort_measure = _interpret(mentions, vocab, tokens)
    for i, t in enumerate(tokens):
        if not used[i] and t in GRAIN_WORDS and time_dim:
            used[i] = True
            name = f"{time_dim}.{GRAIN_WORDS[t]}"
            if name not in dims:
                dims.append(name)
    unknown = [t for i, t in enumerate(tokens)
               if not used[i] and t not in FILLER and t not in NEGATE and not t.isdigit()]
    for pos, op, value in comparisons:
        target = _nearest_measure(mentions, pos, vocab) or (measures[0] if measures else None)
        if target is not None:
            if target not in measures:
                measures.append(target)
            filters.append({"field": target, "op": op, "values": [_clean_number(value)]})
    if not measures and default_measure and (direction or filters or time.filters or time.flags):
        measures.append(default_measure)
    asked = dims or filters or time.filters or time.flags or direction or limit
    if not measures and (unknown or not asked):
        return _cannot(question, unknown, vocab)
    if "versus" in tokens or "compared" in tokens:  # "Germany vs France": one row each, side by side
        for f in filters:
            if f["op"] == "in" and len(f["values"]) > 1 and f["field"] not in dims:
                dims.append(f["field"])
    measures = _apply_flags(measures, dims, filters, time, time_dim)
    filters.extend(time.filters)
    if time.years and len(time.years) > 1 and not any(d.startswith(time_dim) for d in dims):
        dims.append(f"{time_dim}.year")
    spec: dict[str, Any] = {"measures": measures, "dimensions": dims, "filters": filters}
    order_field = sort_measure or (measures[0] if measures else None)
    has_time = any(d.startswith(time_dim + ".") or d == time_dim for d in dims) if time_dim else False
    if direction and order_field:
        spec["order"] = [{"field": order_field, "desc": direction == "desc"}]
        if limit is None and _singular_question(question):
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
    parsed.parts = {"direction": direction, "limit": limit}
    return parsed


def _interpret(mentions: list[_Mention], vocab: Vocabulary,
               tokens: list[str]) -> tuple[list[str], list[str], list[dict[str, Any]], str | None]:
    measures: list[str] = []
    dims: list[str] = []
    values: dict[str, list[Any]] = {}
    negated: dict[str, bool] = {}
    sort_measure = None
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
        elif meas is not None:
            if measures and prev_mention is not None and prev_mention.end == m.start and any(
                    t.kind == "value" for t in prev_mention.terms):
                continue  # "revenue excluding cancelled orders": the rows are orders, not a second measure
            if meas.field not in measures:
                measures.append(meas.field)
            prev = tokens[m.start - 1] if m.start else ""
            if (prev == "by" and len(measures) > 1) or (prev == "by" and dims):
                sort_measure = meas.field
    filters: list[dict[str, Any]] = []
    for fname, vals in values.items():
        op = "not_in" if negated[fname] else "in"
        if len(vals) == 1 and not negated[fname]:
            filters.append({"field": fname, "op": "=", "values": vals})
        else:
            filters.append({"field": fname, "op": op, "values": vals})
    return measures, dims, filters, sort_measure


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


def _singular_question(question: str) -> bool:
    """"Which region has the most revenue?" asks for one row; "which regions have ..." for several."""
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


def explain(spec: dict[str, Any], vocab: Vocabulary) -> str:
    """One sentence saying what a spec computes, in the model's own labels."""
    def lbl(name: str) -> str:
        base, _, mod = name.partition(":")
        if "." in base and base.split(".")[-1] in GRAIN_WORDS.values():
            return base.split(".")[-1]
        text = vocab.label(base) if "." in base else base.replace("_", " ")
        return f"{text} ({mod.replace('_', ' ')})" if mod else text

    if spec.get("measures"):
        parts = [", ".join(lbl(m) for m in spec["measures"])]
        if spec.get("dimensions"):
            parts.append("by " + ", ".join(lbl(d) for d in spec["dimensions"]))
    else:
        parts = ["the " + " and ".join(lbl(d) for d in spec.get("dimensions", [])) + " values"]
    for f in spec.get("filters", []):
        vals = f.get("values", [])
        if f["field"] in vocab.time_dims.values():
            parts.append(_time_text(f))
            continue
        shown = " or ".join(str(v) for v in vals) if f["op"] in ("in", "=") else ", ".join(str(v) for v in vals)
        verb = {"=": "is", "in": "is", "not_in": "is not", ">": "above", ">=": "at least", "<": "below",
                "<=": "at most"}.get(f["op"], f["op"])
        parts.append(f"where {lbl(f['field'])} {verb} {shown}")
    order = spec.get("order")
    if order and spec.get("limit"):
        parts.append(f"{'top' if order[0]['desc'] else 'bottom'} {spec['limit']} by {lbl(order[0]['field'])}")
    elif order:
        parts.append(f"sorted by {lbl(order[0]['field'])}, {'highest' if order[0]['desc'] else 'lowest'} first")
    text = parts[0] + " " + parts[1] if len(parts) > 1 and parts[1].startswith("by ") else parts[0]
    rest = parts[2:] if len(parts) > 1 and parts[1].startswith("by ") else parts[1:]
    text = ", ".join([text, *rest])
    return text[0].upper() + text[1:] + "."


def _time_text(f: dict[str, Any]) -> str:
    """"in 2024", "the last 30 days", "last month", "from 2025-03-01 to 2025-03-31" for a time filter."""
    op, vals = f["op"], list(f.get("values", []))
    if op == "relative_date" and len(vals) == 2:
        n, unit = int(vals[0]), str(vals[1]).rstrip("s")
        return f"the last {-n} {unit}s" if n < 0 else f"the next {n} {unit}s"
    if op == "relative_period" and len(vals) == 2:
        k, unit = int(vals[0]), str(vals[1]).rstrip("s")
        return {0: f"this {unit} to date", -1: f"last {unit}", 1: f"next {unit}"}.get(k, f"{unit} {k:+d}")
    if op in ("date_range", "between") and len(vals) == 2:
        lo, hi = str(vals[0])[:10], str(vals[1])[:10]
        if lo[5:] == "01-01" and hi[5:] == "12-31":
            return f"in {lo[:4]}" if lo[:4] == hi[:4] else f"{lo[:4]}-{hi[:4]}"
        return f"from {lo} to {hi}"
    verb = {">=": "since", ">": "after", "<": "before", "<=": "up to"}.get(op, op)
    return f"{verb} {', '.join(str(v)[:10] for v in vals)}"
