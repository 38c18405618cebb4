"""notebooks/02_time_intelligence.ipynb runs on the 20k demo and shows each capability."""

from __future__ import annotations

from tests.notebooks.test_notebooks import all_text, demo_env, run_notebook

__all__ = ["demo_env"]  # the fixture, shared with the other notebook tests


def test_time_intelligence_notebook(demo_env: dict[str, str]) -> None:
    nb = run_notebook("02_time_intelligence.ipynb", demo_env)
    text = all_text(nb)
    for column in ("revenue:ytd", "revenue:pytd", "revenue:ytd_growth_pct", "revenue:yoy_pct", "revenue:qoq_pct",
                   "revenue:rolling(3, month)", "revenue:moving_avg(3)", "revenue:running_total",
                   "revenue:share_of_total", "revenue:rank", "revenue:pct_of_parent", "revenue_ytd",
                   "online_share", "growth", "region_share", "order_date.fiscal_year"):
        assert column in text, column
    assert "WITH RECURSIVE" in text and "statements: 1" in text
    assert "QueryError: 'revenue:mtd': mtd needs the time dimension at month grain or finer" in text
    assert "ModelError: tables.orders.measures.bad.formula: unknown field 'ordrs'" in text
    assert "^^^^^" in text
