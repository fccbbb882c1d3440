"""Account transitions: register, claim, verify, authenticate, change password, the time
zone, roles.

Nothing here tells a stranger whether an address has an account: registering answers alike
for every address (what differs goes to the address's owner by e-mail), and a login for an
unknown address checks its password as long as for a known one.
"""

from dataclasses import dataclass
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth import emails, tokens
from app.auth.errors import AccountError, AccountLocked
from app.auth.models import Role, RoleGrant, User
from app.auth.passwords import check_password_strength, hash_password, needs_rehash, verify_password
from app.auth.sessions import end_all_logins
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.text import checked_text
from app.core.zones import checked_zone

DISPLAY_NAME_MAX_CHARS = 80  # the column's width


@dataclass(frozen=True)
class Registration:
    email: str
    display_name: str
    password: str
    # the browser's own zone, as its script read it; anything else is dropped
    time_zone: str | None = None


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


class Outcome(StrEnum):
    """What registering did; the person registering is told the same in every case."""

    CREATED = "created"  # a new account, opened by the e-mailed verification link
    CLAIM = "claim"  # an account nobody proved the address of: the owner may claim it
    TAKEN = "taken"  # a working account: its owner is told someone tried


@dataclass(frozen=True)
class Registered:
    user: User
    outcome: Outcome


def register(data: Registration) -> Registered:
    """Create an account, or write to the owner of the address about the existing one.

    A new account opens through the link e-mailed to its address (``verify_email``). An
    existing account whose address nobody has proven (imported with the marketplace's orders,
    or registered by someone who never confirmed it) gets the claim link: its owner sets a
    password there, so nobody takes over someone else's orders by registering their address
    first. The owner of a working account hears that someone tried to register with it.
    The password is hashed in every case, so each takes as long.
    """
    display_name = checked_display_name(data.display_name)
    check_password_strength(data.password)
    password_hash = hash_password(data.password)
    existing = find_user_by_email(data.email)
    if existing is None:
        user = User(
            email=normalise_email(data.email),
            display_name=display_name,
            password_hash=password_hash,
            time_zone=checked_zone(data.time_zone),
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:  # registered at the same instant by someone else
            existing = find_user_by_email(data.email)
        else:
            record_event(user, "user.registered", user)
            emails.send_verification(user)
            return Registered(user, Outcome.CREATED)
    if existing.email_verified_at is not None and existing.is_claimed:
        emails.send_registration_attempt(existing)
        return Registered(existing, Outcome.TAKEN)
    emails.send_claim_link(existing)
    return Registered(existing, Outcome.CLAIM)


def authenticate(email: str, password: str) -> User | None:
    """The account if the password is right and its address is proven, else None.

    A locked account is refused with ``AccountLocked``, but only once the password is right.
    """
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user.email_verified_at is None:  # it opens through the e-mailed link first
        return None
    if user.is_locked:
        raise AccountLocked(
            _l("This account is locked. Write to the platform's support to have it unlocked."),
            "password",
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password; every login of the account ends (the view opens a new one)."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("The current password is not correct."), "current_password")
    set_password(user, new_password, action="user.password_changed")


def set_password(user: User, password: str, *, action: str) -> None:
    """Set the password after checking it, end every login, and record ``action``."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    end_all_logins(user)
    record_event(user, action, user)


def verify_email(token: str) -> User | None:
    """Confirm the address the link was sent to; the account if this link confirmed it just
    now (and may log its owner in), None if it was confirmed before."""
    user = tokens.user_for_token(token, tokens.VERIFY, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    if user.email_verified_at is not None:
        return None
    user.email_verified_at = clock.now()
    record_event(user, "user.email_verified", user)
    return user


def claim_account(token: str, display_name: str, password: str) -> User:
    """Set the password of an account whose address was not proven; the link proves it.
    Whoever held the account before (a squatter's login) is logged out."""
    user = tokens.user_for_token(token, tokens.CLAIM, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    if user.email_verified_at is not None and user.is_claimed:
        raise AccountError(_l("This account already has a password; log in instead."))
    display_name = checked_display_name(display_name, required=False)
    set_password(user, password, action="user.claimed")
    user.display_name = display_name or user.display_name
    user.email_verified_at = user.email_verified_at or clock.now()
    return user


# Roles


def holders_of(role: Role) -> list[User]:
    """The accounts that hold ``role`` and are not locked, by id."""
    return db.session.scalars(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role.value, User.disabled_at.is_(None))
        .order_by(User.id)
    ).all()


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


def set_time_zone(user: User, zone: str | None) -> None:
    """Show ``user`` times in ``zone`` (an IANA name from the list), or, with none, in their
    language's zone."""
    chosen = checked_zone(zone)
    if zone and chosen is None:
        raise AccountError(_l("Choose a time zone from the list."), field="time_zone")
    if chosen == user.time_zone:
        return
    record_event(
        user, "user.time_zone_changed", user, {"time_zone": user.time_zone}, {"time_zone": chosen}
    )
    user.time_zone = chosen
