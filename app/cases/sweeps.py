"""The case timers' sweeps (design: Rules for the scheduler).

Each sweep reads the cases whose deadline has passed (or, for reminders, is near) and calls
the same transition function a person's action would, one case at a time inside a
savepoint. A case someone else moved first (``StaleCase``, a ``CaseRefused``) is skipped,
so two sweeps at once give each case one outcome, and a sweep after downtime catches up on
everything due.
"""

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from app.cases import services
from app.cases.models import Case, CaseState
from app.cases.transitions import CaseRefused
from app.core import clock
from app.core.extensions import db
from app.execution.services import finish_appeal_window
from app.mediation.services import expire_proposal

logger = logging.getLogger(__name__)

ON_DEADLINE: dict[CaseState, Callable[[Case], None]] = {
    CaseState.RETURNED: services.expire_returned,
    CaseState.AWAITING_SELLER: services.expire_seller_deadline,
    CaseState.EVIDENCE: services.close_evidence_window,
    CaseState.PROPOSAL: expire_proposal,
    CaseState.DECIDED: finish_appeal_window,
}
REMINDED_STATES = (CaseState.RETURNED, CaseState.AWAITING_SELLER, CaseState.EVIDENCE)


def sweep_case_deadlines() -> int:
    """Carry out every transition whose timer has run out; returns how many were made."""
    now = clock.now()
    due = db.session.execute(
        select(Case.id, Case.state)
        .where(Case.state.in_([s.value for s in ON_DEADLINE]), Case.deadline_at <= now)
        .order_by(Case.deadline_at)
        .limit(current_app.config["SWEEP_BATCH_SIZE"])
    ).all()
    return sum(_apply(case_id, ON_DEADLINE[CaseState(state)]) for case_id, state in due)


def sweep_deadline_reminders() -> int:
    """Remind whoever must act, once per deadline, when it is less than a day away."""
    now = clock.now()
    soon = now + current_app.config["REMINDER_BEFORE_DEADLINE"]
    due = db.session.scalars(
        select(Case.id)
        .where(
            Case.state.in_([s.value for s in REMINDED_STATES]),
            Case.deadline_at > now,
            Case.deadline_at <= soon,
            (Case.reminded_deadline_at.is_(None)) | (Case.reminded_deadline_at != Case.deadline_at),
        )
        .order_by(Case.deadline_at)
        .limit(current_app.config["SWEEP_BATCH_SIZE"])
    ).all()
    return sum(_apply(case_id, services.remind) for case_id in due)


def _apply(case_id: int, transition: Callable[[Case], None]) -> bool:
    try:
        with db.session.begin_nested():
            case = db.session.get(Case, case_id, populate_existing=True)
            transition(case)
    except CaseRefused:
        return False  # another sweep or a person got there first
    except Exception as error:  # one broken case must not stop the others
        logger.error("case %s: %s failed: %s", case_id, transition.__name__, type(error).__name__)
        return False
    return True
