"""InsightsPanel shows exactly what insights() returns, and follows a FilterContext's slicers and user."""

from __future__ import annotations

import pandas as pd
import pytest
from bheem_nb.widgets.context import FilterContext
from bheem_nb.widgets.insights import InsightsPanel

import bheem_nb as bn
from bheem_nb.insights.quick import insights
from tests.insights.planted import OUTLIER_STORE, build_planted


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[bn.SemanticModel, pd.DataFrame]:
    return build_planted(tmp_path_factory.mktemp("planted_widgets"))


def test_panel_cards_equal_insights(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    panel = InsightsPanel(model, "spike", ["store", "channel"], top=4)
    want = insights(model, "spike", ["store", "channel"], top=4)
    assert [c["description"] for c in panel.cards] == [i.description for i in want]
    assert [c["score"] for c in panel.cards] == [round(i.score, 3) for i in want]
    assert panel.cards[0]["label"] == "Outlier" and panel.cards[0]["strong"]
    assert panel.cards[0]["chart"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert panel.version == 1 and panel.error == "" and panel.runtime is not None


def test_panel_follows_the_page_filters(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    ctx = FilterContext(model, count_measure="rows")
    panel = ctx.register(InsightsPanel(ctx, "spike", ["store"], top=10))
    assert OUTLIER_STORE in panel.cards[0]["description"]
    before = panel.version
    ctx.set_filters("stores", [bn.Filter("store", "!=", OUTLIER_STORE)])
    assert panel.version == before + 1
    assert not any(OUTLIER_STORE in c["description"] for c in panel.cards)


def test_panel_shows_errors(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    panel = InsightsPanel(model, "no_such_measure", ["store"])
    assert "no_such_measure" in panel.error and panel.cards == []
