"""The admin tools under races: two admins lifting one restriction, or suspending one
reviewer, at the same instant change it once; a vote racing the suspension of its reviewer
either stands on a voted seat or is refused on a withdrawn one, never both."""

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.ledger import lift_restriction
from app.execution.models import SellingRestriction
from app.jury.models import Seat, SeatStatus, Vote
from app.jury.standing import StandingRefused, suspend_reviewer
from app.jury.voting import JuryRefused, cast_vote
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_reviewers, make_user
from tests.helpers.jury import FOR_BUYER, REASON, START, make_panel, open_seats
from tests.helpers.obligations import missed_obligation

pytestmark = pytest.mark.committing


def events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_two_admins_lifting_one_restriction_lift_it_once(app):
    obligation = missed_obligation()
    enforce_missed_obligation(obligation)
    restriction_id = db.session.scalar(select(SellingRestriction.id))
    admins = [make_user().id, make_user().id]
    db.session.commit()
    db.session.remove()

    def lift(n: int) -> bool:
        restriction = db.session.get(SellingRestriction, restriction_id)
        return lift_restriction(restriction, db.session.get(User, admins[n]), f"Settled ({n})")

    outcomes = run_at_once(app, lift, 2)

    assert errors_in(outcomes) == [] and sorted(outcomes) == [False, True]
    assert events("selling_restriction.lifted") == 1


def test_two_admins_suspending_one_reviewer_suspend_once(app):
    [reviewer] = make_reviewers(1)
    reviewer_id, admins = reviewer.id, [make_user().id, make_user().id]
    db.session.commit()
    db.session.remove()

    def suspend(n: int) -> int:
        user = db.session.get(User, reviewer_id)
        return suspend_reviewer(user, db.session.get(User, admins[n]), f"Reason number {n}.")

    outcomes = run_at_once(app, suspend, 2)

    assert [type(e) for e in errors_in(outcomes)] == [StandingRefused]
    assert events("reviewer.suspended") == 1


@pytest.mark.parametrize("round_", range(3))
def test_a_vote_racing_the_suspension_of_its_reviewer_gives_one_outcome(app, round_):
    clock.freeze(START)
    seat = open_seats(make_panel())[0]
    seat_id, reviewer_id, admin_id = seat.id, seat.reviewer_id, make_user().id
    db.session.commit()
    db.session.remove()

    def act(n: int):
        user = db.session.get(User, reviewer_id)
        if n == 0:
            return cast_vote(db.session.get(Seat, seat_id), user, FOR_BUYER, REASON)
        return suspend_reviewer(user, db.session.get(User, admin_id), "Suspended mid-vote.")

    outcomes = run_at_once(app, act, 2)

    seat = db.session.get(Seat, seat_id)
    voted = db.session.scalar(select(func.count(Vote.id)).where(Vote.seat_id == seat_id))
    assert not isinstance(outcomes[1], Exception)  # the suspension always goes through
    if seat.status == SeatStatus.VOTED.value:
        assert voted == 1 and outcomes[1] == 0
    else:
        assert seat.status == SeatStatus.WITHDRAWN.value
        assert voted == 0 and outcomes[1] == 1 and isinstance(outcomes[0], JuryRefused)
