"""The Redis second cache level on the real local Redis, including a Redis killed mid-test."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import redis

import bheem_nb as bn
from bheem_nb.cache import ResultCache
from bheem_nb.cloud.redis_cache import RedisCache
from bheem_nb.connectors.duckdb import DuckDBConnector
from tests.conftest import free_port, missing
from tests.query.conftest import MODEL, _duckdb
from tests.security.conftest import SECURE_MODEL

Q = {"measures": ["revenue"], "dimensions": ["region"]}


class Counting(DuckDBConnector):
    """A DuckDB connector that counts the statements it really runs."""

    runs = 0

    def execute(self, sql: str, **kw: Any) -> pa.Table:
        self.runs += 1
        return super().execute(sql, **kw)


def _counting(tmp: Path) -> Counting:
    src = _duckdb(tmp)
    assert isinstance(src, DuckDBConnector)
    conn = Counting(connection=src.raw)
    conn.name = "duckdb:///shop-shared"  # two kernels name the same database alike
    return conn


def _engine(url: str, prefix: str, **kw: object) -> bn.Engine:
    return bn.Engine(cache=ResultCache(shared=RedisCache(url, prefix=prefix, **kw)))  # type: ignore[arg-type]


@pytest.fixture()
def prefix(request: pytest.FixtureRequest) -> str:
    return f"t{abs(hash(request.node.name)) % 10**8}"


def test_a_second_kernel_gets_the_result_from_redis(redis_url: str, prefix: str, tmp_path: Path) -> None:
    a_conn, b_conn = _counting(tmp_path / "a"), _counting(tmp_path / "b")
    a = bn.SemanticModel(MODEL, connector=a_conn, engine=_engine(redis_url, prefix))
    b = bn.SemanticModel(MODEL, connector=b_conn, engine=_engine(redis_url, prefix))
    first = a.query(**Q)
    second = b.query(**Q)
    assert not first.cache_hit and second.cache_hit and b_conn.runs == 0
    assert second.arrow.equals(first.arrow)
    client = redis.Redis.from_url(redis_url)
    keys = client.keys(f"{prefix}:r:*")
    assert len(keys) == 1
    assert 0 < client.ttl(keys[0]) <= 3600
    with pa.ipc.open_stream(client.get(keys[0])) as reader:  # the value is Arrow IPC
        assert reader.read_all().equals(first.arrow)


def test_invalidate_reaches_every_kernel(redis_url: str, prefix: str, tmp_path: Path) -> None:
    a_conn, b_conn = _counting(tmp_path / "a"), _counting(tmp_path / "b")
    a = bn.SemanticModel(MODEL, connector=a_conn, engine=_engine(redis_url, prefix))
    b = bn.SemanticModel(MODEL, connector=b_conn, engine=_engine(redis_url, prefix))
    a.query(**Q)
    assert b.query(**Q).cache_hit  # now in b's local level too
    a.engine.invalidate(a_conn)  # a refresh wrote new data
    assert not b.query(**Q).cache_hit and b_conn.runs == 1, "b's local copy is hidden by the new generation"
    assert a.query(**Q).cache_hit and a_conn.runs == 1  # b's fresh result is shared again
    client = redis.Redis.from_url(redis_url)
    assert client.mget(client.keys(f"{prefix}:gen:*")) == [b"1"]


def test_keys_by_connection_data_version_and_user(redis_url: str, prefix: str, tmp_path: Path) -> None:
    conn = _counting(tmp_path)
    m = bn.SemanticModel(SECURE_MODEL, connector=conn, engine=_engine(redis_url, prefix))
    m.query(**Q, user="u_root")
    other = bn.SemanticModel(SECURE_MODEL, connector=_counting(tmp_path / "o"), engine=_engine(redis_url, prefix))
    eve = other.query(**Q, user="u_eve")
    assert not eve.cache_hit and len(eve) == 0, "another user's rows never come from the cache"
    renamed = _counting(tmp_path / "r")
    renamed.name = "duckdb:///another-database"
    assert not bn.SemanticModel(SECURE_MODEL, connector=renamed, engine=_engine(redis_url, prefix)).query(
        **Q, user="u_root").cache_hit
    cache = RedisCache(redis_url, prefix=prefix)
    table = pa.table({"x": [1]})
    cache.put(("c", "v1", 0, "SELECT 1"), table)
    assert cache.get(("c", "v1", 0, "SELECT 1")) is not None and cache.get(("c", "v2", 0, "SELECT 1")) is None


@pytest.fixture()
def own_redis() -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A Redis of this test's own (the session's Redis must survive): yields its URL and process list."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server not found; apt-get install redis-server")
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        procs.append(subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        pytest.fail("redis-server did not start")

    start()
    yield f"redis://127.0.0.1:{port}/0", procs
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)


def test_redis_killed_mid_test_degrades_with_one_warning(own_redis: tuple[str, list[subprocess.Popen[bytes]]],
                                                         tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url, procs = own_redis
    conn = _counting(tmp_path)
    m = bn.SemanticModel(MODEL, connector=conn, engine=_engine(url, "kill", retry_after=0.3))
    expected = m.query(**Q).df
    procs[0].kill()
    procs[0].wait(10)
    with caplog.at_level(logging.WARNING, logger="bheem_nb.cloud.redis_cache"):
        for spec in ({"measures": ["orders"]}, {"measures": ["units"], "dimensions": ["segment"]}, Q):
            m.query(**spec)  # never an error
        m.engine.invalidate(conn)
        after = m.query(**Q)
        time.sleep(0.4)
        m.query(measures=["credit"])  # retried after retry_after: still down, still no second warning
    assert not after.cache_hit and after.df.equals(expected)
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1 and "retried" in warnings[0].getMessage()


def test_redis_never_there_is_no_cache_not_an_error(tmp_path: Path) -> None:
    conn = _counting(tmp_path)
    m = bn.SemanticModel(MODEL, connector=conn, engine=_engine(f"redis://127.0.0.1:{free_port()}/0", "none"))
    assert not m.query(**Q).cache_hit
    assert m.query(**Q).cache_hit and conn.runs == 1  # the in-process level still works
