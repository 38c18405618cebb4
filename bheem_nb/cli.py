"""The ``bheem`` command: demo data, one-off queries, the benchmark and the demo dashboard.

    bheem demo-data --rows 1000000 --out demo/demo.duckdb
    bheem query --model demo/demo.yml --json '{"measures": ["revenue"], "dimensions": ["region"]}'
    bheem bench --rows 1000000
    bheem demo --port 8866

Like every view it only calls the engine; errors print ``error: <message>`` and exit with 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bheem_nb.errors import BheemError

EXIT_ERROR = 2
EXIT_MISMATCH = 1
DEMO_NOTEBOOK = Path("notebooks") / "demo_dashboard.ipynb"


class CliError(BheemError):
    """A problem with the command line's own input (a file, the JSON text)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``bheem`` subcommand; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except BheemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `bheem query ... | head`
        sys.stderr.close()
        return 0
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bheem", description="bheem_nb: business intelligence in Jupyter.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo-data", help="write the demo star schema (DuckDB) and its model YAML")
    p.add_argument("--rows", type=_positive_int, default=1_000_000, help="orders (default 1,000,000)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", type=Path, default=Path("demo/demo.duckdb"), help="the .duckdb file to write")
    p.set_defaults(func=_demo_data)

    p = sub.add_parser("query", help="run one JSON query on a model and print the result")
    p.add_argument("--model", required=True, type=Path, help="the semantic model YAML")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--json", dest="json_text", metavar="JSON", help="the query as a JSON object")
    src.add_argument("--json-file", type=Path, metavar="FILE", help="a file with the query JSON ('-': stdin)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--sql", action="store_true", help="print the compiled SQL instead of running it")
    p.set_defaults(func=_query)

    p = sub.add_parser("bench", help="time dashboard queries: engine vs raw DuckDB vs pandas")
    p.add_argument("--rows", type=_positive_int, default=1_000_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--repeats", type=_positive_int, default=7)
    p.add_argument("--threads", type=_positive_int, default=None, help="DuckDB threads (default: all cores)")
    p.add_argument("--workdir", type=Path, default=None, help="where demo data is kept (default: demo cache)")
    p.add_argument("--no-pandas", action="store_true", help="skip the pandas peer (it is slow at 10M rows)")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.set_defaults(func=_bench)

    p = sub.add_parser("demo", help="serve the demo dashboard with Voilà")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--rows", type=_positive_int, default=None, help="demo size (default: bn.demo's)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--dry-run", action="store_true", help="print the voila command instead of running it")
    p.set_defaults(func=_demo)

    import importlib

    # each feature keeps its subcommands next to its code; a module here exposes add_commands(sub)
    for module in _COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    return parser


_COMMAND_MODULES = (
    "bheem_nb.security.commands",  # rls test, audit
    "bheem_nb.cloud.commands",  # connections list, test, encrypt
    "bheem_nb.insights.commands",  # profile, insights
    "bheem_nb.kodee.commands",  # kodee ask, kodee eval
    "bheem_nb.publish.commands",  # serve, publish, embed-token, usage
    "bheem_nb.scheduler.commands",  # scheduler run, tick, list, history, run-now
)


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


# --------------------------------------------------------------------------- demo-data


def _demo_data(args: argparse.Namespace) -> int:
    from bheem_nb.demo_data import generate_demo_data

    t0 = time.perf_counter()
    yml = generate_demo_data(args.out, rows=args.rows, seed=args.seed)
    print(yml)
    print(f"wrote {args.rows:,} orders to {args.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- query


def _query(args: argparse.Namespace) -> int:
    from bheem_nb.model.semantic import SemanticModel

    spec = _read_query(args.json_text, args.json_file)
    if not args.model.is_file():
        raise CliError(f"--model: model file not found: {args.model}")
    model = SemanticModel.from_yaml(args.model)
    if args.sql:
        print(model.to_sql(**spec))
        return 0
    result = model.query(**spec)
    if args.format == "csv":
        sys.stdout.write(result.df.to_csv(index=False))
    elif args.format == "json":
        print(json.dumps([{k: _json_value(v) for k, v in row.items()} for row in result.to_dicts()],
                         ensure_ascii=False, allow_nan=False))
    else:
        print(result.df.to_string(index=False) if len(result) else "(no rows)")
        print(f"({len(result):,} rows, {result.timings.get('total_ms', 0.0):.1f} ms)")
    return 0


def _read_query(text: str | None, path: Path | None) -> dict[str, Any]:
    where = "--json"
    if path is not None:
        where = f"--json-file {path}"
        try:
            text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"{where}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text or "")
    except json.JSONDecodeError as exc:
        raise CliError(f"{where}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise CliError(f"{where}: the query must be a JSON object like "
                       '{"measures": ["revenue"], "dimensions": ["region"]}, got ' + type(data).__name__)
    return data


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return float(value) if hasattr(value, "__float__") else str(value)


# --------------------------------------------------------------------------- bench


def _bench(args: argparse.Namespace) -> int:
    from bheem_nb.bench import run_bench

    report = run_bench(args.rows, seed=args.seed, repeats=args.repeats, workdir=args.workdir,
                       threads=args.threads, pandas=not args.no_pandas)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.format())
    if report.mismatches:
        print("error: results disagree:\n  " + "\n  ".join(report.mismatches), file=sys.stderr)
        return EXIT_MISMATCH
    return 0


# --------------------------------------------------------------------------- demo


def _demo(args: argparse.Namespace) -> int:
    from bheem_nb import demo

    notebook = find_demo_notebook()
    from bheem_nb.publish.serve import voila_executable

    voila = voila_executable()
    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    yml = demo.demo_path(args.rows or demo.DEFAULT_ROWS, seed)
    cmd = [voila, str(notebook), "--no-browser", f"--port={args.port}", "--Voila.ip=127.0.0.1"]
    env = {**os.environ, "BHEEM_DEMO_MODEL": str(yml)}
    template = notebook.parent.parent / "voila_templates" / "bheem"
    if template.is_dir():  # Voilà finds templates under <jupyter path>/voila/templates/<name>
        jupyter_dir = demo.demo_dir() / "jupyter"
        link = jupyter_dir / "voila" / "templates" / "bheem"
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(template.resolve(), target_is_directory=True)
        env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(jupyter_dir), env.get("JUPYTER_PATH", "")) if p)
        cmd += ["--template=bheem", "--preheat_kernel=True", "--pool_size=1"]
    if args.dry_run:
        print(f"BHEEM_DEMO_MODEL={yml} " + " ".join(cmd))
        return 0
    print(f"demo dashboard on http://127.0.0.1:{args.port}/ (model {yml}); Ctrl-C stops it", file=sys.stderr)
    sys.stderr.flush()
    sys.stdout.flush()
    os.execve(voila, cmd, env)  # replaces this process, so Ctrl-C and kill reach Voilà directly


def find_demo_notebook() -> Path:
    """``notebooks/demo_dashboard.ipynb`` in the repository the package runs from, else under the cwd."""
    package_root = Path(__file__).resolve().parent.parent
    for base in (package_root, Path.cwd()):
        if (base / DEMO_NOTEBOOK).is_file():
            return base / DEMO_NOTEBOOK
    raise CliError(f"the demo notebook {DEMO_NOTEBOOK} was not found under {package_root} or {Path.cwd()}; "
                   "run `bheem demo` from a checkout of bheem_nb")


if __name__ == "__main__":
    raise SystemExit(main())
