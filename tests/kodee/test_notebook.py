"""notebooks/05_kodee.ipynb runs top to bottom on a small demo and shows each feature."""

from __future__ import annotations

import pytest

from tests.notebooks.test_notebooks import all_text, demo_env, run_notebook

__all__ = ["demo_env"]  # the fixture, shared with the notebook suite


@pytest.mark.slow
def test_kodee_notebook(demo_env: dict[str, str]) -> None:
    nb = run_notebook("05_kodee.ipynb", demo_env)
    text = all_text(nb)
    html = all_text(nb, "text/html")
    assert "Revenue by country, in 2024, top 5 by revenue." in text
    assert "SELECT" in text and "LIMIT 5" in text and "chart: {'type': 'bar'" in text
    assert "Refining the previous question" in text
    assert "I cannot answer this from the model. I do not know 'profit'" in text
    assert "Furniture" in html and "Technology" in html  # the %%kodee answer's table
    assert "application/vnd.jupyter.widget-view+json" in {m for c in nb.cells for o in c.get("outputs", [])
                                                          for m in o.get("data", {})}
