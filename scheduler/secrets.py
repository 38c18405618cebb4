"""Secrets for jobs (SMTP password, webhook HMAC key): from the environment or the encrypted store.

A job's configuration only names where a secret lives (``{env: SMTP_PASSWORD}`` or
``{store: smtp}``); the value is read when it is needed and every value read is remembered
so :meth:`SecretResolver.scrub` can blank it out of any text before that text reaches run
history, a log line or a failure notice.
"""

from __future__ import annotations

import os

from bheem_nb.connectors.base import redact
from bheem_nb.store.secrets import SecretBox

from .spec import SchedulerError, SecretRef
from .store import SchedulerStore

MASK = "***"


class SecretResolver:
    """Reads secrets by reference and scrubs every value it has handed out from text."""

    def __init__(self, store: SchedulerStore, box: SecretBox | None = None) -> None:
        self.store = store
        self._box = box
        self._seen: set[str] = set()

    def box(self) -> SecretBox:
        if self._box is None:
            self._box = SecretBox.from_env()
        return self._box

    def get(self, ref: SecretRef) -> str:
        if ref.env is not None:
            value = os.environ.get(ref.env)
            if not value:
                raise SchedulerError(f"secret env:{ref.env} is not set in the scheduler's environment")
        else:
            assert ref.store is not None
            token = self.store.get_secret(ref.store)
            if token is None:
                raise SchedulerError(f"no stored secret named {ref.store!r}; add it with "
                                     f"`bheem scheduler secret set {ref.store}`")
            value = self.box().decrypt(token)
        self._seen.add(value)
        return value

    def put(self, name: str, value: str) -> None:
        """Encrypt and store a named secret (the value never leaves this call in clear)."""
        self.store.put_secret(name, self.box().encrypt(value))

    def env_names(self, refs: list[SecretRef]) -> set[str]:
        return {r.env for r in refs if r.env}

    def scrub(self, text: str) -> str:
        """``text`` without any secret value read so far, and with URL passwords redacted."""
        for value in sorted(self._seen, key=len, reverse=True):
            if len(value) >= 4:
                text = text.replace(value, MASK)
        return redact(text)
