"""Registration, login, logout, password changes and what the login page protects."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from argon2 import PasswordHasher
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import CONCURRENT_HASHES, hash_password, verify_password
from app.auth.services import authenticate, find_user_by_email
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.notifications.outbox import OutboxMessage
from tests.helpers.accounts import mail_link
from tests.helpers.factories import PASSWORD, make_order, make_user
from tests.helpers.pages import login, signed_in


def register(client, email="new@example.com", password="a long passphrase", confirm=None):
    return client.post(
        "/register",
        data={
            "email": email,
            "display_name": "New Person",
            "password": password,
            "confirm": confirm if confirm is not None else password,
        },
    )


def test_registration_creates_an_account_that_opens_through_the_emailed_link(client):
    response = register(client, email="New@Example.com")
    assert response.status_code == 200
    assert "We sent a message to New@Example.com" in response.get_data(as_text=True)
    user = find_user_by_email("new@example.com")
    assert user is not None and user.email == "new@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert user.email_verified_at is None
    assert client.get("/account").status_code == 302  # not logged in yet
    # nor can the password open it before the address is proven
    refused = client.post("/login", data={"email": user.email, "password": "a long passphrase"})
    assert "Wrong e-mail address or password." in refused.get_data(as_text=True)

    assert client.get(mail_link(user, "/verify/")).status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None
    assert client.get("/account").status_code == 200  # the link logged in
    assert login(client.application.test_client(), user, "a long passphrase").status_code == 302


def test_a_verification_link_logs_in_only_the_first_time(client):
    register(client)
    user = find_user_by_email("new@example.com")
    path = mail_link(user, "/verify/")
    assert client.get(path).status_code == 302
    stranger = client.application.test_client()
    response = stranger.get(path)
    assert response.headers["Location"] == "/login"  # confirmed already: log in instead
    assert stranger.get("/account").status_code == 302
    assert "not valid" in client.get("/verify/forged", follow_redirects=True).get_data(True)


def test_registration_refuses_a_short_password_and_differing_ones(client):
    page = register(client, email="fresh@example.com", password="short").get_data(as_text=True)
    assert "at least 10 characters" in page
    page = register(client, email="fresh@example.com", confirm="different!!").get_data(True)
    assert "The passwords differ." in page
    assert find_user_by_email("fresh@example.com") is None


def test_imported_account_is_claimed_through_the_emailed_link_only(client):
    imported = make_user(email="buyer@example.com", password=None, verified=False)
    response = register(client, email="buyer@example.com", password="attacker password")
    assert response.status_code == 200
    db.session.refresh(imported)
    assert imported.password_hash is None  # registering did not set a password
    assert authenticate("buyer@example.com", "attacker password") is None
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == imported.id))
    path = mail.body[mail.body.index("/claim/") :].split()[0]
    data = {
        "display_name": "Real Buyer",
        "password": "my own password",
        "confirm": "my own password",
    }
    assert client.post(path, data=data).status_code == 302
    db.session.refresh(imported)
    assert authenticate("buyer@example.com", "my own password") == imported
    assert imported.email_verified_at is not None
    page = client.post(path, data=data).get_data(as_text=True)
    assert "already has a password" in page


def test_login_with_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 200
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "nobody@example.com", "password": "x" * 12})
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert client.get("/account/password").status_code == 302  # still anonymous


def test_a_locked_account_cannot_log_in_and_says_so_only_to_its_password(client):
    from app.core import clock

    user = make_user()
    user.disabled_at = clock.now()
    db.session.flush()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "This account is locked." in response.get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    page = response.get_data(as_text=True)
    assert "Wrong e-mail address or password." in page and "locked" not in page
    assert client.get("/account").status_code == 302


def test_login_redirects_only_to_local_next_urls(client):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD, "next": "https://evil.example/"}
    assert client.post("/login", data=data).headers["Location"] == "/"
    client.post("/logout")
    data["next"] = "/review/"
    assert client.post("/login", data=data).headers["Location"] == "/review/"


def test_login_is_rate_limited(app, client):
    user = make_user()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_logout_requires_post_and_ends_the_session(client):
    user = make_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/account/password").status_code == 302


def test_change_password(client):
    user = make_user()
    login(client, user)
    data = {
        "current_password": "not it at all",
        "password": "new passphrase",
        "confirm": "new passphrase",
    }
    assert "not correct" in client.post("/account/password", data=data).get_data(as_text=True)
    data["current_password"] = PASSWORD
    assert client.post("/account/password", data=data).status_code == 302
    assert authenticate(user.email, "new passphrase") == user
    assert authenticate(user.email, PASSWORD) is None
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == str(user.id))
    ).all()
    assert "user.password_changed" in actions


def test_remember_me_lasts_at_most_fourteen_days_and_cookies_are_protected(app, client):
    duration = app.config["REMEMBER_COOKIE_DURATION"]
    assert duration.days <= 14
    user = make_user()
    before = datetime.now(UTC).replace(microsecond=0)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    after = datetime.now(UTC)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "HttpOnly" in remember_cookie
    # Flask-Login gives the remember cookie an expiry date, the login's time plus the duration
    assert "Max-Age" not in remember_cookie
    expires = re.search(r"Expires=([^;]+)", remember_cookie).group(1)
    assert before + duration <= parsedate_to_datetime(expires) <= after + duration


def test_passwords_are_hashed_with_argon2id_at_least_at_the_owasp_floor(app):
    user = make_user()
    params = dict(part.split("=") for part in user.password_hash.split("$")[3].split(","))
    assert user.password_hash.startswith("$argon2id$")
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and int(params["p"]) >= 1


def test_no_more_than_two_password_hashes_run_at_once(app, monkeypatch):
    """Each argon2id hash takes 64 MiB while it runs: a burst of logins must queue."""
    running, most = 0, 0
    guard = threading.Lock()

    def slow_hash(self, password, **_kwargs):
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with guard:
            running -= 1
        return "$argon2id$stub"

    monkeypatch.setattr(PasswordHasher, "hash", slow_hash)
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: slow_hash(self, p) != "")

    def attempt(n: int) -> bool:
        with app.app_context():
            return bool(hash_password("a long passphrase")) and verify_password("x", "y")

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(attempt, range(12)))

    assert all(results)
    assert most == CONCURRENT_HASHES == 2


def test_user_count_unchanged_by_refused_registration(client):
    before = db.session.query(User).count()
    register(client, password="short")
    assert db.session.query(User).count() == before


def test_an_unproven_address_can_be_reclaimed_by_its_real_owner(client):
    """Someone registers a victim's address without confirming it; the victim registers
    too, proves the address through the link, and the squatter's password stops working."""
    register(client, email="victim@example.com", password="squatter password")
    squatter = find_user_by_email("victim@example.com")
    response = register(client, email="victim@example.com", password="whatever long")
    assert response.status_code == 200
    mail = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.recipient_id == squatter.id, OutboxMessage.body.contains("/claim/")
        )
    ).one()
    path = mail.body[mail.body.index("/claim/") :].split()[0]
    data = {"display_name": "Victim", "password": "victim password", "confirm": "victim password"}
    assert client.post(path, data=data).status_code == 302
    assert authenticate("victim@example.com", "squatter password") is None
    assert authenticate("victim@example.com", "victim password") is not None


def test_orders_stay_hidden_until_the_address_is_confirmed(client):
    unverified = make_user(verified=False)
    order = make_order(buyer=unverified)
    signed_in(client, unverified)  # a login from before the address had to be proven
    page = client.get("/orders").get_data(as_text=True)
    assert order.marketplace_order_id not in page and "confirm the address" in page
    assert client.get(f"/orders/{order.id}").status_code == 404
