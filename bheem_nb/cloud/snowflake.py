"""Snowflake through snowflake-connector-python (4.x), with Arrow results.

    conn = SnowflakeConnector("snowflake://bi:${SF_PASSWORD}@acme-xy12345/SALES/PUBLIC?warehouse=BI_WH&role=ANALYST")
    conn = SnowflakeConnector(account="acme-xy12345", user="BI", private_key_file="rsa_key.p8",
                              warehouse="BI_WH", database="SALES", schema="PUBLIC")

Authentication: a password, or a key pair (``private_key`` PEM text/bytes or ``private_key_file``,
with ``private_key_password`` when the key is encrypted). Catalog listing uses ``SHOW``
statements (fast, no warehouse needed). Queries run with the connector's ``timeout`` (after
that many seconds the client sends an abort-request for the statement; Snowflake cancels it and
answers error 604) and come back through ``fetch_arrow_batches``, stopped after ``max_rows + 1``
rows. The session sets ``WEEK_START = 1`` so ``DATE_TRUNC('WEEK')`` starts on Monday like every
other backend, whatever the account default.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyarrow as pa

from bheem_nb.cloud._sql import require_query
from bheem_nb.connectors._arrow import normalize_decimals
from bheem_nb.connectors.base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, Column, Connector, check_row_cap, redact
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError

#: Snowflake error numbers meaning "cancelled by the time limit"
_TIMEOUT_ERRNOS = frozenset({604, 630})
_SESSION = {"WEEK_START": 1, "QUERY_TAG": "bheem_nb", "CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False}
#: URL query keys passed through as connect() arguments
_URL_KEYS = ("warehouse", "role", "authenticator", "host", "port", "protocol", "private_key_file",
             "private_key_password", "region")


class SnowflakeConnector(Connector):
    """A Snowflake account; ``database``/``schema`` pick the default namespace for the model's tables."""

    dialect = "snowflake"

    def __init__(self, url: str | None = None, *, login_timeout: int = 30, **options: Any) -> None:
        params = {**(_parse_url(url) if url else {}), **options}
        if not params.get("account"):
            raise BheemConnectionError("a Snowflake connection needs an account (snowflake://user@ACCOUNT/db/schema)")
        self.name = redact(url) if url else f"snowflake://{params.get('user', '')}@{params['account']}"
        self._params = _connect_args(params, login_timeout)
        self._lock = threading.Lock()
        self._conn: Any = None
        self._closed = False
        with self._lock:
            self._connection()

    def list_schemas(self) -> list[str]:
        rows = self._show("SHOW SCHEMAS")
        return sorted(r["name"] for r in rows if r["name"].upper() != "INFORMATION_SCHEMA")

    def list_tables(self, schema: str | None = None) -> list[str]:
        where = f" IN SCHEMA {_ident(schema)}" if schema else ""
        names = {r["name"] for r in self._show(f"SHOW TABLES{where}")}
        names |= {r["name"] for r in self._show(f"SHOW VIEWS{where}")}
        return sorted(names)

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        target = f"{_ident(schema)}.{_ident(table)}" if schema else _ident(table)
        try:
            rows = self._show(f"SHOW COLUMNS IN TABLE {target}")
        except BheemConnectionError as exc:
            raise BheemConnectionError(f"table {target} not found on {self.name}") from exc
        if not rows:
            raise BheemConnectionError(f"table {target} not found on {self.name}")
        return [Column(r["column_name"], _type_name(r["data_type"]), str(r.get("null?", "true")).lower() != "false")
                for r in rows]

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        require_query(sql, self.dialect, self.name)
        from snowflake.connector.errors import Error as SnowflakeError

        with self._lock:
            conn = self._connection()
            try:
                cur = conn.cursor()
                try:
                    cur.execute(sql, timeout=max(1, round(timeout)) if timeout else None)
                    table = _fetch(cur, max_rows)
                finally:
                    cur.close()
            except SnowflakeError as exc:
                if getattr(exc, "errno", None) in _TIMEOUT_ERRNOS:
                    raise QueryTimeoutError(
                        f"the query on {self.name} ran longer than {timeout:g} s and was cancelled"
                    ) from None
                raise self._fail("the query", getattr(exc, "msg", None) or exc) from None
        return check_row_cap(normalize_decimals(table), max_rows, self.name)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._closed = True

    def _connection(self) -> Any:
        """The open connection, (re)connecting if needed; call with the lock held."""
        if self._closed:
            raise BheemConnectionError(f"the connection {self.name} is closed")
        if self._conn is None or self._conn.is_closed():
            import snowflake.connector

            try:
                self._conn = snowflake.connector.connect(**self._params)
            except snowflake.connector.errors.Error as exc:
                raise self._fail("opening the connection", getattr(exc, "msg", None) or exc) from None
        return self._conn

    def _show(self, statement: str) -> list[dict[str, Any]]:
        from snowflake.connector.errors import Error as SnowflakeError

        with self._lock:
            conn = self._connection()
            try:
                cur = conn.cursor()
                try:
                    cur.execute(statement)
                    names = [d[0].lower() for d in cur.description or ()]
                    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
                finally:
                    cur.close()
            except SnowflakeError as exc:
                raise self._fail("reading the catalog", getattr(exc, "msg", None) or exc) from None


