"""Named connections in a ``connections.yml`` (or ``.toml``) file, secrets kept out of it.

    connections:
      warehouse:
        url: snowflake://BI@acme-xy12345/SALES/PUBLIC?warehouse=BI_WH
        options: {password: "${SF_PASSWORD}"}
      lake:
        url: spark://local
        options: {tables: {orders: data/orders.parquet}}
      shop:
        url: postgresql://bi:${enc:gAAAAAB...}@db.internal:5432/shop

``${NAME}`` is read from the environment when the connection opens; ``${enc:TOKEN}`` is a value
encrypted with the project's Fernet keys (:mod:`bheem_nb.store.secrets`; make one with
``bheem connections encrypt``). Resolved secrets never appear in ``repr``, listings or error
messages: errors are redacted and every resolved secret value is masked.
"""

from __future__ import annotations

import os
import re
import time
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from bheem_nb.connectors.base import Connector, redact
from bheem_nb.errors import BheemConnectionError, BheemError

ENV_FILE = "BHEEM_CONNECTIONS"
DEFAULT_FILES = ("connections.yml", "connections.yaml", "connections.toml")
_REF = re.compile(r"\$\{(?P<ref>[^}]+)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


class ProfileError(BheemError):
    """The connections file, a connection name or a secret reference is wrong."""


@dataclass(frozen=True)
class Profile:
    """One named connection: a URL and connector options, both possibly holding ``${...}`` references."""

    name: str
    url: str
    options: Mapping[str, Any] = field(default_factory=dict)
    base_dir: Path | None = None

    @property
    def display_url(self) -> str:
        """The URL as written, secrets redacted (references such as ``${SF_PASSWORD}`` stay visible)."""
        return redact(_ENC.sub("${enc:***}", self.url))

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0] if "://" in self.url else "file"

    def __repr__(self) -> str:
        return f"Profile(name={self.name!r}, url={self.display_url!r}, options={sorted(self.options)!r})"

    def resolve(self) -> tuple[str, dict[str, Any], list[str]]:
        """The URL and options with every reference filled in, and the secret values used (for masking)."""
        secrets: list[str] = []
        url = _fill(self.url, secrets, f"{self.name}.url", in_url=True)
        options = {k: _fill_any(v, secrets, f"{self.name}.options.{k}") for k, v in self.options.items()}
        return url, options, secrets

    def connect(self) -> Connector:
        """Open the connection; a failure names the profile and never shows a secret."""
        from bheem_nb.connectors import connect

        url, options, secrets = self.resolve()
        if self.base_dir is not None:
            options.setdefault("base_dir", self.base_dir)
        try:
            return connect(url, **options)
        except BheemError as exc:
            raise BheemConnectionError(mask(f"connection {self.name!r} ({self.display_url}): {exc}", secrets)) \
                from None
        except Exception as exc:  # a driver's own error type: still masked, still a BheemConnectionError
            raise BheemConnectionError(mask(f"connection {self.name!r} ({self.display_url}) failed: "
                                            f"{type(exc).__name__}: {exc}", secrets)) from None


_ENC = re.compile(r"\$\{enc:[^}]*\}")


@dataclass(frozen=True)
class CheckResult:
    """What ``bheem connections test`` prints."""

    name: str
    dialect: str
    connect_ms: float
    query_ms: float


