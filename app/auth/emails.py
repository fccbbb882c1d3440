"""E-mails about the account itself, sent through the outbox."""

import hashlib

from flask import url_for
from flask_babel import gettext as _

from app.auth.models import User
from app.auth.services import email_link_token
from app.core import clock
from app.notifications.outbox import queue_message


def _key(kind: str, user: User) -> str:
    """One mail of a kind per address and hour; keys (which are logged) hold no address."""
    address = hashlib.sha256(user.email.encode()).hexdigest()[:12]
    return f"{kind}:{user.id}:{address}:{clock.now():%Y%m%d%H}"


def send_verification(user: User) -> None:
    link = url_for("auth.verify", token=email_link_token(user, "verify"), _external=True)
    queue_message(
        user,
        _key("verify-email", user),
        _("Confirm your e-mail address"),
        _("Open this link to confirm your e-mail address for Tribunal: %(link)s", link=link),
        channels=("email",),
    )


def send_claim_link(user: User) -> None:
    link = url_for("auth.claim", token=email_link_token(user, "claim"), _external=True)
    queue_message(
        user,
        _key("claim-account", user),
        _("Set your Tribunal password"),
        _(
            "Your marketplace orders are in Tribunal. Open this link to set your "
            "password: %(link)s",
            link=link,
        ),
        channels=("email",),
    )
