"""A Redis second level behind the in-process result cache, shared by every kernel and server.

    from bheem_nb.cache import ResultCache
    from bheem_nb.cloud.redis_cache import RedisCache
    engine = bn.Engine(cache=ResultCache(shared=RedisCache("redis://cache:6379/0", ttl=3600)))

Values are Arrow IPC stream bytes under ``bheem:r:<connection>:<generation>:<sql hash>``, so a
key names the connection, the data version and the final SQL (the SQL already carries the
user's row-level-security rewrite). Each connection has a generation counter in Redis;
``invalidate(connection)`` increments it (one ``INCR``), which orphans every older entry at once
(they expire by TTL) in every process. A dead or slow Redis degrades to "no shared cache"
with one warning: queries still run, nothing raises, and Redis is tried again after
``retry_after`` seconds.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Hashable

import pyarrow as pa

from bheem_nb.connectors.base import redact

log = logging.getLogger(__name__)
PREFIX = "bheem"
_ALL = "*"  # the generation every key also carries: invalidate(None) bumps it


class RedisCache:
    """The shared level: ``get``/``put`` Arrow tables by the engine's cache key, ``invalidate`` per connection."""

    def __init__(self, url: str = "redis://127.0.0.1:6379/0", *, ttl: int = 3600, max_entry_bytes: int = 64 << 20,
                 socket_timeout: float = 0.5, retry_after: float = 30.0, prefix: str = PREFIX) -> None:
        import redis

        self.url = redact(url)
        self.ttl = ttl
        self.max_entry_bytes = max_entry_bytes
        self.retry_after = retry_after
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._down_until = 0.0
        self._warned = False
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def available(self) -> bool:
        """False while Redis is considered down (after a failure, for ``retry_after`` seconds)."""
        return time.monotonic() >= self._down_until

    def generation(self, connection: str) -> str | None:
        """``"<all>.<connection>"`` generations, or None when Redis cannot be reached."""
        if not self.available:
            return None
        try:
            values = self._redis.mget([self._gen_key(_ALL), self._gen_key(connection)])
        except self._errors as exc:
            self._down(exc)
            return None
        return ".".join((v or b"0").decode() if isinstance(v, bytes) else str(v or 0) for v in values)

    def get(self, key: Hashable) -> pa.Table | None:
        entry = self._entry_key(key)
        if entry is None:
            return None
        try:
            data = self._redis.get(entry)
        except self._errors as exc:
            self._down(exc)
            return None
        if data is None:
            self.misses += 1
            return None
        self.hits += 1
        with pa.ipc.open_stream(pa.py_buffer(data)) as reader:
            return reader.read_all()

    def put(self, key: Hashable, table: pa.Table) -> None:
        if table.nbytes > self.max_entry_bytes:
            return
        entry = self._entry_key(key)
        if entry is None:
            return
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        try:
            self._redis.set(entry, sink.getvalue().to_pybytes(), ex=self.ttl)
        except self._errors as exc:
            self._down(exc)

    def invalidate(self, connection: str | None) -> None:
        """Orphan every shared entry of ``connection`` (of all connections when None), in every process."""
        if not self.available:
            return
        try:
            self._redis.incr(self._gen_key(_ALL if connection is None else connection))
        except self._errors as exc:
            self._down(exc)

    # -- helpers ------------------------------------------------------------------------------
    def _entry_key(self, key: Hashable) -> str | None:
        connection, data_version, sql = _parts(key)
        generation = self.generation(connection)
        if generation is None:
            return None
        digest = hashlib.sha256(f"{data_version}\x00{sql}".encode()).hexdigest()
        return f"{self.prefix}:r:{_short(connection)}:{generation}:{digest}"

    def _gen_key(self, connection: str) -> str:
        return f"{self.prefix}:gen:{_short(connection)}"

    def _down(self, exc: BaseException) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry_after
            if not self._warned:
                self._warned = True
                log.warning("the shared Redis cache at %s is unavailable (%s); queries run without it and it is "
                            "retried every %g s", self.url, type(exc).__name__, self.retry_after)

    def close(self) -> None:
        self._redis.close()


def _parts(key: Hashable) -> tuple[str, str, str]:
    """(connection, data version, SQL) from the engine's key ``(connection, version, generation, sql)``."""
    if isinstance(key, tuple) and len(key) == 4:
        return str(key[0]), str(key[1]), str(key[3])
    return "", "", repr(key)


def _short(connection: str) -> str:
    return hashlib.sha256(connection.encode()).hexdigest()[:16]
