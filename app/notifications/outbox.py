"""The outbox: every notification is written here inside the business transaction and
delivered after commit by the delivery sweep (``app.notifications.delivery``).

Queueing is idempotent: a row's idempotency key is unique, so a message queued twice is
queued once. A message to a person names its recipient by account id (for the inbox),
address, name and language; the outbox reads no account. A message's ``kind`` says which of
the person's e-mail choices it falls under: the e-mail copy of a kind they turned off is
not queued (``MailPreference``); the inbox copy always is. A webhook message names its
endpoint instead (``app.notifications.webhooks.events.queue_event``), its body the JSON sent.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Protocol

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    TextClause,
    bindparam,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db
from app.core.zones import as_reader
from app.notifications.models import MailKind, MailPreference

CHANNELS = ("inbox", "email")  # to people, through ``queue_message``
WEBHOOK = "webhook"  # to the marketplace's endpoints, through ``queue_event``
UNSENT = "sent_at IS NULL AND failed_at IS NULL"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("channel IN ('inbox', 'email', 'webhook')", name="channel"),
        # a webhook goes to an endpoint; everything else to a person
        CheckConstraint(
            "(channel = 'webhook') = (endpoint_id IS NOT NULL)"
            " AND (channel = 'webhook' OR (recipient_id IS NOT NULL"
            " AND recipient_address IS NOT NULL AND recipient_name IS NOT NULL))",
            name="channel_target",
        ),
        # "due and unsent" reads only the rows still waiting, however many were sent
        Index(
            "ix_outbox_messages_due",
            "available_at",
            sqlite_where=text(UNSENT),
            postgresql_where=text(UNSENT),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # where the e-mail goes, as the recipient's account said when the message was queued
    recipient_address: Mapped[str | None] = mapped_column(String(254))
    recipient_name: Mapped[str | None] = mapped_column(String(80))
    # a webhook's endpoint; its subject is the event's type, its body the JSON sent
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]
    # delivery bookkeeping
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    available_at: Mapped[datetime] = mapped_column(default=clock.now)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None]


class Recipient(Protocol):
    """Whom a message is for: an account's id (its inbox), address, name, language and time
    zone. A ``User`` is one; the outbox needs nothing else of it."""

    id: int
    email: str
    display_name: str
    locale: str | None
    time_zone: str | None


@dataclass(frozen=True)
class Message:
    """One notification to queue: a copy goes out on each of ``channels``."""

    recipient_id: int
    recipient_address: str
    recipient_name: str
    key: str
    subject: str
    body: str
    link: str | None = None
    channels: tuple[str, ...] = CHANNELS
    kind: MailKind = MailKind.CASE_UPDATES


def queue_message(
    recipient: Recipient,
    key: str,
    subject: str,
    body: str,
    *,
    channels: Iterable[str] = CHANNELS,
    link: str | None = None,
    kind: MailKind = MailKind.CASE_UPDATES,
) -> list[str]:
    """Queue one message per channel in the caller's transaction (which commits)."""
    message = Message(*_address(recipient), key, subject, body, link, tuple(channels), kind)
    return queue_messages([message])


def message_to(
    recipient: Recipient,
    key: str,
    subject: Callable[[], str],
    body: Callable[[], str],
    *,
    link: str | None = None,
    kind: MailKind = MailKind.CASE_UPDATES,
) -> Message:
    """A message to one person, its subject and body written in their own language, its
    times in their own zone."""
    with as_reader(recipient):
        return Message(*_address(recipient), key, subject(), body(), link, CHANNELS, kind)


def queue_for_each(
    recipients: Iterable[Recipient | None],
    key: str,
    subject: Callable[[], str],
    body: Callable[[], str],
    *,
    link: str | None = None,
    kind: MailKind = MailKind.CASE_UPDATES,
) -> list[str]:
    """The same notification to each distinct recipient (None skipped), written in their
    own language, under the key ``f"{key}:{user.id}"``."""
    return queue_messages(
        message_to(user, f"{key}:{user.id}", subject, body, link=link, kind=kind)
        for user in {r.id: r for r in recipients if r is not None}.values()
    )


def _address(recipient: Recipient) -> tuple[int, str, str]:
    return recipient.id, recipient.email, recipient.display_name


def queue_messages(messages: Iterable[Message]) -> list[str]:
    """Queue every message, one row per channel, in the caller's transaction.

    A row's idempotency key is ``f"{message.key}:{channel}"``. A key already queued —
    committed, or earlier in this transaction — is not queued again, so queueing twice
    queues once; a concurrent transaction that queued the same key first wins without an
    error. One statement for them all: ``INSERT … ON CONFLICT DO NOTHING RETURNING``.
    An e-mail of a kind its recipient turned off is left out. Returns the idempotency keys
    of the rows queued by this call (inside ``queued_together``, of the rows handed to it).
    """
    now = clock.now()
    messages = list(messages)
    declined = _mail_declined(messages)
    rows = []
    for message in messages:
        for channel in dict.fromkeys(message.channels):
            if channel not in CHANNELS:
                raise ValueError(f"unknown channel {channel!r}; use one of {CHANNELS}")
            if channel == "email" and (message.recipient_id, message.kind) in declined:
                continue
            rows.append(
                {
                    "idempotency_key": f"{message.key}:{channel}",
                    "channel": channel,
                    "recipient_id": message.recipient_id,
                    "recipient_address": message.recipient_address,
                    "recipient_name": message.recipient_name,
                    "subject": message.subject,
                    "body": message.body,
                    "link": message.link,
                    "created_at": now,
                    "available_at": now,
                    "attempts": 0,
                }
            )
    held = _held_rows.get()
    if held is not None:
        held.extend(rows)
        return [row["idempotency_key"] for row in rows]
    return _insert(rows)


