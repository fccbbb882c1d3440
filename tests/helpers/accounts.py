"""Accounts as an attacker meets them: the cookies a login leaves, replayed from another
browser; the links mailed to an address; codes from an authenticator app."""

from datetime import timedelta

import pyotp
from sqlalchemy import select

from app.auth import two_factor
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.notifications.outbox import OutboxMessage
from tests.helpers.factories import PASSWORD
from tests.helpers.pages import csrf_token_from

LOGIN_COOKIES = ("session", "remember_token")


def log_in(client, user, password: str = PASSWORD, *, remember: bool = True):
    """Log in through the form, kept logged in unless ``remember`` is False."""
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    if client.application.config["WTF_CSRF_ENABLED"]:
        data["csrf_token"] = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def cookies_of(client) -> dict[str, str]:
    """The login cookies the client holds now, exactly as a thief would copy them."""
    found = {name: client.get_cookie(name) for name in LOGIN_COOKIES}
    return {name: cookie.value for name, cookie in found.items() if cookie is not None}


def opens_the_inbox(app, cookies: dict[str, str]) -> bool:
    """Whether these cookies, replayed from a browser of their own, open a signed-in page."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser.get("/inbox").status_code == 200


def is_logged_in(client) -> bool:
    return client.get("/inbox").status_code == 200


def mail_link(user, path: str) -> str:
    """The link to ``path`` in the last e-mail queued for ``user``."""
    mail = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_id == user.id, OutboxMessage.body.contains(path))
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert mail is not None and mail.channel == "email", f"no mail with {path}"
    return mail.body[mail.body.index(path) :].split()[0]


def mails_to(user) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient_id == user.id)
            .order_by(OutboxMessage.id)
        )
    )


def app_code(user, steps_from_now: int = 0) -> str:
    """The code the person's authenticator app shows (``steps_from_now`` × 30 s away)."""
    totp = pyotp.TOTP(user.two_factor.secret)
    return totp.generate_otp(totp.timecode(clock.now()) + steps_from_now)


def with_two_factor(user) -> list[str]:
    """Turn two-factor login on for a staff member, as the setup pages do; the recovery
    codes. The clock moves a step on, so the code used to confirm is not the next one."""
    two_factor.start_two_factor(user)
    codes = two_factor.confirm_two_factor(user, app_code(user))
    clock.advance(timedelta(seconds=pyotp.TOTP(user.two_factor.secret).interval))
    db.session.flush()
    return codes


def actions_on(user) -> list[str]:
    """The audit trail of an account, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "users", AuditEvent.subject_id == str(user.id))
            .order_by(AuditEvent.id)
        )
    )
