"""Reading the inbox, and choosing which kinds of e-mail to get. Callers commit."""

from sqlalchemy import func, select, update

from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.notifications.models import CHOOSABLE_KINDS, InboxItem, MailKind, MailPreference


class InboxItemNotFound(LookupError):
    """No such item for this user (another user's item is reported the same way)."""


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(InboxItem)
        .where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
    )


def inbox_items(user):
    """The user's items, newest first, as a statement to paginate."""
    return (
        select(InboxItem)
        .where(InboxItem.user_id == user.id)
        .order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
    )


def mark_read(user, item_id: int) -> InboxItem:
    """Mark one of the user's items read (again is harmless) and return it."""
    item = db.session.scalar(
        select(InboxItem).where(InboxItem.id == item_id, InboxItem.user_id == user.id)
    )
    if item is None:
        raise InboxItemNotFound(item_id)
    if item.read_at is None:
        item.read_at = clock.now()
    return item


def mark_all_read(user) -> int:
    """Mark every unread item of the user read; returns how many were unread."""
    result = db.session.execute(
        update(InboxItem)
        .where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def mail_choices(user) -> dict[MailKind, bool]:
    """For each kind a person may turn off, whether they get it by e-mail (yes unless said)."""
    saved = dict(
        db.session.execute(
            select(MailPreference.kind, MailPreference.email).where(
                MailPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: saved.get(kind.value, True) for kind in CHOOSABLE_KINDS}


def choose_mail(user, choices: dict[MailKind, bool]) -> None:
    """Save which kinds the person gets by e-mail, with an audit event when any changed."""
    before = mail_choices(user)
    changed = {kind: wanted for kind, wanted in choices.items() if before[kind] != wanted}
    if not changed:
        return
    for kind, wanted in changed.items():
        preference = db.session.get(MailPreference, (user.id, kind.value))
        if preference is None:
            db.session.add(MailPreference(user_id=user.id, kind=kind.value, email=wanted))
        else:
            preference.email = wanted
    record_event(
        user,
        "account.mail_choices_changed",
        user,
        before={kind.value: before[kind] for kind in changed},
        after={kind.value: wanted for kind, wanted in changed.items()},
    )
