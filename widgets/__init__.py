"""anywidget classes for slicers, charts, tables and the filter context (not built yet)."""
