"""Quick insights find each planted effect, rank it above noise, and stay quiet on pure noise."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.errors import QueryError
from bheem_nb.insights.quick import insights
from bheem_nb.insights.stats import STRONG_SCORE
from bheem_nb.insights.types import Insight
from tests.insights.planted import DOMINANT_CHANNEL, OUTLIER_STORE, SHIFT_DATE, planted_model_spec

DIMS = ["store", "channel", "customer"]


def _top(found: list[Insight]) -> Insight:
    assert found, "no insight at all"
    return found[0]


def _above_noise(found: list[Insight], winner: Insight) -> None:
    """The planted finding is strong and scores above every finding of another kind."""
    assert winner.strong, winner
    others = [i for i in found if i.kind != winner.kind]
    assert all(i.score < winner.score for i in others), [(i.kind, i.score) for i in others]


def test_trend_found_and_ranked_first(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    found = insights(model, "trend", DIMS)
    top = _top(found)
    assert top.kind == "trend"
    _above_noise(found, top)
    # the slope per month agrees with a plain OLS of the monthly totals computed here from the raw rows
    monthly = frame.assign(m=pd.to_datetime(frame["day"]).dt.to_period("M")).groupby("m")["trend"].sum()
    slope = np.polyfit(np.arange(len(monthly)), monthly.to_numpy(), 1)[0]
    assert top.details["slope"] == pytest.approx(slope, rel=1e-6)
    assert "rises" in top.description and f"{slope:,.0f}"[:2] in top.description.replace(",", "")
    assert not [i for i in found if i.kind != "trend" and i.strong]


def test_level_shift_found_at_the_planted_date(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    found = insights(model, "shift", DIMS)
    top = _top(found)
    assert top.kind == "change_point"
    _above_noise(found, top)
    assert pd.Timestamp(top.details["period"]) == pd.Timestamp(SHIFT_DATE)
    assert "Jul 2022" in top.description
    # the jump is explained by the step, so no separate steady trend is claimed
    assert not [i for i in found if i.kind == "trend" and i.strong]


def test_seasonal_cycle_found(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    found = insights(model, "season", DIMS)
    top = _top(found)
    assert (top.kind, top.details["lag"], top.details["grain"]) == ("seasonality", 12, "month")
    _above_noise(found, top)
    assert top.details["peak"] in ("Mar", "Apr", "May")  # sin peaks at month 4 (April)


def test_correlated_pair_found(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _frame = planted
    found = insights(model, ["pair_a", "pair_b", "noise"], DIMS)
    top = _top(found)
    assert top.kind == "correlation" and set(top.fields) == {"pair_a", "pair_b"}
    _above_noise(found, top)
    assert not [i for i in found if i.kind == "correlation" and "noise" in i.fields and i.strong]
    assert top.details["r"] > 0.9


def test_outlier_member_found(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    found = insights(model, "spike", DIMS)
    top = _top(found)
    assert (top.kind, top.details["member"]) == ("outlier", OUTLIER_STORE)
    _above_noise(found, top)
    per_store = frame.groupby("store")["spike"].sum()
    assert top.details["value"] == pytest.approx(per_store[OUTLIER_STORE])
    assert top.details["median"] == pytest.approx(per_store.median())
    assert not [i for i in found if i is not top and i.strong]


def test_dominant_segment_found(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    found = insights(model, "dominant", DIMS)
    top = _top(found)
    assert (top.kind, top.details["member"]) == ("segment", DOMINANT_CHANNEL)
    _above_noise(found, top)
    share = frame.groupby("channel")["dominant"].sum() / frame["dominant"].sum()
    assert top.details["share"] == pytest.approx(share[DOMINANT_CHANNEL])
    assert 4.5 < top.details["ratio"] < 7.5


def test_concentration_found(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    found = insights(model, "pareto", ["customer"])
    conc = [i for i in found if i.kind == "concentration"]
    assert conc and conc[0].strong
    # the top 20% of customers' share, computed from the raw rows
    per_customer = frame.groupby("customer")["pareto"].sum().sort_values(ascending=False)
    k = conc[0].details["top_members"]
    assert k == len(per_customer) // 5
    assert conc[0].details["top_share"] == pytest.approx(per_customer.iloc[:k].sum() / per_customer.sum())
    assert "Top 20% of customer values (80 of 400)" in conc[0].description


def test_no_concentration_of_an_average(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    """A share of an average means nothing: concentration is only reported for sums and counts."""
    model, _ = planted
    assert not [i for i in insights(model, "pareto_avg", ["customer"], top=50) if i.kind == "concentration"]


def test_pure_noise_yields_no_strong_insight(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    found = insights(model, "noise", DIMS, top=50)
    assert all(i.score < STRONG_SCORE for i in found), [(i.kind, i.score, i.description) for i in found]


def test_ranked_deduplicated_and_charted(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    found = insights(model, ["spike", "noise"], DIMS, top=50)
    scores = [i.score for i in found]
    assert scores == sorted(scores, reverse=True)
    assert len({i.key for i in found}) == len(found)
    for i in found:
        assert i.chart["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        assert i.description.endswith(".") and i.fields
        d = i.to_dict()
        assert d["kind"] == i.kind and "draw" not in d
    assert len(insights(model, "spike", DIMS, top=2)) == 2


def test_filters_apply(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    without = insights(model, "spike", ["store"], filters=[bn.Filter("store", "!=", OUTLIER_STORE)], top=50)
    assert not [i for i in without if i.kind == "outlier" and i.details.get("member") == OUTLIER_STORE]


def test_rls_hides_the_outlier_from_a_restricted_user(
    planted: tuple[bn.SemanticModel, pd.DataFrame], tmp_path: Any
) -> None:
    model, _ = planted
    spec = planted_model_spec(model.spec.connection.removeprefix("duckdb:///"))  # type: ignore[union-attr]
    spec["rls"] = {
        "rules": [
            {
                "name": "no_s07",
                "table": "facts",
                "filter": f"store <> '{OUTLIER_STORE}'",
                "assign": [{"group": "field"}],
            },
            {"name": "all", "table": "facts", "filter": "TRUE", "assign": [{"group": "hq"}]},
        ]
    }
    spec["users"] = [{"id": "fred", "groups": ["field"]}, {"id": "hana", "groups": ["hq"]}]
    secured = bn.SemanticModel.from_dict(spec)
    hq = insights(secured, "spike", ["store"], user="hana")
    field = insights(secured, "spike", ["store"], user="fred", top=50)
    assert (hq[0].kind, hq[0].details["member"]) == ("outlier", OUTLIER_STORE)
    assert not [i for i in field if OUTLIER_STORE in i.description]


def test_bad_input_names_the_problem(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    with pytest.raises(QueryError, match="trend"):
        insights(model, "trnd", DIMS)
    with pytest.raises(QueryError, match="dimension"):
        insights(model, "store")
    with pytest.raises(QueryError, match="store"):
        insights(model, "noise", ["stor"])


def test_demo_model_small(tmp_path: Any) -> None:
    """On the demo: revenue grows, peaks in Q4, and the Pareto of customers is reported."""
    model = bn.demo.model(rows=20_000)
    found = insights(model, ["revenue", "orders"], ["region", "channel", "customers.name"], top=20)
    kinds = {i.kind for i in found}
    assert {"trend", "seasonality"} <= kinds
    trend = next(i for i in found if i.kind == "trend")
    assert trend.details["slope"] > 0 and trend.strong
