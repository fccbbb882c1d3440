"""Each person chooses per kind which e-mails they get; the inbox keeps everything, and the
e-mails that protect the account always go. A choice applies when a message is queued: an
e-mail already waiting in the outbox still goes out."""

import pytest
from sqlalchemy import select

from app.auth.emails import send_password_reset
from app.auth.models import Role
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.notifications.models import CHOOSABLE_KINDS, MailKind, MailPreference
from app.notifications.outbox import OutboxMessage, mail_choices_read_once, queue_message
from app.notifications.services import choose_mail, mail_choices
from tests.helpers.counts import statements_issued
from tests.helpers.factories import make_user
from tests.helpers.pages import csrf_token_from, page, signed_in

BOXES = ("case_updates", "reminders", "reviewer_seats", "staff_work")


def channels_of(user, key: str) -> set[str]:
    return set(
        db.session.scalars(
            select(OutboxMessage.channel).where(
                OutboxMessage.recipient_id == user.id,
                OutboxMessage.idempotency_key.startswith(key),
            )
        )
    )


def ticked(html: str, box: str) -> bool:
    tag = html.split(f'id="{box}"')[0].rsplit("<input", 1)[1] + html.split(f'id="{box}"')[1]
    return "checked" in tag.split(">", 1)[0]


# The page


def test_every_kind_is_e_mailed_until_turned_off(client):
    staff = make_user(roles=(Role.MEDIATOR,))
    html = page(signed_in(client, staff), "/account/e-mails")
    assert [box for box in BOXES if ticked(html, box)] == list(BOXES)
    assert set(mail_choices(staff).values()) == {True}
    assert [kind.value for kind in CHOOSABLE_KINDS] == list(BOXES)


def test_staff_work_is_offered_to_staff_only(client):
    html = page(signed_in(client, make_user()), "/account/e-mails")
    assert 'id="staff_work"' not in html
    assert [box for box in BOXES if box != "staff_work" and ticked(html, box)] == list(BOXES[:3])


def test_the_page_is_linked_from_the_account_and_the_inbox(client):
    signed_in(client, make_user())
    assert 'href="/account/e-mails"' in page(client, "/account")
    assert 'href="/account/e-mails"' in page(client, "/inbox")


@pytest.mark.usefixtures("csrf_enabled")
def test_unticking_a_kind_through_the_form_saves_it_and_audits_it(client):
    user = make_user()
    signed_in(client, user)
    token = csrf_token_from(page(client, "/account/e-mails"))
    kept = {box: "y" for box in ("case_updates", "reviewer_seats")}

    response = client.post("/account/e-mails", data={"csrf_token": token, **kept})

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/e-mails"
    assert mail_choices(user)[MailKind.REMINDERS] is False
    assert mail_choices(user)[MailKind.CASE_UPDATES] is True
    assert mail_choices(user)[MailKind.STAFF_WORK] is True  # not offered, not changed
    html = page(client, "/account/e-mails")
    assert not ticked(html, "reminders") and ticked(html, "case_updates")
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.mail_choices_changed")
    ).all()
    assert (event.before, event.after) == ({"reminders": True}, {"reminders": False})


@pytest.mark.usefixtures("csrf_enabled")
def test_the_form_without_its_token_changes_nothing(client):
    user = make_user()
    signed_in(client, user)
    response = client.post("/account/e-mails", data={})
    assert response.status_code == 400
    assert db.session.scalars(select(MailPreference)).all() == []


def test_saving_the_same_choices_again_writes_no_event(client):
    user = make_user()
    choose_mail(user, {MailKind.STAFF_WORK: False})
    choose_mail(user, {MailKind.STAFF_WORK: False})
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.mail_choices_changed")
    ).all()
    assert len(events) == 1


def test_the_page_speaks_chinese(client):
    signed_in(client, make_user())
    client.post("/language", data={"locale": "zh_Hans"})
    html = page(client, "/account/e-mails")
    assert "您接收的邮件" in html and "期限前的提醒" in html


# What is queued


def test_a_kind_turned_off_reaches_the_inbox_but_not_the_mailbox():
    user = make_user()
    choose_mail(user, {MailKind.REMINDERS: False})

    queue_message(user, "reminder-1", "Soon", "Due soon.", kind=MailKind.REMINDERS)
    queue_message(user, "update-1", "News", "Something happened.")  # case updates

    assert channels_of(user, "reminder-1") == {"inbox"}
    assert channels_of(user, "update-1") == {"inbox", "email"}


def test_one_person_s_choice_does_not_touch_another_s_mail():
    quiet, other = make_user(), make_user()
    choose_mail(quiet, {MailKind.CASE_UPDATES: False})
    queue_message(quiet, "news-quiet", "News", "Body.")
    queue_message(other, "news-other", "News", "Body.")
    assert channels_of(quiet, "news-quiet") == {"inbox"}
    assert channels_of(other, "news-other") == {"inbox", "email"}


def test_choices_read_once_for_a_batch_hold_inside_it():
    quiet, other, outsider = make_user(), make_user(), make_user()
    choose_mail(quiet, {MailKind.CASE_UPDATES: False})
    choose_mail(outsider, {MailKind.CASE_UPDATES: False})
    with mail_choices_read_once([quiet.id, other.id]):
        with statements_issued() as inside:
            queue_message(quiet, "batch-quiet", "News", "Body.")
            queue_message(other, "batch-other", "News", "Body.")
        with statements_issued() as for_outsider:
            queue_message(outsider, "batch-outsider", "News", "Body.")
    assert not [sql for sql in inside if "mail_preferences" in sql]
    assert [sql for sql in for_outsider if "mail_preferences" in sql]  # read as usual
    assert channels_of(quiet, "batch-quiet") == {"inbox"}
    assert channels_of(other, "batch-other") == {"inbox", "email"}
    assert channels_of(outsider, "batch-outsider") == {"inbox"}


def test_the_e_mails_that_protect_the_account_always_go():
    user = make_user()
    choose_mail(user, dict.fromkeys(CHOOSABLE_KINDS, False))
    send_password_reset(user)
    assert channels_of(user, "reset-password") == {"email"}


def test_a_choice_applies_to_what_is_queued_after_it():
    user = make_user()
    queue_message(user, "before", "Soon", "Due soon.", kind=MailKind.REMINDERS)
    choose_mail(user, {MailKind.REMINDERS: False})
    queue_message(user, "after", "Soon", "Due soon.", kind=MailKind.REMINDERS)
    assert channels_of(user, "before") == {"inbox", "email"}  # still delivered
    assert channels_of(user, "after") == {"inbox"}
