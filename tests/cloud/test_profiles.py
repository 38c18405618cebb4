"""connections.yml / .toml profiles, secrets from the environment or encrypted, and `bheem connections`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bheem_nb.cli import main
from bheem_nb.cloud.profiles import Profile, ProfileError, Profiles
from bheem_nb.errors import BheemConnectionError
from bheem_nb.store.secrets import ENV_KEYS, SecretBox, new_key
from tests.conftest import ServerInfo, free_port


def _pg_profile_file(tmp_path: Path, server: ServerInfo, *, toml: bool = False) -> Path:
    user = "bheem_auth"
    url = f"postgresql://{user}:${{PG_TEST_PASSWORD}}@127.0.0.1:{server.port}/postgres"
    dead = f"postgresql://{user}:${{PG_TEST_PASSWORD}}@127.0.0.1:{free_port()}/postgres"
    if toml:
        path = tmp_path / "connections.toml"
        path.write_text(f'[connections.shop]\nurl = "{url}"\n[connections.shop.options]\nconnect_timeout = 3\n'
                        f'[connections.down]\nurl = "{dead}"\n')
    else:
        path = tmp_path / "connections.yml"
        path.write_text(f"connections:\n  shop:\n    url: {url}\n    options: {{connect_timeout: 3}}\n"
                        f"  down:\n    url: {dead}\n    options: {{connect_timeout: 2}}\n"
                        "  local:\n    url: 'duckdb:///:memory:'\n")
    return path


@pytest.mark.postgres
@pytest.mark.parametrize("toml", [False, True])
def test_env_secret_connects_and_never_shows(postgres_server: ServerInfo, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch, toml: bool) -> None:
    assert postgres_server.password is not None
    monkeypatch.setenv("PG_TEST_PASSWORD", postgres_server.password)
    profiles = Profiles.load(_pg_profile_file(tmp_path, postgres_server, toml=toml))
    shop = profiles["shop"]
    conn = shop.connect()
    assert conn.execute("SELECT 1 AS one").column(0).to_pylist() == [1]
    conn.close()
    shown = f"{shop!r} {shop.display_url} {conn.name}"
    assert postgres_server.password not in shown
    assert shop.display_url == f"postgresql://bheem_auth:***@127.0.0.1:{postgres_server.port}/postgres"
    result = profiles.test("shop")
    assert result.dialect == "postgres" and result.connect_ms > 0 and result.query_ms > 0


@pytest.mark.postgres
def test_wrong_secret_and_dead_server_are_clear_and_masked(postgres_server: ServerInfo, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_TEST_PASSWORD", "Wr0ng-and-Secret")
    profiles = Profiles.load(_pg_profile_file(tmp_path, postgres_server))
    with pytest.raises(BheemConnectionError, match=r"connection 'shop' \(postgresql://bheem_auth:\*\*\*@") as err:
        profiles["shop"].connect()
    assert "Wr0ng-and-Secret" not in str(err.value) and "password authentication failed" in str(err.value)
    with pytest.raises(BheemConnectionError, match="connection 'down'") as err:
        profiles.test("down")
    assert "Wr0ng-and-Secret" not in str(err.value)


def test_encrypted_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_KEYS, new_key())
    token = SecretBox.from_env().encrypt(":memory:").decode()
    path = tmp_path / "connections.yml"
    path.write_text(f"connections:\n  mem:\n    url: 'duckdb:///${{enc:{token}}}'\n")
    profile = Profiles.load(path)["mem"]
    assert token not in repr(profile) and "${enc:***}" in profile.display_url
    assert profile.connect().execute("SELECT 41 + 1 AS x").column(0).to_pylist() == [42]
    monkeypatch.setenv(ENV_KEYS, new_key())  # the wrong key: a clear error, not garbage
    with pytest.raises(Exception, match="cannot be decrypted"):
        profile.connect()


def test_bad_files_and_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "connections.yml"
    path.write_text("connections:\n  warehouse:\n    url: 'duckdb:///:memory:'\n    option: {}\n")
    with pytest.raises(ProfileError, match=r"connections.warehouse: unknown key\(s\) option"):
        Profiles.load(path)
    path.write_text("connections:\n  warehouse: 'duckdb:///:memory:'\n  lake:\n    url: 'duckdb:///${NOPE_VAR}'\n")
    profiles = Profiles.load(path)
    with pytest.raises(ProfileError, match="did you mean 'warehouse'"):
        profiles["warehous"]
    monkeypatch.delenv("NOPE_VAR", raising=False)
    with pytest.raises(ProfileError, match=r"lake.url uses \$\{NOPE_VAR\}, but the environment variable NOPE_VAR"):
        profiles["lake"].connect()
    path.write_text("connections: [1, 2\n")
    with pytest.raises(ProfileError, match="is not valid YAML"):
        Profiles.load(path)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("BHEEM_CONNECTIONS", raising=False)
    with pytest.raises(ProfileError, match="no connections file: pass --file, set BHEEM_CONNECTIONS"):
        Profiles.load()
    assert "secret" not in repr(Profile("x", "postgresql://u:secret@h/db"))


@pytest.mark.postgres
def test_cli_list_and_test(postgres_server: ServerInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert postgres_server.password is not None
    monkeypatch.setenv("PG_TEST_PASSWORD", postgres_server.password)
    path = _pg_profile_file(tmp_path, postgres_server)
    assert main(["connections", "list", "--file", str(path)]) == 0
    listing = capsys.readouterr().out
    assert "shop" in listing and "postgresql" in listing and "down" in listing and "local" in listing
    assert postgres_server.password not in listing
    assert main(["connections", "test", "shop", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: shop (postgres) connected in ") and "SELECT 1 in " in out
    assert main(["connections", "test", "down", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: connection 'down'") and postgres_server.password not in err
    monkeypatch.setenv("BHEEM_CONNECTIONS", str(path))
    assert main(["connections", "test", "local"]) == 0 and "ok: local (duckdb)" in capsys.readouterr().out


def test_cli_encrypt(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV_KEYS, new_key())
    monkeypatch.setattr("sys.stdin", io.StringIO("p@ss/word\n"))
    assert main(["connections", "encrypt"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("${enc:") and "p@ss" not in out
    assert SecretBox.from_env().decrypt(out[6:-1].encode()) == "p@ss/word"
