"""A race on the negotiation thread: a message written while the buyer withdraws the case
lands before the case closes, or is refused; never after it."""

import pytest
from sqlalchemy import select

from app.cases.models import Case
from app.cases.services import withdraw_case
from app.cases.thread import ThreadPost, ThreadRefused, post_to_thread
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers.case_factories import make_case
from tests.helpers.concurrency import errors_in, run_at_once


@pytest.mark.committing
@pytest.mark.parametrize("attempt", range(4))
def test_a_message_written_as_the_case_closes_lands_before_it_or_not_at_all(app, attempt):
    case = make_case("mediation")
    case_id = case.id
    db.session.commit()
    db.session.remove()

    def act(n: int):
        case = db.session.get(Case, case_id)
        if n == 0:
            return withdraw_case(case, case.buyer)
        return post_to_thread(case, case.seller, "Wait, we can send a new pair today.")

    outcomes = run_at_once(app, act, 2)

    assert db.session.get(Case, case_id).state == "closed"
    posts = db.session.scalars(select(ThreadPost).where(ThreadPost.case_id == case_id)).all()
    if errors_in(outcomes):
        assert [type(error) for error in errors_in(outcomes)] == [ThreadRefused]
        assert posts == []
        return
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "cases", AuditEvent.subject_id == str(case_id))
        .where(AuditEvent.action.in_(["case.thread_posted", "case.withdrawn"]))
        .order_by(AuditEvent.id)
    ).all()
    assert len(posts) == 1
    assert actions == ["case.thread_posted", "case.withdrawn"]
