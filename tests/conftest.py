"""Session-wide fixtures: throwaway database servers, started once and stopped by PID.

Each server runs from its own temporary directory on a free port and is removed at the end
of the session. When a server's binaries are missing the tests that need it are skipped with
the reason, except when the environment variable ``CI`` is set: then they fail, so a broken
CI machine never passes by skipping. Servers run as their own system user when the tests run
as root (initdb and mariadbd refuse to run as root).

Fixtures: ``postgres_server`` / ``postgres_url``, ``mysql_server`` / ``mysql_url`` (MariaDB),
``redis_server`` / ``redis_url``. The ``*_server`` fixtures also carry a ``password_url`` for a
role that authenticates by password (for tests of wrong passwords and redaction).
Folder-specific fixtures belong in ``conftest.py`` files inside the test subfolders.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

IN_CI = bool(os.environ.get("CI"))
START_TIMEOUT_S = 60.0


def pytest_configure(config: pytest.Config) -> None:
    """Turn SIGTERM (``timeout``, a CI runner stopping) into an interrupt, so servers still stop."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt(f"signal {signum}")


@dataclass(frozen=True)
class ServerInfo:
    """A running throwaway server."""

    url: str
    host: str
    port: int
    pid: int
    workdir: Path
    #: a URL for a non-superuser that must authenticate with a password (None if not set up)
    password_url: str | None = None
    password: str | None = None


