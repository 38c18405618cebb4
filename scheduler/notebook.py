"""Run a report notebook with papermill in a child process and keep its outputs.

Per run: ``report.ipynb`` (the executed notebook), ``report.html`` (nbconvert, code hidden),
``report.pdf`` when asked for and the machine has Chromium to print it, and ``papermill.log``.

The runner injects three parameters after the job's own: ``bheem_user`` (the owner's id, looked
up in the model's ``users:`` by the scheduler at run time), ``bheem_model`` (the model file) and
``bheem_slot`` (the scheduled time, ISO). Job parameters are JSON values and can never set a
``bheem_`` name (see spec.py). The kernel also gets ``JUPYTERHUB_USER`` = the owner, so a query
without ``user=`` runs as the owner too; environment variables that hold the scheduler's
secrets are removed from the child's environment.

The child runs in its own process group, dies with the scheduler (``PR_SET_PDEATHSIG``) and is
killed as a group at the job's timeout; its kernel exits when its parent goes.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .spec import NotebookJob, SchedulerError

HIDE_TAG = "hide-in-report"
PDF_BROWSERS = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


class NotebookFailed(SchedulerError):
    """The notebook raised, timed out or papermill could not run it."""


@dataclass
class NotebookOutputs:
    notebook: Path
    html: Path | None = None
    pdf: Path | None = None
    notes: list[str] = field(default_factory=list)
    #: every ``application/json`` display output of the notebook, merged (the report's key numbers)
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"notebook": str(self.notebook), "html": str(self.html) if self.html else None,
                "pdf": str(self.pdf) if self.pdf else None, "notes": self.notes, "summary": self.summary}


def run_notebook(job: NotebookJob, *, user_id: str, slot_iso: str, out_dir: Path, timeout: float,
                 hidden_env: set[str], on_start: Callable[[int], None] | None = None) -> NotebookOutputs:
    """Execute ``job.notebook`` into ``out_dir``; raise :class:`NotebookFailed` with the cell's error."""
    source = Path(job.notebook)
    if not source.is_file():
        raise NotebookFailed(f"notebook not found: {source}")
    out_dir.mkdir(parents=True, exist_ok=True)
    params = {**job.parameters, "bheem_user": user_id, "bheem_model": job.model, "bheem_slot": slot_iso}
    params_file = out_dir / "parameters.json"
    params_file.write_text(json.dumps(params, indent=2))
    executed = out_dir / "report.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(source), str(executed), "-f", str(params_file),
           "-k", "python3", "--cwd", str(source.parent), "--no-progress-bar", "--log-level", "WARNING"]
    env = {k: v for k, v in os.environ.items() if k not in hidden_env and not k.startswith("BHEEM_SECRET_KEY")}
    env["JUPYTERHUB_USER"] = user_id
    log_path = out_dir / "papermill.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                preexec_fn=_die_with_parent)
        if on_start is not None:
            on_start(proc.pid)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            proc.wait()
            raise NotebookFailed(f"the notebook ran longer than its timeout of {timeout:g} s and was stopped") from None
    if code != 0:
        raise NotebookFailed(_failure(executed, log_path, code))
    outputs = NotebookOutputs(executed)
    outputs.summary = _summary(executed)
    outputs.html = to_html(executed, out_dir / "report.html")
    if "pdf" in job.formats:
        outputs.pdf = to_pdf(outputs.html, out_dir / "report.pdf", outputs.notes)
    return outputs


def to_html(notebook: Path, target: Path) -> Path:
    """The executed notebook as a standalone HTML report for its readers.

    Code cells, cells tagged ``hide-in-report`` (notes for the notebook's authors) and the JSON
    summary outputs (they feed the webhook payload, not the page) are left out.
    """
    from nbconvert import HTMLExporter

    nb = _read(notebook)
    nb.cells = [c for c in nb.cells if HIDE_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if "application/json" not in o.get("data", {})]
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,  # type: ignore[no-untyped-call]
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    return target


def to_pdf(html: Path, target: Path, notes: list[str]) -> Path | None:
    """Print the HTML report to PDF with headless Chromium; None (and a note) when there is none."""
    browser = next((b for b in (shutil.which(n) for n in PDF_BROWSERS) if b), None)
    if browser is None:
        notes.append("pdf: not made, no Chromium on this machine (install chromium to get PDFs)")
        return None
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
           "--disable-background-networking", f"--print-to-pdf={target}", "--no-pdf-header-footer", html.as_uri()]
    try:
        subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        notes.append("pdf: Chromium did not finish printing within 120 s")
        return None
    if not target.is_file() or target.stat().st_size == 0:
        notes.append("pdf: Chromium could not print the report")
        return None
    return target


def _summary(notebook: Path) -> dict[str, Any]:
    nb = _read(notebook)
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("application/json")
            if isinstance(data, dict):
                found.update(data)
    return found


def _failure(executed: Path, log: Path, code: int) -> str:
    """The failing cell's exception (``SecurityError: ...``), else the end of papermill's log."""
    with contextlib.suppress(Exception):
        nb = _read(executed)
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    return f"cell {i} raised {out.get('ename')}: {out.get('evalue')}"
    tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.is_file() else []
    return f"papermill exited with {code}: " + " | ".join(tail)


def kill_group(pid: int) -> bool:
    """SIGKILL the process group ``pid`` leads (a papermill child and what it started)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    for _ in range(100):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.02)
    return True


def is_papermill(pid: int) -> bool:
    """True when ``pid`` is alive and is a papermill run (so a reused pid is never killed)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"papermill" in cmdline


def _die_with_parent() -> None:
    """In the child before exec: get SIGKILL when the scheduler process dies (Linux)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _read(path: Path) -> Any:
    import nbformat

    return nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
