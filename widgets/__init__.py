"""anywidget views over the engine: slicers, tables, charts, KPIs, the matrix, Kodee's chat, insights and
profiles, and the filter context that ties them together.

    from bheem_nb.widgets import Dashboard
    page = Dashboard(model, as_of="2025-12-31")
    page.dropdown("region"); page.between("dates.month")
    page.table(measures=["revenue", "orders"], dimensions=["category"])
"""

from typing import TYPE_CHECKING

from bheem_nb._lazy import lazy_exports

from .context import Dashboard, FilterContext
from .slicers import (
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
from .table import TableView, format_value

if TYPE_CHECKING:
    from .chart import ChartWidget, VegaRuntime
    from .insights import InsightsPanel
    from .kodee import KodeeChat
    from .kpi import KpiCard
    from .matrix import MatrixView
    from .profile import ProfileView

# the visual widgets load Altair, the Vega bundle and (Kodee, insights) their engines: only when used
__getattr__, __dir__ = lazy_exports(__name__, {
    "ChartWidget": "bheem_nb.widgets.chart",
    "VegaRuntime": "bheem_nb.widgets.chart",
    "InsightsPanel": "bheem_nb.widgets.insights",
    "KodeeChat": "bheem_nb.widgets.kodee",
    "KpiCard": "bheem_nb.widgets.kpi",
    "MatrixView": "bheem_nb.widgets.matrix",
    "ProfileView": "bheem_nb.widgets.profile",
})

__all__ = [
    "SLICERS",
    "Between",
    "ChartWidget",
    "Dashboard",
    "DateRange",
    "Dropdown",
    "FilterContext",
    "Hierarchy",
    "InsightsPanel",
    "KodeeChat",
    "KpiCard",
    "ListSlicer",
    "MatrixView",
    "ProfileView",
    "RelativeDate",
    "Search",
    "Slicer",
    "TableView",
    "Tile",
    "VegaRuntime",
    "format_value",
]
