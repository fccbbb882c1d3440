"""E-mails about the account itself, sent through the outbox; they protect the account, so
they go out whatever kinds of e-mail the person turned off."""

import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from app.auth import tokens
from app.auth.models import User
from app.core import clock
from app.core.urls import public_url
from app.notifications.models import MailKind
from app.notifications.outbox import queue_message


def _key(kind: str, user: User) -> str:
    """One mail of a kind per address and hour; keys (which are logged) hold no address."""
    address = hashlib.sha256(user.email.encode()).hexdigest()[:12]
    return f"{kind}:{user.id}:{address}:{clock.now():%Y%m%d%H}"


def _absolute(endpoint: str, **values) -> str:
    """A link for an e-mail, built without the request (a sweep sends these too)."""
    return public_url(current_app.url_map.bind("localhost").build(endpoint, values))


def _link(endpoint: str, user: User, purpose: str) -> str:
    return _absolute(endpoint, token=tokens.email_link_token(user, purpose))


def send_verification(user: User) -> None:
    queue_message(
        user,
        _key("verify-email", user),
        _("Confirm your e-mail address"),
        _(
            "Someone, we hope you, asked to open a Tribunal account with this address. Open "
            "this link to confirm it and log in: %(link)s\n\nIf it was not you, ignore this "
            "message: the account stays closed.",
            link=_link("auth.verify", user, tokens.VERIFY),
        ),
        channels=("email",),
        kind=MailKind.ACCOUNT,
    )


def send_claim_link(user: User) -> None:
    queue_message(
        user,
        _key("claim-account", user),
        _("Set your Tribunal password"),
        _(
            "Your marketplace orders are in Tribunal. Open this link to set your "
            "password: %(link)s",
            link=_link("auth.claim", user, tokens.CLAIM),
        ),
        channels=("email",),
        kind=MailKind.ACCOUNT,
    )


def send_registration_attempt(user: User) -> None:
    """To the owner of a working account someone tried to register again."""
    queue_message(
        user,
        _key("registration-attempt", user),
        _("Someone tried to register with your address"),
        _(
            "Someone asked to open a Tribunal account with this address, which already has "
            "one. If it was you, log in: %(login)s\n\nIf you forgot your password, set a new "
            "one: %(reset)s\n\nIf it was not you, you need do nothing: your account is "
            "unchanged.",
            login=_absolute("auth.login"),
            reset=_absolute("auth.request_password_reset"),
        ),
        channels=("email",),
        kind=MailKind.ACCOUNT,
    )


def send_password_reset(user: User) -> None:
    """The reset link; another one goes out in the same hour only once the password changed."""
    queue_message(
        user,
        f"{_key('reset-password', user)}:{tokens.password_fingerprint(user)[:8]}",
        _("Set a new Tribunal password"),
        _(
            "Open this link to set a new password: %(link)s\n\nIt works once, for "
            "%(minutes)d minutes. If you did not ask for it, ignore this message: your "
            "password is unchanged.",
            link=_link("auth.reset_password", user, tokens.RESET),
            minutes=current_app.config["PASSWORD_RESET_TTL"] // timedelta(minutes=1),
        ),
        channels=("email",),
        kind=MailKind.ACCOUNT,
    )
