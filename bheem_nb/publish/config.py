"""Publishing configuration: the signing key, the audience, sign-in and where audit rows go.

Read once per process from a YAML/JSON file named by ``BHEEM_PUBLISH_CONFIG`` (what ``bheem serve``
writes for the Voilà process it starts), with the secret taken from ``BHEEM_EMBED_SECRET`` when the
file has none, so the key never has to sit on a command line.

    secret: "…32+ random bytes…"          # HS256; or  algorithm: RS256 + private_key/public_key files
    audience: "bheem:embed"
    leeway_s: 30
    sign_in: embed                          # embed | header | none
    audit_url: sqlite:///bheem_audit.sqlite
    allowed_origins: {sales: ["https://app.example.com"]}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bheem_nb.errors import BheemError

CONFIG_ENV = "BHEEM_PUBLISH_CONFIG"
SECRET_ENV = "BHEEM_EMBED_SECRET"
MIN_SECRET_BYTES = 32


class PublishConfigError(BheemError):
    """The publishing configuration is missing, unreadable or inconsistent."""


class PublishConfig(BaseModel):
    """How published dashboards sign tokens, recognise viewers and record views."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    algorithm: Literal["HS256", "RS256"] = "HS256"
    secret: str | None = Field(default=None, repr=False)
    private_key: Path | None = None
    public_key: Path | None = None
    audience: str = "bheem:embed"
    issuer: str = "bheem_nb"
    leeway_s: int = Field(default=30, ge=0, le=300)
    max_ttl_s: int = Field(default=7 * 24 * 3600, ge=60)
    #: embed: every page needs an embed token; header: a trusted proxy names the viewer; none: anonymous (dev)
    sign_in: Literal["embed", "header", "none"] = "embed"
    user_header: str = "X-Forwarded-Email"
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    audit_url: str = "sqlite:///bheem_audit.sqlite"
    #: dashboard id -> origins that may embed it and talk to it (added to each token's own list)
    allowed_origins: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _keys_match_algorithm(self) -> PublishConfig:
        if self.algorithm == "HS256" and self.secret is not None and len(self.secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"secret: HS256 needs at least {MIN_SECRET_BYTES} bytes; generate one with "
                             "python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        if self.algorithm == "RS256" and self.secret is not None:
            raise ValueError("secret: RS256 signs with private_key and verifies with public_key; remove secret")
        return self

    # -- keys --------------------------------------------------------------------------
    def signing_key(self) -> str:
        """The key tokens are signed with (the HS256 secret or the RS256 private key PEM)."""
        if self.algorithm == "HS256":
            return self._secret()
        if self.private_key is None:
            raise PublishConfigError("RS256 signing needs private_key: a PEM file path in the publish config")
        return _read(self.private_key, "private_key")

    def verification_key(self) -> str:
        """The key tokens are verified with (the HS256 secret or the RS256 public key PEM)."""
        if self.algorithm == "HS256":
            return self._secret()
        if self.public_key is None:
            raise PublishConfigError("RS256 verification needs public_key: a PEM file path in the publish config")
        return _read(self.public_key, "public_key")

    def _secret(self) -> str:
        secret = self.secret or os.environ.get(SECRET_ENV)
        if not secret:
            raise PublishConfigError(f"no embed signing secret: set {SECRET_ENV} or `secret:` in the publish config")
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise PublishConfigError(f"{SECRET_ENV}: HS256 needs at least {MIN_SECRET_BYTES} bytes of secret")
        return secret

    def origins_for(self, dashboard: str) -> list[str]:
        return list(self.allowed_origins.get(dashboard, []))


def _read(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PublishConfigError(f"{name}: cannot read {path}: {exc.strerror or exc}") from exc


def load_config(path: str | Path | None = None) -> PublishConfig:
    """The config from ``path``, else from ``$BHEEM_PUBLISH_CONFIG``, else the defaults (secret from the env)."""
    where = path if path is not None else os.environ.get(CONFIG_ENV)
    if not where:
        return PublishConfig()
    file = Path(where)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PublishConfigError(f"publish config {file}: cannot read it: {exc.strerror or exc}") from exc
    data = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    try:
        return PublishConfig.model_validate(data or {})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise PublishConfigError(f"publish config {file}: {problems}") from None
