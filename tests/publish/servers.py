"""Real servers for the publishing tests: Voilà through ``bheem serve``'s plan, and a host web page.

* :func:`rls_demo` writes a demo star schema whose model has a region rule and two users
  (alice sees Europe, bob North America), so two embed tokens must show different numbers.
* :func:`write_dashboard` writes a published notebook: region/segment slicers, a table, the bridge.
* :class:`Voila` runs the plan of :func:`bheem_nb.publish.serve.voila_command` (template + hook)
  and stops its process group by PID.
* :class:`HostPage` serves a host application page plus the built SDK on another loopback origin.
"""

from __future__ import annotations

import functools
import http.server
import secrets
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
import yaml

from bheem_nb.demo_data import generate_demo_data
from bheem_nb.publish.serve import voila_command
from tests.browser.voila import start_server, stop_server
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
SDK_DIST = ROOT / "js" / "embed" / "dist"
USERS = [
    {"id": "alice", "email": "alice@acme.example", "groups": ["region_managers"], "attributes": {"region": "Europe"}},
    {"id": "bob", "email": "bob@acme.example", "groups": ["region_managers"],
     "attributes": {"region": "North America"}},
]
RULE = {"name": "region_scope", "table": "customers", "filter": "region = USERLOOKUP('region')",
        "assign": [{"group": "region_managers"}]}
PARAMETERS = {"region": "enabled", "segment": "enabled", "channel": "locked", "category": "disabled"}


def rls_demo(folder: Path, rows: int = 20_000) -> Path:
    """The demo schema with row-level security on customers.region for alice and bob; returns the YAML."""
    yml = generate_demo_data(folder / "demo.duckdb", rows=rows)
    spec = yaml.safe_load(yml.read_text())
    spec["rls"] = {"rules": [RULE]}
    spec["users"] = USERS
    yml.write_text(yaml.safe_dump(spec, sort_keys=False))
    return yml


DASHBOARD_CELLS = [
    ("import os\n"
     "import ipywidgets as w\n"
     "from bheem_nb.model.semantic import SemanticModel\n"
     "from bheem_nb.publish import published_context\n"
     "model = SemanticModel.from_yaml(os.environ['BHEEM_DEMO_MODEL'])\n"
     "page = published_context(model, pages=['Overview', 'Details'])", []),
    ("w.HBox([page.dropdown('region'), page.tile('segment'), page.tile('channel'), page.dropdown('category')])",
     ["bheem-filters"]),
    ("by_region = page.table(title='Revenue by region', measures=['revenue', 'orders'], dimensions=['region'],\n"
     "                       order=[('region', 'asc')])\n"
     "page.on_page('Overview', by_region)\n"
     "by_region", ["bheem-half"]),
    ("total = page.table(title='Total', measures=['revenue', 'orders'])\n"
     "page.on_page('Overview', total)\n"
     "total", ["bheem-half"]),
    ("detail = page.table(title='By category', measures=['revenue'], dimensions=['category'])\n"
     "page.on_page('Details', detail)\n"
     "detail", []),
]


def write_dashboard(folder: Path, name: str = "sales", parameters: Mapping[str, str] | None = None) -> Path:
    """A published notebook: four slicers, two tables on page Overview, one on page Details."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = "Sales (embedded)"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["bheem"] = {"parameters": dict(PARAMETERS if parameters is None else parameters)}
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in DASHBOARD_CELLS]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def write_config(path: Path, audit_db: Path, **extra: Any) -> dict[str, Any]:
    """A publish config with a fresh HS256 secret; returns it as a dict (tests sign tokens with it)."""
    data: dict[str, Any] = {"secret": secrets.token_urlsafe(48), "audit_url": f"sqlite:///{audit_db}", **extra}
    path.write_text(yaml.safe_dump(data))
    return data


class Voila:
    """Voilà started from :func:`voila_command` (bheem template + prelaunch hook) on a free port."""

    def __init__(self, target: Path, work: Path, *, config: Path | None, model_yml: Path | None,
                 hook: bool = True) -> None:
        self.port = free_port()
        env = {"BHEEM_DEMO_DIR": str(work)}
        if model_yml is not None:
            env["BHEEM_DEMO_MODEL"] = str(model_yml)
        self.plan = voila_command(target, port=self.port, config=config, workdir=work / f"serve-{self.port}",
                                  hook=hook, extra_env=env)
        self.log = work / f"voila-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60.0) -> Voila:
        self.proc = start_server(self.plan.cmd, port=self.port, env=self.plan.env, cwd=ROOT, log_path=self.log,
                                 timeout_s=timeout_s)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop_server(self.proc)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path: Any) -> str:
        return "text/javascript" if str(path).endswith(".cjs") else super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class HostPage:
    """A static host application on ``http://<host>:<port>``: ``/host.html`` and the SDK under ``/sdk/``."""

    def __init__(self, folder: Path, html: str, host: str = "127.0.0.1") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        sdk = folder / "sdk"
        sdk.mkdir(exist_ok=True)
        for f in [*SDK_DIST.glob("*.js"), *SDK_DIST.glob("*.cjs")]:
            (sdk / f.name).write_bytes(f.read_bytes())
        (folder / "host.html").write_text(html)
        handler = functools.partial(_Quiet, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer((host, 0), handler)
        self.origin = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


HOST_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Host app</title>
<script src="/sdk/bheem-embed.umd.cjs"></script></head>
<body><h1>Host application</h1><div id="dash"></div>
<script>
  window.events = [];
  window.startEmbed = function (opts) {
    window.embed = new BheemEmbed(Object.assign({container: "#dash", settings: {height: "900px"}}, opts));
    for (const name of ["loaded", "error", "dataSelected", "filtersChanged", "pageChanged"]) {
      window.embed.on(name, (data) => window.events.push({name, data}));
    }
  };
</script></body></html>
"""
