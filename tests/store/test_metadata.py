"""The metadata store on SQLite and on the session's PostgreSQL: migrations, workspaces, roles,
object overrides, encrypted connection secrets with rotation, stored RLS rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import bheem_nb as bn
from bheem_nb.errors import BheemError, SecurityError
from bheem_nb.store.audit import AuditLog
from bheem_nb.store.metadata import MetadataStore
from bheem_nb.store.secrets import ENV_KEYS, SecretBox, new_key
from tests.query.conftest import _duckdb
from tests.security.conftest import SECURE_MODEL, cust_ids_ref

ALICE = bn.User("alice", email="alice@acme.com")
BOB = bn.User("bob", email="bob@acme.com")
CAROL = bn.User("carol", email="carol@acme.com")
URL = "postgresql://report:S3cret-Pw@db.internal:5432/sales"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'meta.sqlite'}"
        return
    import psycopg

    base: str = request.getfixturevalue("postgres_url")
    with psycopg.connect(base, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS bheem_meta WITH (FORCE)")
        con.execute("CREATE DATABASE bheem_meta")
    yield base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/bheem_meta"


@pytest.fixture()
def store(store_url: str) -> Iterator[MetadataStore]:
    s = MetadataStore(store_url, secrets=SecretBox([new_key()]))
    s.create_workspace("sales", owner=ALICE)
    yield s
    s.engine.dispose()


def test_migrations_create_every_table(store: MetadataStore) -> None:
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"workspaces", "members", "objects", "object_grants", "connections", "rls_rules",
            "alembic_version"} <= names
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import bheem_nb.store.metadata as metadata

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(metadata.__file__).parent / "migrations"))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"the migrations must form one line, not branch: heads {heads}"
    with store.engine.connect() as con:
        assert con.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == heads[0]


def test_migrating_twice_is_a_no_op(store_url: str) -> None:
    MetadataStore(store_url, secrets=SecretBox([new_key()])).engine.dispose()
    again = MetadataStore(store_url, secrets=SecretBox([new_key()]))
    assert "workspaces" in sa.inspect(again.engine).get_table_names()
    again.engine.dispose()


def test_roles_admin_member_viewer(store: MetadataStore) -> None:
    store.add_member("sales", "bob", "member", by=ALICE)
    store.add_member("sales", "carol", "viewer", by=ALICE)
    assert [store.can(u, "sales", "edit") for u in (ALICE, BOB, CAROL)] == [True, True, False]
    assert [store.can(u, "sales", "view") for u in (ALICE, BOB, CAROL)] == [True, True, True]
    assert [store.can(u, "sales", "admin") for u in (ALICE, BOB, CAROL)] == [True, False, False]
    with pytest.raises(SecurityError, match="permission denied: 'bob' may not admin workspace 'sales'"):
        store.add_member("sales", "mallory", "admin", by=BOB)
    store.remove_member("sales", "carol", by=ALICE)
    assert store.role_of(CAROL, "sales") is None


def test_non_member_sees_nothing(store: MetadataStore) -> None:
    store.save_object("sales", "dashboard", "overview", {"charts": 3}, by=ALICE)
    with pytest.raises(SecurityError, match="may not view dashboard 'overview'"):
        store.get_object("sales", "dashboard", "overview", user=CAROL)


def test_object_level_override_up_and_down(store: MetadataStore) -> None:
    store.add_member("sales", "bob", "member", by=ALICE)
    store.add_member("sales", "carol", "viewer", by=ALICE)
    store.save_object("sales", "dashboard", "board", {"v": 1}, by=ALICE)
    store.grant("sales", "dashboard", "board", "bob", "viewer", by=ALICE)      # down
    store.grant("sales", "dashboard", "board", "carol", "member", by=ALICE)    # up
    with pytest.raises(SecurityError):
        store.save_object("sales", "dashboard", "board", {"v": 2}, by=BOB)
    store.save_object("sales", "dashboard", "board", {"v": 3}, by=CAROL)
    assert store.get_object("sales", "dashboard", "board", user=BOB) == {"v": 3}
    store.grant("sales", "dashboard", "board", "bob", None, by=ALICE)
    store.save_object("sales", "dashboard", "board", {"v": 4}, by=BOB)
    assert store.get_object("sales", "dashboard", "board", user=CAROL) == {"v": 4}


def test_connection_secret_encrypted_at_rest(store: MetadataStore) -> None:
    store.save_connection("sales", "warehouse", URL, by=ALICE)
    with store.engine.connect() as con:
        display, secret = con.execute(sa.text("SELECT display_url, secret FROM connections")).one()
    assert "S3cret-Pw" not in display and display == "postgresql://report:***@db.internal:5432/sales"
    assert b"S3cret-Pw" not in bytes(secret)
    assert store.connection_url("sales", "warehouse", user=ALICE) == URL


def test_viewer_cannot_read_connection_secret(store: MetadataStore) -> None:
    store.add_member("sales", "carol", "viewer", by=ALICE)
    store.save_connection("sales", "warehouse", URL, by=ALICE)
    with pytest.raises(SecurityError, match="may not edit connection 'warehouse'"):
        store.connection_url("sales", "warehouse", user=CAROL)


def test_key_rotation(store_url: str) -> None:
    old, new = new_key(), new_key()
    store = MetadataStore(store_url, secrets=SecretBox([old]))
    store.create_workspace("rot", owner=ALICE)
    store.save_connection("rot", "warehouse", URL, by=ALICE)
    with store.engine.connect() as con:
        before = bytes(con.execute(sa.text("SELECT secret FROM connections")).scalar_one())
    assert store.rotate_secrets(SecretBox([new, old])) == 1  # newest first; the old key still reads
    with store.engine.connect() as con:
        after = bytes(con.execute(sa.text("SELECT secret FROM connections")).scalar_one())
    assert after != before
    store.secrets = SecretBox([new])  # the old key is retired
    assert store.connection_url("rot", "warehouse", user=ALICE) == URL
    store.secrets = SecretBox([old])
    with pytest.raises(SecurityError, match="cannot be decrypted"):
        store.connection_url("rot", "warehouse", user=ALICE)
    store.engine.dispose()


def test_wrong_key_refuses_without_leaking(store: MetadataStore) -> None:
    store.save_connection("sales", "warehouse", URL, by=ALICE)
    store.secrets = SecretBox([new_key()])
    with pytest.raises(SecurityError, match="cannot be decrypted") as info:
        store.connection_url("sales", "warehouse", user=ALICE)
    assert "S3cret" not in str(info.value)


def test_keys_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    k1, k2 = new_key(), new_key()
    monkeypatch.setenv(ENV_KEYS, f"{k2},{k1}")
    token = SecretBox([k1]).encrypt("x")
    assert SecretBox.from_env().decrypt(token) == "x"
    monkeypatch.delenv(ENV_KEYS)
    key_file = tmp_path / "keys"
    key_file.write_text(k1 + "\n")
    assert SecretBox.from_env(key_file).decrypt(token) == "x"
    monkeypatch.delenv("BHEEM_SECRET_KEY_FILE", raising=False)
    with pytest.raises(SecurityError, match="no encryption key"):
        SecretBox.from_env()
    with pytest.raises(SecurityError, match="not a valid Fernet key"):
        SecretBox(["not-a-key"])


def test_stored_rules_apply_to_queries(store: MetadataStore, tmp_path: Path) -> None:
    store.save_rule("sales", "shop", {"name": "west_only", "table": "customers", "filter": "region = 'West'",
                                      "assign": [{"group": "west"}]}, by=ALICE)
    with pytest.raises(SecurityError):
        store.save_rule("sales", "shop", {"name": "x", "table": "customers", "filter": "TRUE"}, by=BOB)
    assert store.rules("sales", "shop") == [{"name": "west_only", "table": "customers",
                                             "filter": "region = 'West'", "assign": [{"group": "west"}]}]
    base = bn.SemanticModel(SECURE_MODEL, connector=_duckdb(tmp_path), engine=bn.Engine())
    model = store.with_rules(base, "sales")
    west = bn.User("w", groups=["west"])
    got = sorted(r["customer_id"] for r in model.sql("SELECT customer_id FROM customers", user=west).to_dicts())
    from tests.query.conftest import FRAMES

    c = FRAMES["customers"]
    assert got == sorted(int(i) for i in c[c["region"] == "West"]["customer_id"])
    # the model's own rules still hold next to the stored ones
    got_alice = sorted(r["customer_id"] for r in model.sql("SELECT customer_id FROM customers",
                                                           user="u_alice").to_dicts())
    assert got_alice == cust_ids_ref("u_alice")


def test_changes_are_audited(store_url: str, tmp_path: Path) -> None:
    audit = AuditLog(f"sqlite:///{tmp_path / 'audit.sqlite'}", background=False)
    s = MetadataStore(store_url, secrets=SecretBox([new_key()]), audit=audit)
    s.create_workspace("ops", owner=ALICE)
    s.add_member("ops", "bob", "viewer", by=ALICE)
    s.save_connection("ops", "wh", URL, by=ALICE)
    s.save_rule("ops", "shop", {"name": "r", "table": "customers", "filter": "TRUE"}, by=ALICE)
    actions = [e["action"] for e in audit.events(user="alice")]
    assert actions == ["workspace_create", "permission_change", "connection_change", "rule_change"]
    assert all("S3cret" not in (e["payload"] or "") for e in audit.events())
    s.engine.dispose()
    audit.close()


def test_unknown_role_and_kind(store: MetadataStore) -> None:
    with pytest.raises(BheemError, match="unknown role 'owner'"):
        store.add_member("sales", "bob", "owner", by=ALICE)
    with pytest.raises(BheemError, match="unknown object kind 'report'"):
        store.save_object("sales", "report", "r", {}, by=ALICE)


def test_engine_checks_workspace_permission_before_every_query(store: MetadataStore, tmp_path: Path) -> None:
    store.add_member("sales", "bob", "viewer", by=ALICE)
    engine = bn.Engine(access=store.model_access("sales"))
    model = bn.SemanticModel(SECURE_MODEL, connector=_duckdb(tmp_path), engine=engine)
    root = bn.User("bob", roles=["rls_bypass"])
    assert model.query(measures=["customers.customers"], user=root).arrow.column(0)[0].as_py() == 60
    with pytest.raises(SecurityError, match="'carol' may not view model 'shop' in workspace 'sales'"):
        model.query(measures=["customers.customers"], user=CAROL)
    with pytest.raises(SecurityError, match="'carol' may not view"):
        model.sql("SELECT 1", user=CAROL)
    with pytest.raises(SecurityError, match="anonymous user"):
        model.sql("SELECT 1")
    # an object-level override on the model: bob loses access to this model only
    store.save_object("sales", "model", "shop", {"yaml": "shop.yml"}, by=ALICE)
    store.grant("sales", "model", "shop", "carol", "viewer", by=ALICE)
    assert len(model.sql("SELECT 1 AS x", user=CAROL)) == 1
