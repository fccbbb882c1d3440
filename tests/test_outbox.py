"""Queueing is idempotent; delivery is exactly once to the inbox and at least once by mail
(with a stable Message-ID), survives crashes and failing backends, and is safe to run twice
at once."""

import logging
import smtplib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.core import clock
from app.core.extensions import db
from app.notifications import delivery, mail
from app.notifications.delivery import deliver_outbox, retry_delay
from app.notifications.models import InboxItem
from app.notifications.outbox import (
    OutboxMessage,
    message_id_for,
    queue_message,
    queued_together,
)
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.counts import statements_issued, table_count
from tests.helpers.crashes import deliver_and_die_before_marking_sent
from tests.helpers.factories import make_user

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def sent_mail(app):
    """What the memory backend has sent during this test."""
    sent = app.extensions.setdefault("mail_outbox", [])
    sent.clear()
    yield sent
    sent.clear()


def _message(key: str) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


def test_queue_message_queues_each_channel_once(app):
    user = make_user()
    first = queue_message(user, "case-filed:1", "Subject", "Body")
    assert sorted(first) == ["case-filed:1:email", "case-filed:1:inbox"]
    assert queue_message(user, "case-filed:1", "Subject", "Body") == []
    assert table_count(OutboxMessage) == 2

    only_mail = queue_message(user, "case-filed:2", "S", "B", channels=("email",))
    both = queue_message(user, "case-filed:2", "S", "B")
    assert only_mail == ["case-filed:2:email"]
    assert both == ["case-filed:2:inbox"]
    assert table_count(OutboxMessage) == 4


def test_messages_queued_together_are_written_in_one_statement_at_the_end(app):
    user, other = make_user(), make_user()
    queue_message(user, "earlier:1", "S", "B")
    with statements_issued() as issued, queued_together():
        queue_message(user, "together:1", "S", "B")
        queue_message(other, "together:2", "S", "B")
        queue_message(user, "earlier:1", "S", "B")  # already queued: left out
        assert table_count(OutboxMessage) == 2
    assert len([sql for sql in issued if sql.startswith("INSERT INTO outbox_messages")]) == 1
    assert table_count(OutboxMessage) == 6


def test_an_error_inside_queued_together_writes_nothing(app):
    user = make_user()
    with pytest.raises(RuntimeError), queued_together():
        queue_message(user, "lost:1", "S", "B")
        raise RuntimeError("the change failed")
    assert table_count(OutboxMessage) == 0


def test_queue_message_sees_a_message_still_pending_in_the_session(app):
    user = make_user()
    with db.session.no_autoflush:
        db.session.add(
            OutboxMessage(
                idempotency_key="pending:1:email",
                channel="email",
                recipient_id=user.id,
                recipient_address=user.email,
                recipient_name=user.display_name,
                subject="S",
                body="B",
            )
        )
        assert queue_message(user, "pending:1", "S", "B", channels=("email",)) == []
    db.session.flush()
    assert table_count(OutboxMessage) == 1


def test_queue_message_refuses_an_unknown_channel(app):
    with pytest.raises(ValueError, match="unknown channel"):
        queue_message(make_user(), "k", "S", "B", channels=("sms",))


def test_delivery_reaches_inbox_and_mail_once_however_often_it_runs(app, sent_mail):
    clock.freeze(START)
    user = make_user(email="buyer@example.com", name="Li Wei")
    queue_message(user, "case-decided:7", "Case decided", "The mediator decided.", link="/c/7")

    assert deliver_outbox() == 2
    assert deliver_outbox() == 0
    assert deliver_outbox() == 0

    assert len(sent_mail) == 1
    email = sent_mail[0]
    assert email["To"] == "Li Wei <buyer@example.com>"
    assert email["From"] == app.config["MAIL_FROM"]
    assert email["Subject"] == "Case decided"
    assert email["Message-ID"] == message_id_for("case-decided:7:email")
    assert "The mediator decided." in email.get_content()

    item = db.session.scalar(select(InboxItem))
    assert table_count(InboxItem) == 1
    assert (item.user_id, item.subject, item.link) == (user.id, "Case decided", "/c/7")
    for channel in ("inbox", "email"):
        message = _message(f"case-decided:7:{channel}")
        assert message.sent_at == START
        assert message.lease_owner is None and message.lease_until is None


def test_message_id_is_stable_and_distinct_per_key():
    assert message_id_for("a:email") == message_id_for("a:email")
    assert message_id_for("a:email") != message_id_for("b:email")
    assert message_id_for("a:email").endswith("@tribunal>")


