"""Lazy package exports (PEP 562): ``from bheem_nb.insights import forecast`` works as usual, but
importing the package stays cheap until a name is used.

Every ``bheem`` command builds its parser from each feature's ``commands`` module, which imports
that feature's package first; eager exports would make ``bheem --help`` load statsmodels, Altair,
papermill and the widget stack. A package lists its exports once, mapped to the defining module,
and keeps the same names under ``if TYPE_CHECKING:`` for type checkers.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``; ``exports`` maps a public name to ``"module"`` or
    ``"module:attribute"`` when the attribute's own name differs."""

    def __getattr__(name: str) -> Any:
        target = exports.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module), attribute or name)

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
