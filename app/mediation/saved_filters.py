"""The desk's filters a staff member keeps under a name: saved, listed, deleted.

A saved filter is a personal bookmark of the desk, like the language one reads it in: it
changes no case and nobody else sees it, so it leaves no audit event.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.errors import Refused
from app.core.extensions import db
from app.core.text import checked_text
from app.mediation.models import SavedDeskFilter

NAME_MAX_CHARS = 60


class SavedFilterRefused(Refused):
    pass


def saved_filters_of(owner: User) -> list[SavedDeskFilter]:
    return db.session.scalars(
        select(SavedDeskFilter)
        .where(SavedDeskFilter.owner_id == owner.id)
        .order_by(SavedDeskFilter.name, SavedDeskFilter.id)
    ).all()


def save_filter(owner: User, name: str, query: dict[str, str]) -> SavedDeskFilter:
    """Keep ``query`` (the desk's query parameters) under ``name``, for ``owner`` only."""
    name = checked_text(
        name,
        "name",
        maximum=NAME_MAX_CHARS,
        missing=_l("Give the filter a name."),
        one_line=True,
        refusal=SavedFilterRefused,
    )
    if not query:
        raise SavedFilterRefused(
            _l("Choose a filter or search first: the whole queue needs no name."), "name"
        )
    limit = current_app.config["DESK_SAVED_FILTERS_MAX"]
    held = db.session.scalar(select(func.count()).where(SavedDeskFilter.owner_id == owner.id))
    if held >= limit:
        raise SavedFilterRefused(
            _l(
                "You keep %(limit)d saved filters, the most allowed: delete one first.",
                limit=limit,
            ),
            "name",
        )
    saved = SavedDeskFilter(owner_id=owner.id, name=name, query=query)
    try:
        with db.session.begin_nested():
            db.session.add(saved)
    except IntegrityError:
        raise SavedFilterRefused(
            _l("You already have a filter named “%(name)s”.", name=name), "name"
        ) from None
    return saved


def delete_filter(saved: SavedDeskFilter) -> None:
    db.session.delete(saved)
    db.session.flush()
