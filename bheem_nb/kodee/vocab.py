"""What the words of a question can mean on one model: fields, their synonyms and data values.

The vocabulary is built from the semantic model only (names, labels, the model's ``synonyms:``
and the words :mod:`bheem_nb.kodee.synonyms` derives from names and definitions, plus any the
caller adds), so no model gets another model's words; and from the distinct values of
low-cardinality text dimensions, fetched through the engine **as the asking user**, so a value
hidden by row-level security is never known to Kodee and never offered back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bheem_nb.kodee.synonyms import model_synonyms
from bheem_nb.kodee.text import words
from bheem_nb.model.fields import DimensionField, MeasureField
from bheem_nb.model.schema import GRAINS
from bheem_nb.model.semantic import SemanticModel

#: common short forms of data values (added only when the full value exists)
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    "united kingdom": ("uk", "britain", "great britain"), "united states": ("usa", "u s a"),
    "united arab emirates": ("uae",), "south korea": ("korea",), "new zealand": ("nz",),
}
_ALIASES = {tuple(words(k)): v for k, v in VALUE_ALIASES.items()}  # "united states" is words "united state"
#: a table's name (singular) alone may mean the dimension that names its rows: ``name``, ``title``
#: or ``<table>_name`` (customers.name, products.product_name)
NAMING_DIMENSIONS = ("name", "title")
MAX_VALUES = 200


@dataclass(frozen=True)
class Term:
    """One phrase (comparable tokens) and what it can mean."""

    phrase: tuple[str, ...]
    kind: str  # "measure" | "dimension" | "value"
    field: str  # the qualified field name
    value: Any = None


@dataclass
class Vocabulary:
    """Every phrase of the model, the time dimension per table and the known values per field."""

    terms: dict[tuple[str, ...], list[Term]] = field(default_factory=dict)
    time_dims: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[Any]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    measure_order: list[str] = field(default_factory=list)
    max_len: int = 1

    def add(self, text_or_words: str | Sequence[str], kind: str, qualified: str, value: Any = None) -> None:
        phrase = tuple(words(text_or_words) if isinstance(text_or_words, str) else text_or_words)
        if not phrase:
            return
        bucket = self.terms.setdefault(phrase, [])
        term = Term(phrase, kind, qualified, value)
        if term not in bucket:
            bucket.append(term)
        self.max_len = max(self.max_len, len(phrase))

    def phrases(self) -> list[str]:
        """Every phrase as text, for close-match suggestions."""
        return sorted({" ".join(p) for p, ts in self.terms.items() if any(t.kind != "value" for t in ts)})

    def label(self, qualified: str) -> str:
        return self.labels.get(qualified, qualified.split(".")[-1].replace("_", " "))


def build_vocabulary(model: SemanticModel, *, user: Any = None,
                     synonyms: Mapping[str, Sequence[str]] | None = None,
                     fetch_values: bool = True) -> Vocabulary:
    """The vocabulary of ``model`` as ``user`` sees it (values come through the engine with RLS)."""
    vocab = Vocabulary()
    extra = {k: tuple(v) for k, v in (synonyms or {}).items()}
    for tname, table in model.spec.tables.items():
        if table.time_dimension:
            vocab.time_dims[tname] = f"{tname}.{table.time_dimension}"
        else:
            times = [d for d, spec in table.dimensions.items() if spec.type == "time"]
            if len(times) == 1:
                vocab.time_dims[tname] = f"{tname}.{times[0]}"
    singular_table = {t: " ".join(words(t)) for t in model.spec.tables}
    derived = model_synonyms(model)

    def names_rows(f: Any) -> bool:
        return f.name in NAMING_DIMENSIONS or words(f.name) == [*words(f.table), "name"]

    for f in model.fields.by_qualified.values():
        q = f.qualified
        label = f.spec.label or f.name.replace("_", " ")
        if not f.spec.label and ((names_rows(f) and singular_table[f.table] not in f.name)
                                 or len(model.fields.by_short.get(f.name, [])) > 1):
            label = f"{singular_table[f.table]} {label}"
        vocab.labels[q] = label
        kind = "measure" if isinstance(f, MeasureField) else "dimension"
        if kind == "measure":
            vocab.measure_order.append(q)
        said = (*derived.get(q, ()), *extra.get(f.name, ()), *extra.get(q, ()))
        for text in (f.name, label, *said):
            phrase = words(text)
            if kind == "dimension" and len(phrase) == 1 and phrase[0] in (*GRAINS, "date"):
                continue  # "by month" is a grain of the time dimension, not dates.month
            vocab.add(phrase, kind, q)
        if kind == "dimension":
            vocab.add(f"{singular_table[f.table]} {f.name}", kind, q)
            if names_rows(f):
                vocab.add(singular_table[f.table], kind, q)
            if isinstance(f, DimensionField) and f.spec.type == "boolean":
                flag = [w for w in words(f.name) if w not in ("is", "has")]
                vocab.add(flag, "value", q, True)
    if fetch_values:
        _add_values(model, vocab, user)
    return vocab


def _add_values(model: SemanticModel, vocab: Vocabulary, user: Any) -> None:
    """Distinct values of each text dimension with at most MAX_VALUES of them, as ``user`` sees them."""
    for f in model.fields.by_qualified.values():
        if not isinstance(f, DimensionField) or f.spec.type != "string":
            continue
        try:
            rows = model.query(dimensions=[f.qualified], limit=MAX_VALUES + 1, user=user).arrow.column(0).to_pylist()
        except Exception:  # a field this user cannot query has no values to offer
            continue
        values = [v for v in rows if isinstance(v, str) and v.strip()]
        if len(rows) > MAX_VALUES or not values:
            continue
        vocab.values[f.qualified] = values
        for v in values:
            vocab.add(v, "value", f.qualified, v)
            for alias in _ALIASES.get(tuple(words(v)), ()):
                vocab.add(alias, "value", f.qualified, v)