def test_crash_between_sending_and_marking_resends_the_same_mail_after_the_lease(
    app, sent_mail, monkeypatch
):
    clock.freeze(START)
    queue_message(make_user(), "crash:1", "Subject", "Body", channels=("email",))
    deliver_and_die_before_marking_sent(monkeypatch)
    assert len(sent_mail) == 1

    assert deliver_outbox() == 0  # the dead sweep's lease still holds
    assert len(sent_mail) == 1

    clock.advance(app.config["OUTBOX_LEASE"] + timedelta(seconds=1))
    assert deliver_outbox() == 1
    assert deliver_outbox() == 0
    assert [m["Message-ID"] for m in sent_mail] == [message_id_for("crash:1:email")] * 2
    assert _message("crash:1:email").sent_at is not None


def _slow_mail(app, monkeypatch, sent_mail, took: float, after_each=None):
    """Every mail takes ``took`` of a lease to send; ``after_each(sent_so_far)`` runs after."""
    send, lease = mail.send_email, app.config["OUTBOX_LEASE"]

    def slow_send(message):
        send(message)
        clock.advance(lease * took)
        if after_each:
            after_each(len(sent_mail))

    monkeypatch.setattr(mail, "send_email", slow_send)


def test_a_batch_that_outlasts_its_lease_renews_each_message_s_lease(app, sent_mail, monkeypatch):
    clock.freeze(START)
    user = make_user()
    for n in range(3):
        queue_message(user, f"long:{n}", "Subject", "Body", channels=("email",))
    db.session.commit()
    leases = []

    def lease_left(_sent):
        message = _message(f"long:{len(leases)}:email")
        leases.append(message.lease_until)

    _slow_mail(app, monkeypatch, sent_mail, 0.6, lease_left)
    assert deliver_outbox() == 3  # the third starts 1.2 leases after the batch was claimed
    assert sorted(m["Message-ID"] for m in sent_mail) == sorted(
        message_id_for(f"long:{n}:email") for n in range(3)
    )
    lease = app.config["OUTBOX_LEASE"]
    # each was sent on a lease renewed when its delivery began
    assert [until - START for until in leases] == [lease * (1 + 0.6 * n) for n in range(3)]


def test_a_message_another_sweep_took_once_the_lease_ran_out_is_not_sent(
    app, sent_mail, monkeypatch
):
    clock.freeze(START)
    user = make_user()
    for n in range(3):
        queue_message(user, f"taken:{n}", "Subject", "Body", channels=("email",))
    db.session.commit()
    lease = app.config["OUTBOX_LEASE"]

    def another_sweep_takes_the_last(sent):
        if sent == 1:  # the batch's lease has run out: a second sweep claims the last one
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.idempotency_key == "taken:2:email")
                .values(lease_owner="another sweep", lease_until=clock.now() + lease)
            )
            db.session.commit()

    _slow_mail(app, monkeypatch, sent_mail, 1.2, another_sweep_takes_the_last)
    assert deliver_outbox() == 2
    assert message_id_for("taken:2:email") not in [m["Message-ID"] for m in sent_mail]
    assert _message("taken:2:email").lease_owner == "another sweep"


def test_crash_before_marking_an_inbox_delivery_never_makes_two_items(app, monkeypatch):
    clock.freeze(START)
    user = make_user()
    queue_message(user, "crash:2", "Subject", "Body", channels=("inbox",))
    deliver_and_die_before_marking_sent(monkeypatch)
    assert table_count(InboxItem) == 0  # the item went down with its transaction

    assert deliver_outbox() == 0
    clock.advance(app.config["OUTBOX_LEASE"] + timedelta(seconds=1))
    assert deliver_outbox() == 1
    assert deliver_outbox() == 0
    assert table_count(InboxItem) == 1


def test_an_inbox_message_already_delivered_is_marked_sent_without_a_second_item(app):
    user = make_user()
    (key,) = queue_message(user, "dup:1", "Subject", "Body", channels=("inbox",))
    message = _message(key)
    db.session.add(
        InboxItem(outbox_message_id=message.id, user_id=user.id, subject="Subject", body="Body")
    )
    db.session.flush()

    assert deliver_outbox() == 1
    assert table_count(InboxItem) == 1
    assert _message("dup:1:inbox").sent_at is not None


