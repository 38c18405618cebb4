"""Google BigQuery through google-cloud-bigquery, with a cost guard.

    conn = BigQueryConnector(project="acme-bi", dataset="sales", credentials_file="sa.json",
                             maximum_bytes_billed=50 * 10**9, confirm_bytes=10 * 10**9, on_large="refuse")
    conn = connect("bigquery://acme-bi/sales?location=EU")     # application-default credentials

Credentials: a service-account JSON file (``credentials_file``), application-default
credentials (``gcloud auth application-default login``, ``GOOGLE_APPLICATION_CREDENTIALS``, the
metadata server), or ``anonymous=True`` for emulators. ``dataset`` is the default dataset, so the
model's ``table: orders`` means ``project.dataset.orders``.

Every query carries the job labels (``app=bheem_nb`` plus ``labels=``), the
``maximum_bytes_billed`` cap (BigQuery itself refuses a query that would bill more) and a
time limit (``job_timeout_ms`` on the server, and the client cancels the job when it waits
longer). With ``confirm_bytes`` set, a dry run estimates the bytes first; above it the query is
refused (``on_large="refuse"``, the default) or runs with a warning (``on_large="warn"``).
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

import pyarrow as pa

from bheem_nb.cloud._sql import require_query
from bheem_nb.connectors._arrow import normalize_decimals
from bheem_nb.connectors.base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, Column, Connector, check_row_cap, redact
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError

log = logging.getLogger(__name__)
SCOPES = ("https://www.googleapis.com/auth/bigquery",)
_LABEL_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_-")
_URL_KEYS = ("location", "credentials_file", "maximum_bytes_billed", "confirm_bytes", "on_large", "endpoint")


class QueryCostError(BheemConnectionError):
    """A dry run estimated more bytes than the configured limit, so the query was not run."""


def human_bytes(n: float) -> str:
    """``12.3 GB`` (decimal units, as BigQuery bills)."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"  # pragma: no cover - unreachable


