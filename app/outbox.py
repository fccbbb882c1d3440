"""The outbox: every notification is written here inside the business transaction and
delivered after commit by the delivery sweep."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.auth.models import User
from app.extensions import db

CHANNELS = ("inbox", "email")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)

    recipient: Mapped[User] = relationship()


def queue_message(
    recipient: User,
    key: str,
    subject: str,
    body: str,
    *,
    channels: Iterable[str] = CHANNELS,
    link: str | None = None,
) -> list[OutboxMessage]:
    """Queue one message per channel; a key already queued is not queued again."""
    queued = []
    for channel in channels:
        channel_key = f"{key}:{channel}"
        if db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == channel_key)
        ):
            continue
        message = OutboxMessage(
            idempotency_key=channel_key,
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            link=link,
        )
        db.session.add(message)
        queued.append(message)
    return queued
