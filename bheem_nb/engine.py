"""The one pipeline every query takes: compile → (secure) → cache → execute → Result.

Widgets, Kodee, the scheduler and the CLI all call :meth:`Engine.run`, so a filter, a
cache rule or (later) a row-level security rule written once holds everywhere.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa

from bheem_nb.cache import ResultCache
from bheem_nb.errors import BheemConnectionError
from bheem_nb.query.compiler import CompiledQuery, compile_query
from bheem_nb.query.plan import today_in
from bheem_nb.query.spec import QuerySpec
from bheem_nb.result import Result
from bheem_nb.security.guard import scrub_error
from bheem_nb.security.identity import User, resolve_user
from bheem_nb.security.rls import Secured, policy_for, secure_sql, secure_tree

if TYPE_CHECKING:
    from bheem_nb.connectors.base import Connector
    from bheem_nb.model.semantic import SemanticModel
    from bheem_nb.store.audit import AuditLog

CacheKey = tuple[str, str, int, str]


class Engine:
    """Compiles semantic queries, runs them on the model's connection and caches results.

    ``cache=None`` disables the result cache (benchmarks use that to time real work).
    """

    def __init__(
        self,
        cache: ResultCache | None = None,
        *,
        use_cache: bool = True,
        compile_cache_size: int = 2048,
        timeout: float | None = 300.0,
        max_rows: int | None = 1_000_000,
        audit: AuditLog | None = None,
        access: Callable[[User | None, SemanticModel], None] | None = None,
    ) -> None:
        self.cache = cache if cache is not None else (ResultCache() if use_cache else None)
        self.timeout = timeout
        self.max_rows = max_rows
        self._compiled: OrderedDict[tuple[str, str, str, str], CompiledQuery] = OrderedDict()
        self._compile_cache_size = compile_cache_size
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()
        #: where one row per query is recorded (None: no audit); see bheem_nb.store.audit
        self.audit = audit
        #: a permission check run before every query (e.g. ``MetadataStore.model_access``); raises to refuse
        self.access = access

    def compile(self, model: SemanticModel, spec: QuerySpec, connector: Connector | None = None) -> CompiledQuery:
        """The SQL for ``spec`` in the dialect of ``connector`` (default: the model's)."""
        dialect = (connector or model.connector).dialect
        as_of = (spec.as_of or today_in(model.spec.calendar.timezone)).isoformat()
        key = (model.version, dialect, spec.model_dump_json(), as_of)
        hit = self._compiled.get(key)
        if hit is not None:
            return hit
        compiled = compile_query(model, spec, dialect)
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > self._compile_cache_size:
                self._compiled.popitem(last=False)
        return compiled

    def run(self, model: SemanticModel, spec: QuerySpec, *, connector: Connector | None = None,
            user: User | str | None = None) -> Result:
        """Answer one query as ``user``; a repeated query on unchanged data comes from the cache.

        Row-level security rewrites the compiled tree for the user and the read-only guard
        checks the final SQL; the cache is keyed by that final SQL, so one user's cached rows
        never answer another user's query.
        """
        t0 = time.perf_counter()
        conn = connector or model.connector
        compiled = self.compile(model, spec, conn)
        who = resolve_user(model.spec, user)
        if self.access is not None:
            self.access(who, model)
        secured = secure_tree(model, compiled.ast, conn.dialect, who, cache_key=compiled.sql)
        if who is not None or policy_for(model).active:
            _harden(conn)
        return self._execute(model, conn, secured, compiled.columns, t0, kind="query")

    def run_sql(self, model: SemanticModel, sql: str, *, connector: Connector | None = None,
                user: User | str | None = None) -> Result:
        """Run raw SQL against the model's tables: guard → row-level security → guard → execute.

        Only one read-only query over the model's tables runs; anything else raises
        :class:`~bheem_nb.errors.SecurityError` naming what was refused.
        """
        t0 = time.perf_counter()
        conn = connector or model.connector
        who = resolve_user(model.spec, user)
        try:
            if self.access is not None:
                self.access(who, model)
            secured = secure_sql(model, sql, conn.dialect, who)
        except Exception as exc:
            self._record(model, conn, None, who, kind="sql", error=exc, sql=sql)
            raise
        _harden(conn)
        return self._execute(model, conn, secured, (), t0, kind="sql")

    def _execute(self, model: SemanticModel, conn: Connector, secured: Secured, columns: tuple[str, ...],
                 t0: float, *, kind: str) -> Result:
        t1 = time.perf_counter()
        key = self._cache_key(conn, secured.sql)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                cached = normalise(cached, columns)  # two labellings of one SQL (BigQuery's _c0 names) share it
                total = (time.perf_counter() - t0) * 1000
                timings = {"compile_ms": (t1 - t0) * 1000, "execute_ms": 0.0, "total_ms": total}
                self._record(model, conn, secured, secured.user, kind=kind, rows=cached.num_rows, ms=total,
                             cache_hit=True)
                return Result(cached, secured.sql, timings, cache_hit=True, dialect=conn.dialect)
        try:
            table = conn.execute(secured.sql, timeout=self.timeout, max_rows=self.max_rows)
        except BheemConnectionError as exc:
            self._record(model, conn, secured, secured.user, kind=kind, error=exc)
            if kind == "sql" or secured.rules:  # a database message may quote values of hidden rows
                raise type(exc)(scrub_error(str(exc))) from None
            raise
        t2 = time.perf_counter()
        table = normalise(table, columns)
        if self.cache is not None:
            self.cache.put(key, table)
        t3 = time.perf_counter()
        timings = {
            "compile_ms": (t1 - t0) * 1000,
            "execute_ms": (t2 - t1) * 1000,
            "convert_ms": (t3 - t2) * 1000,
            "total_ms": (t3 - t0) * 1000,
        }
        self._record(model, conn, secured, secured.user, kind=kind, rows=table.num_rows, ms=timings["total_ms"])
        return Result(table, secured.sql, timings, cache_hit=False, dialect=conn.dialect)

    def _record(self, model: SemanticModel, conn: Connector, secured: Secured | None, user: User | None, *,
                kind: str, rows: int | None = None, ms: float | None = None, cache_hit: bool = False,
                error: BaseException | None = None, sql: str | None = None) -> None:
        """One audit row per query when an audit sink is set; never raises."""
        if self.audit is None:
            return
        self.audit.record_query(
            model=model.name, connection=conn.name, sql=secured.sql if secured else (sql or ""),
            user=user, rows=rows, duration_ms=ms, rules=secured.rules if secured else (),
            cache_hit=cache_hit, kind=kind, error=error,
        )

    def invalidate(self, connection: Connector | str | None = None) -> int:
        """Forget cached results of one connection (all when None); returns entries dropped.

        Call it after a refresh writes new data. Results already handed out stay valid.
        """
        name = connection if isinstance(connection, str) or connection is None else connection.name
        with self._lock:
            if name is None:
                for k in self._generations:
                    self._generations[k] += 1
            else:
                self._generations[name] = self._generations.get(name, 0) + 1
        if self.cache is None:
            return 0
        self.cache.invalidate_shared(name)
        if name is None:
            n = len(self.cache)
            self.cache.clear()
            return n
        return self.cache.drop(lambda k: isinstance(k, tuple) and k[0] == name)

    def _cache_key(self, conn: Connector, sql: str) -> CacheKey:
        return (conn.name, conn.data_version(), self._generations.get(conn.name, 0), sql)


def _harden(conn: Connector) -> None:
    """Lock a DuckDB connection down before it serves user queries (no files, no settings)."""
    harden = getattr(conn, "harden", None)
    if callable(harden):
        harden()


def normalise(table: pa.Table, columns: tuple[str, ...]) -> pa.Table:
    """Name columns as the query wrote its fields.

    Decimal types are the connectors' job (``connectors/_arrow.py``): every backend already
    returns float64 (or int64 for whole numbers), so the engine does not scan for them again.
    """
    if len(columns) == table.num_columns and list(columns) != table.column_names:
        table = table.rename_columns(list(columns))
    return table


_default: Engine | None = None


def default_engine() -> Engine:
    """The process-wide engine that models use unless given their own."""
    global _default
    if _default is None:
        _default = Engine()
    return _default
