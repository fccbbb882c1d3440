"""The append-only audit log: who did what to which record, and when."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # a record's history is read by what it is about: the audit trail of a case (the action
    # and time make it covering for the analytics, which find when each case reached a step);
    # the admins' audit log also by action, newest first
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id", "action", "created_at"),
        Index("ix_audit_events_action_created_at", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, _target) -> None:
    raise AuditLogIsAppendOnly("audit events are never changed or deleted")


def record_event(
    actor,
    action: str,
    subject,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits."""
    if subject.id is None:
        db.session.flush()
    event_row = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject.__tablename__,
        subject_id=str(subject.id),
        before=before,
        after=after,
    )
    db.session.add(event_row)
    return event_row
