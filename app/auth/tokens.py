"""Links sent by e-mail: signed, expiring tokens that name an account and what they are for.

A password reset token also carries a fingerprint of the account's password hash, so it works
once: setting a password (by the link or any other way) changes the hash and ends it.
"""

import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app.auth.errors import AccountError
from app.auth.models import User
from app.core import clock
from app.core.extensions import db

VERIFY = "verify-email"
CLAIM = "claim-account"
RESET = "reset-password"


def password_fingerprint(user: User) -> str:
    """A short digest of the password hash: it changes whenever the password is set."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


class _ClockSigner(TimestampSigner):
    """Tokens are dated, and their age read, by Tribunal's clock (which tests move)."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=purpose, signer=_ClockSigner
    )


def _payload(user: User, purpose: str) -> dict:
    payload = {"user": user.id, "email": user.email}
    if purpose == RESET:
        payload["password"] = password_fingerprint(user)
    return payload


def email_link_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps(_payload(user, purpose))


def user_for_token(token: str, purpose: str, max_age: timedelta) -> User:
    """The account the token was made for, if it is still good for ``purpose``."""
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise AccountError(_l("This link has expired; ask for a new one.")) from error
    except BadSignature as error:
        raise AccountError(_l("This link is not valid.")) from error
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or payload.get("email") != user.email:
        raise AccountError(_l("This link is not valid."))
    if payload != _payload(user, purpose):  # a reset link after the password was set
        raise AccountError(
            _l("This link has been used, or the password has changed since; ask for a new one.")
        )
    return user
