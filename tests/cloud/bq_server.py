"""A loopback BigQuery: an http.server thread on 127.0.0.1 speaking the REST calls the connector makes.

The real google-cloud-bigquery client talks to it (``client_options.api_endpoint``). Queries are
transpiled from GoogleSQL to DuckDB with sqlglot and run on an in-memory DuckDB holding the
loaded tables, so results are real; every request is recorded for the tests to inspect.

Calls: ``jobs.query`` (POST projects/P/queries), ``jobs.getQueryResults`` (GET
projects/P/queries/JOB, paged), ``jobs.insert`` (POST projects/P/jobs: dry runs and queries),
``jobs.get``, ``jobs.cancel``, ``datasets.list``, ``tables.list``, ``tables.get`` and an OAuth
token endpoint (POST /token) for service-account credentials. Behaviour that matters to the
connector is modelled: ``maximumBytesBilled`` (400 when the estimate is above it), a dry run
reporting ``totalBytesProcessed``, a query still running after ``timeoutMs`` (``jobComplete:
false``), cancellation, and pages of ``page_rows`` rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class _Job:
    id: str
    sql: str
    config: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    table: pa.Table | None = None
    error: str | None = None
    cancelled: bool = False
    bytes: int = 0
    cursor: Any = None


class BigQueryLoopback:
    """``with BigQueryLoopback(project="p") as bq: ... bq.url ...``; ``bq.requests`` lists what arrived."""

    def __init__(self, project: str, page_rows: int = 500) -> None:
        self.project = project
        self.page_rows = page_rows
        self.duck = duckdb.connect()
        self.requests: list[Recorded] = []
        self.tokens_issued = 0
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- data -----------------------------------------------------------------------------
    def load(self, dataset: str, name: str, table: pa.Table) -> None:
        self.duck.execute(f'CREATE SCHEMA IF NOT EXISTS "{dataset}"')
        self.duck.register("_incoming", table)
        self.duck.execute(f'CREATE OR REPLACE TABLE "{dataset}"."{name}" AS SELECT * FROM _incoming')
        self.duck.unregister("_incoming")

    def estimate(self, sql: str, dataset: str | None) -> int:
        """Bytes "processed": the stored size of every table the query reads (BigQuery bills columns read)."""
        total = 0
        for table in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table):
            schema = table.db or dataset
            rows = self.duck.execute(
                "SELECT estimated_size, column_count FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                [schema, table.name]).fetchone()
            if rows:
                total += int(rows[0]) * int(rows[1]) * 8
        return total

    def requests_to(self, suffix: str, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(suffix) and (method is None or r.method == method)]

    # -- server -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> BigQueryLoopback:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer._handle(self, "GET")

            def do_POST(self) -> None:
                outer._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="bq-loopback", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self.duck.close()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body: dict[str, Any] = {}
        if raw and "json" in (handler.headers.get("Content-Type") or ""):
            body = json.loads(raw)
        elif raw:
            body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.requests.append(Recorded(method, parts.path, parse_qs(parts.query), body, headers))
        try:
            status, payload = self._route(method, parts.path, parse_qs(parts.query), body)
        except _ApiError as err:
            status, payload = err.status, {"error": {"code": err.status, "message": err.message,
                                                      "errors": [{"reason": err.reason, "message": err.message}],
                                                      "status": err.reason}}
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]) -> tuple[int, Any]:
        if path == "/token":
            self.tokens_issued += 1
            return 200, {"access_token": f"loopback-token-{self.tokens_issued}", "expires_in": 3600,
                         "token_type": "Bearer"}
        prefix = f"/bigquery/v2/projects/{self.project}"
        if not path.startswith(prefix):
            raise _ApiError(404, "notFound", f"Not found: {path}")
        rest = [p for p in path[len(prefix):].split("/") if p]
        if method == "POST" and rest == ["queries"]:
            return 200, self._jobs_query(body)
        if method == "GET" and len(rest) == 2 and rest[0] == "queries":
            return 200, self._get_query_results(rest[1], query)
        if method == "POST" and rest == ["jobs"]:
            return 200, self._jobs_insert(body)
        if method == "GET" and len(rest) == 2 and rest[0] == "jobs":
            return 200, self._job_resource(self._job(rest[1]))
        if method == "POST" and len(rest) == 3 and rest[0] == "jobs" and rest[2] == "cancel":
            job = self._job(rest[1])
            job.cancelled = True
            if job.cursor is not None:
                job.cursor.interrupt()
            return 200, {"kind": "bigquery#jobCancelResponse", "job": self._job_resource(job)}
        if method == "GET" and rest == ["datasets"]:
            return 200, self._datasets()
        if method == "GET" and len(rest) == 3 and rest[0] == "datasets" and rest[2] == "tables":
            return 200, self._tables(rest[1])
        if method == "GET" and len(rest) == 4 and rest[0] == "datasets" and rest[2] == "tables":
            return 200, self._table(rest[1], rest[3])
        raise _ApiError(404, "notFound", f"Not found: {method} {path}")

    # -- queries ----------------------------------------------------------------------------
    def _jobs_query(self, body: dict[str, Any]) -> dict[str, Any]:
        dataset = (body.get("defaultDataset") or {}).get("datasetId")
        if body.get("dryRun"):
            return {"kind": "bigquery#queryResponse", "jobComplete": True,
                    "totalBytesProcessed": str(self.estimate(body["query"], dataset)), "schema": {"fields": []}}
        job = self._start(body["query"], body, dataset)
        job.done.wait(int(body.get("timeoutMs", 10_000)) / 1000)
        return self._results(job, 0, min(int(body.get("maxResults") or self.page_rows), self.page_rows))

    def _jobs_insert(self, body: dict[str, Any]) -> dict[str, Any]:
        config = body.get("configuration", {})
        q = config.get("query", {})
        dataset = (q.get("defaultDataset") or {}).get("datasetId")
        if config.get("dryRun"):
            n = self.estimate(q["query"], dataset)
            return {"kind": "bigquery#job", "configuration": config, "status": {"state": "DONE"},
                    "jobReference": {"projectId": self.project, "location": "US"},
                    "statistics": {"totalBytesProcessed": str(n), "query": {"totalBytesProcessed": str(n)}}}
        job = self._start(q["query"], {**q, "labels": config.get("labels"), "jobTimeoutMs": config.get("jobTimeoutMs")},
                          dataset, (body.get("jobReference") or {}).get("jobId"))
        return self._job_resource(job)

    def _get_query_results(self, job_id: str, query: dict[str, list[str]]) -> dict[str, Any]:
        job = self._job(job_id)
        job.done.wait(int(query.get("timeoutMs", ["10000"])[-1]) / 1000)
        start = int(query.get("pageToken", query.get("startIndex", ["0"]))[-1])
        return self._results(job, start, min(int(query.get("maxResults", [str(self.page_rows)])[-1]), self.page_rows))

    def _start(self, sql: str, config: dict[str, Any], dataset: str | None, job_id: str | None = None) -> _Job:
        cap = config.get("maximumBytesBilled")
        estimate = self.estimate(sql, dataset)
        if cap is not None and estimate > int(cap):
            raise _ApiError(400, "bytesBilledLimitExceeded",
                            f"Query exceeded limit for bytes billed: {cap}. {estimate} or higher required.")
        job = _Job(job_id or f"job_{uuid.uuid4().hex}", sql, config, bytes=estimate)
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, dataset), daemon=True).start()
        return job

    def _run(self, job: _Job, dataset: str | None) -> None:
        try:
            cur = job.cursor = self.duck.cursor()
            if dataset:
                cur.execute(f'SET schema = \'{dataset}\'')
            job.table = cur.sql(to_duckdb(job.sql)).to_arrow_table()
        except duckdb.Error as exc:
            job.error = "Job cancelled" if job.cancelled else str(exc).splitlines()[0]
        finally:
            job.done.set()

    def _job(self, job_id: str) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise _ApiError(404, "notFound", f"Not found: Job {self.project}:{job_id}")
        return job

    def _results(self, job: _Job, start: int, page: int) -> dict[str, Any]:
        ref = {"projectId": self.project, "jobId": job.id, "location": "US"}
        if not job.done.is_set():
            return {"kind": "bigquery#getQueryResultsResponse", "jobReference": ref, "jobComplete": False}
        if job.error is not None:
            raise _ApiError(400, "invalidQuery", job.error)
        assert job.table is not None
        chunk = job.table.slice(start, page)
        out: dict[str, Any] = {
            "kind": "bigquery#getQueryResultsResponse", "jobReference": ref, "jobComplete": True,
            "schema": {"fields": [_field(f) for f in job.table.schema]}, "totalRows": str(job.table.num_rows),
            "rows": [{"f": [{"v": _cell(v)} for v in row.values()]} for row in chunk.to_pylist()],
            "totalBytesProcessed": str(job.bytes), "cacheHit": False,
        }
        if start + page < job.table.num_rows:
            out["pageToken"] = str(start + page)
        return out

    def _job_resource(self, job: _Job) -> dict[str, Any]:
        state = "DONE" if job.done.is_set() else "RUNNING"
        resource: dict[str, Any] = {
            "kind": "bigquery#job", "id": f"{self.project}:US.{job.id}",
            "jobReference": {"projectId": self.project, "jobId": job.id, "location": "US"},
            "configuration": {"jobType": "QUERY", "labels": job.config.get("labels") or {}, "query": {
                "query": job.sql, "useLegacySql": False,
                "destinationTable": {"projectId": self.project, "datasetId": "_anon", "tableId": f"anon_{job.id}"}}},
            "status": {"state": state},
            "statistics": {"query": {"totalBytesProcessed": str(job.bytes), "statementType": "SELECT"}},
        }
        if state == "DONE" and job.error is not None:
            resource["status"]["errorResult"] = {"reason": "invalidQuery", "message": job.error}
        return resource

    # -- catalog ----------------------------------------------------------------------------
    def _datasets(self) -> dict[str, Any]:
        names = [r[0] for r in self.duck.execute(
            "SELECT schema_name FROM information_schema.schemata WHERE catalog_name = current_database() "
            "AND schema_name NOT IN ('main', 'information_schema', 'pg_catalog') ORDER BY 1").fetchall()]
        return {"kind": "bigquery#datasetList", "datasets": [
            {"kind": "bigquery#dataset", "id": f"{self.project}:{n}",
             "datasetReference": {"projectId": self.project, "datasetId": n}, "location": "US"} for n in names]}

    def _tables(self, dataset: str) -> dict[str, Any]:
        names = [r[0] for r in self.duck.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY 1", [dataset]).fetchall()]
        if not names and dataset not in [d["datasetReference"]["datasetId"] for d in self._datasets()["datasets"]]:
            raise _ApiError(404, "notFound", f"Not found: Dataset {self.project}:{dataset}")
        return {"kind": "bigquery#tableList", "totalItems": len(names), "tables": [
            {"kind": "bigquery#table", "id": f"{self.project}:{dataset}.{n}", "type": "TABLE",
             "tableReference": {"projectId": self.project, "datasetId": dataset, "tableId": n}} for n in names]}

    def _table(self, dataset: str, name: str) -> dict[str, Any]:
        try:
            schema = self.duck.sql(f'SELECT * FROM "{dataset}"."{name}" LIMIT 0').to_arrow_table().schema
        except duckdb.CatalogException:
            raise _ApiError(404, "notFound", f"Not found: Table {self.project}:{dataset}.{name}") from None
        return {"kind": "bigquery#table", "id": f"{self.project}:{dataset}.{name}", "type": "TABLE",
                "tableReference": {"projectId": self.project, "datasetId": dataset, "tableId": name},
                "schema": {"fields": [_field(f) for f in schema]}}


class _ApiError(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


def to_duckdb(sql: str) -> str:
    """GoogleSQL to DuckDB (sqlglot reads BigQuery's Sunday ``WEEK`` as a week starting on Sunday)."""
    return sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]


def _field(f: pa.Field) -> dict[str, Any]:
    t = f.type
    if pa.types.is_integer(t):
        kind = "INTEGER"
    elif pa.types.is_floating(t):
        kind = "FLOAT"
    elif pa.types.is_decimal(t):
        kind = "NUMERIC" if t.scale <= 9 and t.precision - t.scale <= 29 else "BIGNUMERIC"
    elif pa.types.is_boolean(t):
        kind = "BOOLEAN"
    elif pa.types.is_date(t):
        kind = "DATE"
    elif pa.types.is_timestamp(t):
        kind = "TIMESTAMP" if t.tz else "DATETIME"
    elif pa.types.is_binary(t):
        kind = "BYTES"
    else:
        kind = "STRING"
    return {"name": f.name, "type": kind, "mode": "NULLABLE" if f.nullable else "REQUIRED"}


def _cell(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        return repr(v) if not math.isinf(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:  # useInt64Timestamp: microseconds since the epoch
            return str(int(v.timestamp() * 1_000_000))
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return str(v)


def wait_for(check: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False
