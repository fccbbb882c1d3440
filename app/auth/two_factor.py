"""Two-factor login for staff: a code from an authenticator app (TOTP, RFC 6238), or a
one-time recovery code, after the password.

A code is accepted once: the time step it belongs to is recorded with a compare-and-set, so
the same code cannot log in twice, even by two requests at the same instant. Wrong codes are
counted on the account; after ``TWO_FACTOR_MAX_FAILURES`` none is checked for
``TWO_FACTOR_PAUSE``. An admin may require it of every mediator and admin.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.errors import AccountError
from app.auth.models import RecoveryCode, TwoFactorCredential, User
from app.auth.tokens import password_fingerprint
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.settings import read_setting, write_setting

STAFF_REQUIREMENT = "staff_two_factor_required"
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to misread: no 0/o, 1/l/i
RECOVERY_CODE_CHARS = 10


# Setting it up and turning it off


def start_two_factor(user: User) -> TwoFactorCredential:
    """A new secret for the authenticator app; logging in asks for codes only once a first
    code confirms it (``confirm_two_factor``)."""
    if not user.is_staff:
        raise AccountError(_l("Two-factor login is for mediators and admins."))
    if user.has_two_factor:
        raise AccountError(_l("Two-factor login is already on."))
    secret = pyotp.random_base32()
    if user.two_factor is None:
        try:
            with db.session.begin_nested():
                db.session.add(TwoFactorCredential(user=user, secret=secret))
        except IntegrityError:  # started at the same instant in another tab
            db.session.refresh(user, ["two_factor"])
    user.two_factor.secret = secret
    return user.two_factor


def provisioning_uri(user: User) -> str:
    """The ``otpauth://`` address an authenticator app reads (from the QR code)."""
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(user.two_factor.secret).provisioning_uri(name=user.email, issuer_name=issuer)


def confirm_two_factor(user: User, code: str) -> list[str]:
    """Turn it on with a first code from the app; returns the recovery codes, shown once."""
    credential = user.two_factor
    if credential is None or credential.confirmed_at is not None:
        raise AccountError(_l("Start setting up two-factor login first."))
    step = _matching_step(credential.secret, code)
    if step is None:
        raise AccountError(_l("That code is not right. Enter the code your app shows now."), "code")
    credential.confirmed_at = clock.now()
    credential.last_used_step = step
    recovery_codes = _new_recovery_codes(user)
    record_event(user, "user.two_factor_enabled", user)
    return recovery_codes


def disable_two_factor(user: User, code: str) -> None:
    """Turn it off, which takes a current code (or a recovery code)."""
    if not user.has_two_factor:
        raise AccountError(_l("Two-factor login is not on."))
    if user.is_staff and staff_two_factor_required():
        raise AccountError(_l("Two-factor login is required for staff; it stays on."))
    check_code(user, code)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.delete(user.two_factor)
    db.session.flush()
    record_event(user, "user.two_factor_disabled", user)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    count = current_app.config["TWO_FACTOR_RECOVERY_CODES"]
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_CHARS))
        for _ in range(count)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    half = RECOVERY_CODE_CHARS // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


# Logging in


def check_code(user: User, code: str) -> None:
    """Accept ``code`` once (an app code, or a recovery code), or count a failure and refuse.
    The caller commits either way, so the failure is counted."""
    credential = user.two_factor
    config = current_app.config
    now = clock.now()
    if (
        credential.failed_attempts >= config["TWO_FACTOR_MAX_FAILURES"]
        and credential.last_failed_at > now - config["TWO_FACTOR_PAUSE"]
    ):
        minutes = config["TWO_FACTOR_PAUSE"] // timedelta(minutes=1)
        raise AccountError(
            _l("Too many wrong codes. Wait %(minutes)d minutes, then try again.", minutes=minutes),
            "code",
        )
    if _use_app_code(credential, code) or _use_recovery_code(user, code):
        credential.failed_attempts = 0
        return
    _count_failure(credential, now)
    raise AccountError(_l("That code is not right, or it was used already."), "code")


def _use_app_code(credential: TwoFactorCredential, code: str) -> bool:
    step = _matching_step(credential.secret, code)
    if step is None:
        return False
    claimed = db.session.execute(
        update(TwoFactorCredential)
        .where(
            TwoFactorCredential.id == credential.id,
            or_(
                TwoFactorCredential.last_used_step.is_(None),
                TwoFactorCredential.last_used_step < step,
            ),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(credential, ["last_used_step"])
    return claimed.rowcount == 1


def _use_recovery_code(user: User, code: str) -> bool:
    normalised = "".join(code.lower().split()).replace("-", "")
    if len(normalised) != RECOVERY_CODE_CHARS:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount == 1:
        record_event(user, "user.recovery_code_used", user)
    return used.rowcount == 1


def _count_failure(credential: TwoFactorCredential, now: datetime) -> None:
    """One more wrong code; the count starts again once a pause has passed since the last."""
    pause_began = now - current_app.config["TWO_FACTOR_PAUSE"]
    db.session.execute(
        update(TwoFactorCredential)
        .where(TwoFactorCredential.id == credential.id)
        .values(
            failed_attempts=case(
                (TwoFactorCredential.last_failed_at < pause_began, 1),
                else_=TwoFactorCredential.failed_attempts + 1,
            ),
            last_failed_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(credential, ["failed_attempts", "last_failed_at"])


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code ``code`` is: now, or one step either side (clock drift)."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdecimal():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock.now())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


# The half-done login: the password was right, the code is still to come


def pending_login_state(user: User) -> dict:
    """What the session keeps between the password and the code (no secret in it)."""
    return {
        "user": user.id,
        "password": password_fingerprint(user),
        "started": clock.now().timestamp(),
    }


def user_for_pending_login(state: dict | None) -> User:
    """The account a half-done login is for, while it may still be finished: within
    ``TWO_FACTOR_LOGIN_TTL``, the password unchanged, the account not locked."""
    user = db.session.get(User, state["user"]) if isinstance(state, dict) else None
    started = clock.now().timestamp() - current_app.config["TWO_FACTOR_LOGIN_TTL"].total_seconds()
    if (
        user is None
        or state.get("started", 0) < started
        or state.get("password") != password_fingerprint(user)
        or not user.is_active
        or not user.has_two_factor
    ):
        raise AccountError(_l("Your login took too long or was interrupted. Log in again."))
    return user


# The staff requirement


def staff_two_factor_required() -> bool:
    return bool(read_setting(STAFF_REQUIREMENT, False))


def require_staff_two_factor(required: bool, admin: User | None) -> bool:
    """Require (or stop requiring) two-factor login of every mediator and admin; False if
    nothing changed."""
    before = staff_two_factor_required()
    if before == required:
        return False
    setting = write_setting(STAFF_REQUIREMENT, required, admin)
    record_event(
        admin, "settings.staff_two_factor", setting, {"required": before}, {"required": required}
    )
    return True


def must_set_up_two_factor(user: User) -> bool:
    """A staff member without two-factor login while it is required: set it up first."""
    return user.is_staff and not user.has_two_factor and staff_two_factor_required()
