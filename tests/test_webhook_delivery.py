"""Delivering webhooks to a real HTTP receiver: signed so the reference verifier accepts
them, retried with backoff and jitter when the receiver fails (the clock moved for the
backoff), given up after three days, and the endpoint disabled — its admins told — when it
fails throughout or answers 410 Gone. Every attempt is logged."""

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.auth.models import Role
from app.core import clock
from app.core.extensions import db
from app.notifications.delivery import deliver_outbox
from app.notifications.outbox import OutboxMessage
from app.notifications.webhooks import endpoints
from app.notifications.webhooks.events import queue_event
from app.notifications.webhooks.models import WebhookAttempt, WebhookEndpoint
from app.notifications.webhooks.sending import next_attempt_at
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_user
from tests.helpers.servers import free_port
from tests.helpers.webhooks import endpoint_for, receiver, verify

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def message_of(event_id: str, endpoint) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.idempotency_key == f"msg_{event_id.removeprefix('evt_')}_{endpoint.id}"
        )
    )


def attempts_of(endpoint) -> list[WebhookAttempt]:
    return db.session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.endpoint_id == endpoint.id)
        .order_by(WebhookAttempt.id)
    ).all()


def test_a_case_opened_reaches_the_receiver_signed_so_the_reference_verifier_accepts_it(app):
    with receiver(default=(204, b"")) as hook:
        endpoint, secret = endpoint_for(hook.url)
        case = make_case("filed")  # opened through the service, on the real clock
        assert deliver_outbox() >= 1

    [delivery] = hook.deliveries
    payload = verify(delivery, secret)
    assert payload["type"] == "case.opened" and payload["data"]["case"]["id"] == case.id
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
    assert delivery.webhook_id == message.idempotency_key
    assert delivery.webhook_id == f"msg_{payload['id'].removeprefix('evt_')}_{endpoint.id}"
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["user-agent"].startswith("Tribunal-Webhooks/")
    assert delivery.body.decode() == message.body  # the bytes signed are the bytes stored
    assert message.sent_at is not None and message.attempts == 0
    [attempt] = attempts_of(endpoint)
    assert (attempt.succeeded, attempt.status_code, attempt.error) == (True, 204, None)
    assert attempt.latency_ms >= 0
    assert db.session.get(WebhookEndpoint, endpoint.id).last_success_at == attempt.attempted_at


def test_a_receiver_that_fails_first_gets_the_same_message_again_after_the_backoff(app):
    clock.freeze(START)
    with receiver() as hook:
        hook.answers = [(500, b"<h1>Internal error</h1>"), (200, b"thanks")]
        endpoint, secret = endpoint_for(hook.url)
        event_id = queue_event("case.opened", {"case": {"id": 1}})

        assert deliver_outbox() == 0
        message = message_of(event_id, endpoint)
        assert message.attempts == 1 and message.sent_at is None and message.failed_at is None
        base = app.config["WEBHOOK_RETRY_BASE"]
        assert START + base * 0.8 <= message.available_at <= START + base * 1.2
        assert db.session.get(WebhookEndpoint, endpoint.id).failing_since == START

        clock.freeze(message.available_at - timedelta(seconds=1))
        assert deliver_outbox() == 0  # not due yet: no request
        assert len(hook.deliveries) == 1

        clock.freeze(message.available_at)
        assert deliver_outbox() == 1
        assert deliver_outbox() == 0

    first, second = hook.deliveries
    assert first.webhook_id == second.webhook_id == message.idempotency_key
    assert first.body == second.body
    assert int(second.headers["webhook-timestamp"]) > int(first.headers["webhook-timestamp"])
    assert verify(second, secret)["id"] == event_id
    failed, succeeded = attempts_of(endpoint)
    assert (failed.status_code, failed.error, failed.succeeded) == (500, "HTTP 500", False)
    assert failed.response_excerpt == "<h1>Internal error</h1>"
    assert (succeeded.status_code, succeeded.response_excerpt) == (200, "thanks")
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.failing_since is None and endpoint.is_active
    assert message_of(event_id, endpoint).sent_at == clock.now()


def test_the_backoff_doubles_with_jitter_up_to_its_cap_and_ends_with_the_window(app):
    base, cap = app.config["WEBHOOK_RETRY_BASE"], app.config["WEBHOOK_RETRY_MAX"]
    window = app.config["WEBHOOK_RETRY_WINDOW"]
    for attempts in range(1, 15):
        delay = min(base * 2 ** (attempts - 1), cap)
        waits = {next_attempt_at(START, attempts, START) - START for _ in range(40)}
        assert all(delay * 0.8 <= wait <= delay * 1.2 for wait in waits), attempts
        assert len(waits) > 1  # jittered, not all alike
    assert max(next_attempt_at(START, 30, START) - START for _ in range(40)) <= cap * 1.2
    near_the_end = START + window - timedelta(minutes=5)
    assert next_attempt_at(START, 12, near_the_end) == START + window  # one last attempt
    assert next_attempt_at(START, 13, START + window) is None  # then it is given up


