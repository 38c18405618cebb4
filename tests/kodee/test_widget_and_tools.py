"""The chat widget's Python side, feedback, audit, the %%kodee magic, charts by shape and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from bheem_nb.widgets.kodee import KodeeChat

from bheem_nb.charts.render import to_svg
from bheem_nb.cli import main
from bheem_nb.kodee import Kodee
from bheem_nb.kodee.chart import chart_kind, suggest_chart
from bheem_nb.kodee.feedback import FeedbackStore
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.store.audit import AuditLog
from tests.kodee.conftest import AS_OF

R = "o.quantity * o.unit_price * (1 - o.discount)"


def test_chat_widget_round_trip(demo_model: SemanticModel, raw: Any, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite")
    chat = KodeeChat(demo_model, as_of=AS_OF, feedback=store)
    assert chat.suggestions and chat.messages == []
    chat._on_message(chat, {"type": "ask", "question": "revenue by category"}, [])
    (m,) = chat.messages
    assert m["chart_kind"] == "bar" and m["columns"] == ["products.category", "orders.revenue"]
    want = {r[0]: float(r[1]) for r in raw(f"SELECT p.category, SUM({R}) FROM orders o JOIN products p "
                                            "USING (product_id) GROUP BY 1")}
    assert {r[0]: float(r[1].replace("$", "").replace(",", "")) for r in m["rows"]} == pytest.approx(want, abs=0.01)
    assert chat.version == 1 and not chat.busy
    chat._on_message(chat, {"type": "feedback", "id": m["id"], "rating": -1}, [])
    assert chat.messages[0]["rating"] == -1
    (row,) = store.rows()
    assert row["rating"] == -1 and row["question"] == "revenue by category"
    assert json.loads(row["query_spec"])["dimensions"] == ["products.category"]
    chat._on_message(chat, {"type": "run_sql", "sql": "SELECT status, count(*) AS n FROM orders GROUP BY 1"}, [])
    assert chat.messages[-1]["source"] == "sql" and len(chat.messages[-1]["rows"]) == 4
    chat._on_message(chat, {"type": "run_sql", "sql": "DROP TABLE orders"}, [])
    assert chat.messages[-1]["error"] and raw("SELECT count(*) FROM orders")[0][0] > 0
    chat._on_message(chat, {"type": "feedback", "id": "nope", "rating": 1}, [])  # ignored, not an error
    chat._on_message(chat, {"type": "reset"}, [])
    assert chat.messages == [] and chat.kodee.history == []


def test_audit_records_every_question(demo_model: SemanticModel, tmp_path: Path) -> None:
    audit = AuditLog(f"sqlite:///{tmp_path / 'a.sqlite'}", background=False)
    kodee = Kodee(demo_model, as_of=AS_OF, audit=audit, feedback=str(tmp_path / "fb.sqlite"))
    ok = kodee.ask("orders by channel")
    kodee.ask("profit by planet")
    kodee.run_sql("DELETE FROM orders")
    kodee.feedback(ok, 1)
    events = audit.events()
    kinds = [(e["action"], json.loads(e["payload"]).get("outcome")) for e in events if e["action"].startswith("kodee")]
    assert kinds == [("kodee", "answered"), ("kodee", "cannot_answer"), ("kodee", "error"), ("kodee_feedback", None)]
    answered = next(json.loads(e["payload"]) for e in events if e["action"] == "kodee")
    assert answered["question"] == "orders by channel" and "orders.channel" in answered["sql"]
    assert answered["rows"] == 3 and answered["source"] == "offline"
    audit.close()


@pytest.mark.parametrize(("df", "measures", "kind"), [
    (pd.DataFrame({"m": [1.0]}), ["m"], "kpi"),
    (pd.DataFrame({"a": [1.0], "b": [2.0]}), ["a", "b"], "bar"),
    (pd.DataFrame({"d.month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "m": [1.0, 2.0]}), ["m"], "line"),
    (pd.DataFrame({"c": ["x", "y"], "m": [1.0, 2.0], "m:share_of_total": [33.3, 66.7]}), ["m", "m:share_of_total"],
     "donut"),
    (pd.DataFrame({"c": ["x", "y", "z"], "m": [1.0, 2.0, 3.0], "n": [3.0, 1.0, 2.0]}), ["m", "n"], "scatter"),
    (pd.DataFrame({"c": ["x", "y"], "m": [1.0, 2.0]}), ["m"], "bar"),
    (pd.DataFrame({"c": ["x", "y"]}), [], "none"),
])
def test_chart_by_shape(df: pd.DataFrame, measures: list[str], kind: str) -> None:
    spec = suggest_chart(df, measures=measures)
    assert chart_kind(spec) == kind
    if spec is not None:
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
        data_fields = set(spec["data"]["values"][0])
        assert all("." not in f and ":" not in f for f in data_fields)  # Vega-Lite reads dots as nesting


def test_kpi_uses_the_model_format() -> None:
    spec = suggest_chart(pd.DataFrame({"r": [1234.5]}), measures=["r"], formats={"r": "currency"})
    assert spec is not None and spec["data"]["values"][0]["value"] == "$1,234.50"
    count = suggest_chart(pd.DataFrame({"n": [20000]}), measures=["n"])
    assert count is not None and count["data"]["values"][0]["value"] == "20,000"


@pytest.mark.parametrize(("fmt", "values", "labels"), [
    ("currency", [3_527_946.96, 1_221_449.9, 401_400.1], {"$0", "$1M", "$2M", "$3M"}),
    ("percent", [0.125, 0.08, 0.31], {"0%", "10%", "20%", "30%"}),
])
def test_axes_and_tooltips_read_in_the_models_format(fmt: str, values: list[float], labels: set[str]) -> None:
    df = pd.DataFrame({"customers.region": ["Europe", "Asia", "Latin America"], "orders.m": values})
    spec = suggest_chart(df, measures=["orders.m"], formats={"orders.m": fmt})
    assert spec is not None
    spec["width"] = 400  # "container" has no width outside a page
    shown = set(re.findall(r">([^<>]+)</text>", to_svg(spec)))
    assert labels <= shown, f"axis labels {sorted(shown)}"
    tip = next(t for t in spec["encoding"]["tooltip"] if t["field"] == "orders_m")
    assert tip["format"] == {"currency": "$,.2f", "percent": ".1%"}[fmt]


def test_bar_chart_is_sorted_by_value() -> None:
    spec = suggest_chart(pd.DataFrame({"c": ["x", "y"], "m": [1.0, 2.0]}), measures=["m"])
    assert spec is not None and spec["encoding"]["y"]["sort"] == "-x"


def test_cell_magic(demo_model: SemanticModel, raw: Any) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["sales"] = demo_model
    shell.run_line_magic("load_ext", "bheem_nb.kodee")
    answer = shell.run_cell_magic("kodee", "sales", "how many orders by status\n")
    assert answer.ok and dict(zip(answer.df.iloc[:, 0], answer.df.iloc[:, 1], strict=True)) == dict(
        raw("SELECT status, COUNT(DISTINCT order_id) FROM orders GROUP BY 1"))
    again = shell.run_cell_magic("kodee", "sales", "now only paid")
    assert list(again.df.iloc[:, 0]) == ["paid"]
    with pytest.raises(Exception, match="not a SemanticModel"):
        shell.run_cell_magic("kodee", "nothing_here", "revenue")


def test_cli_ask_and_eval(demo_yml: Path, raw: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kodee", "ask", "units by channel", "--model", str(demo_yml), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert dict(out["rows"]) == dict(raw("SELECT channel, SUM(quantity) FROM orders GROUP BY 1"))
    assert main(["kodee", "ask", "profit by planet", "--model", str(demo_yml)]) == 1
    assert "cannot answer" in capsys.readouterr().out
    assert main(["kodee", "ask", "x", "--model", "/nope.yml"]) == 2
    assert main(["kodee", "ask", "x", "--model", str(demo_yml), "--llm"]) == 2  # no BHEEM_LLM_* set
    assert "BHEEM_LLM_BASE_URL" in capsys.readouterr().err
