"""Forgot your password? A link by e-mail sets a new one: once, for ``PASSWORD_RESET_TTL``,
never after the password changed by another path, and every login of the account ends."""

from datetime import timedelta

from sqlalchemy import select

from app.auth.reset import send_password_resets
from app.auth.services import authenticate, change_password
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.notifications.outbox import OutboxMessage
from tests.helpers.accounts import (
    cookies_of,
    is_logged_in,
    log_in,
    mail_link,
    mails_to,
    opens_the_inbox,
)
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import csrf_token_from, field_error, page

NEW = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}


def ask_for_a_link(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def reset_link(client, user) -> str:
    assert ask_for_a_link(client, user.email).status_code == 200
    assert send_password_resets() == 1
    return mail_link(user, "/password/reset/")


def test_the_login_page_links_to_the_reset(client):
    html = page(client, "/login")
    assert 'href="/password/forgot"' in html and "Forgot your password?" in html


def test_the_link_sets_a_new_password_and_ends_every_login(app, client, csrf_enabled):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, user)
    log_in(laptop, user)
    copies = [cookies_of(phone), cookies_of(laptop)]
    form = page(client, "/password/forgot")
    response = client.post(
        "/password/forgot", data={"email": user.email, "csrf_token": csrf_token_from(form)}
    )
    assert "we sent it a link to set a new password" in response.get_data(as_text=True)
    assert mails_to(user) == []  # written by the sweep, out of the asker's sight
    send_password_resets()
    link = mail_link(user, "/password/reset/")

    form = page(client, link)
    response = client.post(link, data=NEW | {"csrf_token": csrf_token_from(form)})

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert authenticate(user.email, NEW["password"]) == user
    assert authenticate(user.email, PASSWORD) is None
    assert not is_logged_in(phone) and not is_logged_in(laptop)
    for cookies in copies:
        assert not opens_the_inbox(app, cookies)
        assert not opens_the_inbox(app, {"remember_token": cookies["remember_token"]})
    assert not is_logged_in(client)  # the reset itself logs nobody in
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == str(user.id))
    ).all()
    assert "user.password_reset" in actions


def test_the_link_works_once(client):
    user = make_user()
    link = reset_link(client, user)
    assert client.post(link, data=NEW).status_code == 302
    again = client.post(link, data={"password": "yet another one", "confirm": "yet another one"})
    assert "This link has been used" in again.get_data(as_text=True)
    assert authenticate(user.email, NEW["password"]) == user


def test_the_link_ends_when_the_password_changes_another_way(client):
    user = make_user()
    link = reset_link(client, user)
    change_password(user, PASSWORD, "changed while the mail waited")
    db.session.flush()
    assert "This link has been used" in page(client, link)
    assert "This link has been used" in client.post(link, data=NEW).get_data(as_text=True)
    assert authenticate(user.email, "changed while the mail waited") == user


def test_the_link_expires(app, client):
    user = make_user()
    clock.freeze(clock.now())
    link = reset_link(client, user)
    clock.advance(app.config["PASSWORD_RESET_TTL"] - timedelta(minutes=1))
    assert "Set a new password" in page(client, link) and 'name="password"' in page(client, link)
    clock.advance(timedelta(minutes=2))
    assert "This link has expired" in client.post(link, data=NEW).get_data(as_text=True)
    assert authenticate(user.email, PASSWORD) == user


def test_a_forged_or_tampered_link_is_refused(client):
    user = make_user()
    link = reset_link(client, user)
    assert "This link is not valid." in page(client, link[:-3] + "abc")
    assert "This link is not valid." in page(client, "/password/reset/forged")
    assert authenticate(user.email, PASSWORD) == user


def test_the_new_password_must_be_long_enough(client):
    user = make_user()
    link = reset_link(client, user)
    response = client.post(link, data={"password": "short", "confirm": "short"})
    assert "at least 10 characters" in field_error(response.get_data(as_text=True), "password")
    assert authenticate(user.email, PASSWORD) == user


def test_an_imported_account_without_a_password_gets_the_claim_link(client):
    imported = make_user(password=None, verified=False)
    assert ask_for_a_link(client, imported.email.upper()).status_code == 200
    send_password_resets()
    [mail] = mails_to(imported)
    assert "/claim/" in mail.body and "/password/reset/" not in mail.body


def test_an_unknown_address_gets_no_mail_and_the_same_page(client):
    user = make_user()
    known = ask_for_a_link(client, user.email).get_data(as_text=True)
    unknown = ask_for_a_link(client, "nobody@example.com").get_data(as_text=True)
    assert unknown.replace("nobody@example.com", user.email) == known
    assert send_password_resets() == 1  # the known address's
    assert not mails_to_address("nobody@example.com")
    assert send_password_resets() == 0  # each request is answered once


def mails_to_address(address: str):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient_address == address)
    ).all()


def test_following_the_link_proves_the_address(client):
    """Someone registered the address and never confirmed it; the owner resets the password
    through the link, which proves the address, so the account opens to the new password."""
    squatted = make_user(verified=False)
    link = reset_link(client, squatted)
    assert client.post(link, data=NEW).status_code == 302
    db.session.refresh(squatted)
    assert squatted.email_verified_at is not None
    assert authenticate(squatted.email, NEW["password"]) == squatted


def test_the_link_is_on_the_site_s_own_address_whatever_host_the_request_named(app, client):
    """A reset asked for with a forged Host header still mails a link to this site, so the
    token cannot be carried to someone else's."""
    user = make_user()
    client.post(
        "/password/forgot", data={"email": user.email}, headers={"Host": "attacker.example"}
    )
    send_password_resets()
    [mail] = mails_to(user)
    assert f"{app.config['PUBLIC_BASE_URL']}/password/reset/" in mail.body
    assert "attacker.example" not in mail.body


def test_the_mail_speaks_the_account_s_language(client):
    user = make_user()
    user.locale = "zh_Hans"
    reset_link(client, user)
    [mail] = mails_to(user)
    assert mail.subject == "设置新的 Tribunal 密码"


def test_another_link_can_be_asked_for_once_one_was_used(client):
    user = make_user()
    first = reset_link(client, user)
    client.post(first, data=NEW)
    second = reset_link(client, user)
    assert second != first
    assert (
        client.post(
            second, data={"password": "third passphrase", "confirm": "third passphrase"}
        ).status_code
        == 302
    )
