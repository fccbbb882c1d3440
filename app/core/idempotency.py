"""Idempotency keys: a client that sends a request again with the same key gets the first
answer back instead of a second effect (as Stripe's API does).

A key is claimed by inserting its row in the same transaction as the work it guards, and its
answer is written to the row before that transaction commits. The unique (token, key) pair
decides between two requests that carry the same key at the same moment: the second one's
insert waits until the first commits (PostgreSQL holds it on the unique index; SQLite lets
one writer in at a time), then fails, and the second request reads the stored answer. A
request that fails or is refused rolls back, key included, so the key can be used again.

Keys are kept ``IDEMPOTENCY_KEY_TTL`` (24 hours) and then swept (``sweep_idempotency_keys``).
The owner is an API token, named by id: the core imports no feature, and the table refers to
the API's tokens by name only.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db

KEY_MAX_LENGTH = 255
# a deleted row found between the failed insert and the read: claim again, once
CLAIM_ATTEMPTS = 2


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    # SHA-256 of the request (method, path, body): the same key with another request is refused
    fingerprint: Mapped[str] = mapped_column(String(64))
    # the answer, written before the claiming transaction commits: never seen empty by others
    status: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)

    @property
    def answered(self) -> bool:
        return self.status is not None


class KeyReused(Exception):
    """The key was used before with another request."""


def claim_key(token_id: int, key: str, fingerprint: str) -> IdempotencyKey:
    """The key's row in the caller's transaction: a new, unanswered one that this request
    answers (``answer_key``), or the answered row of the request that used the key first.

    Raises ``KeyReused`` when the key was first used with another request.
    """
    for _attempt in range(CLAIM_ATTEMPTS):
        row = IdempotencyKey(
            token_id=token_id, key=key, fingerprint=fingerprint, created_at=clock.now()
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row
        except IntegrityError:
            pass
        stored = db.session.scalar(
            select(IdempotencyKey).where(
                IdempotencyKey.token_id == token_id, IdempotencyKey.key == key
            )
        )
        if stored is None:  # swept since the insert failed
            continue
        if stored.fingerprint != fingerprint:
            raise KeyReused
        return stored
    raise RuntimeError("an idempotency key could be neither claimed nor read")


def answer_key(row: IdempotencyKey, status: int, body: str, location: str | None) -> None:
    """Keep the answer to give again; the caller commits it with the work it answers."""
    row.status = status
    row.body = body
    row.location = location
    db.session.flush()


def sweep_idempotency_keys() -> int:
    """Forget the keys older than ``IDEMPOTENCY_KEY_TTL``; how many were deleted."""
    cutoff = clock.now() - current_app.config["IDEMPOTENCY_KEY_TTL"]
    result = db.session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
