"""The in-app inbox. Each item comes from exactly one outbox message."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db
from app.core.urls import safe_next_url


class InboxItem(db.Model):
    __tablename__ = "inbox_items"
    # one index serves both the unread count and the owner's list
    __table_args__ = (Index("ix_inbox_items_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # unique: delivering the same outbox message twice can never make a second item
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    read_at: Mapped[datetime | None]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def local_link(self) -> str | None:
        """The link if it points into this site; the inbox never redirects elsewhere."""
        return safe_next_url(self.link)