def fail_until_given_up(event_id, endpoint) -> int:
    """Deliver at each retry time until the message is given up; returns the attempts."""
    while True:
        deliver_outbox()
        message = message_of(event_id, endpoint)
        if message.failed_at is not None:
            return message.attempts
        clock.freeze(message.available_at)


def test_an_endpoint_failing_for_three_days_is_disabled_and_every_admin_is_told(app):
    clock.freeze(START)
    english = make_user(name="Ada Admin", roles=(Role.ADMIN,))
    chinese = make_user(name="王敏", roles=(Role.ADMIN,))
    chinese.locale = "zh_Hans"
    locked = make_user(roles=(Role.ADMIN,))
    locked.disabled_at = START
    mediator = make_user(roles=(Role.MEDIATOR,))
    with receiver(default=(503, b"down for maintenance")) as hook:
        endpoint, _secret = endpoint_for(hook.url)
        event_id = queue_event("case.opened", {"case": {"id": 1}})
        attempts = fail_until_given_up(event_id, endpoint)

    window = app.config["WEBHOOK_RETRY_WINDOW"]
    assert 15 <= attempts <= 25  # backoff: about 20 attempts in three days, not hundreds
    assert len(hook.deliveries) == attempts
    assert len({d.webhook_id for d in hook.deliveries}) == 1
    logged = attempts_of(endpoint)
    assert len(logged) == attempts and not any(a.succeeded for a in logged)
    assert logged[-1].attempted_at == START + window  # the last attempt, at three days
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.disabled_reason == endpoints.FAILING
    assert endpoint.disabled_at == START + window

    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.idempotency_key.like("webhook-endpoint-%"))
    ).all()
    assert {(m.recipient_id, m.channel) for m in told} == {
        (admin.id, channel) for admin in (english, chinese) for channel in ("inbox", "email")
    }
    assert mediator.id not in {m.recipient_id for m in told} and locked.id not in {
        m.recipient_id for m in told
    }
    by_admin = {m.recipient_id: m for m in told if m.channel == "email"}
    assert by_admin[english.id].subject == "A webhook endpoint was disabled"
    assert hook.url in by_admin[english.id].body
    assert "since Mar 2, 2026, 8:00\u202fAM UTC." in by_admin[english.id].body
    assert by_admin[chinese.id].subject == "一个 Webhook 端点已被停用"
    assert by_admin[english.id].link == f"/admin/webhooks/{endpoint.id}"

    # from now on nothing is queued for it, and nothing is sent
    assert queue_event("case.opened", {"case": {"id": 2}}) is None


def test_a_success_in_between_restarts_the_count_towards_disabling(app):
    clock.freeze(START)
    with receiver(default=(500, b"no")) as hook:
        endpoint, _secret = endpoint_for(hook.url)
        first = queue_event("case.opened", {"case": {"id": 1}})
        deliver_outbox()
        clock.advance(timedelta(hours=48))
        hook.answers = [(200, b"ok")]
        second = queue_event("case.opened", {"case": {"id": 2}})
        deliver_outbox()  # the first, due again, goes through; the second fails
        assert message_of(first, endpoint).sent_at == START + timedelta(hours=48)
        disabled_at = None
        while message_of(second, endpoint).failed_at is None:
            clock.freeze(message_of(second, endpoint).available_at)
            deliver_outbox()
            if disabled_at is None and not db.session.get(WebhookEndpoint, endpoint.id).is_active:
                disabled_at = clock.now()

    # failing since its last success, not since the first failure three days before
    window = app.config["WEBHOOK_DISABLE_AFTER"]
    assert disabled_at == START + timedelta(hours=48) + window
    assert db.session.get(WebhookEndpoint, endpoint.id).disabled_reason == endpoints.FAILING


def test_410_gone_disables_the_endpoint_at_once(app):
    clock.freeze(START)
    admin = make_user(roles=(Role.ADMIN,))
    with receiver(default=(410, b"gone")) as hook:
        endpoint, _secret = endpoint_for(hook.url)
        first = queue_event("case.opened", {"case": {"id": 1}})
        second = queue_event("case.opened", {"case": {"id": 2}})
        assert deliver_outbox() == 0

    assert len(hook.deliveries) == 1  # the second was never tried
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.disabled_reason == endpoints.GONE
    assert message_of(first, endpoint).failed_at == START
    clock.advance(timedelta(minutes=1))
    deliver_outbox()
    assert message_of(second, endpoint).failed_at is not None
    assert message_of(second, endpoint).last_error.endswith("endpoint disabled")
    told = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.recipient_id == admin.id, OutboxMessage.channel == "email"
        )
    ).one()
    assert "410 Gone" in told.body


