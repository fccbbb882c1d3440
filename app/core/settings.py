"""Settings an admin changes while the site runs, kept in the database (the rest of the
configuration comes from the environment, ``app.core.config``).

Each setting is one row, read by its key; a key without a row has its default. Features
write them through a service of their own, which records the audit event.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db


class SiteSetting(db.Model):
    __tablename__ = "site_settings"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the setting's key
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


def read_setting(key: str, default: Any) -> Any:
    row = db.session.get(SiteSetting, key)
    return default if row is None else row.value


def write_setting(key: str, value: Any, actor) -> SiteSetting:
    """Set ``key`` in the caller's transaction (which commits) and return its row."""
    row = db.session.get(SiteSetting, key)
    if row is None:
        try:
            with db.session.begin_nested():
                row = SiteSetting(id=key, value=value)
                db.session.add(row)
        except IntegrityError:  # another admin wrote the first row at the same instant
            row = db.session.get(SiteSetting, key, populate_existing=True)
    row.value = value
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    return row
