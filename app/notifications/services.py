"""Reading the inbox. Callers commit."""

from sqlalchemy import func, select, update

from app.core import clock
from app.core.extensions import db
from app.notifications.models import InboxItem


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
