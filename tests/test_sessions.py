"""Logins end when the account says so: the exact cookies a login left (the session cookie
and the remember-me cookie), replayed from another browser, open nothing once that login has
ended, and the database holds nothing that makes a working cookie.

Ending by a password reset and by an admin's lock: ``test_password_reset``,
``test_admin_lock``.
"""

from datetime import timedelta

from flask_login.utils import encode_cookie
from sqlalchemy import select

from app.auth.models import LoginSession
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers.accounts import cookies_of, is_logged_in, log_in, opens_the_inbox
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import csrf_token_from, page


def two_devices(app, user):
    """``user`` logged in and kept logged in on two browsers; their cookies as copied."""
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, user)
    log_in(laptop, user)
    return phone, laptop


def test_the_cookies_of_a_login_open_the_site_from_anywhere_while_it_lasts(app, client):
    """The control for every test below: the replayed cookies do work until the login ends."""
    user = make_user()
    log_in(client, user)
    cookies = cookies_of(client)
    assert set(cookies) == {"session", "remember_token"}
    assert opens_the_inbox(app, cookies)
    assert opens_the_inbox(app, {"session": cookies["session"]})
    assert opens_the_inbox(app, {"remember_token": cookies["remember_token"]})


def test_logging_out_ends_every_login_of_the_account_whatever_cookies_are_kept(app):
    user = make_user()
    phone, laptop = two_devices(app, user)
    stolen = [cookies_of(phone), cookies_of(laptop)]

    phone.post("/logout")

    assert not is_logged_in(phone)
    assert not is_logged_in(laptop)
    for cookies in stolen:
        assert not opens_the_inbox(app, cookies)
        assert not opens_the_inbox(app, {"session": cookies["session"]})
        assert not opens_the_inbox(app, {"remember_token": cookies["remember_token"]})


def test_logging_out_leaves_other_accounts_logged_in(app):
    someone, someone_else = make_user(), make_user()
    phone, _laptop = two_devices(app, someone)
    other_phone, _other_laptop = two_devices(app, someone_else)

    phone.post("/logout")

    assert is_logged_in(other_phone)


def test_log_out_everywhere_ends_every_device_s_login(app, client, csrf_enabled):
    user = make_user()
    phone, laptop = two_devices(app, user)
    copies = [cookies_of(phone), cookies_of(laptop)]
    account = page(phone, "/account")
    assert "You are logged in on 2 devices." in account

    assert phone.post("/account/logout-everywhere").status_code == 400  # no CSRF token
    assert is_logged_in(laptop)
    response = phone.post(
        "/account/logout-everywhere", data={"csrf_token": csrf_token_from(account)}
    )

    assert response.status_code == 302
    assert not is_logged_in(phone) and not is_logged_in(laptop)
    for cookies in copies:
        assert not opens_the_inbox(app, cookies)
        assert not opens_the_inbox(app, {"remember_token": cookies["remember_token"]})
    assert db.session.scalar(
        select(AuditEvent.action).where(
            AuditEvent.subject_id == str(user.id), AuditEvent.action.like("%everywhere")
        )
    )


def test_a_password_change_ends_every_other_login_and_keeps_this_one(app):
    user = make_user()
    phone, laptop = two_devices(app, user)
    phone_before, laptop_before = cookies_of(phone), cookies_of(laptop)
    data = {
        "current_password": PASSWORD,
        "password": "a new passphrase",
        "confirm": "a new passphrase",
    }

    assert phone.post("/account/password", data=data).status_code == 302

    assert is_logged_in(phone)  # the device that changed it goes on, with a new login
    assert cookies_of(phone)["session"] != phone_before["session"]
    assert not is_logged_in(laptop)
    for cookies in (phone_before, laptop_before):
        assert not opens_the_inbox(app, cookies)
        assert not opens_the_inbox(app, {"session": cookies["session"]})
        assert not opens_the_inbox(app, {"remember_token": cookies["remember_token"]})


def test_a_remembered_login_ends_on_the_server_when_its_cookie_would(app, client):
    user = make_user()
    clock.freeze(clock.now())
    log_in(client, user)
    remember = {"remember_token": cookies_of(client)["remember_token"]}
    clock.advance(app.config["REMEMBER_COOKIE_DURATION"] - timedelta(minutes=1))
    assert opens_the_inbox(app, remember)
    clock.advance(timedelta(minutes=2))
    assert not opens_the_inbox(app, remember)  # a kept copy of the cookie is worth nothing


def test_a_login_not_kept_ends_after_the_session_lifetime(app, client):
    user = make_user()
    clock.freeze(clock.now())
    log_in(client, user, remember=False)
    assert "remember_token" not in cookies_of(client)
    clock.advance(app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(minutes=1))
    assert is_logged_in(client)
    clock.advance(timedelta(minutes=2))
    assert not is_logged_in(client)


def test_logins_that_ran_out_are_cleared_when_the_account_next_logs_in(app, client):
    user = make_user()
    clock.freeze(clock.now())
    log_in(client, user, remember=False)
    clock.advance(app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1))
    log_in(app.test_client(), user, remember=False)
    logins = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id))
    assert [login.expires_at > clock.now() for login in logins] == [True]


def test_the_database_holds_no_cookie_and_nothing_that_makes_one(app, client):
    """With a copy of the login rows, and even the secret key, no cookie can be made."""
    user = make_user()
    log_in(client, user)
    login = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).one()
    with client.session_transaction() as session:
        key = session["_user_id"]
    login_id, secret = key.split(":")
    assert int(login_id) == login.id and secret not in login.secret_hash
    assert len(login.secret_hash) == 64  # a SHA-256, not the secret

    forged = encode_cookie(f"{login.id}:{login.secret_hash}")  # signed with the real key
    assert not opens_the_inbox(app, {"remember_token": forged})
    assert opens_the_inbox(app, {"remember_token": encode_cookie(key)})  # the control


def test_an_old_style_or_guessed_login_key_opens_nothing(app, client):
    """A session that names the account alone (as before logins were kept), or a login with
    a wrong secret, is anonymous."""
    user = make_user()
    log_in(app.test_client(), user)
    login = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).one()
    for key in (str(user.id), f"{login.id}:wrong-secret", f"{login.id}:", "x:y", "99999999999:z"):
        with client.session_transaction() as session:
            session["_user_id"] = key
        assert not is_logged_in(client), key
