"""Account transitions: register, claim, verify, authenticate, change password, roles."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role, RoleGrant, User
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.core import clock
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.core.text import checked_text

DISPLAY_NAME_MAX_CHARS = 80  # the column's width


class AccountError(Refused):
    """A request about an account that cannot be carried out; ``field`` names the culprit."""


@dataclass(frozen=True)
class Registration:
    email: str
    display_name: str
    password: str


def checked_display_name(name: str | None, *, required: bool = True) -> str:
    """A person's name as others see it and as mail headers carry it: one line of visible
    characters, at most ``DISPLAY_NAME_MAX_CHARS``."""
    missing = _l("Tell us your name.") if required else None
    return checked_text(
        name,
        "display_name",
        maximum=DISPLAY_NAME_MAX_CHARS,
        missing=missing,
        one_line=True,
        refusal=AccountError,
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@dataclass(frozen=True)
class Registered:
    user: User
    # True when the address belongs to an account whose owner must first prove it
    needs_claim: bool


def register(data: Registration) -> Registered:
    """Create an account, or point to the existing one whose address nobody has proven yet.

    That account (imported with the marketplace's orders, or registered by someone who never
    confirmed the address) gets no password here: the owner of the address sets one through
    the e-mailed claim link (``claim_account``), so nobody can take over someone else's
    orders by registering their address first.
    """
    display_name = checked_display_name(data.display_name)
    _check_password_strength(data.password)
    existing = find_user_by_email(data.email)
    if existing is None:
        user = User(
            email=normalise_email(data.email),
            display_name=display_name,
            password_hash=hash_password(data.password),
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:  # registered at the same instant by someone else
            existing = find_user_by_email(data.email)
        else:
            record_event(user, "user.registered", user)
            return Registered(user, needs_claim=False)
    if existing.email_verified_at is not None:
        raise AccountError(_l("An account with this e-mail address already exists."), "email")
    return Registered(existing, needs_claim=True)


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("The current password is not correct."), "current_password")
    _check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    record_event(user, "user.password_changed", user)


def _check_password_strength(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(_l("Use at least %(minimum)d characters.", minimum=minimum), "password")


# E-mail links: verifying an address, and claiming an imported account

_VERIFY_SALT = "verify-email"
_CLAIM_SALT = "claim-account"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def email_link_token(user: User, purpose: str) -> str:
    salt = {"verify": _VERIFY_SALT, "claim": _CLAIM_SALT}[purpose]
    return _serializer(salt).dumps({"user": user.id, "email": user.email})


def _load_token(token: str, salt: str) -> User:
    max_age = int(current_app.config["EMAIL_TOKEN_MAX_AGE"].total_seconds())
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError(_l("This link has expired; ask for a new one.")) from error
    except BadSignature as error:
        raise AccountError(_l("This link is not valid.")) from error
    user = db.session.get(User, payload["user"])
    if user is None or user.email != payload["email"]:
        raise AccountError(_l("This link is not valid."))
    return user


def verify_email(token: str) -> User:
    user = _load_token(token, _VERIFY_SALT)
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
        record_event(user, "user.email_verified", user)
    return user


def claim_account(token: str, display_name: str, password: str) -> User:
    """Set the password of an account whose address was not proven; the link proves it."""
    user = _load_token(token, _CLAIM_SALT)
    if user.email_verified_at is not None and user.is_claimed:
        raise AccountError(_l("This account already has a password; log in instead."))
    display_name = checked_display_name(display_name, required=False)
    _check_password_strength(password)
    user.password_hash = hash_password(password)
    user.display_name = display_name or user.display_name
    user.email_verified_at = user.email_verified_at or clock.now()
    record_event(user, "user.claimed", user)
    return user


# Roles


def grant_role(user: User, role: Role, granted_by: User | None) -> bool:
    """Grant ``role``; False if the user already had it."""
    if user.has_role(role):
        return False
    try:
        with db.session.begin_nested():
            grant = RoleGrant(
                user=user, role=role.value, granted_by_id=getattr(granted_by, "id", None)
            )
            db.session.add(grant)
    except IntegrityError:
        db.session.expire(user, ["role_grants"])
        return False
    record_event(granted_by, "role.granted", user, after={"role": role.value})
    return True


def revoke_role(user: User, role: Role, revoked_by: User | None) -> bool:
    """Take ``role`` away; False if the user did not have it."""
    grant = next((g for g in user.role_grants if g.role == role.value), None)
    if grant is None:
        return False
    user.role_grants.remove(grant)
    record_event(revoked_by, "role.revoked", user, before={"role": role.value})
    return True
