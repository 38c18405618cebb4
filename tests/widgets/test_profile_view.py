"""ProfileView carries the profile of the table, column by column."""

from __future__ import annotations

import pandas as pd
import pytest
from bheem_nb.widgets.profile import ProfileView

import bheem_nb as bn
from bheem_nb.insights.profile import profile
from tests.insights.planted import build_planted


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[bn.SemanticModel, pd.DataFrame]:
    return build_planted(tmp_path_factory.mktemp("planted_widgets"))


def test_profile_view_equals_profile(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    view = ProfileView(model, "facts")
    want = profile(model, "facts")
    assert view.table == "facts" and view.row_count == len(frame)
    assert [c["column_name"] for c in view.columns] == list(frame.columns)
    assert view.columns == want.to_dict()["columns"]
    assert view.quality == pytest.approx(want.quality_percent, abs=0.01)
    again = ProfileView.of(want)
    assert again.columns == view.columns
    with pytest.raises(ValueError, match="table"):
        ProfileView(model)
