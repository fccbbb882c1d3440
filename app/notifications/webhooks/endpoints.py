"""Endpoints: registering one, rotating its secret, disabling and enabling it, sending one of
its messages again, and reading its delivery log.

Called alike by the admin page and ``flask webhooks``. Services take plain values, raise
``WebhookRefused`` (or ``UnsafeAddress``) with the field at fault, write their audit event,
and leave the commit to the caller.
"""

from collections import defaultdict
from datetime import datetime

from blinker import Namespace
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from app.core import clock
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.core.text import checked_text
from app.notifications.outbox import OutboxMessage
from app.notifications.webhooks.addresses import check_url
from app.notifications.webhooks.catalogue import EVENT_TYPES
from app.notifications.webhooks.models import WebhookAttempt, WebhookEndpoint
from app.notifications.webhooks.sealing import SecretUnreadable, seal, unseal
from app.notifications.webhooks.signing import new_secret

# Why an endpoint was disabled
BY_ADMIN = "admin"
FAILING = "failing"  # every attempt failed for WEBHOOK_DISABLE_AFTER
GONE = "gone"  # it answered 410 Gone

_signals = Namespace()
# sent with the endpoint when a delivery disabled it (failing throughout, or 410 Gone), in
# the delivery's transaction; the admin feature tells the admins
endpoint_disabled = _signals.signal("webhook-endpoint-disabled")

DESCRIPTION_MAX_CHARS = 200


class WebhookRefused(Refused):
    """What was asked of an endpoint cannot be done; the message says why."""


class MessageNotFound(LookupError):
    """No such message for this endpoint."""


# Which events an endpoint wants


def check_patterns(text: str) -> str:
    """The patterns, normalised ("case.*,panel.verdict"), if each names a known event type
    ("case.decided"), a group of them ("case.*") or every one ("*")."""
    patterns = list(dict.fromkeys(p.strip() for p in (text or "").replace(" ", ",").split(",")))
    patterns = [p for p in patterns if p]
    if not patterns:
        raise WebhookRefused(_l("Name the events to send, or * for every event."), "events")
    for pattern in patterns:
        if not any(wants([pattern], event_type) for event_type in EVENT_TYPES):
            raise WebhookRefused(_l("No event matches “%(pattern)s”.", pattern=pattern), "events")
    return ",".join(patterns)


def wants(patterns: list[str], event_type: str) -> bool:
    for pattern in patterns:
        if pattern == "*" or pattern == event_type:
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


# Registering and the secrets


