"""Embed tokens: signed JWTs that open one dashboard for one viewer until they expire or are revoked.

    token = create_embed_token("sales", "alice@acme.com", ttl="1h", filters={"region": ["Europe"]},
                               lock_filters=True, origins=["https://app.example.com"], config=cfg)
    claims = verify_embed_token(token, dashboard="sales", config=cfg)

Verification pins the configured algorithm (``alg: none`` and HS256 signed with the RSA public key
both fail), requires ``iss``, ``aud``, ``sub``, ``iat``, ``exp``, ``jti`` and the dashboard claim
(a missing one is named), allows the configured clock leeway (a token issued further in the future
is refused as ``not_yet_valid``) and checks the revocation list. Tokens never carry roles: an
embedded viewer cannot lift row-level security.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt

from bheem_nb.errors import SecurityError
from bheem_nb.publish.config import PublishConfig
from bheem_nb.security.identity import User

DASHBOARD_CLAIM = "dsh"
REQUIRED = ("exp", "iat", "aud", "iss", "jti", "sub", DASHBOARD_CLAIM)
_TTL = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class EmbedTokenError(SecurityError):
    """An embed token was refused; ``reason`` is a short code for audit rows and tests."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class EmbedClaims:
    """A verified token: who views which dashboard, with which filters and from which origins."""

    dashboard: str
    user: User
    jti: str
    expires: dt.datetime
    filters: Mapping[str, Any] = field(default_factory=dict)
    locked: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()


def parse_ttl(ttl: str | int | dt.timedelta) -> dt.timedelta:
    """``"1h"``, ``"15m"``, ``"2d"``, ``3600`` or a timedelta."""
    if isinstance(ttl, dt.timedelta):
        return ttl
    if isinstance(ttl, int):
        return dt.timedelta(seconds=ttl)
    m = _TTL.match(ttl)
    if m is None:
        raise EmbedTokenError("bad_ttl", f"ttl {ttl!r}: use a number with s, m, h or d, e.g. 15m or 1h")
    return dt.timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2)])


def create_embed_token(dashboard: str, user: User | str, *, config: PublishConfig, ttl: str | int | dt.timedelta = "1h",
                       filters: Mapping[str, Any] | None = None, lock_filters: bool | Sequence[str] = False,
                       origins: Sequence[str] = (), now: dt.datetime | None = None) -> str:
    """A signed token for ``user`` on ``dashboard``; ``lock_filters=True`` locks every given filter."""
    if not dashboard:
        raise EmbedTokenError("bad_dashboard", "an embed token needs a dashboard id (the notebook name)")
    life = parse_ttl(ttl)
    if life.total_seconds() <= 0 or life.total_seconds() > config.max_ttl_s:
        raise EmbedTokenError("bad_ttl", f"ttl must be between 1 s and {config.max_ttl_s} s (max_ttl_s), got {life}")
    who = user if isinstance(user, User) else User(user, email=user if "@" in user else None)
    filters = dict(filters or {})
    locked = sorted(filters) if lock_filters is True else sorted(lock_filters or ())
    unknown = [k for k in locked if k not in filters]
    if unknown:
        raise EmbedTokenError("bad_filters", f"cannot lock {unknown}: a locked filter needs a value in filters")
    for origin in origins:
        _check_origin(origin)
    issued = now or dt.datetime.now(dt.UTC)
    claims = {
        "iss": config.issuer, "aud": config.audience, "iat": issued, "exp": issued + life,
        "jti": uuid.uuid4().hex, "sub": who.id, "email": who.email, "groups": list(who.groups),
        "attributes": _plain(who.attributes), DASHBOARD_CLAIM: dashboard,
        "filters": filters, "locked": locked, "origins": list(origins),
    }
    return jwt.encode(claims, config.signing_key(), algorithm=config.algorithm)


def verify_embed_token(token: str, *, dashboard: str, config: PublishConfig,
                       is_revoked: Callable[[str], bool] = lambda _jti: False) -> EmbedClaims:
    """The token's claims if it is genuine, current, for this audience and dashboard, and not revoked."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as exc:
        raise EmbedTokenError("malformed", f"embed token is malformed: {exc}") from None
    if header.get("alg") != config.algorithm:
        raise EmbedTokenError("algorithm", f"embed token uses algorithm {header.get('alg')!r}; "
                                           f"this server accepts only {config.algorithm}")
    try:
        data = jwt.decode(token, config.verification_key(), algorithms=[config.algorithm], audience=config.audience,
                          issuer=config.issuer, leeway=config.leeway_s, options={"require": list(REQUIRED)})
    except jwt.ExpiredSignatureError:
        raise EmbedTokenError("expired", "embed token has expired; ask the host application for a new one") from None
    except jwt.ImmatureSignatureError:
        raise EmbedTokenError("not_yet_valid", f"embed token is not valid yet: its iat (or nbf) is more than "
                                               f"{config.leeway_s} s (leeway_s) in the future; check the clock "
                                               "of the server that signs the tokens") from None
    except jwt.InvalidAudienceError:
        raise EmbedTokenError("audience", f"embed token is for another audience (expected {config.audience!r})") \
            from None
    except jwt.InvalidSignatureError:
        raise EmbedTokenError("signature", "embed token signature does not match (tampered or another key)") from None
    except jwt.MissingRequiredClaimError as exc:
        raise EmbedTokenError("claims", f"embed token lacks the {exc.claim!r} claim") from None
    except jwt.InvalidTokenError as exc:
        raise EmbedTokenError("invalid", f"embed token is invalid: {exc}") from None
    if data[DASHBOARD_CLAIM] != dashboard:
        raise EmbedTokenError("scope", f"embed token is for dashboard {data[DASHBOARD_CLAIM]!r}, not {dashboard!r}")
    if is_revoked(str(data["jti"])):
        raise EmbedTokenError("revoked", f"embed token {data['jti']} has been revoked; ask the host application "
                                          "for a new one")
    return _claims(data)


def _claims(data: Mapping[str, Any]) -> EmbedClaims:
    filters = data.get("filters") or {}
    locked = data.get("locked") or []
    origins = data.get("origins") or []
    if not isinstance(filters, dict) or not isinstance(locked, list) or not isinstance(origins, list):
        raise EmbedTokenError("claims", "embed token filters/locked/origins claims have the wrong shape")
    user = User(str(data["sub"]), email=data.get("email"), groups=data.get("groups") or [],
                attributes=data.get("attributes") or {})
    return EmbedClaims(dashboard=str(data[DASHBOARD_CLAIM]), user=user, jti=str(data["jti"]),
                       expires=dt.datetime.fromtimestamp(int(data["exp"]), dt.UTC), filters=filters,
                       locked=tuple(str(k) for k in locked), origins=tuple(str(o) for o in origins))


def _check_origin(origin: str) -> None:
    if not re.fullmatch(r"https?://[^/\s?#]+", origin):
        raise EmbedTokenError("bad_origin", f"origin {origin!r}: expected scheme://host[:port], no path "
                                            "(e.g. https://app.example.com)")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
