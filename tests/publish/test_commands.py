"""``bheem embed-token``, ``bheem usage``, ``bheem publish`` and ``bheem serve --dry-run`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jwt
import nbformat
import pytest

from bheem_nb import cli
from bheem_nb.publish.config import PublishConfig
from bheem_nb.publish.revocations import Revocations
from bheem_nb.publish.tokens import EmbedTokenError, verify_embed_token
from bheem_nb.publish.usage import dashboard_usage
from bheem_nb.security.identity import User
from bheem_nb.store.audit import AuditLog
from tests.publish.servers import rls_demo, write_config, write_dashboard


@pytest.fixture()
def config_file(tmp_path: Path) -> tuple[Path, PublishConfig]:
    data = write_config(tmp_path / "publish.yml", tmp_path / "audit.sqlite")
    return tmp_path / "publish.yml", PublishConfig.model_validate(data)


def bheem(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bheem_nb", *args], capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.slow
def test_embed_token_command_and_revoke(config_file: tuple[Path, PublishConfig], tmp_path: Path) -> None:
    """Through a fresh process, as a user runs it."""
    path, config = config_file
    yml = rls_demo(tmp_path, rows=500)
    proc = bheem("embed-token", "--config", str(path), "--dashboard", "sales", "--user", "alice@acme.example",
                 "--ttl", "10m", "--filters", '{"channel": ["online"]}', "--lock-filters",
                 "--origin", "http://127.0.0.1:8000", "--model", str(yml))
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.strip()
    revocations = Revocations(config.audit_url)
    claims = verify_embed_token(token, dashboard="sales", config=config, is_revoked=revocations.is_revoked)
    assert claims.user.id == "alice" and claims.user.attributes["region"] == "Europe"  # from the model's users:
    assert claims.locked == ("channel",) and claims.origins == ("http://127.0.0.1:8000",)
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    assert cli.main(["embed-token", "--config", str(path), "--revoke", jti]) == 0
    with pytest.raises(EmbedTokenError, match="revoked"):
        verify_embed_token(token, dashboard="sales", config=config, is_revoked=revocations.is_revoked)


def test_embed_token_bad_input_exits_2(config_file: tuple[Path, PublishConfig],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = config_file
    base = ["embed-token", "--config", str(path), "--dashboard", "sales", "--user", "a@b.c"]
    assert cli.main([*base, "--filters", "[1]"]) == 2
    assert "--filters: expected a JSON object" in capsys.readouterr().err
    assert cli.main([*base, "--ttl", "soon"]) == 2
    assert "ttl 'soon'" in capsys.readouterr().err
    assert cli.main(["embed-token", "--config", str(path), "--user", "a@b.c"]) == 2
    assert "--dashboard" in capsys.readouterr().err


def test_usage_counts_views_per_dashboard_and_user(config_file: tuple[Path, PublishConfig],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path, config = config_file
    audit = AuditLog(config.audit_url, background=False)
    opened = [("sales", "alice@acme.example"), ("sales", "alice@acme.example"), ("sales", "bob@acme.example"),
              ("finance", "bob@acme.example"), ("finance", None)]
    for dashboard, email in opened:
        user = User(email, email=email) if email else None
        audit.record("view", user=user, payload={"dashboard": dashboard, "via": "embed"})
    audit.record("query", user=User("x"))  # not a view
    audit.record("auth", status="error", error="expired", payload={"dashboard": "sales", "reason": "expired"})

    usage = dashboard_usage(audit)
    expected = Counter((d, e or "(anonymous)") for d, e in opened)
    assert {(r.dashboard, r.user): r.views for r in usage.views.itertuples()} == dict(expected)
    per_dash = {r.dashboard: (r.views, r.viewers) for r in usage.by_dashboard.itertuples()}
    assert per_dash == {"sales": (3, 2), "finance": (2, 2)}
    assert usage.refused.to_dict("records") == [{"dashboard": "sales", "reason": "expired", "attempts": 1}]

    assert cli.main(["usage", "--config", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {(r["dashboard"], r["user"], r["views"]) for r in out["views"]} == {(d, u, n) for (d, u), n in
                                                                                expected.items()}
    assert cli.main(["usage", "--db", config.audit_url, "--dashboard", "finance"]) == 0
    text = capsys.readouterr().out
    assert "finance" in text and "alice" not in text


def test_publish_strips_outputs_and_checks_the_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_dashboard(tmp_path / "src")
    nb = nbformat.read(src, as_version=4)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="secret output")]
    nbformat.write(nb, src)
    assert cli.main(["publish", str(src), "--to", str(tmp_path / "served")]) == 0
    out = nbformat.read(tmp_path / "served" / "sales.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in out.cells) and out.metadata["bheem"]["parameters"]["channel"] == "locked"
    assert capsys.readouterr().out.startswith("sales\t")
    bad = write_dashboard(tmp_path / "bad", parameters={"region": "sometimes"})
    assert cli.main(["publish", str(bad), "--to", str(tmp_path / "served")]) == 2
    assert "bheem.parameters.region" in capsys.readouterr().err


def test_serve_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "dash"
    write_dashboard(folder)
    assert cli.main(["serve", str(folder), "--port", "8899", "--sign-in", "none", "--dry-run"]) == 0
    cmd = capsys.readouterr().out
    assert str(folder) in cmd and "--port=8899" in cmd and "--template=bheem" in cmd
    conf_dir = Path(cmd.split("--Voila.config_file_paths=")[1].split()[0])
    assert "prelaunch_hook" in (conf_dir / "voila.py").read_text()
    assert cli.main(["serve", str(tmp_path / "none"), "--dry-run"]) == 2
    assert "nothing to serve" in capsys.readouterr().err