def test_failing_mail_backs_off_then_gives_up_and_logs_no_personal_data(
    app, sent_mail, monkeypatch, caplog
):
    address = "alice.private@example.com"
    secret = "Her refund of 199 yuan"

    def refuse(_message):
        raise smtplib.SMTPRecipientsRefused({address: (550, f"<{address}> unknown".encode())})

    monkeypatch.setitem(mail.BACKENDS, "memory", refuse)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    caplog.set_level(logging.INFO, logger="app.notifications.delivery")
    clock.freeze(START)
    user = make_user(email=address, name="Alice Private")
    queue_message(user, "refund-due:9", secret, secret)

    assert deliver_outbox() == 1  # the inbox copy is not held up by the mail
    message = _message("refund-due:9:email")
    assert message.attempts == 1
    assert "SMTPRecipientsRefused" in message.last_error
    assert message.available_at == START + timedelta(seconds=30)
    assert message.lease_owner is None and message.failed_at is None

    assert deliver_outbox() == 0  # not due yet
    assert _message("refund-due:9:email").attempts == 1

    clock.advance(timedelta(seconds=30))
    deliver_outbox()
    message = _message("refund-due:9:email")
    assert message.attempts == 2
    assert message.available_at == clock.now() + timedelta(seconds=60)

    clock.advance(timedelta(seconds=60))
    deliver_outbox()
    message = _message("refund-due:9:email")
    assert message.attempts == 3
    assert message.failed_at == clock.now()
    assert message.sent_at is None

    clock.advance(timedelta(days=1))
    deliver_outbox()
    assert _message("refund-due:9:email").attempts == 3  # given up: never tried again

    given_up = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(given_up) == 1
    assert str(message.id) in given_up[0].getMessage()
    assert "refund-due" in given_up[0].getMessage()
    delivery_log = [r for r in caplog.records if r.name == delivery.logger.name]
    # each failed attempt is logged: two retries, then the give-up
    assert [r.levelno for r in delivery_log] == [logging.INFO, logging.INFO, logging.WARNING]
    said = [r.getMessage() for r in delivery_log]
    assert "failed attempt 1 " in said[0] and "failed attempt 2 " in said[1], said
    assert "failed 3 times and is given up" in said[2], said
    for personal in (address, "Alice", secret):
        assert personal not in caplog.text


def test_retry_delay_doubles_from_thirty_seconds_up_to_an_hour(app):
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(8) == timedelta(hours=1)
    assert retry_delay(1000) == timedelta(hours=1)


def test_smtp_backend_uses_starttls_login_and_the_stable_message_id(app, monkeypatch):
    sessions = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.calls = [("connect", host, port)]
            sessions.append(self)

        def __enter__(self):
            return self

        def __exit__(self, *_exc):
            self.calls.append(("quit",))

        def starttls(self, context):
            self.calls.append(("starttls",))

        def login(self, username, password):
            self.calls.append(("login", username, password))

        def send_message(self, message):
            self.calls.append(("send", message))

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    for name, value in {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "smtp.example.net",
        "SMTP_PORT": 2525,
        "SMTP_USERNAME": "mailer",
        "SMTP_PASSWORD": "s3cret",
        "SMTP_STARTTLS": True,
        "PUBLIC_BASE_URL": "https://tribunal.example",
    }.items():
        monkeypatch.setitem(app.config, name, value)
    queue_message(make_user(), "smtp:1", "Hello", "Body", channels=("email",), link="/inbox")

    assert deliver_outbox() == 1
    (session,) = sessions
    assert [call[0] for call in session.calls] == ["connect", "starttls", "login", "send", "quit"]
    assert session.calls[0] == ("connect", "smtp.example.net", 2525)
    assert session.calls[2] == ("login", "mailer", "s3cret")
    sent = session.calls[3][1]
    assert sent["Message-ID"] == message_id_for("smtp:1:email")
    assert "https://tribunal.example/inbox" in sent.get_content()


def test_console_backend_prints_the_mail_and_logs_nothing_personal(
    app, monkeypatch, capsys, caplog
):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    caplog.set_level(logging.DEBUG)
    queue_message(
        make_user(email="carol@example.com"), "console:1", "Hi", "Body", channels=("email",)
    )

    assert deliver_outbox() == 1
    printed = capsys.readouterr().out
    assert "carol@example.com" in printed and "Subject: Hi" in printed
    assert "carol@example.com" not in caplog.text


def test_unknown_backend_counts_as_a_failed_attempt(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
    queue_message(make_user(), "pigeon:1", "S", "B", channels=("email",))
    assert deliver_outbox() == 0
    message = _message("pigeon:1:email")
    assert message.attempts == 1 and "MAIL_BACKEND" in message.last_error


@pytest.mark.committing
def test_two_sweeps_at_once_deliver_each_message_exactly_once(app, sent_mail):
    user = make_user()
    keys = [f"race:{n}" for n in range(50)]
    for key in keys:
        queue_message(user, key, f"Subject {key}", "Body")
    db.session.commit()
    db.session.remove()  # hold no SQLite transaction while the sweeps run

    def sweep(_n: int) -> None:
        while deliver_outbox(batch_size=7):
            pass

    assert errors_in(run_at_once(app, sweep, 2)) == []
    sends = Counter(message["Message-ID"] for message in sent_mail)
    assert sends == Counter({message_id_for(f"{key}:email"): 1 for key in keys})
    items = db.session.scalars(select(InboxItem.outbox_message_id)).all()
    assert len(items) == len(set(items)) == 50
    unsent = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    )
    assert unsent == 0
