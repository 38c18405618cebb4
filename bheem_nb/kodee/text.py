"""Words as Kodee's offline parser compares them: lower case, singular, abbreviations spelled out.

Both the question and every phrase of the model go through :func:`words`, so "Categories",
"category" and "avg" vs "average" meet on the same token.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|%")
_SPELLED = {"avg": "average", "qty": "quantity", "num": "number", "no": "number", "pct": "percent",
            "yr": "year", "mo": "month", "qtr": "quarter", "vs": "versus", "v": "versus", "yoy": "yoy",
            "percentage": "percent", "%": "percent", "amt": "amount", "weekly": "week", "monthly": "month",
            "quarterly": "quarter", "yearly": "year", "annual": "year", "annually": "year", "daily": "day"}
_KEEP = {"status", "sales", "analysis", "is", "this", "us", "has", "was", "less", "across", "business", "gross",
         "series", "plus", "yes", "as", "bus", "its", "thus", "versus", "does", "goes"}
#: "US" / "U.S." in capitals is the country, not the pronoun "us"
_US = re.compile(r"\bU\.?S\.?(?:A\.?)?(?![A-Za-z])")


def singular(word: str) -> str:
    """A rough English singular, good enough to match "countries" with "country"."""
    if word in _KEEP or len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def raw_words(text: str) -> list[str]:
    """The tokens of ``text`` as written (lower case), one per token of :func:`words`."""
    return _TOKEN.findall(_US.sub("USA", text).lower().replace("_", " ").replace("'s", ""))


def words(text: str) -> list[str]:
    """The comparable tokens of ``text``: ``"Avg. Order-Values"`` -> ``["average", "order", "value"]``."""
    return [singular(_SPELLED.get(w, w)) for w in raw_words(text)]
