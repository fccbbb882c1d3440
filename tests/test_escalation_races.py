"""Two escalation sweeps at once: each step of each overdue case is taken once, with one
audit event and one message per person and channel."""

from collections import Counter
from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.auth.models import Role
from app.cases.models import Case
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.mediation.assignment import is_on_duty
from app.mediation.escalation import sweep_escalations
from app.mediation.models import CaseEscalation, MediatorProfile
from app.notifications.outbox import OutboxMessage
from tests.helpers.case_factories import make_case
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_user

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CASES = 6
ADMINS = 2


def _overdue_cases_in_mediation() -> tuple[list[int], list[int]]:
    """Commit cases in mediation, every other one with its mediator off duty, and return
    (case ids, the off-duty mediators' ids); the clock stands past every deadline."""
    clock.freeze(START)
    for _ in range(ADMINS):
        make_user(roles=(Role.ADMIN,))
    cases = [make_case("mediation") for _ in range(CASES)]
    away = [case.mediator_id for case in cases[::2]]
    db.session.add_all(MediatorProfile(user_id=user_id, on_duty=False) for user_id in away)
    make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    clock.freeze(max(case.deadline_at for case in cases))
    ids = [case.id for case in cases]
    db.session.commit()
    db.session.remove()  # hold no transaction while the threads run
    return ids, away


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _overdue_keys() -> list[str]:
    return db.session.scalars(
        select(OutboxMessage.idempotency_key).where(OutboxMessage.subject.contains("overdue"))
    ).all()


@pytest.mark.committing
def test_two_escalation_sweeps_at_once_take_each_step_once(app):
    ids, away = _overdue_cases_in_mediation()

    outcomes = run_at_once(app, lambda _n: sweep_escalations(), 2)

    assert errors_in(outcomes) == []
    assert sum(outcomes) == CASES  # between them, each case's first step once
    steps = Counter(db.session.scalars(select(CaseEscalation.case_id)))
    assert steps == Counter({case_id: 1 for case_id in ids})
    events = Counter(
        db.session.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.action.like("case.escalated.%"))
        )
    )
    assert events == Counter({str(case_id): 1 for case_id in ids})
    reassigned = _count(AuditEvent, AuditEvent.action == "case.overdue_reassigned")
    assert reassigned == len(away)
    mediators = db.session.scalars(select(Case.mediator_id).where(Case.id.in_(ids))).all()
    assert all(is_on_duty(mediator_id) for mediator_id in mediators)
    keys = _overdue_keys()
    assert len(keys) == len(set(keys)) == CASES * 2  # each case's mediator, two channels

    clock.advance(current_app.config["ESCALATION_GRACE"])
    db.session.remove()

    outcomes = run_at_once(app, lambda _n: sweep_escalations(), 2)

    assert errors_in(outcomes) == []
    assert sum(outcomes) == CASES
    assert _count(CaseEscalation, CaseEscalation.level == 2) == CASES
    keys = _overdue_keys()
    assert len(keys) == len(set(keys)) == CASES * 2 + CASES * ADMINS * 2
