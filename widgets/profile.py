"""ProfileView: a table's data profile as an accessible table with quality and distribution bars.

from .profile import ProfileView
ProfileView(model, "orders")            # or ProfileView.of(bheem_nb.insights.profile(model, "orders"))
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from bheem_nb.insights.profile import DataProfile, profile

from .slicers import CSS, STATIC


class ProfileView(anywidget.AnyWidget):
    """One row per column: type, quality (valid / empty / error / null), distinct, stats, top values."""

    _esm = STATIC / "profile.js"
    _css = CSS
    table = traitlets.Unicode("").tag(sync=True)
    row_count = traitlets.Int(0).tag(sync=True)
    quality = traitlets.Float(0.0).tag(sync=True)
    seconds = traitlets.Float(0.0).tag(sync=True)
    columns = traitlets.List(traitlets.Dict()).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self, source: Any = None, table: str | None = None, *, user: Any = None, result: DataProfile | None = None
    ) -> None:
        super().__init__()
        if result is None:
            if source is None or table is None:
                raise ValueError("give a model or connection and a table, or result= a DataProfile")
            result = profile(source, table, user=user)
        self.show(result)

    @classmethod
    def of(cls, result: DataProfile) -> ProfileView:
        return cls(result=result)

    def show(self, result: DataProfile) -> None:
        data = result.to_dict()
        with self.hold_trait_notifications():
            self.table = result.table
            self.row_count = result.row_count
            self.quality = round(result.quality_percent, 2)
            self.seconds = round(result.seconds, 3)
            self.columns = data["columns"]
