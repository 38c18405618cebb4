"""Connection secrets encrypted at rest with Fernet, with key rotation.

Keys come from ``BHEEM_SECRET_KEYS`` (comma-separated Fernet keys, newest first) or a key
file (one key per line, newest first). Encryption always uses the newest key; decryption
tries every key, so rotating is: put a new key first, run :meth:`SecretBox.rotate` on the
stored tokens (``MetadataStore.rotate_secrets``), then drop the old key.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bheem_nb.errors import SecurityError

ENV_KEYS = "BHEEM_SECRET_KEYS"
ENV_KEY_FILE = "BHEEM_SECRET_KEY_FILE"


def new_key() -> str:
    """A fresh Fernet key (URL-safe base64 text)."""
    return Fernet.generate_key().decode()


class SecretBox:
    """Encrypt and decrypt small secrets with the newest of several Fernet keys."""

    def __init__(self, keys: Sequence[str | bytes]) -> None:
        if not keys:
            raise SecurityError(f"no encryption key: set {ENV_KEYS} or {ENV_KEY_FILE} (see bheem_nb.store.secrets)")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except (ValueError, TypeError) as exc:
            raise SecurityError("an encryption key is not a valid Fernet key (32 url-safe base64 bytes)") from exc

    @classmethod
    def from_env(cls, key_file: str | Path | None = None) -> SecretBox:
        text = os.environ.get(ENV_KEYS, "")
        path = key_file or os.environ.get(ENV_KEY_FILE)
        if not text and path:
            try:
                text = Path(path).read_text()
            except OSError as exc:
                raise SecurityError(f"cannot read the key file {path}: {exc.strerror}") from exc
        keys = [k.strip() for k in text.replace(",", "\n").splitlines() if k.strip()]
        return cls(keys)

    def encrypt(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise SecurityError("a stored secret cannot be decrypted with the configured keys") from None

    def rotate(self, token: bytes) -> bytes:
        """The same secret encrypted with the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise SecurityError("a stored secret cannot be decrypted with the configured keys") from None
