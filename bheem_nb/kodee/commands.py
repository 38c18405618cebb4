"""``bheem kodee``: ask a question from the shell, or score Kodee on an evaluation set.

    bheem kodee ask "top 5 countries by revenue in 2024" --model demo/demo.yml --as alice@acme.com
    bheem kodee eval                      # the demo set on a 20k-row demo, offline parser
    bheem kodee eval --set heldout        # the held-out set (written after the parser, not tuned on)
    bheem kodee eval --llm --min 0.85     # through the LLM in BHEEM_LLM_*; exit 1 under 85 %
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bheem_nb.errors import BheemError

EVAL_ROWS = 20_000


class KodeeCliError(BheemError):
    """A problem with ``bheem kodee``'s own arguments."""


def add_commands(sub: Any) -> None:
    """Register ``kodee ask`` and ``kodee eval`` on the ``bheem`` subparsers."""
    p = sub.add_parser("kodee", help="ask questions in plain language; evaluate Kodee")
    k_sub = p.add_subparsers(dest="kodee_command", required=True, metavar="ACTION")

    a = k_sub.add_parser("ask", help="answer one question: explanation, SQL and rows")
    a.add_argument("question")
    a.add_argument("--model", type=Path, default=None, help="the semantic model YAML (default: the demo)")
    a.add_argument("--as", dest="user", default=None, help="a user id or email from the model's `users:`")
    a.add_argument("--llm", action="store_true", help="use the LLM configured in BHEEM_LLM_*")
    a.add_argument("--as-of", default=None, help="the date relative dates are read from (ISO)")
    a.add_argument("--json", action="store_true", help="print the answer as JSON")
    a.set_defaults(func=ask_command)

    e = k_sub.add_parser("eval", help="execution accuracy on an evaluation set")
    e.add_argument("--model", type=Path, default=None, help=f"model YAML (default: a {EVAL_ROWS:,}-row demo)")
    e.add_argument("--set", dest="cases", type=Path, default=None,
                   help="evaluation YAML, or a shipped set: demo (default) or heldout")
    e.add_argument("--llm", action="store_true", help="evaluate the LLM path (BHEEM_LLM_*)")
    e.add_argument("--min", dest="minimum", type=float, default=None, help="exit 1 when accuracy is below this")
    e.add_argument("--verbose", action="store_true", help="list every case, not only failures")
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    e.set_defaults(func=eval_command)


def _model(path: Path | None) -> Any:
    from bheem_nb import demo
    from bheem_nb.model.semantic import SemanticModel

    if path is None:
        return demo.model(rows=EVAL_ROWS)
    if not path.is_file():
        raise KodeeCliError(f"--model: model file not found: {path}")
    return SemanticModel.from_yaml(path)


def _llm(wanted: bool) -> Any:
    from bheem_nb.kodee.llm import LLMConfig

    if not wanted:
        return None
    config = LLMConfig.from_env()
    if config is None:
        raise KodeeCliError("--llm needs BHEEM_LLM_BASE_URL and BHEEM_LLM_MODEL (and usually BHEEM_LLM_API_KEY)")
    return config


def ask_command(args: argparse.Namespace) -> int:
    import pandas as pd

    from bheem_nb.kodee.kodee import Kodee

    kodee = Kodee(_model(args.model), user=args.user, llm=_llm(args.llm), as_of=args.as_of)
    answer = kodee.ask(args.question)
    df = answer.df if answer.df is not None else pd.DataFrame()
    if args.json:
        rows = df.astype(object).where(df.notna(), None).values.tolist()
        print(json.dumps({"question": answer.question, "explanation": answer.explanation, "sql": answer.sql,
                          "query": answer.query_spec, "confidence": answer.confidence, "error": answer.error,
                          "columns": [str(c) for c in df.columns], "rows": rows,
                          "chart": answer.chart, "follow_ups": answer.follow_ups}, default=str))
        return 0 if answer.ok else 1
    print(answer.explanation)
    if not answer.ok:
        if answer.error and answer.error != "cannot answer":
            print(f"error: {answer.error}", file=sys.stderr)
        return 1
    print(f"\n{answer.sql}\n")
    print(df.to_string(index=False) if len(df) else "(no rows)")
    if answer.follow_ups:
        print("\nTry next: " + " | ".join(answer.follow_ups))
    return 0


def eval_command(args: argparse.Namespace) -> int:
    from bheem_nb.kodee.evaluation import evaluate, load_cases

    cases, as_of = load_cases(args.cases)
    report = evaluate(_model(args.model), cases, as_of=as_of, llm=_llm(args.llm))
    print(json.dumps(report.to_dict(), default=str, indent=2) if args.json else report.format(args.verbose))
    if args.minimum is not None and report.accuracy < args.minimum:
        print(f"error: accuracy {report.accuracy:.3f} is below --min {args.minimum}", file=sys.stderr)
        return 1
    return 0
