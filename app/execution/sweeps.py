"""The execution sweep: every obligation whose deadline has passed, then every executing
case whose steps are all settled (design: Execution and enforcement); and the reminder to
whoever owes a step before it falls due."""

from flask import current_app
from sqlalchemy import select

from app.cases import notify
from app.cases.models import Case
from app.cases.states import CaseState
from app.core import clock
from app.core.extensions import db
from app.core.reminders import send_due_reminders
from app.core.sweeps import in_savepoint
from app.execution.models import Obligation, ObligationStatus
from app.execution.services import close_if_complete, expire


def sweep_obligations() -> int:
    now = clock.now()
    batch = current_app.config["SWEEP_BATCH_SIZE"]
    due = db.session.scalars(
        select(Obligation.id)
        .where(Obligation.status == ObligationStatus.OPEN.value, Obligation.due_at <= now)
        .order_by(Obligation.due_at)
        .limit(batch)
    ).all()
    done = sum(_in_savepoint(lambda i=i: expire(db.session.get(Obligation, i)), i) for i in due)
    ready = db.session.scalars(
        select(Case.id)
        .where(Case.state == CaseState.EXECUTING.value, Case.deadline_at <= clock.now())
        .limit(batch)
    ).all()
    return done + sum(
        _in_savepoint(lambda i=i: close_if_complete(db.session.get(Case, i)), i) for i in ready
    )


def sweep_obligation_reminders() -> int:
    """Remind the debtor of each open step before it falls due, once."""
    return send_due_reminders(
        Obligation,
        lambda obligation: notify.obligation_reminder(obligation.case, obligation),
        Obligation.status == ObligationStatus.OPEN.value,
        Obligation.due_at > clock.now(),
    )


def _in_savepoint(work, row_id: int) -> bool:
    return in_savepoint(work, f"execution sweep: row {row_id}")
