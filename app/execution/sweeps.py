"""The execution sweep: every obligation whose deadline has passed, then every executing
case whose steps are all settled (design: Execution and enforcement)."""

import logging

from flask import current_app
from sqlalchemy import select

from app.cases.models import Case, CaseState
from app.cases.transitions import CaseRefused
from app.core import clock
from app.core.extensions import db
from app.execution.models import Obligation, ObligationStatus
from app.execution.services import close_if_complete, expire

logger = logging.getLogger(__name__)


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


def _in_savepoint(work, row_id: int) -> bool:
    try:
        with db.session.begin_nested():
            return work() is not False
    except CaseRefused:
        return False  # someone else got there first
    except Exception as error:  # one broken row must not stop the others
        logger.error("execution sweep: row %s failed: %s", row_id, type(error).__name__)
        return False
