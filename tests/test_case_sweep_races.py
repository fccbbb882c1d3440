"""Two sweeps over the same due cases at once: each case gets exactly one outcome."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.cases import services
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    ClaimType,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.notifications.outbox import OutboxMessage
from app.scheduler.deadlines import remind_case_deadlines, sweep_case_deadlines
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_order, make_user

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CASES = 12


def _cases_awaiting_the_seller() -> list[int]:
    clock.freeze(START)
    buyer, seller = make_user(), make_user(shop_name="Shop")
    mediator = make_user(roles=(Role.MEDIATOR,))
    claim = services.Claim(
        ClaimType.NOT_AS_DESCRIBED, ResponsibleParty.SELLER, "Not as described.", Remedy.FULL_REFUND
    )
    ids = []
    for _ in range(CASES):
        case = services.open_case(make_order(buyer, seller), buyer, claim)
        services.accept_intake(case, mediator, Severity.IMPORTANT)
        ids.append(case.id)
    db.session.commit()
    db.session.remove()  # hold no transaction while the threads run
    return ids


@pytest.mark.committing
def test_two_deadline_sweeps_at_once_decide_each_case_once(app):
    ids = _cases_awaiting_the_seller()
    clock.advance(timedelta(hours=73))

    outcomes = run_at_once(app, lambda _n: sweep_case_deadlines(), 2)

    assert errors_in(outcomes) == []
    assert sum(outcomes) == CASES  # between them, each case once
    states = db.session.scalars(select(Case.state).where(Case.id.in_(ids))).all()
    assert set(states) == {CaseState.DECIDED.value}
    judgments = Counter(
        db.session.scalars(
            select(AuditEvent.subject_id).where(AuditEvent.action == "case.default_judgment")
        )
    )
    assert judgments == Counter({str(case_id): 1 for case_id in ids})
    decided_mail = db.session.scalars(
        select(OutboxMessage.idempotency_key).where(OutboxMessage.subject.contains("decided"))
    ).all()
    assert len(decided_mail) == len(set(decided_mail)) == CASES * 3 * 2  # 3 people, 2 channels


@pytest.mark.committing
def test_two_reminder_sweeps_at_once_remind_once(app):
    ids = _cases_awaiting_the_seller()
    clock.advance(timedelta(hours=50))

    outcomes = run_at_once(app, lambda _n: remind_case_deadlines(), 2)

    assert errors_in(outcomes) == []
    assert sum(outcomes) == CASES
    reminders = db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.subject.contains("deadline is near"), OutboxMessage.channel == "inbox"
        )
    ).all()
    assert len(reminders) == len(ids)
