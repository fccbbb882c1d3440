"""Queueing an event for the marketplace, in the transaction of the change that causes it.

Features call ``queue_event`` where the change happens (a case moved, a decision recorded,
an obligation missed); it writes one outbox row per active endpoint that wants the event,
so the event leaves if and only if the change commits. The row's idempotency key is the
``webhook-id`` every attempt carries: ``msg_<event>_<endpoint>``.
"""

import base64
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import insert, select

from app.core import clock
from app.core.extensions import db
from app.notifications.outbox import WEBHOOK, OutboxMessage
from app.notifications.webhooks.catalogue import API_VERSION, EVENT_TYPES
from app.notifications.webhooks.endpoints import wants
from app.notifications.webhooks.models import WebhookEndpoint


def queue_event(event_type: str, data: dict | Callable[[], dict]) -> str | None:
    """Queue the event for every active endpoint that wants it, in the caller's transaction;
    returns the event's id, or None when no endpoint wants it.

    ``data`` is the event's ``data``, or a function that builds it, called only when some
    endpoint wants the event: an event nobody wants costs one small query."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}; see the catalogue")
    wanted = [id_ for id_, patterns in _active_endpoints() if wants(patterns, event_type)]
    if not wanted:
        return None
    if callable(data):
        data = data()
    token = _token()
    now = clock.now()
    body = json.dumps(
        {
            "id": f"evt_{token}",
            "type": event_type,
            "api_version": API_VERSION,
            "created_at": timestamp(now),
            "data": data,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    rows = [
        {
            "idempotency_key": f"msg_{token}_{endpoint_id}",
            "channel": WEBHOOK,
            "endpoint_id": endpoint_id,
            "subject": event_type,
            "body": body,
            "created_at": now,
            "available_at": now,
            "attempts": 0,
        }
        for endpoint_id in wanted
    ]
    db.session.execute(insert(OutboxMessage), rows)
    return f"evt_{token}"


# set inside ``endpoints_read_once``: the active endpoints, once read
_read_once: ContextVar[dict | None] = ContextVar("webhook_endpoints_read_once", default=None)


@contextmanager
def endpoints_read_once() -> Iterator[None]:
    """Inside the block the active endpoints are read once, not once per event: for a
    sweep's batch, one transaction that queues several events for each of many cases. An
    endpoint changed meanwhile is seen by the next batch, as by a batch begun a moment later."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def _active_endpoints() -> list[tuple[int, list[str]]]:
    """Each active endpoint's id and the event patterns it wants."""
    kept = _read_once.get()
    if kept is not None and "endpoints" in kept:
        return kept["endpoints"]
    rows = db.session.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.event_patterns)
        .where(WebhookEndpoint.disabled_at.is_(None))
        .order_by(WebhookEndpoint.id)
    ).all()
    endpoints = [(endpoint_id, patterns.split(",")) for endpoint_id, patterns in rows]
    if kept is not None:
        kept["endpoints"] = endpoints
    return endpoints


def _token() -> str:
    """128 random bits in lower-case base32: 26 characters, safe in a header and a URL."""
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()


def timestamp(moment: datetime | None) -> str | None:
    """A time as payloads write it: UTC, milliseconds, with a Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
