"""The in-app inbox, each item from exactly one outbox message; and which kinds of e-mail
each person wants."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.db import sql_in
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


class MailKind(StrEnum):
    """What a message is about, as a person chooses which e-mails they get. The inbox keeps
    every kind; ``ACCOUNT`` (confirming an address, resetting a password, a warning about
    the account) is always e-mailed, so it is not a choice."""

    ACCOUNT = "account"
    CASE_UPDATES = "case_updates"
    REMINDERS = "reminders"
    REVIEWER_SEATS = "reviewer_seats"
    STAFF_WORK = "staff_work"


CHOOSABLE_KINDS = tuple(kind for kind in MailKind if kind is not MailKind.ACCOUNT)


class MailPreference(db.Model):
    """A person's choice for one kind of e-mail. No row means the e-mails are sent."""

    __tablename__ = "mail_preferences"
    __table_args__ = (CheckConstraint(sql_in("kind", CHOOSABLE_KINDS), name="kind_choosable"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    email: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
