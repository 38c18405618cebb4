"""General phrasing rules of the offline parser, none tied to a model's words.

Rankings ("top 5", "our 5 best"), comparisons with numbers ("over 300k"), shared heads
("gross vs net revenue" is "gross revenue vs net revenue"), whether a "which ..." question asks
for one row ("which region" vs "which regions") and when unknown words make a question one the
model cannot answer ("shipping cost per order": a measure the model does not have).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bheem_nb.kodee.text import singular
from bheem_nb.kodee.vocab import Vocabulary

TOP = {"top", "best", "highest", "largest", "biggest", "most", "greatest", "leading", "maximum", "max"}
BOTTOM = {"bottom", "worst", "lowest", "smallest", "least", "fewest", "minimum", "min"}
COMPARATORS: dict[tuple[str, ...], str] = {
    ("more", "than"): ">", ("greater", "than"): ">", ("over",): ">", ("above",): ">", ("exceeding",): ">",
    ("at", "least"): ">=", ("less", "than"): "<", ("fewer", "than"): "<", ("under",): "<", ("below",): "<",
    ("at", "most"): "<=",
}
SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mn": 1e6, "b": 1e9, "billion": 1e9}


def number(tokens: list[str], i: int) -> tuple[float, int] | None:
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


def clean_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def read_ranking(tokens: list[str], used: list[bool]) -> tuple[str | None, int | None]:
    """"top 5", "bottom 3", "highest" -> (direction, limit)."""
    direction, limit = None, None
    for i, t in enumerate(tokens):
        if used[i] or t not in TOP | BOTTOM:
            continue
        if t in ("most", "least") and i + 1 < len(tokens) and tokens[i + 1] in ("recent",):
            continue
        direction = "desc" if t in TOP else "asc"
        used[i] = True
        num = number(tokens, i + 1)
        if num is not None and num[0] >= 1 and num[1] == 1 and float(num[0]).is_integer():
            limit = int(num[0])
            used[i + 1] = True
        elif i and not used[i - 1] and tokens[i - 1].isdigit() and 0 < int(tokens[i - 1]) < 1000:
            limit = int(tokens[i - 1])  # "our 5 best sellers", "the 3 largest"
            used[i - 1] = True
    if direction and limit is None:  # "which 3 cities sell the most"
        for i, t in enumerate(tokens[:-1]):
            nxt = tokens[i + 1]
            if t in ("which", "what", "the") and nxt.isdigit() and 0 < int(nxt) < 1000 and not used[i + 1]:
                limit = int(nxt)
                used[i + 1] = True
                break
    return direction, limit


def read_comparisons(tokens: list[str], used: list[bool]) -> list[tuple[int, str, float]]:
    """"over 1 million" -> [(position, ">", 1e6)]; the measure is found next to it later."""
    found = []
    for i in range(len(tokens)):
        for phrase, op in COMPARATORS.items():
            n = len(phrase)
            if tuple(tokens[i:i + n]) == phrase and not any(used[i:i + n]):
                num = number(tokens, i + n)
                if num is None:
                    continue
                for k in range(i, i + n + num[1]):
                    used[k] = True
                found.append((i, op, num[0]))
    return found


CONJUNCTIONS = {"versus", "and", "or"}


def expand_shared_head(tokens: list[str], raw: list[str], vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """"gross vs net revenue" -> "gross revenue vs net revenue" when both are phrases of the same kind
    (measure or field), so each side of the coordination is read as the field it names."""
    out, out_raw = list(tokens), list(raw)
    i = 0
    while i + 2 < len(out):
        if out[i + 1] in CONJUNCTIONS:
            for n in range(min(vocab.max_len, len(out) - i - 2), 1, -1):
                right = tuple(out[i + 2:i + 2 + n])
                left = (out[i], *right[1:])
                if _kinds(vocab, right) & _kinds(vocab, left):
                    out[i + 1:i + 1] = list(right[1:])
                    out_raw[i + 1:i + 1] = out_raw[i + 3:i + 2 + n]
                    break
        i += 1
    return out, out_raw


def _kinds(vocab: Vocabulary, phrase: tuple[str, ...]) -> set[str]:
    return {t.kind for t in vocab.terms.get(phrase, ()) if t.kind != "value"}


def is_plural(raw_word: str) -> bool:
    return singular(raw_word) != raw_word


def asks_for_one(tokens: Sequence[str], raw: Sequence[str], noun_ends: Sequence[int]) -> bool | None:
    """"Which region has the most revenue?" asks for one row, "which regions ..." for several: the number
    of the first noun after which/what/who decides. None when the question names no such noun."""
    if not tokens or tokens[0] not in ("which", "what", "who"):
        return False
    ends = sorted(e for e in noun_ends if e > 0)
    if not ends:
        return None
    return not is_plural(raw[ends[0]])


def unknown_noun_phrase(unknown_at: set[int], measure_spans: Sequence[tuple[int, int]]) -> bool:
    """Two unknown words in a row ("shipping cost", "satisfaction score", "sales rep closed") or an unknown
    word right before a measure ("projected revenue"): the question names a measure the model does not
    have, so answering the part it does know would answer a different question. A lone unknown word after
    a noun is more often a verb ("customers signed up", "which segment spends the most") and is let be."""
    starts = {start for start, _ in measure_spans}
    return any(i + 1 in unknown_at or i + 1 in starts for i in unknown_at)
