"""A throwaway Spark Connect server: the one bundled in pyspark 4's own jars, on 127.0.0.1.

pyspark 4 ships ``spark-connect_2.13-*.jar`` and ``bin/spark-submit`` (SPARK-48763), so the
server starts from the pip install with no download: ``spark-submit --class
org.apache.spark.sql.connect.service.SparkConnectServer`` in the foreground, its PID kept and
stopped by the fixture (``sbin/start-connect-server.sh`` would daemonise it instead).
pyspark 3.5 has neither the server jar nor the script (the server is a Maven artifact there).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: a JVM and a SparkContext start in ~5 s idle; generous for a loaded 2-core machine
START_TIMEOUT_S = 180.0

#: the settings of the local test session (tests/cloud/conftest.py): one core, no UI, quick JIT, no codegen
SERVER_CONFIG: dict[str, str] = {
    "spark.connect.grpc.binding.address": "127.0.0.1",
    "spark.connect.grpc.port.maxRetries": "0",  # the port we chose or a clear failure, never a neighbour
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
}


def pinned_pyspark_4() -> bool:
    """Whether pyproject.toml's ``cloud`` extra requires pyspark 4 or later (then CI must run Connect)."""
    extra = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["cloud"]
    for line in extra:
        req = Requirement(line)
        if req.name == "pyspark":
            floors = [Version(s.version) for s in req.specifier if s.operator in (">=", ">", "==", "~=")]
            return bool(floors) and max(floors) >= Version("4")
    return False


def unavailable_reason() -> str | None:
    """Why no Connect server can start here (pyspark missing or older than 4, no Java), else None."""
    try:
        import pyspark
    except ImportError:
        return "pyspark is not installed (pip install 'bheem_nb[cloud]')"
    if Version(pyspark.__version__).major < 4:
        return (f"pyspark {pyspark.__version__} has no Spark Connect server: it is bundled from pyspark 4 on "
                "(pyspark 3.5 needs the Maven artifact spark-connect_2.12, which the test machines cannot fetch)")
    if shutil.which("java") is None:
        return "java not found; Spark needs Java 17+ (apt-get install openjdk-17-jre-headless)"
    return None


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _tail(path: Path, n: int = 40) -> str:
    lines = path.read_text(errors="replace").splitlines() if path.exists() else ["(no log)"]
    return "\n".join(lines[-n:])


@contextmanager
def connect_server(workdir: Path, port: int) -> Iterator[tuple[str, int]]:
    """Run the server until the block ends; yields ``(sc://127.0.0.1:PORT, pid)``.

    Raises RuntimeError with the server log's tail when it exits or does not listen in time.
    """
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    log = workdir / "connect-server.log"
    cmd = [str(home / "bin" / "spark-submit"), "--class", SERVER_CLASS, "--master", "local[1]",
           "--name", "bheem_nb-connect-tests", "--driver-memory", "1g",
           "--driver-java-options", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
           "--conf", f"spark.connect.grpc.binding.port={port}",
           "--conf", f"spark.sql.warehouse.dir={workdir / 'warehouse'}"]
    for key, value in SERVER_CONFIG.items():
        cmd += ["--conf", f"{key}={value}"]
    env = {**os.environ, "SPARK_HOME": str(home)}
    for leaked in ("SPARK_REMOTE", "SPARK_CONNECT_MODE_ENABLED", "SPARK_CONF_DIR"):
        env.pop(leaked, None)
    with log.open("wb") as out:  # spark-class execs the JVM, so this PID is the server's
        proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _listening(port):
            if proc.poll() is not None:
                raise RuntimeError(f"the Spark Connect server exited with {proc.returncode}\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Spark Connect server did not listen on {port} in {START_TIMEOUT_S:g} s\n"
                                   f"{_tail(log)}")
            time.sleep(0.1)
        yield f"sc://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()  # SIGTERM: Spark's shutdown hook stops the SparkContext
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
