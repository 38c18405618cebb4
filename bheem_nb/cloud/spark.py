"""Apache Spark through PySpark: the compiled query runs whole as Spark SQL.

    conn = SparkConnector("spark://local", tables={"orders": "data/orders.parquet"})   # local mode
    conn = SparkConnector("sc://spark-connect.example.com:15002/;token=...")          # a cluster

``spark://local`` (or ``spark://local[4]``) starts a local session; ``spark://host:7077`` joins a
standalone master; ``sc://`` is Spark Connect. An existing session can be passed as
``session=``. ``tables`` registers Parquet files or folders (and Delta tables, when the
session has Delta Lake) as temporary views; anything else is read from the session's catalog,
``database=`` choosing the default database.

The time limit cancels the query's Spark jobs (a job group in classic mode, an operation tag
with Spark Connect). The row cap is pushed down as ``LIMIT max_rows + 1``. Results come back as
Arrow; decimals follow the project's convention (``connectors/_arrow.py``). Needs pyspark 4
(an older one is refused with a clear error); Spark 4 runs SQL in ANSI mode by default, which
the compiled SQL is written for (a derived measure's divisor is ``NULLIF(d, 0)``, never a bare ``/``).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from bheem_nb.cloud._sql import require_query
from bheem_nb.connectors._arrow import normalize_decimals
from bheem_nb.connectors.base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, Column, Connector, check_row_cap, redact
from bheem_nb.errors import BheemConnectionError, QueryTimeoutError

#: settings for a small local session: no UI, few shuffle partitions, Arrow transfers
LOCAL_CONFIG: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


class SparkConnector(Connector):
    """A Spark session (local, standalone or Spark Connect) answering Spark SQL."""

    dialect = "spark"

    def __init__(
        self,
        url: str = "spark://local",
        *,
        session: Any = None,
        tables: Mapping[str, str | Path] | None = None,
        database: str | None = None,
        config: Mapping[str, str] | None = None,
    ) -> None:
        _require_pyspark_4()
        self.name = redact(url if session is None else f"spark session {getattr(session, 'version', '')}".strip())
        self._owns_session = session is None
        self._spark = session if session is not None else _session(url, dict(config or {}))
        self._connect = _is_connect(self._spark)
        self._lock = threading.Lock()
        self._closed = False
        self._version = 0
        if database:
            try:
                self._spark.catalog.setCurrentDatabase(database)
            except Exception as exc:
                raise self._fail(f"choosing the database {database!r}", _spark_message(exc)) from None
        for name, path in (tables or {}).items():
            self.register(name, path)

    @property
    def session(self) -> Any:
        """The PySpark ``SparkSession`` (for loading data in tests and notebooks)."""
        return self._spark

    def register(self, name: str, path: str | Path) -> None:
        """Expose a Parquet file/folder or a Delta table folder as the view ``name``."""
        target = Path(path)
        if not str(path).startswith(("s3", "gs:", "abfs", "hdfs", "dbfs")) and not target.exists():
            raise BheemConnectionError(f"table {name!r}: no such file or folder {path}")
        kind = "delta" if (target / "_delta_log").is_dir() else "parquet"
        try:
            reader = self._spark.read.format(kind)
            reader.load(str(path)).createOrReplaceTempView(name)
        except Exception as exc:
            hint = " (Delta needs the delta-spark package on the session)" if kind == "delta" else ""
            raise self._fail(f"registering {kind} table {name!r}{hint}", exc) from exc
        self._version += 1

    def list_schemas(self) -> list[str]:
        return sorted(db.name for db in self._call(self._spark.catalog.listDatabases))

    def list_tables(self, schema: str | None = None) -> list[str]:
        """The tables of ``schema``; without one, the current database's plus the registered views.

        Spark lists the session's temporary views with every database, so they are left out
        when a database is named (and a view shadowing a same-named table is listed once).
        """
        found = self._call(self._spark.catalog.listTables, schema)
        return sorted({t.name for t in found if schema is None or not t.isTemporary})

    def list_columns(self, table: str, schema: str | None = None) -> list[Column]:
        if schema is None and table not in (known := self.list_tables()):
            raise BheemConnectionError(f"table {table} not found on {self.name}; known: {', '.join(known)}")
        qualified = ".".join(f"`{part.replace('`', '``')}`" for part in (schema, table) if part is not None)
        cols = self._call(self._spark.catalog.listColumns, qualified)
        return [Column(c.name, c.dataType, bool(c.nullable)) for c in cols]

    def execute(
        self, sql: str, *, timeout: float | None = DEFAULT_TIMEOUT_S, max_rows: int | None = DEFAULT_MAX_ROWS
    ) -> pa.Table:
        self._check_open()
        require_query(sql, self.dialect, self.name)
        tag = f"bheem-{uuid.uuid4().hex}"
        fired = threading.Event()
        timer = threading.Timer(timeout, self._cancel, (tag, fired)) if timeout else None
        try:
            self._start(tag)
            if timer is not None:
                timer.start()
            df = self._spark.sql(sql)
            if max_rows is not None:
                df = df.limit(max_rows + 1)
            table = _to_arrow(df)
        except Exception as exc:
            if fired.is_set():
                raise QueryTimeoutError(
                    f"the query on {self.name} ran longer than {timeout:g} s and was cancelled"
                ) from None
            raise self._fail("the query", _spark_message(exc)) from None
        finally:
            if timer is not None:
                timer.cancel()
            self._stop(tag)
        return check_row_cap(normalize_decimals(table), max_rows, self.name)

    def data_version(self) -> str:
        """Changes when a table is (re)registered, so cached results of old files are not reused."""
        return str(self._version)

    def close(self) -> None:
        with self._lock:
            if not self._closed and self._owns_session:
                self._spark.stop()
            self._closed = True

    # -- helpers ------------------------------------------------------------------------------
    def _call(self, fn: Any, *args: Any) -> Any:
        self._check_open()
        try:
            return fn(*[a for a in args if a is not None])
        except Exception as exc:
            raise self._fail("reading the catalog", _spark_message(exc)) from None

    def _check_open(self) -> None:
        if self._closed:
            raise BheemConnectionError(f"the connection {self.name} is closed")

    def _start(self, tag: str) -> None:
        if self._connect:
            self._spark.addTag(tag)
        else:
            self._spark.sparkContext.setJobGroup(tag, "bheem_nb query", interruptOnCancel=True)

    def _stop(self, tag: str) -> None:
        if self._connect:
            self._spark.removeTag(tag)
        else:
            self._spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)

    def _cancel(self, tag: str, fired: threading.Event) -> None:
        fired.set()
        if self._connect:
            self._spark.interruptTag(tag)
        else:
            self._spark.sparkContext.cancelJobGroup(tag)


def _require_pyspark_4() -> None:
    """pyspark 4 is the floor: ``DataFrame.toArrow`` for classic and Connect DataFrames alike."""
    import pyspark

    if int(pyspark.__version__.split(".")[0]) < 4:
        raise BheemConnectionError(
            f"the Spark connector needs pyspark 4 or later, found {pyspark.__version__}; "
            "pip install 'bheem_nb[cloud]' (it pins pyspark[connect]>=4,<5)"
        )


def _session(url: str, config: dict[str, str]) -> Any:
    """Build the session a URL names: a new Spark Connect session, or the process's local/standalone one.

    ``sc://`` goes through the Connect client's own builder and ``create()``: each connector gets
    a session of its own (``getOrCreate`` would hand a second connector, even one naming another
    server, the first one's session, and closing either would stop both), and pyspark's generic
    builder would refuse it while a local session runs in the same kernel (``SESSION_ALREADY_EXIST``).
    """
    scheme, _, rest = url.partition("://")
    builder: Any
    if scheme == "sc":
        from pyspark.sql.connect.session import SparkSession as ConnectSession

        builder = ConnectSession.builder.remote(url)
    elif scheme == "spark":
        from pyspark.sql import SparkSession

        host = rest.strip("/") or "local"
        master = host if host.startswith("local") else f"spark://{host}"
        builder = SparkSession.builder.master(master)
        config = {**LOCAL_CONFIG, **config} if master.startswith("local") else config
    else:
        raise BheemConnectionError(f"not a Spark URL: {redact(url)} (use spark://local, spark://host:7077 or sc://...)")
    for key, value in config.items():
        builder = builder.config(key, value)
    builder = builder.appName("bheem_nb")
    try:
        return builder.create() if scheme == "sc" else builder.getOrCreate()
    except Exception as exc:
        raise BheemConnectionError(redact(f"starting Spark for {url} failed: {_spark_message(exc)}")) from None


def _is_connect(spark: Any) -> bool:
    return type(spark).__module__.startswith("pyspark.sql.connect")


def _to_arrow(df: Any) -> pa.Table:
    """All rows of a DataFrame as one Arrow table.

    ``DataFrame.toArrow`` (pyspark 4) is the same call for a classic and a Spark Connect
    DataFrame. (Probing for classic-only methods with ``hasattr`` does not work: a Connect
    DataFrame answers any attribute name with a ``Column``.)
    """
    return df.toArrow()


def _spark_message(exc: BaseException) -> str:
    """The first line of a Spark error, without the JVM stack trace."""
    text = str(getattr(exc, "desc", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
