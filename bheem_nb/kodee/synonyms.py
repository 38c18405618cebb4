"""Other words for a model's fields: the model's own ``synonyms:`` plus a few derived from the model.

Nothing here names a field of any particular model. Words that only make sense for one model
("refunds" for a measure called ``refunded_revenue``) belong in that model's YAML as
``synonyms:``. What Kodee adds by itself is read off each field's name and definition:

* interchangeable business words (:data:`WORD_RINGS`): a field whose name, label or synonym says
  "revenue" is also found as "sales" or "turnover" (``gross_revenue`` -> "gross sales"), unless
  another field of the model is itself called that;
* a derived measure ``A / B`` over two measures is "A per B" and "average A per B"
  (``avg_order_value: {expr: revenue / orders}`` -> "revenue per order");
* an ``agg: avg`` measure is "average <its name>" (``list_price_avg`` -> "average list price");
* a name of three words or more is also its initials (``avg_order_value`` -> "aov").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bheem_nb.kodee.text import words
from bheem_nb.model.fields import MeasureField
from bheem_nb.model.semantic import SemanticModel

#: words business people use interchangeably (raw forms: "unit price" is not "units price")
WORD_RINGS: tuple[tuple[str, ...], ...] = (
    ("revenue", "sales", "turnover", "income", "takings"),
    ("units", "quantity", "volume"),
    ("orders", "purchases", "transactions"),
    ("order", "purchase", "transaction"),
    ("customers", "clients", "buyers"),
    ("customer", "client", "buyer"),
    ("country", "nation"),
)
_RING_OF = {w: ring for ring in WORD_RINGS for w in ring}
_AVG_WORDS = {"avg", "average", "mean"}
_RATIO = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*/\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


def ring_variants(text: str) -> list[str]:
    """``text`` with one interchangeable word swapped: "gross revenue" -> ["gross sales", ...]."""
    raw = text.lower().replace("_", " ").split()
    out = []
    for i, w in enumerate(raw):
        for other in _RING_OF.get(w, ()):
            if other != w:
                out.append(" ".join([*raw[:i], other, *raw[i + 1:]]))
    return out


def _derived(f: MeasureField, measures: set[str]) -> list[str]:
    """Phrases read off a measure's definition and name."""
    out = []
    spec = f.spec
    m = _RATIO.match(spec.expr or "") if spec.agg is None else None
    if m and m.group(1) in measures and m.group(2) in measures:
        out += [f"{m.group(1)} per {m.group(2)}", f"average {m.group(1)} per {m.group(2)}"]
    parts = f.name.lower().split("_")
    if spec.agg == "avg":
        out.append("average " + " ".join(p for p in parts if p not in _AVG_WORDS))
    if len(parts) >= 3 and all(parts):
        out.append("".join(p[0] for p in parts))
    return out


def model_synonyms(model: SemanticModel) -> dict[str, tuple[str, ...]]:
    """Every field's other words (qualified name -> phrases): its ``synonyms:`` and the derived ones."""
    fields = list(model.fields.by_qualified.values())
    measures = {f.name for f in fields if isinstance(f, MeasureField)}
    own: dict[str, list[str]] = {}
    for f in fields:
        said = [*f.spec.synonyms, *(_derived(f, measures) if isinstance(f, MeasureField) else [])]
        own[f.qualified] = said
    taken = {tuple(words(t)) for f in fields for t in (f.name, f.spec.label or "", *f.spec.synonyms) if t}
    out: dict[str, tuple[str, ...]] = {}
    for f in fields:
        bases = [f.name, f.spec.label or "", *own[f.qualified]]
        swapped = [v for b in bases if b for v in ring_variants(b) if tuple(words(v)) not in taken]
        out[f.qualified] = _unique([*own[f.qualified], *swapped])
    return out


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in texts if t.strip()))