# set inside ``queued_together``: the rows to write when the block ends
_held_rows: ContextVar[list[dict] | None] = ContextVar("outbox_rows_held", default=None)


@contextmanager
def queued_together() -> Iterator[None]:
    """Inside the block, the messages queued are written in one statement when it ends
    instead of one per ``queue_messages`` call: for a change that notifies several times
    (a verdict tells the case's people of the decision, and the parties of the panel's).
    The block ends inside the transaction of the change, so the rows commit with it; an
    error inside writes nothing. Inside, ``queue_messages`` returns the keys it was handed;
    a key already queued is still left out when the block ends."""
    held: list[dict] = []
    token = _held_rows.set(held)
    try:
        yield
    finally:
        _held_rows.reset(token)
    _insert(held)


def _insert(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    db.session.flush()  # a message the caller added by hand is in the table first
    parameters = {f"{name}_{i}": value for i, row in enumerate(rows) for name, value in row.items()}
    return list(db.session.execute(_insert_rows(len(rows)), parameters).scalars())


ROW_COLUMNS = (
    "idempotency_key",
    "channel",
    "recipient_id",
    "recipient_address",
    "recipient_name",
    "subject",
    "body",
    "link",
    "created_at",
    "available_at",
    "attempts",
)


@cache
def _insert_rows(count: int) -> TextClause:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING`` for ``count`` rows, written once per
    number of rows. SQLAlchemy compiles its SQLite and PostgreSQL inserts that carry ``ON
    CONFLICT`` anew on every call (they have no cache key); a textual statement is compiled
    once, and both databases spell this one the same."""
    columns = OutboxMessage.__table__.c
    values = ", ".join(
        "(" + ", ".join(f":{name}_{i}" for name in ROW_COLUMNS) + ")" for i in range(count)
    )
    # written from the column names above; every value is bound
    statement = f"INSERT INTO outbox_messages ({', '.join(ROW_COLUMNS)}) VALUES {values}"  # noqa: S608
    return text(
        statement + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key"
    ).bindparams(
        *(
            bindparam(f"{name}_{i}", type_=columns[name].type)
            for i in range(count)
            for name in ROW_COLUMNS
        )
    )


# set inside ``mail_choices_read_once``: the people whose choices were read, and the
# (person, kind) pairs among them whose e-mail is turned off
_choices_read: ContextVar[tuple[frozenset[int], set[tuple[int, MailKind]]] | None] = ContextVar(
    "mail_choices_read_once", default=None
)


@contextmanager
def mail_choices_read_once(user_ids: Iterable[int]) -> Iterator[None]:
    """Inside the block the e-mail choices of ``user_ids`` are read once, in one query, not
    once per message: for a sweep's batch, one transaction that notifies the same few
    people of many cases. A choice changed meanwhile is seen by the next batch, as by a
    batch begun a moment later; anyone else's choices are read as usual."""
    people = frozenset(user_ids)
    declined = db.session.execute(
        select(MailPreference.user_id, MailPreference.kind).where(
            MailPreference.user_id.in_(people), MailPreference.email.is_(False)
        )
    )
    token = _choices_read.set((people, {(user_id, MailKind(kind)) for user_id, kind in declined}))
    try:
        yield
    finally:
        _choices_read.reset(token)


def _mail_declined(messages: list[Message]) -> set[tuple[int, str]]:
    """(recipient, kind) pairs among ``messages`` whose e-mail the recipient turned off."""
    wanted = {
        (m.recipient_id, m.kind)
        for m in messages
        if "email" in m.channels and m.kind is not MailKind.ACCOUNT
    }
    if not wanted:
        return set()
    read = _choices_read.get()
    if read is not None and all(user_id in read[0] for user_id, _kind in wanted):
        return read[1] & wanted
    declined = db.session.execute(
        select(MailPreference.user_id, MailPreference.kind).where(
            MailPreference.user_id.in_({user_id for user_id, _kind in wanted}),
            MailPreference.kind.in_({kind.value for _user_id, kind in wanted}),
            MailPreference.email.is_(False),
        )
    )
    return {(user_id, MailKind(kind)) for user_id, kind in declined} & wanted


def message_id_for(idempotency_key: str) -> str:
    """The Message-ID every copy of this mail carries, so a resend is recognisably the same."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@tribunal>"
