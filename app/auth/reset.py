"""A new password for whoever forgot theirs, through a link e-mailed to the address.

The link works once, for ``PASSWORD_RESET_TTL``, and not after the password changed by any
path (``app.auth.tokens``). Asking for one does the same work for every address: it notes
the request, and a sweep, out of the asker's sight, writes to the address if it has an
account.
"""

from flask import current_app
from sqlalchemy import delete, select

from app.auth import emails, tokens
from app.auth.models import PasswordResetRequest, User
from app.auth.services import find_user_by_email, normalise_email, set_password
from app.core import clock
from app.core.extensions import db
from app.core.zones import as_reader


def request_password_reset(email: str) -> None:
    """Note the request; ``send_password_resets`` answers it."""
    db.session.add(PasswordResetRequest(email=normalise_email(email)))


def send_password_resets() -> int:
    """The sweep: the reset link to an account with a password, the claim link to an account
    imported with orders that has none yet, nothing to an address without an account. Each
    request is taken by deleting it, so two sweeps at once answer it once. Returns how many
    were answered."""
    requests = db.session.execute(
        select(PasswordResetRequest.id, PasswordResetRequest.email)
        .order_by(PasswordResetRequest.id)
        .limit(current_app.config["SWEEP_BATCH_SIZE"])
    ).all()
    answered = 0
    for request_id, email in requests:
        taken = db.session.execute(
            delete(PasswordResetRequest).where(PasswordResetRequest.id == request_id)
        )
        user = find_user_by_email(email) if taken.rowcount == 1 else None
        if user is None:
            continue
        with as_reader(user):
            if user.is_claimed:
                emails.send_password_reset(user)
            else:
                emails.send_claim_link(user)
        answered += 1
    return answered


def user_for_reset(token: str) -> User:
    """The account a reset link is for, while the link still works."""
    return tokens.user_for_token(token, tokens.RESET, current_app.config["PASSWORD_RESET_TTL"])


def reset_password(token: str, password: str) -> User:
    """Set the new password and end every login of the account. Following the link proved
    the address, so an account whose address was never confirmed counts as confirmed."""
    user = user_for_reset(token)
    set_password(user, password, action="user.password_reset")
    user.email_verified_at = user.email_verified_at or clock.now()
    return user
