"""E-mails about the account itself, sent through the outbox."""

from flask import url_for
from flask_babel import gettext as _

from app import clock
from app.auth.models import User
from app.auth.services import email_link_token
from app.outbox import queue_message


def send_verification(user: User) -> None:
    link = url_for("auth.verify", token=email_link_token(user, "verify"), _external=True)
    queue_message(
        user,
        f"verify-email:{user.id}:{user.email}:{clock.now():%Y%m%d%H}",
        _("Confirm your e-mail address"),
        _("Open this link to confirm your e-mail address for Tribunal: %(link)s", link=link),
        channels=("email",),
    )


def send_claim_link(user: User) -> None:
    link = url_for("auth.claim", token=email_link_token(user, "claim"), _external=True)
    queue_message(
        user,
        f"claim-account:{user.id}:{user.email}:{clock.now():%Y%m%d%H}",
        _("Set your Tribunal password"),
        _(
            "Your marketplace orders are in Tribunal. Open this link to set your "
            "password: %(link)s",
            link=link,
        ),
        channels=("email",),
    )
