"""`bheem bench`: what the engine costs over raw DuckDB on typical dashboard queries.

Eight queries a sales dashboard sends are timed four ways on the demo data of ``rows`` orders:
the engine with its result cache off (spec in, Arrow out), the same question as hand-written SQL
on a raw DuckDB connection, the pandas way (tables loaded once, then merge + groupby), and a
result-cache hit. Every engine result is checked against the hand-written one.

    from bheem_nb.bench import run_bench
    report = run_bench(1_000_000)
    print(report.format())          # per-query medians and the engine/raw ratio
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from bheem_nb.connectors.duckdb import DuckDBConnector
from bheem_nb.demo import demo_dir
from bheem_nb.demo_data import generate_demo_data, write_model_yaml
from bheem_nb.engine import Engine
from bheem_nb.model.semantic import SemanticModel

__all__ = ["QUERIES", "BenchQuery", "BenchReport", "QueryBench", "run_bench"]

AS_OF = "2025-06-30"
SLICER_PAGE = 200  # a slicer's page of options (widgets.slicers.Dropdown.page_size)
TOLERANCE = 1e-6  # relative (and absolute, for values near zero)
CACHE_HIT_RUNS = 50
_REV = "{o}quantity * {o}unit_price * (1 - {o}discount)"
REV, O_REV = _REV.format(o=""), _REV.format(o="o.")


@dataclass
class PandasTables:
    """The demo tables as pandas DataFrames, loaded once before the pandas timings."""

    orders: pd.DataFrame
    customers: pd.DataFrame
    products: pd.DataFrame


@dataclass(frozen=True)
class BenchQuery:
    """One dashboard question: as a query spec, as hand-written SQL and as pandas code."""

    name: str
    spec: dict[str, Any]
    sql: str
    pandas: Callable[[PandasTables], pd.DataFrame] = field(repr=False)
    #: "dashboard" queries make the ≤ 1.10 target; "time" (time intelligence) queries the ≤ 1.25 one;
    #: "slicer" queries (option pages of a high-cardinality slicer) are reported on their own line
    group: str = "dashboard"


def _revenue(df: pd.DataFrame) -> pd.Series:
    return df["quantity"] * df["unit_price"] * (1 - df["discount"])


def _pd_region(t: PandasTables) -> pd.DataFrame:
    df = t.orders.merge(t.customers[["customer_id", "region"]], on="customer_id")
    return (df.assign(revenue=_revenue(df)).groupby("region", as_index=False)
            .agg(revenue=("revenue", "sum"), orders=("order_id", "nunique")))


def _pd_month(t: PandasTables) -> pd.DataFrame:
    o = t.orders
    month = o["order_date"].dt.to_period("M").dt.to_timestamp().rename("month")
    return _revenue(o).rename("revenue").groupby(month).sum().reset_index()


def _pd_ytd_yoy(t: PandasTables) -> pd.DataFrame:
    m = _pd_month(t).sort_values("month").reset_index(drop=True)
    m["revenue_ytd"] = m.groupby(m["month"].dt.year)["revenue"].cumsum()
    last_year = m.set_index("month")["revenue"].rename(lambda d: d + pd.DateOffset(years=1))
    prev = m["month"].map(last_year)
    m["revenue_yoy_pct"] = (m["revenue"] - prev) / prev.abs() * 100
    return m


def _pd_category_segment(t: PandasTables) -> pd.DataFrame:
    c = t.customers.loc[t.customers["segment"].isin(["Consumer", "Corporate"]), ["customer_id", "segment"]]
    df = t.orders.merge(t.products[["product_id", "category"]], on="product_id").merge(c, on="customer_id")
    return df.assign(revenue=_revenue(df)).groupby(["category", "segment"], as_index=False).agg(
        revenue=("revenue", "sum"))


def _pd_top_cities(t: PandasTables) -> pd.DataFrame:
    df = t.orders.merge(t.customers[["customer_id", "city"]], on="customer_id")
    return df.assign(revenue=_revenue(df)).groupby("city")["revenue"].sum().nlargest(20).reset_index()


def _pd_kpis(t: PandasTables) -> pd.DataFrame:
    o = t.orders
    q = o[(o["order_date"] >= pd.Timestamp("2025-01-01")) & (o["order_date"] < pd.Timestamp("2025-04-01"))]
    return pd.DataFrame({"revenue": [_revenue(q).sum()], "orders": [q["order_id"].nunique()],
                         "units": [q["quantity"].sum()]})


def _pd_aov(t: PandasTables) -> pd.DataFrame:
    o = t.orders
    g = o.assign(revenue=_revenue(o)).groupby("channel", as_index=False).agg(
        revenue=("revenue", "sum"), orders=("order_id", "nunique"))
    return g.assign(avg_order_value=g["revenue"] / g["orders"])[["channel", "avg_order_value"]]


def _pd_paid(t: PandasTables) -> pd.DataFrame:
    df = t.orders.merge(t.products[["product_id", "subcategory"]], on="product_id")
    paid = _revenue(df).where(df["status"] == "paid")
    return df.assign(paid_revenue=paid).groupby("subcategory", as_index=False).agg(
        paid_revenue=("paid_revenue", "sum"))


def _pd_email_page(t: PandasTables, needle: str = "") -> pd.DataFrame:
    df = t.orders[["customer_id"]].merge(t.customers[["customer_id", "email"]], on="customer_id")
    if needle:
        df = df[df["email"].str.contains(needle, case=False, regex=False)]
    counts = df.groupby("email", as_index=False).agg(orders=("customer_id", "size"))
    return counts.sort_values("email").head(SLICER_PAGE + 1)


def _pd_customers(t: PandasTables) -> pd.DataFrame:
    return t.customers.groupby("country", as_index=False).agg(customers=("customer_id", "nunique"))


# The raw SQL is the best an analyst would write by hand: knowing order_id and customer_id are keys,
# they count rows rather than distinct values.
QUERIES: tuple[BenchQuery, ...] = (
    BenchQuery(
        "revenue_orders_by_region",
        {"measures": ["revenue", "orders"], "dimensions": ["region"]},
        f"SELECT c.region, sum({O_REV}) AS revenue, count(*) AS orders "
        "FROM orders o JOIN customers c USING (customer_id) GROUP BY c.region ORDER BY c.region",
        _pd_region,
    ),
    BenchQuery(
        "revenue_by_month",
        {"measures": ["revenue"], "dimensions": ["order_date.month"]},
        f"SELECT date_trunc('month', order_date) AS month, sum({REV}) AS revenue "
        "FROM orders GROUP BY 1 ORDER BY 1",
        _pd_month,
    ),
    BenchQuery(
        "revenue_by_category_segment",
        {"measures": ["revenue"], "dimensions": ["category", "segment"],
         "filters": [{"field": "segment", "op": "in", "values": ["Consumer", "Corporate"]}]},
        f"SELECT p.category, c.segment, sum({O_REV}) AS revenue "
        "FROM orders o JOIN products p USING (product_id) JOIN customers c USING (customer_id) "
        "WHERE c.segment IN ('Consumer', 'Corporate') GROUP BY 1, 2 ORDER BY 1, 2",
        _pd_category_segment,
    ),
    BenchQuery(
        "top20_cities_by_revenue",
        {"measures": ["revenue"], "dimensions": ["city"], "order": [{"field": "revenue", "desc": True}],
         "limit": 20},
        f"SELECT c.city, sum({O_REV}) AS revenue FROM orders o JOIN customers c USING (customer_id) "
        "GROUP BY c.city ORDER BY revenue DESC LIMIT 20",
        _pd_top_cities,
    ),
    BenchQuery(
        "kpis_previous_quarter",
        {"measures": ["revenue", "orders", "units"], "as_of": AS_OF,
         "filters": [{"field": "order_date", "op": "relative_period", "values": [-1, "quarter"]}]},
        f"SELECT sum({REV}) AS revenue, count(*) AS orders, sum(quantity) AS units "
        "FROM orders WHERE order_date >= DATE '2025-01-01' AND order_date < DATE '2025-04-01'",
        _pd_kpis,
    ),
    BenchQuery(
        "avg_order_value_by_channel",
        {"measures": ["avg_order_value"], "dimensions": ["channel"]},
        f"SELECT channel, sum({REV}) / count(*) AS avg_order_value "
        "FROM orders GROUP BY channel ORDER BY channel",
        _pd_aov,
    ),
    BenchQuery(
        "paid_revenue_by_subcategory",
        {"measures": ["paid_revenue"], "dimensions": ["subcategory"]},
        f"SELECT p.subcategory, sum({O_REV}) FILTER (WHERE o.status = 'paid') AS paid_revenue "
        "FROM orders o JOIN products p USING (product_id) GROUP BY 1 ORDER BY 1",
        _pd_paid,
    ),
    BenchQuery(
        "ytd_and_yoy_by_month",
        {"measures": ["revenue", "revenue:ytd", "revenue:yoy_pct"], "dimensions": ["order_date.month"]},
        # the fastest hand-written form: one monthly aggregate, a window for YTD, a self-join for last year
        f"WITH m AS (SELECT CAST(date_trunc('month', order_date) AS DATE) AS month, sum({REV}) AS revenue "
        "FROM orders GROUP BY 1) "
        "SELECT m.month, m.revenue, sum(m.revenue) OVER (PARTITION BY year(m.month) ORDER BY m.month) AS ytd, "
        "(m.revenue - p.revenue) / abs(NULLIF(p.revenue, 0)) * 100 AS yoy_pct "
        "FROM m LEFT JOIN m AS p ON p.month = CAST(m.month - INTERVAL 1 YEAR AS DATE) ORDER BY 1",
        _pd_ytd_yoy,
        group="time",
    ),
    BenchQuery(
        "customers_by_country",
        {"measures": ["customers"], "dimensions": ["country"]},
        "SELECT country, count(*) AS customers FROM customers GROUP BY 1 ORDER BY 1",
        _pd_customers,
    ),
    # a slicer's options over a column with one value per customer (1M distinct at 20M orders):
    # the first page, then a type-ahead page; both count orders per value, as the slicer shows
    BenchQuery(
        "slicer_page_email",
        {"measures": ["orders"], "dimensions": ["email"], "order": [{"field": "email"}], "limit": SLICER_PAGE + 1},
        "SELECT c.email, count(*) AS orders FROM orders o JOIN customers c USING (customer_id) "
        f"GROUP BY 1 ORDER BY 1 LIMIT {SLICER_PAGE + 1}",
        _pd_email_page,
        group="slicer",
    ),
    BenchQuery(
        "slicer_search_email",
        {"measures": ["orders"], "dimensions": ["email"], "order": [{"field": "email"}], "limit": SLICER_PAGE + 1,
         "filters": [{"field": "email", "op": "contains", "values": ["ma"]}]},
        "SELECT c.email, count(*) AS orders FROM orders o JOIN customers c USING (customer_id) "
        f"WHERE c.email ILIKE '%ma%' GROUP BY 1 ORDER BY 1 LIMIT {SLICER_PAGE + 1}",
        lambda t: _pd_email_page(t, "ma"),
        group="slicer",
    ),
)


@dataclass
class QueryBench:
    """Medians (ms) for one query. ``raw_engine_sql_ms`` runs the engine's own SQL on the raw
    connection: engine − that is pipeline overhead, that − raw is the cost of the SQL's shape."""

    name: str
    rows: int
    engine_ms: float
    raw_ms: float
    raw_engine_sql_ms: float
    engine_best_ms: float
    raw_best_ms: float
    pandas_ms: float | None
    cache_hit_ms: float
    stages_ms: dict[str, float]
    first_compile_ms: float
    matches: bool
    pandas_matches: bool | None
    problems: list[str]
    engine_sql: str
    raw_sql: str
    group: str = "dashboard"

    @property
    def ratio(self) -> float:
        return self.engine_ms / self.raw_ms

    @property
    def best_ratio(self) -> float:
        """Fastest engine run / fastest raw run: steadier than medians on a busy machine."""
        return self.engine_best_ms / self.raw_best_ms


