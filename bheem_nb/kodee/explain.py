"""One sentence saying what a semantic query computes, in the model's own labels.

The offline parser and the LLM path both end with a query spec; the person reads back this
sentence ("Revenue by region, in 2024, top 5 by revenue.") to check Kodee understood them.
"""

from __future__ import annotations

from typing import Any

from bheem_nb.kodee.vocab import Vocabulary

GRAINS = ("year", "quarter", "month", "week", "day")


def explain(spec: dict[str, Any], vocab: Vocabulary) -> str:
    """One sentence saying what a spec computes, in the model's own labels."""
    def lbl(name: str) -> str:
        base, _, mod = name.partition(":")
        if "." in base and base.split(".")[-1] in GRAINS:
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