def missing(reason: str) -> NoReturn:
    """Skip a test whose server cannot run here, or fail when ``CI`` is set."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user(user: str) -> list[str]:
    """Prefix a command so it runs as ``user`` when we are root (servers refuse root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        missing(f"running as root but `runuser` is missing, so the {user} server cannot start")
    return ["runuser", "-u", user, "--"]


def _workdir(owner: str) -> Path:
    d = Path(tempfile.mkdtemp(prefix=f"bheem-{owner}-"))
    if os.geteuid() == 0:
        shutil.chown(d, owner, owner)
    return d


def _tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _run(cmd: list[str], what: str, log: Path | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        extra = f"\n--- log ---\n{_tail(log)}" if log else ""
        pytest.fail(f"{what} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}{extra}")


def _wait_for(check: Callable[[], bool], what: str, log: Path | None = None) -> None:
    """Poll ``check`` until it is true; fail with the server log after START_TIMEOUT_S."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    tail = _tail(log) if log else ""
    pytest.fail(f"{what} did not become ready in {START_TIMEOUT_S:g} s\n--- log ---\n{tail}")


def _kill_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pid: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bindir() -> Path | None:
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")]
    if found:
        return max(found, key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


PG_AUTH_USER = "bheem_auth"
PG_AUTH_PASSWORD = "pg-Right-Passw0rd"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ServerInfo]:
    """A throwaway PostgreSQL cluster (trust auth for ``postgres``, scram for ``bheem_auth``)."""
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        missing("PostgreSQL server binaries (initdb, pg_ctl) not found; apt-get install postgresql")
    import psycopg

    d = _workdir("postgres")
    data, log, port = d / "data", d / "log", free_port()
    su = _as_user("postgres")
    pid = 0
    try:
        _run(
            [*su, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
             "-E", "UTF8", "--locale=C.UTF-8"],
            "initdb",
        )
        hba = data / "pg_hba.conf"
        # a password-checked role ahead of the trust lines, for wrong-password tests
        hba.write_text(f"host all {PG_AUTH_USER} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        _run(
            [*su, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "start", "-o",
             f"-c listen_addresses=127.0.0.1 -p {port} -k {d} -c fsync=off -c full_page_writes=off"],
            "pg_ctl start",
            log,
        )
        pid = int((data / "postmaster.pid").read_text().split()[0])
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f"CREATE ROLE {PG_AUTH_USER} LOGIN PASSWORD '{PG_AUTH_PASSWORD}'")
        yield ServerInfo(
            url=url, host="127.0.0.1", port=port, pid=pid, workdir=d,
            password_url=f"postgresql://{PG_AUTH_USER}:{PG_AUTH_PASSWORD}@127.0.0.1:{port}/postgres",
            password=PG_AUTH_PASSWORD,
        )
    finally:
        if pid:
            subprocess.run([*su, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, check=False)
            if not _wait_gone(pid):
                _kill_pid(pid)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: ServerInfo) -> str:
    """``postgresql://postgres@127.0.0.1:PORT/postgres`` on the session's throwaway server."""
    return postgres_server.url


# --------------------------------------------------------------------------- MariaDB

MYSQL_DATABASE = "bheem"
MYSQL_AUTH_USER = "bheem_auth"
MYSQL_AUTH_PASSWORD = "my-Right-Passw0rd"


@pytest.fixture(scope="session")
def mysql_server() -> Iterator[ServerInfo]:
    """A throwaway MariaDB server with an empty database ``bheem`` (root has no password)."""
    mariadbd = shutil.which("mariadbd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin")
    install_db = shutil.which("mariadb-install-db")
    if mariadbd is None or install_db is None:
        missing("MariaDB server binaries (mariadbd, mariadb-install-db) not found; "
                "apt-get install mariadb-server")
    import pymysql

    d = _workdir("mysql")
    data, log, pidfile, port = d / "data", d / "err.log", d / "pid", free_port()
    su = _as_user("mysql")
    proc: subprocess.Popen[bytes] | None = None
    try:
        _run([*su, install_db, "--no-defaults", f"--datadir={data}",
              "--auth-root-authentication-method=normal", "--skip-test-db"], "mariadb-install-db")
        proc = subprocess.Popen(
            [*su, mariadbd, "--no-defaults", f"--datadir={data}", f"--socket={d / 'sock'}", f"--port={port}",
             "--bind-address=127.0.0.1", f"--pid-file={pidfile}", f"--log-error={log}", "--skip-log-bin"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

        def ready() -> bool:
            if proc is not None and proc.poll() is not None:
                pytest.fail(f"mariadbd exited with {proc.returncode}\n--- log ---\n{_tail(log)}")
            try:
                pymysql.connect(host="127.0.0.1", port=port, user="root", connect_timeout=2).close()
            except pymysql.err.OperationalError:
                return False
            return True

        _wait_for(ready, "MariaDB", log)
        con = pymysql.connect(host="127.0.0.1", port=port, user="root", autocommit=True)
        with con.cursor() as cur:
            cur.execute(f"CREATE DATABASE {MYSQL_DATABASE}")
            cur.execute(f"CREATE USER '{MYSQL_AUTH_USER}'@'%' IDENTIFIED BY '{MYSQL_AUTH_PASSWORD}'")
            cur.execute(f"GRANT SELECT ON *.* TO '{MYSQL_AUTH_USER}'@'%'")
        con.close()
        yield ServerInfo(
            url=f"mysql://root@127.0.0.1:{port}/{MYSQL_DATABASE}", host="127.0.0.1", port=port,
            pid=int(pidfile.read_text().strip()), workdir=d,
            password_url=f"mysql://{MYSQL_AUTH_USER}:{MYSQL_AUTH_PASSWORD}@127.0.0.1:{port}/{MYSQL_DATABASE}",
            password=MYSQL_AUTH_PASSWORD,
        )
    finally:
        if proc is not None:
            admin = shutil.which("mariadb-admin") or shutil.which("mysqladmin")
            if admin:
                subprocess.run([admin, "--no-defaults", "-h127.0.0.1", f"-P{port}", "-uroot", "shutdown"],
                               capture_output=True, check=False, timeout=60)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                if pidfile.exists():
                    _kill_pid(int(pidfile.read_text().strip()))
                proc.kill()
                proc.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def mysql_url(mysql_server: ServerInfo) -> str:
    """``mysql://root@127.0.0.1:PORT/bheem`` on the session's throwaway MariaDB server."""
    return mysql_server.url


# --------------------------------------------------------------------------- Redis


@pytest.fixture(scope="session")
def redis_server() -> Iterator[ServerInfo]:
    """A throwaway Redis server without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server not found; apt-get install redis-server")
    d = Path(tempfile.mkdtemp(prefix="bheem-redis-"))
    log, port = d / "redis.log", free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--dir", str(d), "--logfile", str(log)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def ready() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"redis-server exited with {proc.returncode}\n--- log ---\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    try:
        _wait_for(ready, "Redis", log)
        yield ServerInfo(
            url=f"redis://127.0.0.1:{port}/0", host="127.0.0.1", port=port, pid=proc.pid, workdir=d
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url(redis_server: ServerInfo) -> str:
    """``redis://127.0.0.1:PORT/0`` on the session's throwaway Redis server."""
    return redis_server.url
