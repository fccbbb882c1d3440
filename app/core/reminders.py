"""Reminders before a deadline (design: Notifications): when one falls due, and sending it
exactly once.

A reminder falls due ``REMINDER_BEFORE_DEADLINE`` before its deadline, but never before half
the time to the deadline has passed, so a seat with a day to vote or a question with six
hours to answer is not reminded the moment it is given. A row that is reminded keeps its
``remind_at`` (when the reminder falls due) and ``reminded_at`` (when it was sent).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, select, update

from app.core import clock
from app.core.extensions import db
from app.core.sweeps import in_savepoint


def remind_at(start: datetime, deadline: datetime) -> datetime:
    """When the reminder of a deadline set at ``start`` falls due."""
    lead = current_app.config["REMINDER_BEFORE_DEADLINE"]
    return max(deadline - lead, start + (deadline - start) / 2)


def send_due_reminders(
    model, send: Callable[[Any], None], *still_to_act: ColumnElement[bool]
) -> int:
    """Send every due, unsent reminder of ``model``'s rows while ``still_to_act`` holds (the
    person has not acted, the deadline has not passed); returns how many were sent.

    Each row is marked reminded by a compare-and-set before ``send`` queues its message, in
    a savepoint of its own: of two sweeps at once exactly one sends each reminder.
    """

    def remind(row_id: int) -> bool:
        if not _claim(model, row_id, still_to_act):
            return False
        send(db.session.get(model, row_id))
        return True

    return sum(
        in_savepoint(
            lambda row_id=row_id: remind(row_id), f"{model.__tablename__} {row_id}: reminder"
        )
        for row_id in _due(model, still_to_act)
    )


def _due(model, still_to_act) -> list[int]:
    return list(
        db.session.scalars(
            select(model.id)
            .where(model.remind_at <= clock.now(), model.reminded_at.is_(None), *still_to_act)
            .order_by(model.remind_at)
            .limit(current_app.config["SWEEP_BATCH_SIZE"])
        )
    )


def _claim(model, row_id: int, still_to_act) -> bool:
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.reminded_at.is_(None), *still_to_act)
        .values(reminded_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
