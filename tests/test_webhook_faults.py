"""Webhooks under faults in one process: a crash between sending and marking sends the same
``webhook-id`` again after the lease; two sweeps at once deliver each message exactly once;
no database transaction is held while an endpoint takes its time to answer.

(The real scheduler processes — SIGKILL mid-sweep, two at once — are in
``test_scheduler_faults.py``.)"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.extensions import db
from app.notifications import delivery
from app.notifications.delivery import deliver_outbox, deliver_webhooks
from app.notifications.outbox import OutboxMessage, queue_message
from app.notifications.webhooks.events import queue_event
from app.notifications.webhooks.models import WebhookAttempt
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.crashes import deliver_and_die_before_marking_sent
from tests.helpers.factories import make_user
from tests.helpers.webhooks import endpoint_for, receiver, verify

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_crash_after_sending_sends_the_same_webhook_id_again_after_the_lease(app, monkeypatch):
    clock.freeze(START)
    with receiver() as hook:
        _endpoint, secret = endpoint_for(hook.url)
        queue_event("case.opened", {"case": {"id": 1}})
        deliver_and_die_before_marking_sent(monkeypatch)
        assert deliver_outbox() == 0  # the dead sweep's lease still holds
        clock.advance(app.config["OUTBOX_LEASE"] + timedelta(seconds=1))
        assert deliver_outbox() == 1
        assert deliver_outbox() == 0

    first, again = hook.deliveries
    assert first.webhook_id == again.webhook_id and first.body == again.body
    assert verify(again, secret)["type"] == "case.opened"
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
    assert message.sent_at == clock.now()


@pytest.mark.committing
def test_two_sweeps_at_once_deliver_each_webhook_exactly_once(app):
    with receiver() as one, receiver() as two:
        endpoint_for(one.url)
        endpoint_for(two.url, "case.*")
        events = [queue_event("case.opened", {"case": {"id": n}}) for n in range(40)]
        db.session.commit()
        db.session.remove()  # hold no SQLite transaction while the sweeps run

        def sweep(_n: int) -> None:
            while delivery.deliver_outbox(batch_size=7, channels=("webhook",)):
                pass

        assert errors_in(run_at_once(app, sweep, 2)) == []

    for hook in (one, two):
        sent = Counter(d.webhook_id for d in hook.deliveries)
        assert len(sent) == len(events) and set(sent.values()) == {1}
        assert {d.payload["id"] for d in hook.deliveries} == set(events)
    unsent = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    )
    assert unsent == 0
    assert db.session.scalar(select(func.count(WebhookAttempt.id))) == 2 * len(events)


@pytest.mark.committing
def test_no_transaction_is_held_while_the_endpoint_answers(app):
    """On SQLite a transaction held during the request would keep every writer waiting;
    the receiver writes to the database while the delivery waits for its answer."""
    written = []
    with receiver() as hook:

        def write_meanwhile(_delivery) -> None:
            with app.app_context():
                try:
                    queue_message(make_user(), "meanwhile", "S", "B", channels=("inbox",))
                    db.session.commit()
                    written.append("committed")
                except Exception as error:  # reported to the test
                    written.append(repr(error))
                finally:
                    db.session.remove()

        hook.on_request = write_meanwhile
        endpoint_for(hook.url)
        queue_event("case.opened", {"case": {"id": 1}})
        db.session.commit()
        db.session.remove()
        assert deliver_webhooks() == 1

    assert written == ["committed"]
