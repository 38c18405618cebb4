"""Visuals: chart specs built from engine-aggregated rows (Vega-Lite), formatting and exports."""
