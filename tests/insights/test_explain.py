"""explain(): member contributions equal a pandas reference on the raw rows, ranked by size."""

from __future__ import annotations

import pandas as pd
import pytest

import bheem_nb as bn
from bheem_nb.insights.explain import explain


def test_neighbour_contributions_add_up_and_rank(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    year = pd.to_datetime(frame["day"]).dt.year
    drivers = explain(
        model,
        "pareto",
        [bn.Filter("day.year", "=", "2023-01-01")],
        compare_to=[bn.Filter("day.year", "=", "2022-01-01")],
        dimensions=["customer", "channel"],
        top=500,
    )
    per = frame.assign(y=year).pivot_table(index="customer", columns="y", values="pareto", aggfunc="sum").fillna(0)
    want = (per[2023] - per[2022]).sort_values(key=abs, ascending=False)
    got_customers = [d for d in drivers if d.dimension == "customer"]
    assert [d.member for d in got_customers[:5]] == list(want.index[:5])
    for d in got_customers[:20]:
        assert d.contribution == pytest.approx(want[d.member], rel=1e-9)
    total_diff = frame.loc[year == 2023, "pareto"].sum() - frame.loc[year == 2022, "pareto"].sum()
    by_channel = [d for d in drivers if d.dimension == "channel"]
    assert sum(d.contribution for d in by_channel) == pytest.approx(total_diff, rel=1e-9)
    assert sum(d.share for d in by_channel) == pytest.approx(1.0)
    assert [abs(d.contribution) for d in drivers] == sorted((abs(d.contribution) for d in drivers), reverse=True)
    top = got_customers[0]
    assert top.description.startswith(f"Customer {top.member} went from")


def test_versus_total_is_the_mix(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, frame = planted
    drivers = explain(model, "dominant", [bn.Filter("store", "=", "S07")], dimensions=["channel"])
    s07 = frame[frame["store"] == "S07"]
    mark_total = s07["dominant"].sum()
    overall_mix = frame.groupby("channel")["dominant"].sum() / frame["dominant"].sum()
    in_mark = s07.groupby("channel")["dominant"].sum()
    want = in_mark - overall_mix * mark_total
    assert {d.member for d in drivers} == set(want.index)
    for d in drivers:
        assert d.contribution == pytest.approx(want[d.member], rel=1e-9, abs=1e-6)
        assert d.compare_value == pytest.approx(overall_mix[d.member] * mark_total)
    assert sum(d.contribution for d in drivers) == pytest.approx(0.0, abs=1e-6)
    assert (
        explain(model, "dominant", [bn.Filter("store", "=", "S07")], compare_to="total", dimensions=["channel"])
        == drivers
    )


def test_bad_compare_to(planted: tuple[bn.SemanticModel, pd.DataFrame]) -> None:
    model, _ = planted
    with pytest.raises(ValueError, match="compare_to"):
        explain(model, "noise", [bn.Filter("store", "=", "S07")], compare_to="neighbour", dimensions=["channel"])