def add_endpoint(
    url: str, events: str, actor, description: str | None = None
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret, which is never shown again."""
    url = check_url(url)
    patterns = check_patterns(events)
    description = _checked_description(description)
    secret = new_secret()
    now = clock.now()
    endpoint = WebhookEndpoint(
        url=url,
        event_patterns=patterns,
        description=description,
        secret_sealed=seal(secret),
        created_at=now,
        created_by_id=actor.id if actor is not None else None,
        active_since=now,
    )
    db.session.add(endpoint)
    db.session.flush()
    record_event(actor, "webhook_endpoint.added", endpoint, after={"url": url, "events": patterns})
    return endpoint, secret


def _checked_description(description: str | None) -> str | None:
    text = checked_text(
        description,
        "description",
        maximum=DESCRIPTION_MAX_CHARS,
        one_line=True,
        refusal=WebhookRefused,
    )
    return text or None


def rotate_secret(endpoint: WebhookEndpoint, actor) -> str:
    """A new signing secret, returned once. The old one keeps signing beside it for
    ``WEBHOOK_ROTATION_OVERLAP``, so the marketplace can switch without losing a delivery;
    a secret older than that stops at once. A secret that cannot be unsealed (``SECRET_KEY``
    changed) is dropped at once: it could not sign anyway."""
    secret = new_secret()
    previous = endpoint.secret_sealed
    until = clock.now() + current_app.config["WEBHOOK_ROTATION_OVERLAP"]
    try:
        unseal(previous)
    except SecretUnreadable:
        previous, until = None, None
    db.session.flush()
    result = db.session.execute(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint.id,
            WebhookEndpoint.secret_sealed == endpoint.secret_sealed,
        )
        .values(
            secret_sealed=seal(secret),
            previous_secret_sealed=previous,
            previous_secret_until=until,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(endpoint)
    if result.rowcount != 1:
        raise WebhookRefused(_l("The secret was rotated a moment ago; reload the page."))
    record_event(
        actor,
        "webhook_endpoint.secret_rotated",
        endpoint,
        after={"previous_secret_until": until.isoformat() if until else None},
    )
    return secret


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    secrets = [unseal(endpoint.secret_sealed)]
    if endpoint.previous_secret_until is not None and now < endpoint.previous_secret_until:
        secrets.append(unseal(endpoint.previous_secret_sealed))
    return secrets


# Disabling and enabling


def disable_endpoint(endpoint: WebhookEndpoint, actor, reason: str = BY_ADMIN, only_if=()) -> bool:
    """Stop sending to the endpoint; False if it was disabled already (or ``only_if`` no
    longer holds). Its messages not sent yet are given up when their turn comes; an admin
    can send any of them again once it is enabled. Disabled by a delivery (``FAILING`` or
    ``GONE``), its admins are told."""
    now = clock.now()
    db.session.flush()
    result = db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint.id, WebhookEndpoint.disabled_at.is_(None), *only_if)
        .values(disabled_at=now, disabled_reason=reason)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(endpoint)
    if result.rowcount != 1:
        return False
    record_event(actor, "webhook_endpoint.disabled", endpoint, after={"reason": reason})
    if reason != BY_ADMIN:
        endpoint_disabled.send(endpoint)
    return True


def enable_endpoint(endpoint: WebhookEndpoint, actor) -> bool:
    """Send to the endpoint again, from now on; False if it was enabled already."""
    db.session.flush()
    result = db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint.id, WebhookEndpoint.disabled_at.is_not(None))
        .values(
            disabled_at=None, disabled_reason=None, failing_since=None, active_since=clock.now()
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(endpoint)
    if result.rowcount != 1:
        return False
    record_event(actor, "webhook_endpoint.enabled", endpoint)
    return True


# Sending again, and the log


def send_again(endpoint: WebhookEndpoint, message_id: int, actor) -> None:
    """Queue one of the endpoint's messages again, due now: a new attempt with the same
    ``webhook-id``, so a receiver that had it already recognises it. Outside the message's
    three days of retries, a failure is not retried."""
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.endpoint_id == endpoint.id
        )
    )
    if message is None:
        raise MessageNotFound(message_id)
    if not endpoint.is_active:
        raise WebhookRefused(_l("Enable the endpoint before sending to it again."))
    now = clock.now()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .values(sent_at=None, failed_at=None, last_error=None, available_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(message)
    if result.rowcount != 1:
        raise WebhookRefused(_l("This message is being sent right now; wait a minute."))
    record_event(actor, "webhook_message.sent_again", message, after={"endpoint_id": endpoint.id})


def delivery_log(endpoint: WebhookEndpoint):
    """The endpoint's messages, newest first, as a statement to paginate."""
    return (
        select(OutboxMessage)
        .where(OutboxMessage.endpoint_id == endpoint.id)
        .order_by(OutboxMessage.id.desc())
    )


def attempts_of(messages: list[OutboxMessage]) -> dict[int, list[WebhookAttempt]]:
    """Each message's attempts, newest first, in one query."""
    found = defaultdict(list)
    rows = db.session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.outbox_message_id.in_([m.id for m in messages]))
        .order_by(WebhookAttempt.id.desc())
    )
    for attempt in rows:
        found[attempt.outbox_message_id].append(attempt)
    return found
