"""anywidget views over the engine: slicers, a table view and the filter context that ties them together.

    from bheem_nb.widgets import Dashboard
    page = Dashboard(model, as_of="2025-12-31")
    page.dropdown("region"); page.between("dates.month")
    page.table(measures=["revenue", "orders"], dimensions=["category"])
"""

from bheem_nb.widgets.context import Dashboard, FilterContext
from bheem_nb.widgets.slicers import (
    SLICERS,
    Between,
    DateRange,
    Dropdown,
    Hierarchy,
    ListSlicer,
    RelativeDate,
    Search,
    Slicer,
    Tile,
)
from bheem_nb.widgets.table import TableView, format_value

__all__ = [
    "SLICERS",
    "Between",
    "Dashboard",
    "DateRange",
    "Dropdown",
    "FilterContext",
    "Hierarchy",
    "ListSlicer",
    "RelativeDate",
    "Search",
    "Slicer",
    "TableView",
    "Tile",
    "format_value",
]