@dataclass
class BenchReport:
    """Everything one bench run measured; :meth:`format` prints it, :meth:`to_dict` is the JSON."""

    rows: int
    seed: int
    repeats: int
    threads: int
    duckdb_version: str
    database: str
    generated_ms: float | None
    pandas_load_ms: float | None
    queries: list[QueryBench]

    @property
    def ratio(self) -> float:
        """The median over dashboard queries of engine median / raw median."""
        return statistics.median(q.ratio for q in self._group("dashboard"))

    @property
    def best_ratio(self) -> float:
        return statistics.median(q.best_ratio for q in self._group("dashboard"))

    @property
    def slicer_ratio(self) -> float | None:
        """Median engine/raw ratio of the slicer-option queries (None when none ran)."""
        queries = self._group("slicer")
        return statistics.median(q.ratio for q in queries) if queries else None

    @property
    def slicer_ms(self) -> float | None:
        """The slowest slicer-option page (engine, median ms): what a person waits for at most."""
        queries = self._group("slicer")
        return max(q.engine_ms for q in queries) if queries else None

    @property
    def time_ratio(self) -> float | None:
        """The median ratio of the time-intelligence queries (target ≤ 1.25), None if none ran."""
        queries = self._group("time")
        return statistics.median(q.ratio for q in queries) if queries else None

    def _group(self, group: str) -> list[QueryBench]:
        chosen = [q for q in self.queries if q.group == group]
        return chosen or (self.queries if group == "dashboard" else [])

    @property
    def max_cache_hit_ms(self) -> float:
        return max(q.cache_hit_ms for q in self.queries)

    @property
    def mismatches(self) -> list[str]:
        return [f"{q.name}: {p}" for q in self.queries for p in q.problems]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for q, d in zip(self.queries, data["queries"], strict=True):
            d.update(ratio=q.ratio, best_ratio=q.best_ratio)
        data.update(ratio=self.ratio, best_ratio=self.best_ratio, time_ratio=self.time_ratio,
                    slicer_ratio=self.slicer_ratio, slicer_ms=self.slicer_ms,
                    max_cache_hit_ms=self.max_cache_hit_ms, mismatches=self.mismatches)
        return data

    def format(self) -> str:
        """A readable table: one line per query, then the overall ratio against the targets."""
        data = ("reused" if self.generated_ms is None else f"generated in {self.generated_ms / 1000:.1f} s")
        load = "" if self.pandas_load_ms is None else f" · pandas load {self.pandas_load_ms:,.0f} ms"
        head = (f"bheem bench · {self.rows:,} orders · seed {self.seed} · {self.repeats} repeats · "
                f"DuckDB {self.duckdb_version}, {self.threads} threads\n"
                f"data: {self.database} ({data}){load}\n")
        cols = f"{'query':<30}{'rows':>5}{'engine ms':>11}{'raw ms':>10}{'ratio':>7}{'best':>7}" \
               f"{'eng-SQL raw':>12}{'pandas ms':>11}{'cache ms':>9}  check"
        lines = [head, cols, "-" * len(cols)]
        for q in self.queries:
            pandas = "-" if q.pandas_ms is None else f"{q.pandas_ms:,.1f}"
            check = "ok" if q.matches else "MISMATCH"
            if q.pandas_matches is False:
                check += " (pandas MISMATCH)"
            lines.append(f"{q.name:<30}{q.rows:>5}{q.engine_ms:>11.2f}{q.raw_ms:>10.2f}{q.ratio:>7.3f}"
                         f"{q.best_ratio:>7.3f}{q.raw_engine_sql_ms:>12.2f}{pandas:>11}{q.cache_hit_ms:>9.3f}"
                         f"  {check}")
        verdict = "meets" if self.ratio <= 1.10 else "MISSES"
        lines += ["", "ms are medians; best = fastest engine run / fastest raw run; eng-SQL raw = the "
                  "engine's SQL on the raw connection",
                  "(engine − eng-SQL raw = pipeline cost; eng-SQL raw − raw = cost of the SQL's shape)",
                  f"overall median engine/raw ratio: {self.ratio:.3f} ({verdict} the ≤ 1.10 target); "
                  f"median best ratio {self.best_ratio:.3f}",
                  *([] if self.time_ratio is None else [
                      f"time-intelligence median ratio: {self.time_ratio:.3f} "
                      f"({'meets' if self.time_ratio <= 1.25 else 'MISSES'} the ≤ 1.25 target)"]),
                  *([] if self.slicer_ratio is None or self.slicer_ms is None else [
                      f"slicer option pages (email: one value per customer): median ratio {self.slicer_ratio:.3f}, "
                      f"slowest {self.slicer_ms:,.0f} ms uncached"]),
                  f"slowest cache hit: {self.max_cache_hit_ms:.3f} ms "
                  f"({'meets' if self.max_cache_hit_ms < 1 else 'MISSES'} the < 1 ms target)"]
        if self.mismatches:
            lines += ["", "!!! RESULT MISMATCH: the engine and the hand-written SQL disagree !!!",
                      *("  " + m for m in self.mismatches)]
        return "\n".join(lines)


