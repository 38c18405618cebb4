"""The Python layouts behind treemap and histogram bins: properties that hold for any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bheem_nb.charts.kinds.distribution import nice_step
from bheem_nb.charts.kinds.layout import squarify


@given(st.lists(st.floats(0.01, 1e6), min_size=1, max_size=40), st.floats(50, 1000), st.floats(50, 1000))
def test_squarify_tiles_the_box_in_proportion(values: list[float], w: float, h: float) -> None:
    values = sorted(values, reverse=True)
    rects = squarify(values, 0, 0, w, h)
    assert len(rects) == len(values)
    total = sum(values)
    for (x, y, rw, rh), v in zip(rects, values, strict=True):
        assert rw * rh == pytest.approx(v / total * w * h, rel=1e-6, abs=1e-6)
        assert x >= -1e-6 and x + rw <= w + 1e-6
        assert y >= -1e-6 and y + rh <= h + 1e-6
    assert sum(rw * rh for _, _, rw, rh in rects) == pytest.approx(w * h, rel=1e-9)


@given(st.floats(1e-3, 1e9), st.integers(5, 50))
def test_nice_bin_width_gives_about_the_asked_number_of_bins(span: float, bins: int) -> None:
    step = nice_step(span, bins)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5, 10)
    assert span / step <= bins + 1e-9 and span / step > bins / 5.1
