"""Delivering the outbox after commit: ``deliver_outbox``, the delivery sweep.

Delivery guarantees:

* **inbox — exactly once.** The ``InboxItem`` (unique per outbox message) and ``sent_at``
  are written in one transaction.
* **e-mail — at least once, with a stable Message-ID.** The mail leaves before ``sent_at``
  is written, so a crash between the two sends it again once the lease has expired. Every
  copy carries the same Message-ID, derived from the idempotency key, so mail servers and
  clients recognise the repeat.
* **webhook — at least once, with a stable ``webhook-id``** (the idempotency key), for the
  same reason and in the same way (``app.notifications.webhooks.sending``); receivers
  dedupe on it. Webhooks have a sweep of their own (``deliver_webhooks``), so a slow
  endpoint never holds up people's mail, and within a sweep an endpoint that has just
  failed is not tried again: its other messages wait for the next sweep.

Work is claimed with a lease taken by compare-and-set (design, scheduler rule 3), so any
number of sweeps may run at once; on PostgreSQL the candidates are also locked with
``SKIP LOCKED``. Each message's lease is renewed, again by compare-and-set, just before it is
delivered, so each delivery has a whole lease however long its batch has taken: two sweeps
that both live send a message twice only if one delivery outlasts a lease (two minutes by
default; a webhook's timeout is ten seconds). A failed send is retried with exponential
backoff and given up after ``OUTBOX_MAX_ATTEMPTS`` (a webhook: after its retry window). Logs
name messages by id and kind, never by address or content.
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
from app.core.urls import public_url
from app.notifications import mail
from app.notifications.models import InboxItem
from app.notifications.outbox import CHANNELS, WEBHOOK, OutboxMessage, message_id_for
from app.notifications.webhooks import sending as webhooks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    """A message this sweep holds the lease on, read once so sending needs no transaction."""

    id: int
    idempotency_key: str
    channel: str
    recipient_id: int | None
    recipient_address: str | None
    recipient_name: str | None
    endpoint_id: int | None
    subject: str
    body: str
    link: str | None
    created_at: datetime
    attempts: int

    @property
    def kind(self) -> str:
        """What the message is, safe to log unlike the key: the key's first part
        ("verify-email", "case-decided"), or a webhook's event type."""
        if self.channel == WEBHOOK:
            return self.subject
        return self.idempotency_key.split(":", 1)[0]


def deliver_outbox(
    batch_size: int | None = None, channels: tuple[str, ...] = (*CHANNELS, WEBHOOK)
) -> int:
    """Claim a batch of due messages on ``channels`` and deliver each; returns how many were
    delivered.

    A sweep: it commits its claims and every delivery itself. Safe to run several at once.
    """
    owner = _new_lease_owner()
    limit = batch_size or current_app.config["OUTBOX_BATCH_SIZE"]
    claims = _claim_batch(owner, limit, channels)
    delivered = 0
    failing_endpoints = set()
    for claim in claims:
        if claim.endpoint_id in failing_endpoints:
            _release(claim, owner)  # one timeout per failing endpoint and sweep is enough
            continue
        if not _renew(claim, owner):
            continue  # its lease ran out while the batch was delivered: another sweep has it
        outcome = _deliver_one(claim, owner)
        if webhooks.endpoint_did_not_answer(outcome):
            failing_endpoints.add(claim.endpoint_id)
        delivered += outcome is True
    return delivered


def deliver_to_people() -> int:
    """The sweep of the inbox and e-mail."""
    return deliver_outbox(channels=CHANNELS)


def deliver_webhooks() -> int:
    """The sweep of the webhooks."""
    return deliver_outbox(channels=(WEBHOOK,))


def _new_lease_owner() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _due(now: datetime, channels: tuple[str, ...]):
    return (
        OutboxMessage.channel.in_(channels),
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.available_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )


def _claim_batch(owner: str, limit: int, channels: tuple[str, ...]) -> list[Claim]:
    """Lease up to ``limit`` due messages by compare-and-set, and commit the claims."""
    now = clock.now()
    lease_until = now + current_app.config["OUTBOX_LEASE"]
    due = _due(now, channels)
    candidates = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.id)
    candidates = candidates.limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = []
    for message_id in db.session.scalars(candidates).all():
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *due)
            .values(lease_owner=owner, lease_until=lease_until)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    claims = _load_claims(claimed)
    db.session.commit()
    return claims


def _renew(claim: Claim, owner: str) -> bool:
    """Renew this sweep's lease on the message for one more lease, from now, and commit; False
    if another sweep has taken it since this sweep's lease ran out."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == claim.id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.lease_owner == owner,
        )
        .values(lease_until=clock.now() + current_app.config["OUTBOX_LEASE"])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _load_claims(message_ids: list[int]) -> list[Claim]:
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
            OutboxMessage.endpoint_id,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.link,
            OutboxMessage.created_at,
            OutboxMessage.attempts,
        )
        .where(OutboxMessage.id.in_(message_ids))
        .order_by(OutboxMessage.id)
    ).all()
    return [Claim(*row) for row in rows]


def _deliver_one(claim: Claim, owner: str) -> bool | Exception:
    """Deliver one claimed message in its own transaction: True if delivered, False if
    another sweep holds it now, or the error its delivery failed with."""
    try:
        delivered = DELIVER[claim.channel](claim, owner)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        _record_failure(claim, owner, error)
        db.session.commit()
        return error
    return delivered


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


def _deliver_by_webhook(claim: Claim, owner: str) -> bool:
    """At least once, like e-mail: every attempt carries the same ``webhook-id``."""
    attempt = webhooks.send(claim)
    webhooks.record_success(claim, attempt)
    if not _mark_sent(claim.id, owner):
        logger.warning(
            "outbox message %d (%s) was sent after its lease passed to another sweep; "
            "it may arrive twice with the same webhook-id",
            claim.id,
            claim.kind,
        )
    return True


DELIVER = {"inbox": _deliver_to_inbox, "email": _deliver_by_email, WEBHOOK: _deliver_by_webhook}


def _email_body(claim: Claim) -> str:
    if not claim.link or claim.link in claim.body:
        return claim.body
    link = public_url(claim.link) if claim.link.startswith("/") else claim.link
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


def _release(claim: Claim, owner: str) -> None:
    """Give the claim back untried: due again at once, for a later sweep."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(claim: Claim, owner: str, error: Exception) -> None:
    """Count the attempt, release the lease, and retry later — or give up after the last."""
    now = clock.now()
    attempts = claim.attempts + 1
    retry_at = _retry_at(claim, attempts, now, error)
    give_up = retry_at is None
    values = {
        "attempts": attempts,
        "last_error": f"{type(error).__name__}: {error}"[:1000],
        "available_at": retry_at or now,
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
    if claim.channel == WEBHOOK:
        webhooks.record_failure(claim, error)  # the attempt's log, the endpoint's health
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


def _retry_at(claim: Claim, attempts: int, now: datetime, error: Exception) -> datetime | None:
    """When to try again; None to give up."""
    if claim.channel == WEBHOOK:
        if getattr(error, "final", False):
            return None
        return webhooks.next_attempt_at(claim.created_at, attempts, now)
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        return None
    return now + retry_delay(attempts)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base · 2^(attempts − 1), capped."""
    config = current_app.config
    base = config["OUTBOX_RETRY_BASE"]
    cap = config["OUTBOX_RETRY_MAX"]
    return min(base * 2 ** min(max(attempts - 1, 0), 20), cap)
