"""Races on appeals: both sides appealing a decision at the same instant make one appeal; two
counting sweeps closing an appeal panel at once revise the appealed panel's reputation once."""

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Remedy,
)
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.counting import count_due_panels
from app.jury.models import Appeal, PanelRound, Reviewer
from app.jury.voting import JuryRefused
from app.mediation.appeals import appeal
from app.mediation.services import Settlement
from tests.helpers.case_factories import make_case
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_user
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, START, make_pool, open_seats, panel_of
from tests.helpers.jury import vote as cast

REASON = "The decision overlooks the courier's photo of the box."
HALF = Settlement(Remedy.PARTIAL_REFUND, 9950, "Half the price back is fair.")


def _count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(*where))


@pytest.mark.committing
@pytest.mark.parametrize("heard_by", ["panel", "mediator"])
def test_both_sides_appealing_at_once_make_one_appeal(app, monkeypatch, heard_by):
    clock.freeze(START)
    for key, value in {
        "DECISION_APPEAL_TO": heard_by,
        "APPEAL_PANEL_SEATS": 3,
        "APPEAL_PANEL_MAJORITY": 2,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    make_pool(3)
    case = make_case("decided", settlement=HALF)  # part of the claim: either side may appeal
    make_user(roles=(Role.MEDIATOR,))
    ids = case.id, case.buyer_id, case.seller_id
    db.session.commit()
    db.session.remove()

    def appeal_as(n: int):
        return appeal(db.session.get(Case, ids[0]), db.session.get(User, ids[1 + n]), REASON)

    outcomes = run_at_once(app, appeal_as, 2)

    assert len(errors_in(outcomes)) == 1
    assert all(isinstance(error, JuryRefused) for error in errors_in(outcomes))
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == 1
    assert _count(AuditEvent.action == "case.appealed") == 1
    expected = CaseState.PANEL if heard_by == "panel" else CaseState.MEDIATION
    assert db.session.get(Case, ids[0]).current_state is expected


@pytest.mark.committing
def test_two_sweeps_closing_an_appeal_panel_revise_the_first_panel_once(app, monkeypatch):
    clock.freeze(START)
    for key, value in {
        "PANEL_SEATS": 3,
        "PANEL_MAJORITY": 2,
        "APPEAL_PANEL_SEATS": 3,
        "APPEAL_PANEL_MAJORITY": 2,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    make_pool(3)
    case = make_case("panel")
    first = panel_of(case)
    seats = open_seats(first)
    for seat in seats[:2]:
        cast(seat, FOR_SELLER)
    count_due_panels()
    make_pool(3)
    db.session.refresh(case)
    appeal_panel = appeal(case, case.buyer, REASON)
    assert appeal_panel.round == PanelRound.APPEAL.value
    for seat in open_seats(appeal_panel)[:2]:
        cast(seat, FOR_BUYER)
    overturned = [seat.reviewer_id for seat in seats[:2]]
    db.session.commit()
    db.session.remove()

    outcomes = run_at_once(app, lambda _n: count_due_panels(), 2)

    assert errors_in(outcomes) == [] and sorted(outcomes) == [0, 1]
    assert _count(AuditEvent.action == "panel.reputation_revised") == 1
    for user_id in overturned:  # one resolved case, no longer coherent: 0/11
        reviewer = db.session.get(Reviewer, user_id)
        assert (reviewer.resolved, reviewer.coherent, reviewer.score) == (1, 0, 0)