def _fetch(cur: Any, max_rows: int | None) -> pa.Table:
    batches: list[pa.Table] = []
    count = 0
    for batch in cur.fetch_arrow_batches():
        batches.append(batch)
        count += batch.num_rows
        if max_rows is not None and count > max_rows:
            break
    if not batches:
        empty = cur.fetch_arrow_all(force_return_table=True)
        return empty if empty is not None else pa.table({d[0]: pa.array([]) for d in cur.description or ()})
    return pa.concat_tables(batches, promote_options="permissive") if len(batches) > 1 else batches[0]


def _parse_url(url: str) -> dict[str, Any]:
    """``snowflake://user:password@account/database/schema?warehouse=..&role=..`` as connect arguments."""
    parts = urlsplit(url)
    if parts.scheme != "snowflake":
        raise BheemConnectionError(f"not a Snowflake URL: {redact(url)}")
    path = [unquote(p) for p in parts.path.split("/") if p]
    out: dict[str, Any] = {"account": unquote(parts.hostname or "") if parts.hostname else ""}
    if parts.username:
        out["user"] = unquote(parts.username)
    if parts.password:
        out["password"] = unquote(parts.password)
    if path:
        out["database"] = path[0]
    if len(path) > 1:
        out["schema"] = path[1]
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - set(_URL_KEYS))
    if unknown:
        raise BheemConnectionError(
            f"unknown Snowflake URL option(s) {', '.join(unknown)}; known: {', '.join(_URL_KEYS)}")
    out.update(query)
    return out


def _connect_args(params: Mapping[str, Any], login_timeout: int) -> dict[str, Any]:
    args = {k: v for k, v in params.items() if v is not None and k not in ("private_key", "private_key_file",
                                                                          "private_key_password")}
    key = params.get("private_key")
    if key is None and params.get("private_key_file"):
        try:
            key = Path(params["private_key_file"]).expanduser().read_bytes()
        except OSError as exc:
            raise BheemConnectionError(f"cannot read the private key file {params['private_key_file']}: "
                                       f"{exc.strerror}") from None
    if key is not None:
        args["private_key"] = _der_key(key, params.get("private_key_password"))
        args.setdefault("authenticator", "SNOWFLAKE_JWT")
    if "port" in args:
        args["port"] = int(args["port"])
    args["login_timeout"] = login_timeout
    args["session_parameters"] = {**_SESSION, **dict(params.get("session_parameters") or {})}
    return args


def _der_key(key: str | bytes, password: str | None) -> bytes:
    """A PEM private key (maybe encrypted) as the unencrypted PKCS#8 DER bytes the connector takes."""
    from cryptography.hazmat.primitives import serialization

    data = key.encode() if isinstance(key, str) else key
    try:
        loaded = serialization.load_pem_private_key(data, password=password.encode() if password else None)
    except (ValueError, TypeError) as exc:
        reason = "wrong or missing private_key_password" if "password" in str(exc).lower() else "not a PEM private key"
        raise BheemConnectionError(f"the Snowflake private key cannot be loaded: {reason}") from None
    return loaded.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())


def _ident(name: str) -> str:
    """A Snowflake identifier for SHOW ... IN: plain names as written, anything else quoted."""
    if name.replace("_", "").isalnum():
        return name
    return '"' + name.replace('"', '""') + '"'


def _type_name(data_type: Any) -> str:
    """``SHOW COLUMNS`` reports types as JSON (``{"type":"FIXED","precision":38,"scale":0}``)."""
    import json

    try:
        info = json.loads(data_type) if isinstance(data_type, str) else data_type
    except json.JSONDecodeError:
        return str(data_type)
    if not isinstance(info, dict):
        return str(data_type)
    kind = str(info.get("type", "")).upper()
    if kind == "FIXED":
        return f"NUMBER({info.get('precision', 38)},{info.get('scale', 0)})"
    return {"TEXT": "VARCHAR", "REAL": "FLOAT"}.get(kind, kind)
