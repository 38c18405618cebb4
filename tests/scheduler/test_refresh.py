"""Scheduled refresh from DuckDB and PostgreSQL into the embedded DuckDB: full, incremental, idempotent,
atomic for readers, and an incremental refresh killed while staging leaves the old table intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import psycopg
import pytest
import yaml
from bheem_nb.scheduler import RefreshJob
from bheem_nb.scheduler.refresh import close_targets, refresh, target_connection, target_connector

from bheem_nb.engine import Engine
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.security.identity import lookup_user
from tests.scheduler.conftest import ROOT, Shop, model_dict


@pytest.fixture(autouse=True)
def _close_targets() -> object:
    yield
    close_targets()


def _job(target: Path, **kw: object) -> RefreshJob:
    base: dict[str, object] = {"name": "orders_copy", "owner": "ops@acme.com", "model": "unused",
                               "sql": "SELECT order_id, region, amount, updated_at FROM orders",
                               "target": {"database": str(target), "table": "orders_copy"}}
    return RefreshJob.model_validate({**base, **kw})


def _rows(db: Path, table: str = "orders_copy") -> list[tuple[object, ...]]:
    con = target_connection(db)
    return con.execute(f"SELECT * FROM {table} ORDER BY order_id").fetchall()


def test_full_and_incremental_from_duckdb(shop: Shop, tmp_path: Path) -> None:
    model = SemanticModel.from_yaml(shop.model)
    ops = lookup_user(model.spec, "ops@acme.com")
    assert ops is not None
    target = tmp_path / "warehouse.duckdb"
    full = refresh(_job(target), model, ops)
    assert full.rows_loaded == full.rows_total == 60 and full.mode == "full"
    assert _rows(target) == shop.execute("SELECT order_id, region, amount, updated_at FROM orders ORDER BY 1")
    again = refresh(_job(target), model, ops)  # idempotent: the same table again
    assert again.rows_total == 60

    model.connector.close()  # DuckDB: one process may not hold the file read-only and read-write at once
    shop.execute("INSERT INTO orders VALUES (61, 'North', 12.5, TIMESTAMP '2026-02-01'), "
                 "(62, 'East', 7.25, TIMESTAMP '2026-02-02')")
    model = SemanticModel.from_yaml(shop.model)
    inc = _job(target, mode="incremental", watermark="updated_at")
    report = refresh(inc, model, ops)
    assert (report.mode, report.rows_loaded, report.rows_total) == ("incremental", 2, 62)
    assert report.to_dict()["watermark"] == "2026-02-02T00:00:00"
    assert refresh(inc, model, ops).rows_loaded == 0  # idempotent: nothing above the watermark
    assert _rows(target) == shop.execute("SELECT order_id, region, amount, updated_at FROM orders ORDER BY 1")


def test_semantic_query_refresh_applies_the_owners_rls_and_invalidates(shop: Shop, tmp_path: Path) -> None:
    model = SemanticModel.from_yaml(shop.model)
    alice = lookup_user(model.spec, "alice@acme.com")
    assert alice is not None
    target = tmp_path / "warehouse.duckdb"
    job = _job(target, sql=None, query={"measures": ["revenue", "orders"], "dimensions": ["region"]})
    reader_engine = Engine()
    reader = target_connector(target)
    refresh(job, model, alice, engines=(reader_engine,))
    got = reader.execute("SELECT * FROM orders_copy")
    expected = shop.execute("SELECT region, sum(amount), count(*) FROM orders WHERE region = 'North' GROUP BY 1")
    assert [tuple(r.values()) for r in got.to_pylist()] == [tuple(e) for e in expected]
    # a reader's cached answer is dropped by the refresh's invalidate
    rmodel = SemanticModel({"name": "wh", "tables": {"orders_copy": {"table": "orders_copy",
                            "measures": {"n": {"agg": "count"}}}}}, connector=reader, engine=reader_engine)
    assert rmodel.query(measures=["n"]).df["n"][0] == 1
    assert rmodel.query(measures=["n"]).cache_hit
    refresh(job.model_copy(update={"query": {"measures": ["revenue"], "dimensions": ["region"]}}), model,
            lookup_user(model.spec, "ops@acme.com"), engines=(reader_engine,))  # type: ignore[arg-type]
    fresh = rmodel.query(measures=["n"])
    assert not fresh.cache_hit and fresh.df["n"][0] == 3


def test_readers_never_see_half_a_table(shop: Shop, tmp_path: Path) -> None:
    """A reader counting rows while full refreshes swap the table sees only whole tables."""
    big = tmp_path / "big.duckdb"
    with duckdb.connect(str(big)) as con:
        con.execute("CREATE TABLE orders AS SELECT range AS order_id, 'North' AS region, 1.0 AS amount, "
                    "TIMESTAMP '2026-01-01' AS updated_at FROM range(120000)")
    data = model_dict(big)
    (tmp_path / "big.yml").write_text(yaml.safe_dump(data))
    model = SemanticModel.from_yaml(tmp_path / "big.yml")
    ops = lookup_user(model.spec, "ops@acme.com")
    target = tmp_path / "warehouse.duckdb"
    job = _job(target)
    refresh(job, model, ops)  # type: ignore[arg-type]
    reader = target_connector(target)
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(reader.execute("SELECT count(*) AS n FROM orders_copy").column(0)[0].as_py())

    t = threading.Thread(target=read)
    t.start()
    try:
        for _ in range(3):
            refresh(job, model, ops)  # type: ignore[arg-type]
    finally:
        stop.set()
        t.join()
    assert seen == {120000}


@pytest.mark.postgres
def test_refresh_from_postgres(postgres_url: str, tmp_path: Path) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute("DROP TABLE IF EXISTS sched_orders")
        pg.execute("CREATE TABLE sched_orders (order_id int, region text, amount numeric(10,2), updated_at timestamp)")
        pg.execute("INSERT INTO sched_orders SELECT i, (ARRAY['North','South','East'])[1 + i % 3], 10 + i % 7, "
                   "TIMESTAMP '2026-01-01' + i * INTERVAL '1 hour' FROM generate_series(1, 40) i")
    data = model_dict(tmp_path / "x.duckdb")
    data["connection"] = postgres_url
    data["tables"]["orders"]["table"] = "sched_orders"
    (tmp_path / "pg.yml").write_text(yaml.safe_dump(data))
    model = SemanticModel.from_yaml(tmp_path / "pg.yml")
    ops = lookup_user(model.spec, "ops@acme.com")
    target = tmp_path / "warehouse.duckdb"
    job = _job(target, mode="incremental", watermark="updated_at",
               sql="SELECT order_id, region, amount, updated_at FROM sched_orders")
    assert refresh(job, model, ops).rows_total == 40  # type: ignore[arg-type]
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute("INSERT INTO sched_orders VALUES (41, 'West', 99.5, TIMESTAMP '2026-03-01')")
        reference = pg.execute("SELECT order_id, region, amount::float8, updated_at FROM sched_orders "
                               "ORDER BY 1").fetchall()
    report = refresh(job, SemanticModel.from_yaml(tmp_path / "pg.yml"), ops)  # type: ignore[arg-type]
    assert (report.rows_loaded, report.rows_total) == (1, 41)
    assert _rows(target) == [tuple(r) for r in reference]


CRASH_SCRIPT = textwrap.dedent("""
    import sys, time, pathlib
    from bheem_nb.model.semantic import SemanticModel
    from bheem_nb.scheduler import RefreshJob
    from bheem_nb.scheduler.refresh import refresh
    module = sys.modules["bheem_nb.scheduler.refresh"]
    from bheem_nb.security.identity import lookup_user
    model_path, target, flag = sys.argv[1:4]
    module.BATCH_ROWS = 1000
    model = SemanticModel.from_yaml(model_path)
    job = RefreshJob.model_validate({"name": "orders_copy", "owner": "ops@acme.com", "model": model_path,
        "sql": "SELECT order_id, region, amount, updated_at FROM orders", "mode": "incremental",
        "watermark": "updated_at", "target": {"database": target, "table": "orders_copy"}})
    def paused(i):
        if i == 2:
            pathlib.Path(flag).write_text("staging")
            time.sleep(600)
    refresh(job, model, lookup_user(model.spec, "ops@acme.com"), on_batch=paused)
