"""Every notebook in notebooks/ runs top to bottom on a small demo and shows what it promises.

The kernel gets ``BHEEM_DEMO_DIR`` (a temporary folder holding a 20k-row demo) and
``BHEEM_DEMO_MODEL`` (that demo's YAML), so nothing is written to the user's cache.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from bheem_nb.demo_data import generate_demo_data

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ALL_NOTEBOOKS = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A 20k-row demo in the file name bn.demo looks for, so both access paths share it."""
    folder = tmp_path_factory.mktemp("demo")
    model_yml = generate_demo_data(folder / "demo-20000-42.duckdb", rows=20_000)
    return {"BHEEM_DEMO_DIR": str(folder), "BHEEM_DEMO_MODEL": str(model_yml)}


def run_notebook(name: str, env: dict[str, str], timeout: int = 300) -> nbformat.NotebookNode:
    """Execute a notebook in a fresh kernel (cwd = notebooks/); a failing cell raises with its traceback."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    kernel_env = {k: v for k, v in os.environ.items() if not k.startswith("BHEEM_DEMO")} | env
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute(env=kernel_env)
    return nb


def outputs(nb: nbformat.NotebookNode, mime: str = "text/plain") -> Iterator[str]:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and mime == "text/plain":
                yield out["text"]
            elif "data" in out and mime in out["data"]:
                yield out["data"][mime]


def all_text(nb: nbformat.NotebookNode, mime: str = "text/plain") -> str:
    return "\n".join(outputs(nb, mime))


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_notebooks_are_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{name}: clear the outputs of cells {dirty} before committing"


def test_walkthrough_runs_and_shows_each_feature(demo_env: dict[str, str]) -> None:
    nb = run_notebook("01_semantic_model_and_queries.ipynb", demo_env)
    text = all_text(nb)
    html = all_text(nb, "text/html")
    assert "<SemanticModel 'sales'" in text
    for region in ("North America", "Europe", "Asia Pacific", "Latin America", "Middle East & Africa"):
        assert region in text
    assert "San Francisco" in html and "Santiago" in html  # contains "san", any case
    assert "2025-07-01" in html and "2025-09-01" in html and "2025-10-01" in html  # grains and periods
    assert "customers in total: 1000" in text  # fan-out-safe count
    assert re.search(r"second run from cache: True", text)
    assert "first run from cache:  False" in text
    assert "SELECT" in text and "GROUP BY" in text  # res.sql
    assert "QueryError: unknown field 'revenu'; did you mean 'revenue'" in text
    assert "big_orders" in html and "revenue_per_order" in html  # the model written as a dict


def _dashboard_html(nb: nbformat.NotebookNode) -> str:
    return all_text(nb, "text/html")


def test_dashboard_has_kpis_charts_and_table(demo_env: dict[str, str]) -> None:
    nb = run_notebook("demo_dashboard.ipynb", demo_env)
    html = _dashboard_html(nb)
    assert html.count('class="bn-kpi-card"') == 4
    for label in ("Revenue", "Orders", "Avg order value", "Active customers"):
        assert f'<div class="bn-kpi-label">{label}</div>' in html
    assert "Sales performance 2025" in html and "vs 2024" in html
    assert len(re.findall(r"<svg\b", html)) >= 3
    assert "Revenue by month" in html and "Revenue by region" in html and "Category × segment" in html
    assert "North America" in html and "Technology" in html and "Home Office" in html
    assert html.count("class='num rank'") == 10  # top 10 cities
    assert re.search(r"\$\d[\d.,]*[KMB]?</div>", html)  # currency-formatted KPI value


def test_dashboard_is_self_contained(demo_env: dict[str, str]) -> None:
    """No scripts and no links off the machine: it must render air-gapped."""
    html = _dashboard_html(run_notebook("demo_dashboard.ipynb", demo_env))
    assert "<script" not in html.lower()
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+", html))
    assert urls <= {"http://www.w3.org"}, f"outputs reference other hosts: {sorted(urls)}"
    # chart ids were made unique per chart, so two SVGs on one page never share a clip path
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_dashboard_falls_back_to_the_bundled_demo(tmp_path: Path) -> None:
    """Without BHEEM_DEMO_MODEL it uses bn.demo.model(), generating the demo data on first use."""
    nb = run_notebook("demo_dashboard.ipynb", {"BHEEM_DEMO_DIR": str(tmp_path)})
    assert _dashboard_html(nb).count('class="bn-kpi-card"') == 4
    assert any(tmp_path.glob("demo-*.yml"))
