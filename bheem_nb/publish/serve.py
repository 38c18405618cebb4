"""The Voilà command line for a published notebook or folder, with the bheem template and the prelaunch hook.

    cmd, env = voila_command(Path("dashboards"), port=8866, config=Path("publish.yml"))
    os.execve(cmd[0], cmd, env)

The template is linked into a private Jupyter data directory (Voilà finds templates under
``<jupyter path>/voila/templates/<name>``); the hook is installed by a ``voila.py`` written next to
it, so nothing is installed system-wide.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bheem_nb.errors import BheemError
from bheem_nb.publish.config import CONFIG_ENV

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "voila_templates" / "bheem"
ERROR_TEXT = "The dashboard owner can see the details in the server log."

VOILA_CONFIG = f"""\
# written by bheem serve: the viewer's identity is decided on the server before the kernel starts
from bheem_nb.publish.hook import prelaunch_hook
from bheem_nb.publish.redact import install_log_redaction

install_log_redaction()  # ?embed_token= never reaches a log line (tornado logs the URI of a 403 or 404)

c.VoilaConfiguration.prelaunch_hook = prelaunch_hook
c.VoilaConfiguration.allow_template_override = "NOTEBOOK"
c.VoilaConfiguration.show_tracebacks = False
c.VoilaExecutor.cell_error_instruction = {ERROR_TEXT!r}
c.VoilaExecutor.allow_errors = True  # one failing cell shows its panel; the rest of the page still renders
c.VoilaConfiguration.file_allowlist = []  # no raw files next to the notebooks are served: data only through a page
"""


class ServeError(BheemError):
    """``bheem serve`` cannot start: a missing notebook, template or Voilà."""


@dataclass(frozen=True)
class ServePlan:
    """The command and environment that run Voilà for a notebook or folder."""

    cmd: list[str]
    env: dict[str, str]
    url: str


def voila_executable() -> str:
    beside = Path(sys.executable).parent / "voila"
    found = str(beside) if beside.is_file() else shutil.which("voila")
    if found is None:
        raise ServeError("voila is not installed; install it with: pip install 'bheem_nb[notebook]'")
    return found


def link_template(jupyter_dir: Path, template: Path = TEMPLATE_DIR) -> Path:
    """Make ``template`` visible as the ``bheem`` Voilà template under ``jupyter_dir``; returns the link."""
    if not template.is_dir():
        raise ServeError(f"the bheem Voilà template is missing at {template}")
    link = jupyter_dir / "voila" / "templates" / "bheem"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(template.resolve(), target_is_directory=True)
    return link


def voila_command(target: Path, *, port: int = 8866, ip: str = "127.0.0.1", config: Path | None = None,
                  workdir: Path | None = None, hook: bool = True, preheat: bool = False,
                  extra_env: dict[str, str] | None = None) -> ServePlan:
    """Voilà serving ``target`` (a notebook or a folder of notebooks) with the bheem template.

    ``hook=True`` installs the prelaunch hook (identity, embed tokens, audit); it cannot be combined
    with ``preheat`` (Voilà refuses: a pre-started kernel would not know its viewer).
    """
    if not target.exists():
        raise ServeError(f"nothing to serve at {target}: give a notebook (.ipynb) or a folder of notebooks")
    if target.is_file() and target.suffix != ".ipynb":
        raise ServeError(f"{target} is not a notebook (.ipynb)")
    if hook and preheat:
        raise ServeError("preheated kernels cannot be used with sign-in or embed tokens (the hook); drop one")
    work = workdir or Path(tempfile.mkdtemp(prefix="bheem-serve-"))
    jupyter_dir = work / "jupyter"
    link_template(jupyter_dir)
    env = {**os.environ, **(extra_env or {})}
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(jupyter_dir), env.get("JUPYTER_PATH", "")) if p)
    cmd = [voila_executable(), str(target), "--no-browser", f"--port={port}", f"--Voila.ip={ip}", "--template=bheem"]
    if hook:
        conf_dir = work / "voila_config"
        conf_dir.mkdir(parents=True, exist_ok=True)
        (conf_dir / "voila.py").write_text(VOILA_CONFIG, encoding="utf-8")
        cmd.append(f"--Voila.config_file_paths={conf_dir}")
    if preheat:
        cmd += ["--preheat_kernel=True", "--pool_size=1"]
    if config is not None:
        if not config.is_file():
            raise ServeError(f"--config: publish config not found: {config}")
        env[CONFIG_ENV] = str(config.resolve())
    path = "/" if target.is_file() else "/voila/tree"
    return ServePlan(cmd=cmd, env=env, url=f"http://{ip}:{port}{path}")