""")


def test_incremental_refresh_killed_midway_leaves_the_old_table(shop: Shop, tmp_path: Path) -> None:
    model = SemanticModel.from_yaml(shop.model)
    ops = lookup_user(model.spec, "ops@acme.com")
    target = tmp_path / "warehouse.duckdb"
    job = _job(target, mode="incremental", watermark="updated_at")
    refresh(job, model, ops)  # type: ignore[arg-type]
    before = _rows(target)
    close_targets()
    model.connector.close()
    shop.execute("INSERT INTO orders SELECT 100 + i, 'West', 5.0, TIMESTAMP '2026-06-01' + i * INTERVAL 1 MINUTE "
                 "FROM range(5000) t(i)")
    flag = tmp_path / "staging.flag"
    proc = subprocess.Popen([sys.executable, "-c", CRASH_SCRIPT, str(shop.model), str(target), str(flag)], cwd=ROOT)
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert proc.poll() is None, "the refresh process ended before staging"
        assert time.monotonic() < deadline, "the refresh never reached its third staging batch"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _rows(target) == before  # killed with 3,000 rows staged: the table is the old one
    # it was killed mid-staging: the staging table it left holds the three 1,000-row batches written before
    con = target_connection(target)
    assert sorted(con.execute("SELECT table_name FROM information_schema.tables").fetchall()) == [
        ("_bheem_stage_orders_copy",), ("orders_copy",)]
    assert con.execute('SELECT count(*) FROM "_bheem_stage_orders_copy"').fetchall() == [(3000,)]
    report = refresh(job, SemanticModel.from_yaml(shop.model), ops)  # type: ignore[arg-type]
    assert (report.rows_loaded, report.rows_total) == (5000, 5060)
    assert _rows(target) == shop.execute("SELECT order_id, region, amount, updated_at FROM orders ORDER BY 1")
    assert not target_connection(target).execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '_bheem_stage_%'").fetchall()[0][0]
