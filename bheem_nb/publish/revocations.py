"""The embed-token revocation list: token ids (``jti``) refused from now on, kept next to the audit log.

    revocations = Revocations("sqlite:///bheem_audit.sqlite")
    revocations.revoke(jti, reason="user left")
    revocations.is_revoked(jti)      # True
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

_metadata = sa.MetaData()
revocations_table = sa.Table(
    "embed_revocations", _metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.Text),
)


class Revocations:
    """Revoked token ids in a SQLAlchemy database (SQLite by default, the audit database)."""

    def __init__(self, url: str | sa.Engine) -> None:
        self.engine = url if isinstance(url, sa.Engine) else sa.create_engine(url)
        _metadata.create_all(self.engine)

    def revoke(self, jti: str, reason: str | None = None) -> None:
        """Refuse the token ``jti`` from now on (idempotent)."""
        with self.engine.begin() as con:
            if not self.is_revoked(jti):
                con.execute(revocations_table.insert().values(jti=jti, revoked_at=dt.datetime.now(dt.UTC),
                                                              reason=reason))

    def is_revoked(self, jti: str) -> bool:
        with self.engine.connect() as con:
            found = con.execute(sa.select(revocations_table.c.jti).where(revocations_table.c.jti == jti)).first()
        return found is not None

    def close(self) -> None:
        self.engine.dispose()
