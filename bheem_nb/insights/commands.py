"""``bheem profile`` and ``bheem insights``: data profiling and quick insights from the command line.

bheem profile orders --model demo/demo.yml
bheem profile items --url shop.duckdb --json
bheem insights revenue --model demo/demo.yml --by region --by channel --top 5
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bheem_nb.errors import BheemError


def add_commands(sub: Any) -> None:
    """Register ``profile`` and ``insights`` on the ``bheem`` subparsers."""
    p = sub.add_parser("profile", help="profile a table: types, nulls, distinct values, stats, top values, patterns")
    p.add_argument("table", help="a model table name, or a table of the --url connection")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", type=Path, help="the semantic model YAML (row-level security applies)")
    src.add_argument("--url", help="a connection URL or database/file path")
    p.add_argument("--as", dest="user", help="a user id or email from the model's `users:`")
    p.add_argument("--json", action="store_true", help="print the profile as JSON (the roadmap's DataProfile keys)")
    p.set_defaults(func=profile_command)

    q = sub.add_parser("insights", help="rank trends, changes, seasons, outliers and concentration of a measure")
    q.add_argument("measure", nargs="+", help="the measure (more: also tested for correlation)")
    q.add_argument("--model", type=Path, required=True, help="the semantic model YAML")
    q.add_argument("--by", action="append", default=[], metavar="DIMENSION", help="a dimension (repeatable)")
    q.add_argument("--top", type=int, default=10)
    q.add_argument("--as", dest="user", help="a user id or email from the model's `users:`")
    q.add_argument("--json", action="store_true", help="print the insights (with their mini charts) as JSON")
    q.set_defaults(func=insights_command)


def profile_command(args: argparse.Namespace) -> int:
    from bheem_nb.insights.profile import profile

    source: Any = _model(args.model) if args.model else args.url
    result = profile(source, args.table, user=args.user)
    if args.json:
        print(json.dumps(result.to_dict(camel=True), indent=2, default=str))
        return 0
    print(
        f"{result.table}: {result.row_count:,} rows, quality {result.quality_percent:.1f}%, "
        f"{result.seconds:.2f} s ({result.statements} statements)"
    )
    header = (
        f"{'column':<20} {'type':<10} {'nulls':>8} {'distinct':>10} {'unique%':>8} {'min':>14} {'max':>14} "
        f"{'mean':>12} {'top value':<24}"
    )
    print(header)
    for c in result.columns:
        top = c.value_distribution[0] if c.value_distribution else None
        top_text = f"{_short(top['value'], 14)} ({top['percent']:.1f}%)" if top else ""
        mean = f"{c.mean:,.2f}" if c.mean is not None else ""
        pattern = f"  [{c.pattern}]" if c.pattern else ""
        print(
            f"{c.column_name[:20]:<20} {c.kind:<10} {c.null_rows:>8,} {c.distinct_count:>10,} "
            f"{c.unique_percent:>7.1f}% {_short(c.min_value, 14):>14} {_short(c.max_value, 14):>14} {mean:>12} "
            f"{top_text:<24}{pattern}"
        )
    return 0


def insights_command(args: argparse.Namespace) -> int:
    from bheem_nb.insights.quick import insights

    found = insights(_model(args.model), args.measure, args.by, top=args.top, user=args.user)
    if args.json:
        print(json.dumps([i.to_dict() for i in found], indent=2, default=str))
        return 0
    if not found:
        print("no insight stands out")
    for i in found:
        print(f"{i.score:4.2f} {'*' if i.strong else ' '} {i.kind:<13} {i.description}")
    return 0


def _model(path: Path) -> Any:
    from bheem_nb.model.semantic import SemanticModel

    if not path.exists():
        raise BheemError(f"model file not found: {path}")
    return SemanticModel.from_yaml(path)


def _short(value: Any, width: int) -> str:
    text = "" if value is None else f"{value:,.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
