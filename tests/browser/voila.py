"""Voilà and Chromium for the browser tests: one way to start, wait for, and stop them.

Voilà runs on a free 127.0.0.1 port in its own session, so stopping its process group also
stops the kernels it started. Chromium is Debian's (never ``playwright install``: it cannot
download browsers here).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from tests.conftest import free_port, missing

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
START_TIMEOUT_S = 60.0


def ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt when missing and we are root."""
    if not CHROMIUM.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False)
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing; install it with: apt-get install -y chromium")
    return CHROMIUM


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_server(cmd: Sequence[str], *, port: int, env: Mapping[str, str], cwd: Path, log_path: Path,
                 timeout_s: float = START_TIMEOUT_S) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in a new session, logging to ``log_path``; return once ``port`` answers.

    Raises RuntimeError with the end of the log when the server exits or does not answer in time.
    """
    with log_path.open("wb") as log:
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while not listening(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc)
            raise RuntimeError(f"{Path(cmd[0]).name} did not start on port {port}:\n"
                               f"{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    return proc


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after 15 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def voila_serving(notebook: Path, work: Path, *, env: Mapping[str, str] | None = None,
                  args: Sequence[str] = (), cwd: Path = ROOT) -> Iterator[str]:
    """Voilà serving ``notebook`` (log in ``work/voila.log``); yields its URL and stops it afterwards.

    ``env`` is added to this process's environment; ``args`` are extra Voilà options
    (``--template=bheem``).
    """
    voila = Path(sys.executable).parent / "voila"
    if not voila.exists():
        missing("voila is not installed in this environment: pip install -e '.[notebook]'")
    port = free_port()
    cmd = [str(voila), str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", *args]
    try:
        proc = start_server(cmd, port=port, env={**os.environ, **(env or {})}, cwd=cwd, log_path=work / "voila.log")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_server(proc)
