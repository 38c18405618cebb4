"""Embed tokens: what is accepted, and every way a token must be refused (with the reason)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bheem_nb.publish.config import PublishConfig, PublishConfigError, load_config
from bheem_nb.publish.revocations import Revocations
from bheem_nb.publish.tokens import REQUIRED, EmbedTokenError, create_embed_token, parse_ttl, verify_embed_token
from bheem_nb.security.identity import User

ALICE = User("alice", email="alice@acme.example", groups=["region_managers"], attributes={"region": "Europe"})


@pytest.fixture()
def hs() -> PublishConfig:
    return PublishConfig(secret=secrets.token_urlsafe(48), leeway_s=5)


@pytest.fixture(scope="module")
def rsa_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    folder = tmp_path_factory.mktemp("rsa")
    private, public = folder / "private.pem", folder / "public.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def _reason(token: str, config: PublishConfig, dashboard: str = "sales", **kw: object) -> str:
    with pytest.raises(EmbedTokenError) as refused:
        verify_embed_token(token, dashboard=dashboard, config=config, **kw)  # type: ignore[arg-type]
    return refused.value.reason


def test_round_trip_carries_user_filters_and_origins(hs: PublishConfig) -> None:
    token = create_embed_token("sales", ALICE, config=hs, ttl="15m", filters={"channel": ["online"]},
                               lock_filters=True, origins=["http://127.0.0.1:8000"])
    claims = verify_embed_token(token, dashboard="sales", config=hs)
    assert claims.user == ALICE and claims.user.attributes["region"] == "Europe"
    assert claims.filters == {"channel": ["online"]} and claims.locked == ("channel",)
    assert claims.origins == ("http://127.0.0.1:8000",)
    raw = jwt.decode(token, options={"verify_signature": False})
    assert {"aud", "iat", "exp", "jti", "iss", "sub", "dsh"} <= set(raw)
    assert raw["exp"] - raw["iat"] == 15 * 60
    assert "roles" not in raw  # an embedded viewer can never carry rls_bypass


def test_expired_within_and_beyond_leeway(hs: PublishConfig) -> None:
    now = dt.datetime.now(dt.UTC)
    just = create_embed_token("sales", ALICE, config=hs, ttl=60, now=now - dt.timedelta(seconds=62))
    assert verify_embed_token(just, dashboard="sales", config=hs).user.id == "alice"  # 2 s late, 5 s leeway
    late = create_embed_token("sales", ALICE, config=hs, ttl=60, now=now - dt.timedelta(seconds=70))
    assert _reason(late, hs) == "expired"


def test_tampered_payload_and_other_key(hs: PublishConfig) -> None:
    token = create_embed_token("sales", ALICE, config=hs)
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["attributes"] = {"region": "North America"}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert _reason(f"{head}.{forged}.{sig}", hs) == "signature"
    other = PublishConfig(secret=secrets.token_urlsafe(48))
    assert _reason(create_embed_token("sales", ALICE, config=other), hs) == "signature"


def test_alg_none_is_refused(hs: PublishConfig) -> None:
    token = create_embed_token("sales", ALICE, config=hs)
    claims = jwt.decode(token, options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert _reason(unsigned, hs) == "algorithm"


def test_wrong_dashboard_and_audience(hs: PublishConfig) -> None:
    token = create_embed_token("sales", ALICE, config=hs)
    assert _reason(token, hs, dashboard="finance") == "scope"
    other_aud = PublishConfig(secret=hs.secret, audience="someone-else")
    assert _reason(create_embed_token("sales", ALICE, config=other_aud), hs) == "audience"


def test_revoked(hs: PublishConfig, tmp_path: Path) -> None:
    revocations = Revocations(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    token = create_embed_token("sales", ALICE, config=hs)
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    assert verify_embed_token(token, dashboard="sales", config=hs, is_revoked=revocations.is_revoked)
    revocations.revoke(jti)
    revocations.revoke(jti)  # idempotent
    assert _reason(token, hs, is_revoked=revocations.is_revoked) == "revoked"


def test_rs256_and_no_hs_rs_confusion(rsa_files: tuple[Path, Path]) -> None:
    private, public = rsa_files
    rs = PublishConfig(algorithm="RS256", private_key=private, public_key=public)
    token = create_embed_token("sales", ALICE, config=rs)
    assert verify_embed_token(token, dashboard="sales", config=rs).user.id == "alice"
    # the classic confusion attack: HS256 signed with the (public) RSA key as the HMAC secret
    claims = jwt.decode(token, options={"verify_signature": False})
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    import hashlib
    import hmac

    mac = hmac.new(public.read_bytes(), header + b"." + body, hashlib.sha256).digest()
    confused = b".".join([header, body, base64.urlsafe_b64encode(mac).rstrip(b"=")]).decode()
    assert _reason(confused, rs) == "algorithm"
    # and an HS256 server never accepts an RS256 token
    hs = PublishConfig(secret=secrets.token_urlsafe(48))
    assert _reason(token, hs) == "algorithm"


def test_bad_inputs_have_clear_errors(hs: PublishConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EmbedTokenError, match="ttl '1 week'"):
        create_embed_token("sales", ALICE, config=hs, ttl="1 week")
    with pytest.raises(EmbedTokenError, match="max_ttl_s"):
        create_embed_token("sales", ALICE, config=hs, ttl="30d")
    with pytest.raises(EmbedTokenError, match="cannot lock"):
        create_embed_token("sales", ALICE, config=hs, lock_filters=["region"])
    with pytest.raises(EmbedTokenError, match=r"origin 'http://x\.example/app'"):
        create_embed_token("sales", ALICE, config=hs, origins=["http://x.example/app"])
    assert _reason("not-a-token", hs) == "malformed"
    assert parse_ttl("2d") == dt.timedelta(days=2) and parse_ttl("15m") == dt.timedelta(minutes=15)
    monkeypatch.delenv("BHEEM_EMBED_SECRET", raising=False)
    with pytest.raises(PublishConfigError, match="BHEEM_EMBED_SECRET"):
        PublishConfig().signing_key()
    monkeypatch.setenv("BHEEM_EMBED_SECRET", "short")
    with pytest.raises(PublishConfigError, match="32 bytes"):
        PublishConfig().signing_key()
    bad = tmp_path / "publish.yml"
    bad.write_text("sign_in: magic\nleeway_s: 9999\n")
    with pytest.raises(PublishConfigError, match="sign_in") as exc:
        load_config(bad)
    assert "leeway_s" in str(exc.value)


@pytest.mark.parametrize("claim", REQUIRED)
def test_a_missing_required_claim_is_named(hs: PublishConfig, claim: str) -> None:
    """A token signed with the right key but lacking one required claim is refused, naming that claim."""
    claims = jwt.decode(create_embed_token("sales", ALICE, config=hs), options={"verify_signature": False})
    del claims[claim]
    token = jwt.encode(claims, hs.signing_key(), algorithm="HS256")
    with pytest.raises(EmbedTokenError) as refused:
        verify_embed_token(token, dashboard="sales", config=hs)
    assert refused.value.reason == "claims"
    assert str(refused.value) == f"embed token lacks the {claim!r} claim"


def test_issued_in_the_future_beyond_the_leeway(hs: PublishConfig) -> None:
    """iat up to leeway_s (5 s here) ahead is clock skew; further ahead the token is not valid yet."""
    now = dt.datetime.now(dt.UTC)
    skewed = create_embed_token("sales", ALICE, config=hs, now=now + dt.timedelta(seconds=hs.leeway_s - 3))
    assert verify_embed_token(skewed, dashboard="sales", config=hs).user.id == "alice"
    ahead = create_embed_token("sales", ALICE, config=hs, now=now + dt.timedelta(seconds=hs.leeway_s + 60))
    assert jwt.decode(ahead, options={"verify_signature": False})["exp"] > now.timestamp()  # not expired either
    with pytest.raises(EmbedTokenError) as refused:
        verify_embed_token(ahead, dashboard="sales", config=hs)
    assert refused.value.reason == "not_yet_valid"
    assert "more than 5 s (leeway_s) in the future" in str(refused.value)
