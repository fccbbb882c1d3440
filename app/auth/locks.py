"""An admin locks an account: its owner can no longer log in, and every login it holds ends
at once. Unlocking lets the owner log in again; the ended logins stay ended."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.auth.errors import AccountError
from app.auth.models import User
from app.auth.sessions import end_all_logins
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db


def lock_account(user: User, locked_by: User | None) -> bool:
    """Lock ``user``; False if it was locked already."""
    if locked_by is not None and locked_by.id == user.id:
        raise AccountError(_l("You cannot lock your own account."))
    locked = db.session.execute(
        update(User)
        .where(User.id == user.id, User.disabled_at.is_(None))
        .values(disabled_at=clock.now())
    )
    if locked.rowcount != 1:
        return False
    end_all_logins(user)
    record_event(locked_by, "user.locked", user)
    return True


def unlock_account(user: User, unlocked_by: User | None) -> bool:
    """Unlock ``user``; False if it was not locked."""
    unlocked = db.session.execute(
        update(User)
        .where(User.id == user.id, User.disabled_at.is_not(None))
        .values(disabled_at=None)
    )
    if unlocked.rowcount != 1:
        return False
    record_event(unlocked_by, "user.unlocked", user)
    return True