class Profiles(Mapping[str, Profile]):
    """The connections of one file, by name."""

    def __init__(self, profiles: Mapping[str, Profile], path: Path | None = None) -> None:
        self._profiles = dict(profiles)
        self.path = path

    @classmethod
    def load(cls, path: str | Path | None = None) -> Profiles:
        """Read ``path``, else ``$BHEEM_CONNECTIONS``, else ``connections.yml``/``.yaml``/``.toml`` here."""
        file = _find(path)
        try:
            text = file.read_text()
        except OSError as exc:
            raise ProfileError(f"cannot read the connections file {file}: {exc.strerror}") from None
        try:
            data = tomllib.loads(text) if file.suffix == ".toml" else yaml.safe_load(text)
        except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
            raise ProfileError(f"{file} is not valid {'TOML' if file.suffix == '.toml' else 'YAML'}: "
                               f"{str(exc).splitlines()[0]}") from None
        return cls(_parse(data, file), file)

    def __getitem__(self, name: str) -> Profile:
        try:
            return self._profiles[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, list(self._profiles), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; defined: {', '.join(sorted(self._profiles))}"
            raise ProfileError(f"no connection named {name!r} in {self.path or 'the profiles'}{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._profiles)

    def __len__(self) -> int:
        return len(self._profiles)

    def test(self, name: str, *, timeout: float = 30.0) -> CheckResult:
        """Connect, run ``SELECT 1`` and time both; raises BheemConnectionError with a clear, masked message."""
        profile = self[name]
        t0 = time.perf_counter()
        conn = profile.connect()
        t1 = time.perf_counter()
        _, _, secrets = profile.resolve()
        try:
            table = conn.execute("SELECT 1 AS one", timeout=timeout, max_rows=10)
            if table.num_rows != 1 or table.column(0)[0].as_py() != 1:
                raise BheemConnectionError(f"connection {name!r}: SELECT 1 returned {table.to_pylist()!r}")
        except BheemError as exc:
            raise BheemConnectionError(mask(f"connection {name!r} ({profile.display_url}): {exc}", secrets)) from None
        finally:
            conn.close()
        t2 = time.perf_counter()
        return CheckResult(name, conn.dialect, (t1 - t0) * 1000, (t2 - t1) * 1000)


def connect_profile(name: str, path: str | Path | None = None) -> Connector:
    """``connect_profile("warehouse")``: the connector for one named connection."""
    return Profiles.load(path)[name].connect()


def mask(text: str, secrets: list[str]) -> str:
    """Redact URL passwords and tokens, then replace every resolved secret value with ``***``."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return redact(text)


def _find(path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE])
    for candidate in DEFAULT_FILES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ProfileError(f"no connections file: pass --file, set {ENV_FILE}, or create connections.yml here")


def _parse(data: Any, file: Path) -> dict[str, Profile]:
    if not isinstance(data, dict):
        raise ProfileError(f"{file}: expected a mapping with a `connections:` key")
    entries = data.get("connections", data)
    if not isinstance(entries, dict) or not entries:
        raise ProfileError(f"{file}: `connections` must map names to {{url: ..., options: {{...}}}}")
    out = {}
    for name, entry in entries.items():
        where = f"{file}: connections.{name}"
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ProfileError(f"{where}: a connection name is letters, digits, '_', '-' or '.'")
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ProfileError(f"{where}: needs `url:` (text)")
        unknown = sorted(set(entry) - {"url", "options"})
        if unknown:
            raise ProfileError(f"{where}: unknown key(s) {', '.join(unknown)}; use `url` and `options`")
        options = entry.get("options") or {}
        if not isinstance(options, dict):
            raise ProfileError(f"{where}.options: expected a mapping")
        out[name] = Profile(name, entry["url"], options, file.parent)
    return out


def _fill_any(value: Any, secrets: list[str], where: str) -> Any:
    if isinstance(value, str):
        return _fill(value, secrets, where)
    if isinstance(value, dict):
        return {k: _fill_any(v, secrets, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_any(v, secrets, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _fill(text: str, secrets: list[str], where: str, *, in_url: bool = False) -> str:
    """Fill ``${...}`` references; inside a URL the value is percent-encoded (a password may hold ``@`` or ``/``)."""
    def one(m: re.Match[str]) -> str:
        ref = m["ref"].strip()
        if ref.startswith("enc:"):
            from bheem_nb.store.secrets import SecretBox

            value = SecretBox.from_env().decrypt(ref[4:].strip().encode())
        else:
            if ref not in os.environ:
                raise ProfileError(f"{where} uses ${{{ref}}}, but the environment variable {ref} is not set")
            value = os.environ[ref]
        secrets.append(value)
        if in_url:
            encoded = quote(value, safe="")
            secrets.append(encoded)
            return encoded
        return value

    return _REF.sub(one, text)