def test_a_disabled_endpoint_is_sent_nothing_and_its_waiting_messages_are_given_up(app):
    with receiver() as hook:
        endpoint, _secret = endpoint_for(hook.url)
        event_id = queue_event("case.opened", {"case": {"id": 1}})
        endpoints.disable_endpoint(endpoint, None)
        assert deliver_outbox() == 0
    assert hook.deliveries == []
    message = message_of(event_id, endpoint)
    assert message.failed_at is not None and "endpoint disabled" in message.last_error
    assert attempts_of(endpoint) == []


def test_a_redirect_is_not_followed_and_counts_as_a_failure(app):
    with receiver() as hook:
        hook.answers = [(302, b"", {"location": hook.url + "/elsewhere"})]
        endpoint, _secret = endpoint_for(hook.url)
        queue_event("case.opened", {"case": {"id": 1}})
        assert deliver_outbox() == 0
    assert len(hook.deliveries) == 1
    [attempt] = attempts_of(endpoint)
    assert (attempt.status_code, attempt.succeeded, attempt.error) == (302, False, "HTTP 302")


def test_the_response_excerpt_is_short_and_plain_text(app):
    answer = ("\x1b[31mERROR\x00\r\n\t" + "x" * 3000).encode() + b"\xff\xfe"
    with receiver(default=(500, answer)) as hook:
        endpoint, _secret = endpoint_for(hook.url)
        queue_event("case.opened", {"case": {"id": 1}})
        deliver_outbox()
    [attempt] = attempts_of(endpoint)
    assert len(attempt.response_excerpt) == 500
    assert attempt.response_excerpt.startswith("[31mERROR x")
    assert all(c.isprintable() for c in attempt.response_excerpt)


def test_no_answer_in_time_and_no_server_at_all_are_failed_attempts(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 1)
    with receiver() as hook:
        hook.on_request = lambda _delivery: time.sleep(2)
        slow, _ = endpoint_for(hook.url)
        closed, _ = endpoint_for(f"http://127.0.0.1:{free_port()}/hook")
        queue_event("case.opened", {"case": {"id": 1}})
        assert deliver_outbox() == 0
    [timed_out] = attempts_of(slow)
    assert timed_out.status_code is None and timed_out.error.startswith("ReadTimeout")
    assert 900 <= timed_out.latency_ms < 2000
    [refused] = attempts_of(closed)
    assert refused.status_code is None and refused.error.startswith("ConnectError")


def test_a_failing_endpoint_is_tried_once_a_sweep_and_holds_up_no_other(app):
    with receiver(default=(500, b"no")) as failing, receiver() as working:
        bad, _ = endpoint_for(failing.url)
        good, _ = endpoint_for(working.url)
        events = [queue_event("case.opened", {"case": {"id": n}}) for n in range(3)]

        assert deliver_outbox() == 3
        assert len(failing.deliveries) == 1 and len(working.deliveries) == 3
        waiting = [message_of(event_id, bad) for event_id in events]
        assert sorted(m.attempts for m in waiting) == [0, 0, 1]
        assert all(m.lease_owner is None and m.sent_at is None for m in waiting)

        deliver_outbox()  # the next sweep tries the next one
        assert len(failing.deliveries) == 2


def test_after_secret_key_changes_the_log_says_so_until_the_secret_is_rotated(app, monkeypatch):
    with receiver() as hook:
        endpoint, _secret = endpoint_for(hook.url)
        event_id = queue_event("case.opened", {"case": {"id": 1}})
        monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key")
        assert deliver_outbox() == 0
        assert hook.deliveries == []
        message = message_of(event_id, endpoint)
        assert message.attempts == 1 and message.failed_at is None  # retried
        assert "sealed under another SECRET_KEY; rotate it" in message.last_error

        secret = endpoints.rotate_secret(endpoint, None)  # the unreadable one is dropped
        assert endpoints.signing_secrets(endpoint, clock.now()) == [secret]
        clock.freeze(message.available_at)
        assert deliver_outbox() == 1
    assert verify(hook.deliveries[0], secret)["id"] == event_id


def test_the_messages_of_a_disabled_endpoint_are_all_given_up_in_one_sweep(app):
    endpoint, _secret = endpoint_for("http://127.0.0.1:9/hook")
    events = [queue_event("case.opened", {"case": {"id": n}}) for n in range(5)]
    endpoints.disable_endpoint(endpoint, None)
    deliver_outbox()
    assert all(message_of(event_id, endpoint).failed_at is not None for event_id in events)