def run_bench(
    rows: int,
    seed: int = 42,
    repeats: int = 7,
    workdir: str | Path | None = None,
    *,
    threads: int | None = None,
    pandas: bool = True,
    pandas_repeats: int | None = None,
    queries: tuple[BenchQuery, ...] = QUERIES,
) -> BenchReport:
    """Time ``queries`` on demo data of ``rows`` orders (generated once per rows+seed in ``workdir``).

    Engine and raw DuckDB open the same file, so they share one DuckDB instance and its thread
    count (``threads``, default DuckDB's: all cores); their runs alternate after one warm-up each.
    The pandas way runs ``pandas_repeats`` times (default ``min(repeats, 3)``: it is the slow peer).
    A mismatch warns and is listed in the report's ``mismatches``.
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    yml, generated_ms = _demo_files(rows, seed, Path(workdir) if workdir else demo_dir())
    db = str(yml.with_suffix(".duckdb"))
    # One file opened twice in a process shares one DuckDB instance (buffer pool, thread pool).
    raw = duckdb.connect(db, read_only=True, config={"threads": threads} if threads else {})
    connector = DuckDBConnector(db, read_only=True, threads=threads)
    try:
        n_threads = int(raw.execute("SELECT current_setting('threads')").fetchall()[0][0])
        model = SemanticModel.from_yaml(yml, engine=Engine(use_cache=False), connector=connector)
        cached = SemanticModel.from_yaml(yml, engine=Engine(use_cache=True), connector=connector)
        tables, load_ms = _load_pandas(raw) if pandas else (None, None)
        p_repeats = pandas_repeats or min(repeats, 3)
        results = [_bench_query(q, model, cached, raw, tables, repeats, p_repeats) for q in queries]
    finally:
        connector.close()
        raw.close()
    report = BenchReport(rows, seed, repeats, n_threads, duckdb.__version__, db, generated_ms, load_ms,
                         results)
    if report.mismatches:
        warnings.warn("bench results disagree: " + "; ".join(report.mismatches), RuntimeWarning, stacklevel=2)
    return report


def _demo_files(rows: int, seed: int, folder: Path) -> tuple[Path, float | None]:
    """The demo model YAML for rows+seed in ``folder`` (same names as ``bn.demo``); ms if generated now."""
    db = folder / f"demo-{rows}-{seed}.duckdb"
    yml = db.with_suffix(".yml")
    if db.exists() and yml.exists():
        return write_model_yaml(db, rows, seed), None
    t0 = time.perf_counter()
    yml = generate_demo_data(db, rows=rows, seed=seed)
    return yml, (time.perf_counter() - t0) * 1000


def _load_pandas(raw: duckdb.DuckDBPyConnection) -> tuple[PandasTables, float]:
    t0 = time.perf_counter()
    tables = PandasTables(
        orders=raw.sql("SELECT order_id, order_date, customer_id, product_id, quantity, CAST(unit_price "
                       "AS DOUBLE) AS unit_price, discount, status, channel FROM orders").df(),
        customers=raw.sql("SELECT customer_id, region, country, city, segment, email FROM customers").df(),
        products=raw.sql("SELECT product_id, category, subcategory FROM products").df(),
    )
    return tables, (time.perf_counter() - t0) * 1000


def _bench_query(
    q: BenchQuery, model: SemanticModel, cached: SemanticModel, raw: duckdb.DuckDBPyConnection,
    tables: PandasTables | None, repeats: int, pandas_repeats: int,
) -> QueryBench:
    first = model.query(**q.spec)  # warm-up; its compile is the cold one
    engine_sql = first.sql
    expected = raw.sql(q.sql).to_arrow_table()
    raw.sql(engine_sql).to_arrow_table()
    problem = compare(first.arrow, expected)
    problems = [] if problem is None else [f"engine vs hand-written SQL: {problem}"]

    stages: dict[str, list[float]] = {}

    def engine() -> None:
        res = model.query(**q.spec)
        for k, v in res.timings.items():
            stages.setdefault(k, []).append(v)

    runs: list[tuple[str, Callable[[], object]]] = [
        ("engine", engine),
        ("raw", lambda: raw.sql(q.sql).to_arrow_table()),
        ("raw_engine_sql", lambda: raw.sql(engine_sql).to_arrow_table()),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in runs}
    gc.collect()
    for i in range(repeats):
        for name, fn in runs[i % 3:] + runs[:i % 3]:  # rotate the order to cancel order bias
            times[name].append(_time_ms(fn))

    pandas_ms, pandas_matches = None, None
    if tables is not None:
        pandas_problem = compare(q.pandas(tables), expected)
        pandas_matches = pandas_problem is None
        if pandas_problem:
            problems.append(f"pandas vs hand-written SQL: {pandas_problem}")
        pandas_ms = statistics.median(_time_ms(lambda: q.pandas(tables)) for _ in range(pandas_repeats))

    cached.query(**q.spec)
    hits = [_time_ms(lambda: cached.query(**q.spec)) for _ in range(CACHE_HIT_RUNS)]
    if not cached.query(**q.spec).cache_hit:
        problems.append("the cache-on engine did not answer the repeated query from its cache")
    return QueryBench(
        name=q.name, rows=first.arrow.num_rows, engine_ms=statistics.median(times["engine"]),
        raw_ms=statistics.median(times["raw"]), raw_engine_sql_ms=statistics.median(times["raw_engine_sql"]),
        engine_best_ms=min(times["engine"]), raw_best_ms=min(times["raw"]),
        pandas_ms=pandas_ms, cache_hit_ms=statistics.median(hits),
        stages_ms={k: statistics.median(v) for k, v in stages.items()},
        first_compile_ms=first.timings.get("compile_ms", 0.0), matches=problem is None,
        pandas_matches=pandas_matches, problems=problems, engine_sql=engine_sql, raw_sql=q.sql, group=q.group,
    )


def _time_ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - t0) / 1e6


def compare(got: pa.Table | pd.DataFrame, expected: pa.Table) -> str | None:
    """None when both hold the same rows (columns by position, numbers within TOLERANCE), else why not."""
    if isinstance(got, pd.DataFrame):
        got = pa.Table.from_pandas(got.reset_index(drop=True), preserve_index=False)
    if got.num_columns != expected.num_columns:
        return (f"{got.num_columns} columns {got.column_names} vs "
                f"{expected.num_columns} {expected.column_names}")
    if got.num_rows != expected.num_rows:
        return f"{got.num_rows} rows vs {expected.num_rows} expected"
    a, b = _rows(got), _rows(expected)
    for i, (ra, rb) in enumerate(zip(a, b, strict=True)):
        if len(ra) != len(rb) or not all(_same(x, y) for x, y in zip(ra, rb, strict=True)):
            return f"row {i} differs: {ra} vs expected {rb}"
    return None


def _rows(table: pa.Table) -> list[tuple[Any, ...]]:
    cols = [[_plain(v) for v in col.to_pylist()] for col in table.columns]
    rows = list(zip(*cols, strict=True))
    return sorted(rows, key=lambda r: tuple(str(v) for v in r if not isinstance(v, float)))


def _plain(v: Any) -> Any:
    """One representation per value: numbers as float, midnight timestamps as dates."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return bool(x == y)
