"""Time a choice slicer's option pages on a demo model: one grouped query vs. the two-step page.

    python scripts/bench_slicer_pages.py /tmp/d10m/demo.yml [--repeats 5]

(make the demo with ``bheem demo-data --rows 10000000 --out /tmp/d10m/demo.duckdb``). The
engine's result cache is off, so every run does the real work. Each case fetches the same page
both ways through the engine (``widgets.options``) and checks that the two agree; medians in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from bheem_nb.widgets import FilterContext
from bheem_nb.widgets.options import FIRST, _counted, option_page

import bheem_nb as bn
from bheem_nb.engine import Engine


def _median_ms(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="the demo's YAML (bheem demo-data writes it next to the database)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    model = bn.SemanticModel.from_yaml(args.model)
    model._engine = Engine(use_cache=False)
    cases: list[tuple[str, str, str, int, list[bn.Filter], int]] = [
        # name, field, search, page size, other slicers' filters, pages deep
        ("email first page", "email", "", 200, [], 1),
        ("email search 'ma' page 1", "email", "ma", 20, [], 1),
        ("email search 'ma' page 2", "email", "ma", 20, [], 2),
        ("email search 'ma' page 1, channel=online", "email", "ma", 20, [bn.Filter("channel", "=", "online")], 1),
        ("email search 'ma' page 1, region=Europe", "email", "ma", 20, [bn.Filter("region", "=", "Europe")], 1),
        ("email first page, one month", "email", "", 200,
         [bn.Filter("order_date", "date_range", ["2024-03-01", "2024-03-31"])], 1),
        ("email search 'ma' page 1, one day", "email", "ma", 20,
         [bn.Filter("order_date", "date_range", ["2024-03-05", "2024-03-05"])], 1),
        ("name search 'ma' page 1", "customers.name", "ma", 20, [], 1),
        ("region first page", "region", "", 200, [], 1),
    ]
    print(f"{'case':44}{'one query':>11}{'two-step':>10}  same")
    for name, field, search, size, others, depth in cases:
        ctx = FilterContext(model, as_of="2025-06-30")
        for f in others:
            ctx._filters[f"_{f.field}"] = (f,)
        one_ms, two_ms, same = _case(ctx, field, search, size, depth, args.repeats)
        print(f"{name:44}{one_ms:>11,.0f}{two_ms:>10,.0f}  {'yes' if same else 'NO'}")


def _case(ctx: FilterContext, field: str, search: str, size: int, depth: int,
          repeats: int) -> tuple[float, float, bool]:
    """Page ``depth`` of ``field``'s options both ways: (one query ms, two-step ms, whether they agree)."""
    after: Any = FIRST
    for _ in range(depth - 1):  # walk to the page asked for
        after = option_page(ctx, field, field, search=search, size=size, after=after).options[-1]["value"]
    base = [bn.Filter(field, "contains", search)] if search else []
    keyset = [] if after is FIRST else [bn.Filter(field, ">", after)]
    one_ms, one = _median_ms(lambda: _counted(ctx, field, field, [*base, *keyset], size + 1), repeats)
    two_ms, two = _median_ms(lambda: option_page(ctx, field, field, search=search, size=size, after=after), repeats)
    same = [(o["value"], o["count"]) for o in two.options] == one[:size] and two.more == (len(one) > size)
    return one_ms, two_ms, same

if __name__ == "__main__":
    main()