class BigQueryConnector(Connector):
    """One BigQuery project (and default dataset) answering GoogleSQL."""

    dialect = "bigquery"

    def __init__(
        self,
        url: str | None = None,
        *,
        project: str | None = None,
        dataset: str | None = None,
        location: str | None = None,
        credentials_file: str | Path | None = None,
        anonymous: bool = False,
        maximum_bytes_billed: int | None = None,
        confirm_bytes: int | None = None,
        on_large: Literal["refuse", "warn"] = "refuse",
        labels: Mapping[str, str] | None = None,
        endpoint: str | None = None,
    ) -> None:
        parsed = _parse_url(url) if url else {}
        project = project or parsed.get("project")
        dataset = dataset or parsed.get("dataset")
        location = location or parsed.get("location")
        credentials_file = credentials_file or parsed.get("credentials_file")
        endpoint = endpoint or parsed.get("endpoint")
        maximum_bytes_billed = maximum_bytes_billed or _int(parsed.get("maximum_bytes_billed"))
        confirm_bytes = confirm_bytes or _int(parsed.get("confirm_bytes"))
        on_large = parsed.get("on_large", on_large)  # type: ignore[assignment]
        if on_large not in ("refuse", "warn"):
            raise BheemConnectionError(f"on_large must be 'refuse' or 'warn', got {on_large!r}")
        self.name = redact(url) if url else f"bigquery://{project or '(default project)'}/{dataset or ''}".rstrip("/")
        self.dataset = dataset
        self.location = location
        self.maximum_bytes_billed = maximum_bytes_billed
        self.confirm_bytes = confirm_bytes
        self.on_large = on_large
        self.labels = {"app": "bheem_nb", **_check_labels(labels or {})}
        #: the dry-run estimate of the last query that had one (bytes), for notebooks to show
        self.last_estimate: int | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._client = _client(project, credentials_file, anonymous, endpoint, location)
        self.project = self._client.project

    # -- catalog ----------------------------------------------------------------------------
    def list_schemas(self) -> list[str]:
        return sorted(d.dataset_id for d in self._api("listing datasets", self._client.list_datasets, self.project))

    def list_tables(self, schema: str | None = None) -> list[str]:
        dataset = self._dataset(schema)
        return sorted(t.table_id for t in self._api("listing tables", self._client.list_tables, dataset))

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        ref = f"{self._dataset(schema)}.{table}"
        found = self._api(f"reading table {ref}", self._client.get_table, ref)
        return [Column(f.name, f.field_type, f.mode != "REQUIRED") for f in found.schema]

    # -- queries ----------------------------------------------------------------------------
    def estimate_bytes(self, sql: str) -> int:
        """The bytes a query would process, from a dry run (nothing is billed)."""
        require_query(sql, self.dialect, self.name)
        job = self._api("the dry run", self._client.query, sql,
                        job_config=self._config(dry_run=True), location=self.location)
        return int(job.total_bytes_processed or 0)

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        self._check_open()
        require_query(sql, self.dialect, self.name)
        if self.confirm_bytes is not None:
            self._guard_cost(sql)
        config = self._config(timeout=timeout)
        from google.api_core import exceptions as gexc

        try:
            rows = self._client.query_and_wait(
                sql, job_config=config, location=self.location, wait_timeout=timeout, api_timeout=timeout,
                max_results=None if max_rows is None else max_rows + 1,
            )
            table = rows.to_arrow(create_bqstorage_client=False)
        except concurrent.futures.TimeoutError:
            raise QueryTimeoutError(
                f"the query on {self.name} ran longer than {timeout:g} s and was cancelled") from None
        except gexc.GoogleAPICallError as exc:
            raise self._query_error(exc, timeout) from None
        return check_row_cap(_tidy(table), max_rows, self.name)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._client.close()
            self._closed = True

    # -- helpers ----------------------------------------------------------------------------
    def _guard_cost(self, sql: str) -> None:
        estimate = self.estimate_bytes(sql)
        self.last_estimate = estimate
        assert self.confirm_bytes is not None
        if estimate <= self.confirm_bytes:
            return
        message = (f"the query on {self.name} would process about {human_bytes(estimate)} ({estimate:,} bytes, "
                   f"dry-run estimate), above confirm_bytes = {human_bytes(self.confirm_bytes)}")
        if self.on_large == "refuse":
            raise QueryCostError(f"{message}; add filters, aggregate a smaller table, or raise confirm_bytes")
        log.warning("%s; running it anyway (on_large='warn')", message)

    def _config(self, *, dry_run: bool = False, timeout: float | None = None) -> Any:
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig(use_legacy_sql=False, labels=dict(self.labels))
        if self.dataset:
            config.default_dataset = f"{self.project}.{self.dataset}"
        if self.maximum_bytes_billed is not None:
            config.maximum_bytes_billed = self.maximum_bytes_billed
        if dry_run:
            config.dry_run = True
            config.use_query_cache = False
        if timeout:
            config.job_timeout_ms = max(1, round(timeout * 1000))
        return config

    def _query_error(self, exc: Any, timeout: float | None) -> BheemConnectionError:
        text = _api_message(exc)
        low = text.lower()
        if "bytes billed" in low or "bytesbilledlimitexceeded" in low:
            cap = human_bytes(self.maximum_bytes_billed or 0)
            return QueryCostError(f"BigQuery refused the query on {self.name}: it would bill more than "
                                  f"maximum_bytes_billed = {cap} ({text})")
        if "timed out" in low or "timeout" in low:
            return QueryTimeoutError(f"the query on {self.name} ran longer than {timeout or 0:g} s and was cancelled")
        return self._fail("the query", text)

    def _api(self, action: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self._check_open()
        from google.api_core import exceptions as gexc
        from google.auth import exceptions as aexc

        try:
            result = fn(*args, **kwargs)
            return list(result) if action.startswith("listing") else result
        except gexc.NotFound as exc:
            raise BheemConnectionError(f"{action} on {self.name} failed: not found ({_api_message(exc)})") from None
        except (gexc.GoogleAPIError, aexc.GoogleAuthError) as exc:
            raise self._fail(action, _api_message(exc)) from None

    def _dataset(self, schema: str | None) -> str:
        dataset = schema or self.dataset
        if not dataset:
            raise BheemConnectionError(f"{self.name} has no default dataset; pass schema= or dataset=")
        return dataset if "." in dataset else f"{self.project}.{dataset}"

    def _check_open(self) -> None:
        if self._closed:
            raise BheemConnectionError(f"the connection {self.name} is closed")


def _client(project: str | None, credentials_file: str | Path | None, anonymous: bool, endpoint: str | None,
            location: str | None) -> Any:
    from google.api_core import client_options as co
    from google.auth import exceptions as aexc
    from google.cloud import bigquery

    options = co.ClientOptions(api_endpoint=endpoint) if endpoint else None
    try:
        if anonymous:
            from google.auth.credentials import AnonymousCredentials

            credentials: Any = AnonymousCredentials()  # type: ignore[no-untyped-call]
        elif credentials_file:
            from google.oauth2 import service_account

            credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(credentials_file), scopes=SCOPES)
            project = project or credentials.project_id
        else:
            import google.auth

            credentials, default_project = google.auth.default(scopes=SCOPES)
            project = project or default_project
    except (aexc.GoogleAuthError, OSError, ValueError) as exc:
        where = f"the service-account file {credentials_file}" if credentials_file else "application-default"
        raise BheemConnectionError(
            f"BigQuery credentials from {where} could not be loaded: {_api_message(exc)}") from None
    if not project:
        raise BheemConnectionError("no BigQuery project: pass project= (or put it in the URL bigquery://PROJECT/DATASET)")
    return bigquery.Client(project=project, credentials=credentials, client_options=options, location=location)


def _tidy(table: pa.Table) -> pa.Table:
    """The decimal convention (NUMERIC is decimal128(38, 9)), and timestamps without their zone as UTC."""
    return normalize_decimals(table)


def _parse_url(url: str) -> dict[str, str]:
    """``bigquery://PROJECT/DATASET?location=EU&credentials_file=/path/sa.json`` as keyword arguments."""
    parts = urlsplit(url)
    if parts.scheme != "bigquery":
        raise BheemConnectionError(f"not a BigQuery URL: {redact(url)}")
    out = {"project": unquote(parts.netloc)} if parts.netloc else {}
    path = [unquote(p) for p in parts.path.split("/") if p]
    if path:
        out["dataset"] = path[0]
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - set(_URL_KEYS))
    if unknown:
        raise BheemConnectionError(
            f"unknown BigQuery URL option(s) {', '.join(unknown)}; known: {', '.join(_URL_KEYS)}")
    return {**out, **query}


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.replace("_", ""))
    except ValueError:
        raise BheemConnectionError(f"expected a whole number of bytes, got {value!r}") from None


def _check_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """BigQuery label keys and values: lowercase letters, digits, ``_`` and ``-``, at most 63 characters."""
    for key, value in labels.items():
        for part in (key, value):
            if len(part) > 63 or not set(part) <= _LABEL_OK or not key:
                raise BheemConnectionError(f"invalid BigQuery job label {key}={value}: use lowercase letters, digits, "
                                           "'_' and '-' (at most 63 characters)")
    return dict(labels)


def _api_message(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return redact(str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__)
