"""Delivering the outbox after commit: ``deliver_outbox``, the delivery sweep.

Delivery guarantees:

* **inbox — exactly once.** The ``InboxItem`` (unique per outbox message) and ``sent_at``
  are written in one transaction.
* **e-mail — at least once, with a stable Message-ID.** The mail leaves before ``sent_at``
  is written, so a crash between the two sends it again once the lease has expired. Every
  copy carries the same Message-ID, derived from the idempotency key, so mail servers and
  clients recognise the repeat.

Work is claimed with a lease taken by compare-and-set (design, scheduler rule 3), so any
number of sweeps may run at once; on PostgreSQL the candidates are also locked with
``SKIP LOCKED``. A failed send is retried with exponential backoff and given up after
``OUTBOX_MAX_ATTEMPTS``. Logs name messages by id and kind, never by address or content.
"""

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.core import clock
from app.core.extensions import db
from app.notifications import mail
from app.notifications.models import InboxItem
from app.notifications.outbox import OutboxMessage, message_id_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    """A message this sweep holds the lease on, read once so sending needs no transaction."""

    id: int
    idempotency_key: str
    channel: str
    recipient_id: int
    recipient_address: str
    recipient_name: str
    subject: str
    body: str
    link: str | None
    created_at: datetime
    attempts: int
    lease_until: datetime

    @property
    def kind(self) -> str:
        """The key's first part ("verify-email", "case-decided"): safe to log, unlike the key."""
        return self.idempotency_key.split(":", 1)[0]


def deliver_outbox(batch_size: int | None = None) -> int:
    """Claim a batch of due messages and deliver each; returns how many were delivered.

    A sweep: it commits its claims and every delivery itself. Safe to run several at once.
    """
    owner = _new_lease_owner()
    claims = _claim_batch(owner, batch_size or current_app.config["OUTBOX_BATCH_SIZE"])
    delivered = 0
    for position, claim in enumerate(claims):
        if clock.now() >= claim.lease_until:
            # the leases ran out (all share one expiry): the rest go to a later sweep
            logger.info("outbox leases expired; %d messages left", len(claims) - position)
            break
        delivered += _deliver_one(claim, owner)
    return delivered


def _new_lease_owner() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _due(now: datetime):
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.available_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )


def _claim_batch(owner: str, limit: int) -> list[Claim]:
    """Lease up to ``limit`` due messages by compare-and-set, and commit the claims."""
    now = clock.now()
    lease_until = now + current_app.config["OUTBOX_LEASE"]
    candidates = select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.id)
    candidates = candidates.limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = []
    for message_id in db.session.scalars(candidates).all():
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *_due(now))
            .values(lease_owner=owner, lease_until=lease_until)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    claims = _load_claims(claimed, lease_until)
    db.session.commit()
    return claims


def _load_claims(message_ids: list[int], lease_until: datetime) -> list[Claim]:
    if not message_ids:
        return []
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.idempotency_key,
            OutboxMessage.channel,
            OutboxMessage.recipient_id,
            OutboxMessage.recipient_address,
            OutboxMessage.recipient_name,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.link,
            OutboxMessage.created_at,
            OutboxMessage.attempts,
        )
        .where(OutboxMessage.id.in_(message_ids))
        .order_by(OutboxMessage.id)
    ).all()
    return [Claim(*row, lease_until=lease_until) for row in rows]


def _deliver_one(claim: Claim, owner: str) -> int:
    """Deliver one claimed message in its own transaction; 1 if delivered, else 0."""
    try:
        if claim.channel == "inbox":
            delivered = _deliver_to_inbox(claim, owner)
        else:
            delivered = _deliver_by_email(claim, owner)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        _record_failure(claim, owner, error)
        db.session.commit()
        return 0
    return int(delivered)


def _deliver_to_inbox(claim: Claim, owner: str) -> bool:
    """Exactly once: the item and ``sent_at`` commit together, and the item is unique."""
    exists = db.session.scalar(select(InboxItem.id).where(InboxItem.outbox_message_id == claim.id))
    if exists is None:
        item = InboxItem(
            outbox_message_id=claim.id,
            user_id=claim.recipient_id,
            subject=claim.subject,
            body=claim.body,
            link=claim.link,
            created_at=claim.created_at,
        )
        try:
            with db.session.begin_nested():
                db.session.add(item)
        except IntegrityError:
            pass  # another sweep inserted it: still exactly one item
    if not _mark_sent(claim.id, owner):
        db.session.rollback()  # the lease passed to another sweep, which delivers it
        return False
    return True


def _deliver_by_email(claim: Claim, owner: str) -> bool:
    """At least once: sent outside any transaction (SQLite holds its write lock for the
    length of one), then marked. The Message-ID is the same on every attempt."""
    message = mail.build_email(
        to_address=claim.recipient_address,
        to_name=claim.recipient_name,
        subject=claim.subject,
        body=_email_body(claim),
        message_id=message_id_for(claim.idempotency_key),
    )
    mail.send_email(message)
    if not _mark_sent(claim.id, owner):
        logger.warning(
            "outbox message %d (%s) was sent after its lease passed to another sweep; "
            "it may arrive twice with the same Message-ID",
            claim.id,
            claim.kind,
        )
        return False
    return True


def _email_body(claim: Claim) -> str:
    if not claim.link or claim.link in claim.body:
        return claim.body
    link = claim.link
    if link.startswith("/"):
        base_url = current_app.config["PUBLIC_BASE_URL"]
        if not base_url:
            return claim.body  # a bare path means nothing in a mail client
        link = base_url.rstrip("/") + link
    return f"{claim.body}\n\n{link}"


def _mark_sent(message_id: int, owner: str) -> bool:
    """Mark the message sent if this sweep still holds its lease."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.lease_owner == owner,
        )
        .values(sent_at=clock.now(), lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _record_failure(claim: Claim, owner: str, error: Exception) -> None:
    """Count the attempt, release the lease, and retry later — or give up after the last."""
    now = clock.now()
    attempts = claim.attempts + 1
    give_up = attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    values = {
        "attempts": attempts,
        "last_error": f"{type(error).__name__}: {error}"[:1000],
        "available_at": now + retry_delay(attempts),
        "lease_owner": None,
        "lease_until": None,
        "failed_at": now if give_up else None,
    }
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.lease_owner == owner)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # the error's text can hold an address (SMTP refusals do): log its type only
    if give_up:
        logger.warning(
            "outbox message %d (%s, %s) failed %d times and is given up (%s)",
            claim.id,
            claim.channel,
            claim.kind,
            attempts,
            type(error).__name__,
        )
    else:
        logger.info(
            "outbox message %d (%s, %s) failed attempt %d (%s); retry at %s",
            claim.id,
            claim.channel,
            claim.kind,
            attempts,
            type(error).__name__,
            values["available_at"].isoformat(),
        )


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base · 2^(attempts − 1), capped."""
    config = current_app.config
    base = config["OUTBOX_RETRY_BASE"]
    cap = config["OUTBOX_RETRY_MAX"]
    return min(base * 2 ** min(max(attempts - 1, 0), 20), cap)
