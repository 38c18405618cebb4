"""Kodee's chat widget in a Voilà dashboard, operated in Debian Chromium like a person would.

A two-cell dashboard notebook (the model and ``KodeeChat``) is served by Voilà on a free port.
The test types a question and presses Enter, waits for the chart (SVG drawn by the bundled
vega-embed) and the table, checks the rows against hand-written SQL on a separate DuckDB
connection, opens the SQL, asks a follow-up, rates the answer (the rating lands in the feedback
database) and re-runs edited SQL. Screenshots: tests/artifacts/kodee/.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import nbformat
import pytest

from bheem_nb.demo_data import generate_demo_data
from tests.browser.voila import CHROMIUM_ARGS, ensure_chromium, voila_serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "kodee"
TIMEOUT_MS = 120_000
DASHBOARD = [
    "# Ask Kodee\nQuestions in plain language, answered by the governed engine.",
    "import os\n"
    "from bheem_nb.model.semantic import SemanticModel\n"
    "from bheem_nb.widgets.kodee import KodeeChat\n"
    "model = SemanticModel.from_yaml(os.environ['BHEEM_DEMO_MODEL'])\n"
    "KodeeChat(model, as_of='2025-12-31', feedback=os.environ['BHEEM_KODEE_DB'])",
]
R = "o.quantity * o.unit_price * (1 - o.discount)"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """Voilà serving the chat dashboard; yields (url, demo database, feedback database)."""
    work = tmp_path_factory.mktemp("voila_kodee")
    model_yml = generate_demo_data(work / "demo.duckdb", rows=20_000)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(DASHBOARD[0]), nbformat.v4.new_code_cell(DASHBOARD[1])]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = work / "kodee_dashboard.ipynb"
    nbformat.write(nb, notebook)
    feedback = work / "kodee.sqlite"
    env = {"BHEEM_DEMO_MODEL": str(model_yml), "BHEEM_DEMO_DIR": str(work), "BHEEM_KODEE_DB": str(feedback)}
    with voila_serving(notebook, work, env=env, cwd=work) as url:
        yield url, work / "demo.duckdb", feedback


def _reference(db: Path, sql: str) -> list[tuple[Any, ...]]:
    copy = db.with_name("reference.duckdb")
    if not copy.exists():
        copy.write_bytes(db.read_bytes())
    with duckdb.connect(str(copy), read_only=True) as con:
        return con.execute(sql).fetchall()


def _answers(page: Any) -> int:
    return int(page.locator(".bn-kodee-a").count())


def _wait_answer(page: Any, n: int) -> Any:
    page.wait_for_function(f"document.querySelectorAll('.bn-kodee-a').length >= {n}", timeout=TIMEOUT_MS)
    return page.locator(".bn-kodee-a").nth(n - 1)


def _first_column(answer: Any) -> list[str]:
    return [str(t) for t in answer.locator("tbody tr td:first-child").all_inner_texts()]


def test_ask_in_the_chat_and_see_the_chart(served: tuple[str, Path, Path]) -> None:
    url, db, feedback = served
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = ensure_chromium()
    errors: list[str] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, timeout=TIMEOUT_MS)
            box = page.locator(".bn-kodee-input")
            box.wait_for(state="visible", timeout=TIMEOUT_MS)
            page.locator(".bn-kodee-empty").wait_for(timeout=TIMEOUT_MS)
            assert page.locator(".bn-kodee-log .bn-kodee-chip").count() >= 4  # suggested questions
            page.screenshot(path=str(ARTIFACTS / "kodee_empty.png"))

            # 1. type a question, press Enter: a chart (SVG from vega) and the right rows appear
            box.fill("top 5 countries by revenue in 2024")
            box.press("Enter")
            first = _wait_answer(page, 1)
            first.locator(".bn-kodee-chart svg .mark-rect path").first.wait_for(timeout=TIMEOUT_MS)
            want = _reference(db, f"SELECT c.country, SUM({R}) AS r FROM orders o JOIN customers c "
                                  "USING (customer_id) WHERE year(o.order_date) = 2024 GROUP BY 1 "
                                  "ORDER BY r DESC LIMIT 5")
            assert _first_column(first) == [r[0] for r in want]
            chart_text = " ".join(first.locator(".bn-kodee-chart svg text").all_text_contents())
            assert want[0][0] in chart_text  # the bar's label is real SVG text
            first.locator(".bn-kodee-sql summary").click()
            sql = first.locator(".bn-kodee-sql-text").input_value()
            assert "LIMIT 5" in sql and "customers.country" in sql
            assert "Revenue by country" in first.locator(".bn-kodee-expl").inner_text()
            first.screenshot(path=str(ARTIFACTS / "kodee_answer.png"))

            # 2. a follow-up refines the previous question (clicked Ask this time)
            box.fill("now only Europe")
            page.locator(".bn-kodee-ask").click()
            second = _wait_answer(page, 2)
            second.locator(".bn-kodee-chart svg .mark-rect path").first.wait_for(timeout=TIMEOUT_MS)
            europe = _reference(db, f"SELECT c.country, SUM({R}) AS r FROM orders o JOIN customers c "
                                    "USING (customer_id) WHERE year(o.order_date) = 2024 AND c.region = 'Europe' "
                                    "GROUP BY 1 ORDER BY r DESC LIMIT 5")
            assert _first_column(second) == [r[0] for r in europe]

            # 3. thumbs up is stored for later tuning
            second.get_by_role("button", name="Good answer").click()
            page.wait_for_function(
                "[...document.querySelectorAll('.bn-kodee-a')][1]"
                ".querySelector('[aria-label=\"Good answer\"]').getAttribute('aria-pressed') === 'true'",
                timeout=TIMEOUT_MS)
            with sqlite3.connect(feedback) as con:
                stored = con.execute("SELECT question, rating FROM kodee_feedback").fetchall()
            assert stored == [("now only Europe", 1)]

            # 4. edited SQL runs again through the guard and RLS
            second.locator(".bn-kodee-sql summary").click()
            second.locator(".bn-kodee-sql-text").fill("SELECT channel, count(*) AS n FROM orders GROUP BY 1")
            second.locator(".bn-kodee-run").click()
            third = _wait_answer(page, 3)
            third.locator("tbody tr").nth(2).wait_for(timeout=TIMEOUT_MS)
            assert sorted(_first_column(third)) == sorted(r[0] for r in _reference(
                db, "SELECT DISTINCT channel FROM orders"))
            third.locator(".bn-kodee-chart svg").wait_for(timeout=TIMEOUT_MS)

            # 5. a time question draws a line; a single number draws a KPI
            box.fill("revenue by month in 2025")
            box.press("Enter")
            fourth = _wait_answer(page, 4)
            fourth.locator(".bn-kodee-chart svg .mark-line path").first.wait_for(timeout=TIMEOUT_MS)
            assert fourth.locator("tbody tr").count() == 12
            fourth.screenshot(path=str(ARTIFACTS / "kodee_line.png"))
            box.fill("total revenue")
            box.press("Enter")
            fifth = _wait_answer(page, 5)
            fifth.locator(".bn-kodee-chart svg .mark-text text").first.wait_for(timeout=TIMEOUT_MS)
            (total,) = _reference(db, f"SELECT SUM({R}) FROM orders o")[0]
            assert fifth.locator(".bn-kodee-chart svg .mark-text text").first.text_content() == f"${float(total):,.2f}"

            height = page.evaluate("Math.max(document.body.scrollHeight,"
                                   " (document.querySelector('#rendered_cells') || document.body).scrollHeight)")
            page.set_viewport_size({"width": 1100, "height": min(int(height), 4000)})
            page.screenshot(path=str(ARTIFACTS / "kodee_chat.png"), full_page=True)
        finally:
            browser.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
