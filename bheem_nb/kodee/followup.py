"""Follow-up questions refine the previous answer's query instead of starting over.

"now only Europe" adds (or replaces) a filter, "by month instead" swaps the grouping,
"top 5" ranks and limits, "what about orders" swaps the measure, "for all regions" drops the
filter on regions. The previous query is a plain spec dict, so the merge is a small function
with no state of its own.
"""

from __future__ import annotations

import copy
from typing import Any

from bheem_nb.kodee.parser import Parsed
from bheem_nb.kodee.text import words

#: first words that make a question refine the previous one even when it names its own fields
CUES = {"now", "and", "also", "instead", "only", "just", "then", "but", "same", "add", "plus", "drop", "remove",
        "without", "split", "break", "make", "as"}
ABOUT = {("what", "about"), ("how", "about")}
ADD = {"also", "add", "plus", "too", "and"}
#: first words that narrow the previous answer's rows ("only corporate customers", "just online orders")
RESTRICT = {"only", "just"}


def is_follow_up(question: str, parsed: Parsed, previous: dict[str, Any] | None) -> bool:
    """A refinement when there is a previous query and the question reads like one: it starts with a
    cue ("now only Europe", "what about orders"), says "instead", or names no measure of its own."""
    if previous is None:
        return False
    tokens = words(question)
    if not tokens:
        return False
    cued = tokens[0] in CUES or tuple(tokens[:2]) in ABOUT or "instead" in tokens
    if parsed.spec is None:  # "what about profit": a refusal, not the previous answer again
        return cued and not parsed.unknown
    return cued or not parsed.spec.get("measures")


def merge(previous: dict[str, Any], parsed: Parsed, question: str, time_dims: set[str]) -> dict[str, Any]:
    """The previous spec changed by what the follow-up ``parsed`` asked for."""
    new = dict(parsed.spec or {})
    tokens = words(question)
    out = copy.deepcopy(previous)
    if RESTRICT & set(tokens[:2]) and set(new.get("measures", [])) <= set(parsed.parts.get("row_nouns", [])):
        new["measures"] = []  # "only corporate customers": which rows, not a new measure
    if new.get("measures") and new["measures"] != out.get("measures"):
        old_measures = list(out.get("measures") or [])
        out["measures"] = _swap_measures(old_measures, list(new["measures"]))
        renamed = dict(zip(old_measures, out["measures"], strict=False))
        out["order"] = [dict(o, field=renamed.get(o["field"], out["measures"][0]))
                        if o["field"] in renamed else o for o in out.get("order", [])]
        out["filters"] = [f for f in out.get("filters", []) if f["field"] not in renamed]
    dims_new = list(new.get("dimensions", []))
    all_of = {d for d in dims_new if _after(tokens, "all", d)}
    if all_of:
        out["filters"] = [f for f in out.get("filters", []) if f["field"] not in all_of]
        dims_new = [d for d in dims_new if d not in all_of]
    if dims_new:
        out["dimensions"] = _merge_dims(out.get("dimensions", []), dims_new, tokens, time_dims)
        kept = set(out["dimensions"]) | set(out.get("measures", []))
        out["order"] = [o for o in out.get("order", []) if o["field"] in kept]
        if any(d.rsplit(".", 1)[0] in time_dims for d in dims_new) and ("instead" in tokens or not out.get("limit")):
            out["order"] = []  # a time series reads in time order ("by month instead" of a top 5: every month)
            out.pop("limit", None)
    if new.get("filters"):
        fields = {f["field"] for f in new["filters"]}
        is_time = fields & time_dims
        out["filters"] = [f for f in out.get("filters", []) if f["field"] not in fields
                          and not (is_time and f["field"] in time_dims)] + list(new["filters"])
    if "limit" in new:
        out["limit"] = new["limit"]
    direction = parsed.parts.get("direction")
    if direction and out.get("measures"):
        field = new["order"][0]["field"] if new.get("order") else out["measures"][0]
        target = field if field in out["measures"] else out["measures"][0]
        out["order"] = [{"field": target, "desc": direction == "desc"}]
    return out


def _swap_measures(old: list[str], new: list[str]) -> list[str]:
    """"What about orders" after "revenue this year vs last year" keeps the comparison: one new measure
    takes the place of the old base measure in every modified form (revenue:ytd -> orders:ytd)."""
    bases = {m.partition(":")[0] for m in old}
    if len(new) == 1 and len(bases) == 1 and ":" not in new[0] and any(":" in m for m in old):
        return [new[0] + m[len(next(iter(bases))):] for m in old]
    return new


def _after(tokens: list[str], word: str, field: str) -> bool:
    name = words(field.split(".")[-1])
    return any(t == word and tokens[i + 1:i + 1 + len(name)] == name for i, t in enumerate(tokens[:-1]))


def _merge_dims(old: list[str], new: list[str], tokens: list[str], time_dims: set[str]) -> list[str]:
    def is_time(d: str) -> bool:
        return any(d == t or d.startswith(t + ".") for t in time_dims)

    if "instead" in tokens:
        return new
    if (tokens and tokens[0] in ADD) or "also" in tokens:
        return old + [d for d in new if d not in old]
    replaced_time = any(is_time(d) for d in new)
    replaced_cat = any(not is_time(d) for d in new)
    kept = [d for d in old if not (is_time(d) and replaced_time) and not (not is_time(d) and replaced_cat)]
    return kept + [d for d in new if d not in kept]
