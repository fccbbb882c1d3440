"""Logins that end when the account says so.

Each login on a device is a ``LoginSession`` row. Its key, ``"<row id>:<secret>"``, is what
the session cookie and the remember-me cookie carry (as Flask-Login's user id); the row keeps
only the secret's SHA-256, so a copy of the database lets nobody make a working cookie.
Deleting the rows ends those logins at once, on every device, whatever cookies are replayed.
"""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from app.auth.models import LoginSession, User
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.urls import MAX_ID


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_login(user: User, *, remember: bool = False) -> str:
    """Start a login of ``user`` on one device and return the key its cookies carry.

    A remembered login lasts as long as the remember-me cookie, any other as long as
    ``PERMANENT_SESSION_LIFETIME``; the account's logins that have run out are cleared here.
    """
    now = clock.now()
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"]
    db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
    )
    secret = secrets.token_urlsafe(32)
    login = LoginSession(
        user_id=user.id,
        secret_hash=_digest(secret),
        remember=remember,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(login)
    db.session.flush()
    return f"{login.id}:{secret}"


def _login_id(key: str) -> tuple[int, str] | None:
    login_id, _, secret = key.partition(":")
    if not login_id.isdecimal() or int(login_id) > MAX_ID or not secret:
        return None
    return int(login_id), secret


def user_for_login(key: str) -> User | None:
    """The account whose live login ``key`` names, or None (ended, expired, locked, forged)."""
    parsed = _login_id(key)
    if parsed is None:
        return None
    login_id, secret = parsed
    row = (
        db.session.execute(
            select(User, LoginSession.secret_hash, LoginSession.expires_at)
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(LoginSession.id == login_id)
            # every request asks this: the account's roles come in the same statement
            .options(joinedload(User.role_grants))
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    user, secret_hash, expires_at = row
    if not hmac.compare_digest(secret_hash, _digest(secret)):
        return None
    if expires_at <= clock.now() or not user.is_active:
        return None
    return user


def end_login(key: str) -> None:
    """End the one login ``key`` names: logging out on this device."""
    parsed = _login_id(key)
    if parsed is not None:
        login_id, secret = parsed
        db.session.execute(
            delete(LoginSession).where(
                LoginSession.id == login_id, LoginSession.secret_hash == _digest(secret)
            )
        )


def end_all_logins(user: User) -> int:
    """End every login of ``user``, on every device; returns how many there were."""
    result = db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    return result.rowcount


def log_out_everywhere(user: User) -> None:
    """The owner ends every login of the account, this device's too."""
    ended = end_all_logins(user)
    record_event(user, "user.logged_out_everywhere", user, after={"logins_ended": ended})


def live_logins(user: User) -> int:
    """How many devices ``user`` is logged in on."""
    return db.session.scalar(
        select(func.count(LoginSession.id)).where(
            LoginSession.user_id == user.id, LoginSession.expires_at > clock.now()
        )
    )
