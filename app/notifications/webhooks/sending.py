"""Sending one webhook message, for the delivery sweep (``app.notifications.delivery``).

``send`` reads the endpoint, ends that read's transaction (SQLite would hold its write lock
for the length of the request), and POSTs the message signed with the endpoint's secrets:
a 2xx answer within ``WEBHOOK_TIMEOUT_SECONDS`` is a success; anything else — another
status, a redirect (never followed), a timeout, a refused address — is a failure. Every
attempt is logged (``WebhookAttempt``) with the status or error, the latency and the first
500 characters of the answer, cleaned.

A failed message is retried with exponential backoff and jitter until
``WEBHOOK_RETRY_WINDOW`` after its event (``next_attempt_at``). An endpoint whose every
attempt has failed for ``WEBHOOK_DISABLE_AFTER`` is disabled, and one that answers
410 Gone at once; either way its admins are told (``endpoints.endpoint_disabled``).
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
from flask import current_app
from sqlalchemy import select, update

from app.core import clock
from app.core.extensions import db
from app.notifications.webhooks import endpoints
from app.notifications.webhooks.addresses import UnsafeAddress, connection_for
from app.notifications.webhooks.models import WebhookAttempt, WebhookEndpoint
from app.notifications.webhooks.sealing import SecretUnreadable
from app.notifications.webhooks.signing import headers

USER_AGENT = "Tribunal-Webhooks/1"
EXCERPT_CHARS = 500
READ_BYTES = 4096  # enough for the excerpt; the rest of an answer is not read
GONE = 410


@dataclass(frozen=True)
class Target:
    """An endpoint as one delivery needs it, read before the request."""

    url: str
    secrets: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    status_code: int | None
    error: str | None
    latency_ms: int
    response_excerpt: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class DeliveryFailed(Exception):
    """The message was not delivered. ``attempt`` is the HTTP attempt, if one was made;
    ``final`` means retrying cannot help (the endpoint is disabled or gone)."""

    def __init__(self, reason: str, attempt: Attempt | None = None, *, final: bool = False):
        super().__init__(reason)
        self.attempt = attempt
        self.final = final


def send(claim) -> Attempt:
    """POST the claimed message; the attempt if it succeeded, else ``DeliveryFailed``."""
    try:
        target = _target(claim.endpoint_id)
    except SecretUnreadable as error:
        raise DeliveryFailed(str(error)) from error
    finally:
        db.session.commit()  # hold no transaction while the endpoint answers
    if not target.active:
        raise DeliveryFailed("endpoint disabled", final=True)
    attempt = _post(target, claim.idempotency_key, claim.body)
    if not attempt.succeeded:
        raise DeliveryFailed(attempt.error, attempt, final=attempt.status_code == GONE)
    return attempt


def endpoint_did_not_answer(outcome) -> bool:
    """Whether a delivery's outcome was a request the endpoint failed (not a message given
    up without one): its other messages in the sweep wait for the next, so a dead endpoint
    costs a sweep one timeout."""
    return isinstance(outcome, DeliveryFailed) and outcome.attempt is not None


def _target(endpoint_id: int) -> Target:
    endpoint = db.session.scalar(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .execution_options(populate_existing=True)
    )
    secrets = endpoints.signing_secrets(endpoint, clock.now()) if endpoint.is_active else []
    return Target(endpoint.url, tuple(secrets), endpoint.is_active)


def _post(target: Target, message_id: str, body: str) -> Attempt:
    attempted_at = clock.now()
    signed = headers(target.secrets, message_id, int(attempted_at.timestamp()), body)
    started = time.monotonic()
    status, error, excerpt = None, None, None
    try:
        connection = connection_for(target.url)
        with (
            httpx.Client(
                timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"],
                follow_redirects=False,
                trust_env=False,
            ) as client,
            client.stream(
                "POST",
                connection.url,
                content=body.encode(),
                headers={
                    **signed,
                    "content-type": "application/json",
                    "user-agent": USER_AGENT,
                    "accept-encoding": "identity",  # the excerpt is read as sent
                    **connection.headers,
                },
                extensions=connection.extensions,
            ) as response,
        ):
            status = response.status_code
            excerpt = _excerpt(_first_bytes(response, started + client.timeout.read))
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except UnsafeAddress as refusal:
        error = str(refusal)[:200]
    except httpx.HTTPError as failure:
        error = _described(failure)
    latency_ms = round((time.monotonic() - started) * 1000)
    return Attempt(attempted_at, status, error, latency_ms, excerpt)


def _first_bytes(response: httpx.Response, deadline: float) -> bytes:
    """The answer's first bytes, read for no longer than the timeout in all (the timeout
    bounds each read; an endpoint trickling its answer is not waited for)."""
    read = b""
    for chunk in response.iter_raw():
        read += chunk
        if len(read) >= READ_BYTES or time.monotonic() > deadline:
            break
    return read[:READ_BYTES]


def _excerpt(raw: bytes) -> str | None:
    """The answer's beginning as plain text: decoded leniently, control characters and
    runs of white space made single spaces, at most ``EXCERPT_CHARS`` characters."""
    text = raw.decode("utf-8", errors="replace")
    text = "".join(c if c.isprintable() else " " for c in text)
    text = " ".join(text.split())
    return text[:EXCERPT_CHARS] or None


def _described(failure: httpx.HTTPError) -> str:
    detail = " ".join(str(failure).split())
    return f"{type(failure).__name__}: {detail}"[:200] if detail else type(failure).__name__


# After the attempt, in the transaction that records it


def record_success(claim, attempt: Attempt) -> None:
    _log(claim, attempt)
    db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == claim.endpoint_id)
        .values(last_success_at=attempt.attempted_at, failing_since=None)
        .execution_options(synchronize_session=False)
    )


def record_failure(claim, error: Exception) -> None:
    """Log the attempt, if one was made, and judge the endpoint: gone, or failing for long
    enough, it is disabled."""
    attempt = getattr(error, "attempt", None)
    if attempt is None:
        return
    _log(claim, attempt)
    endpoint = db.session.get(WebhookEndpoint, claim.endpoint_id, populate_existing=True)
    if attempt.status_code == GONE:
        endpoints.disable_endpoint(endpoint, None, endpoints.GONE)
        return
    if endpoint.failing_since is None:
        # failing since the event it could not take, unless it took one later
        since = max(
            filter(None, (claim.created_at, endpoint.last_success_at, endpoint.active_since))
        )
        db.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint.id, WebhookEndpoint.failing_since.is_(None))
            .values(failing_since=since)
            .execution_options(synchronize_session=False)
        )
    cutoff = clock.now() - current_app.config["WEBHOOK_DISABLE_AFTER"]
    endpoints.disable_endpoint(
        endpoint, None, endpoints.FAILING, only_if=[WebhookEndpoint.failing_since <= cutoff]
    )


def _log(claim, attempt: Attempt) -> None:
    db.session.add(
        WebhookAttempt(
            outbox_message_id=claim.id,
            endpoint_id=claim.endpoint_id,
            attempted_at=attempt.attempted_at,
            succeeded=attempt.succeeded,
            status_code=attempt.status_code,
            error=attempt.error,
            latency_ms=attempt.latency_ms,
            response_excerpt=attempt.response_excerpt,
        )
    )


def next_attempt_at(created_at: datetime, attempts: int, now: datetime) -> datetime | None:
    """When to try a failed message again: base · 2^(attempts − 1), capped, times a random
    factor between 0.8 and 1.2 (so endpoints that failed together are not retried
    together), but no later than the end of the retry window, which gets one last attempt.
    None once the window is over: the message is given up."""
    config = current_app.config
    last = created_at + config["WEBHOOK_RETRY_WINDOW"]
    if now >= last:
        return None
    delay = min(
        config["WEBHOOK_RETRY_BASE"] * 2 ** min(max(attempts - 1, 0), 20),
        config["WEBHOOK_RETRY_MAX"],
    )
    return min(now + delay * random.uniform(0.8, 1.2), last)
