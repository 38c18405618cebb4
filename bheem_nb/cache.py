"""An in-process LRU cache of query results, bounded by total Arrow bytes.

Keys are (connection name, data version, final SQL): the SQL is what actually ran, so
two spellings of one query share an entry, and a user whose RLS rewrite differs never
sees another user's rows.

An optional shared second level (``shared=``, e.g. :class:`bheem_nb.cloud.redis_cache.RedisCache`)
answers local misses and receives every put; local entries are then scoped by the shared
generation of their connection, so an invalidation in another process hides them here too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Protocol

import pyarrow as pa

DEFAULT_BUDGET_BYTES = 512 * 1024 * 1024


class SharedCache(Protocol):
    """A cache shared between processes, behind the in-process one (default: none)."""

    def get(self, key: Hashable) -> pa.Table | None: ...
    def put(self, key: Hashable, table: pa.Table) -> None: ...
    def invalidate(self, connection: str | None) -> None: ...
    def generation(self, connection: str) -> str | None: ...


class ResultCache:
    def __init__(self, max_bytes: int = DEFAULT_BUDGET_BYTES, max_entry_bytes: int | None = None, *,
                 shared: SharedCache | None = None) -> None:
        self.shared = shared
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes or max_bytes // 8
        self._entries: OrderedDict[Hashable, pa.Table] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> pa.Table | None:
        local = self._scoped(key)
        with self._lock:
            table = self._entries.get(local)
            if table is not None:
                self._entries.move_to_end(local)
                self.hits += 1
                return table
            self.misses += 1
        if self.shared is None:
            return None
        table = self.shared.get(key)
        if table is not None:
            self._put_local(local, table)
        return table

    def put(self, key: Hashable, table: pa.Table) -> None:
        self._put_local(self._scoped(key), table)
        if self.shared is not None:
            self.shared.put(key, table)

    def invalidate_shared(self, connection: str | None) -> None:
        """Tell the shared level (if any) that ``connection``'s data changed (None: every connection)."""
        if self.shared is not None:
            self.shared.invalidate(connection)

    def _scoped(self, key: Hashable) -> Hashable:
        """With a shared level, the local key also carries the connection's shared generation."""
        if self.shared is None or not (isinstance(key, tuple) and key):
            return key
        return (*key, self.shared.generation(str(key[0])))

    def _put_local(self, key: Hashable, table: pa.Table) -> None:
        size = table.nbytes
        if size > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._entries[key] = table
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.nbytes

    def drop(self, predicate: Callable[[Hashable], bool]) -> int:
        with self._lock:
            doomed = [k for k in self._entries if predicate(k)]
            for k in doomed:
                self._bytes -= self._entries.pop(k).nbytes
            return len(doomed)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def nbytes(self) -> int:
        return self._bytes
