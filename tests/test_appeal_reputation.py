"""The final verdict revises the reputation of the panel whose verdict was appealed: coherence
is judged against the final verdict (Kleros), once, with an audit event.

The first panel has three seats and decides at two votes: reviewers A and B vote for the
seller, C for the buyer. After it closes each has one resolved case; A and B one coherent:
score round(100 · 1 / 11) = 9 for A and B, round(100 · 0 / 11) = 0 for C.
"""

import pytest
from sqlalchemy import select

from app.cases.states import Remedy
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.counting import count_due_panels
from app.jury.models import Appeal, PanelRound, Reviewer
from app.jury.reputation import history
from app.jury.revision import revise_appealed_panel
from app.mediation import services as mediation
from app.mediation.appeals import appeal
from app.mediation.services import Settlement
from tests.helpers.case_factories import make_case
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, START, make_pool, open_seats, panel_of, votes
from tests.helpers.jury import vote as cast

REASON = "The panel overlooked the courier's photo of the crushed box."


@pytest.fixture
def appealed(app, monkeypatch):
    """A, B and C's first panel decided for the seller; the buyer appealed."""
    clock.freeze(START)
    for key, value in {
        "PANEL_SEATS": 3,
        "PANEL_MAJORITY": 2,
        "APPEAL_PANEL_SEATS": 5,
        "APPEAL_PANEL_MAJORITY": 3,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    make_pool(3)
    case = make_case("panel")
    first = panel_of(case)
    a, b, c = open_seats(first)
    cast(c, FOR_BUYER)
    cast(a, FOR_SELLER)
    cast(b, FOR_SELLER)
    assert count_due_panels() == 1
    assert scores(a.reviewer_id, b.reviewer_id, c.reviewer_id) == [(1, 1, 9), (1, 1, 9), (1, 0, 0)]
    make_pool(5)
    db.session.refresh(case)
    appeal(case, case.buyer, REASON)
    return case, first, (a.reviewer_id, b.reviewer_id, c.reviewer_id)


def scores(*user_ids) -> list[tuple[int, int, int]]:
    """(resolved, coherent, score) of each reviewer, as stored."""
    db.session.expire_all()
    return [
        (r.resolved, r.coherent, r.score) for r in (db.session.get(Reviewer, u) for u in user_ids)
    ]


def revisions(panel) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "panel.reputation_revised",
            AuditEvent.subject_id == str(panel.id),
        )
    ).all()


def test_an_overturned_panels_reviewers_are_scored_against_the_final_verdict(appealed):
    case, first, (a, b, c) = appealed
    appeal_panel = panel_of(case, PanelRound.APPEAL)
    votes(appeal_panel, FOR_BUYER, 3)

    assert count_due_panels() == 1

    # A and B lose the coherent case their panel gave them, C gains one: 0/11 and 1/11
    assert scores(a, b, c) == [(1, 0, 0), (1, 0, 0), (1, 1, 9)]
    [event] = revisions(first)
    assert event.actor_id is None
    assert event.before == {"verdict": FOR_SELLER}
    assert event.after == {"final_verdict": FOR_BUYER, "overturned": True, "reviewers_changed": 3}
    row = db.session.scalar(select(Appeal).where(Appeal.case_id == case.id))
    assert row.final_verdict == FOR_BUYER and row.reputation_revised_at == clock.now()
    # the reviewer's own record judges coherence the same way
    [record] = history(db.session.get(Reviewer, c).user)
    assert record.verdict == FOR_BUYER and record.coherent is True


def test_an_upheld_verdict_changes_no_score_but_is_recorded(appealed):
    case, first, (a, b, c) = appealed
    votes(panel_of(case, PanelRound.APPEAL), FOR_SELLER, 3)

    assert count_due_panels() == 1

    assert scores(a, b, c) == [(1, 1, 9), (1, 1, 9), (1, 0, 0)]
    [event] = revisions(first)
    assert event.after == {"final_verdict": FOR_SELLER, "overturned": False, "reviewers_changed": 0}


def test_the_revision_is_counted_once_however_often_the_decision_is_heard(appealed):
    case, first, (a, b, c) = appealed
    votes(panel_of(case, PanelRound.APPEAL), FOR_BUYER, 3)
    count_due_panels()

    # the listener heard again (a retried transaction, a second sweep), and the sweep again
    revise_appealed_panel(case, final=False)
    revise_appealed_panel(case, final=False)
    assert count_due_panels() == 0

    assert scores(a, b, c) == [(1, 0, 0), (1, 0, 0), (1, 1, 9)]
    assert len(revisions(first)) == 1


def test_a_mediators_decision_after_a_returned_appeal_panel_is_the_final_verdict(appealed):
    case, first, (a, b, c) = appealed
    appeal_panel = panel_of(case, PanelRound.APPEAL)
    clock.advance(appeal_panel.deadline_at - clock.now())
    assert count_due_panels() == 1  # no votes: back to the mediator
    db.session.refresh(case)

    full = Settlement(Remedy.FULL_REFUND, None, "The courier's photo shows the crushed box.")
    mediation.decide(case, case.mediator, full)

    assert scores(a, b, c) == [(1, 0, 0), (1, 0, 0), (1, 1, 9)]
    assert revisions(first)[0].after["overturned"] is True


def test_a_final_decision_off_the_ballot_revises_nothing(appealed):
    case, first, (a, b, c) = appealed
    clock.advance(panel_of(case, PanelRound.APPEAL).deadline_at - clock.now())
    count_due_panels()
    db.session.refresh(case)

    half = Settlement(Remedy.PARTIAL_REFUND, 9950, "Half the price is fair to both.")
    mediation.decide(case, case.mediator, half)

    assert scores(a, b, c) == [(1, 1, 9), (1, 1, 9), (1, 0, 0)]
    [event] = revisions(first)
    assert event.after == {"final_verdict": None, "overturned": False, "reviewers_changed": 0}


def test_a_low_score_after_the_revision_suspends(appealed, app, monkeypatch):
    case, first, (a, b, c) = appealed
    monkeypatch.setitem(app.config, "REPUTATION_SUSPEND_AFTER_CASES", 1)
    votes(panel_of(case, PanelRound.APPEAL), FOR_BUYER, 3)
    count_due_panels()

    db.session.expire_all()
    statuses = [db.session.get(Reviewer, user_id).status for user_id in (a, b, c)]
    # the suspension rule reads the revised scores (A and B at 0), as it reads the counting's
    assert statuses[:2] == ["suspended", "suspended"]
    suspended = db.session.scalars(
        select(AuditEvent.subject_id).where(AuditEvent.action == "reviewer.suspended")
    ).all()
    assert {str(a), str(b)} <= set(suspended)
