"""A reviewer's reputation: Kleros' score, levels, verdicts, no-shows and suspension."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.models import Panel, Reviewer, ReviewerStatus, Seat, SeatStatus, Tally, Vote
from app.jury.reputation import (
    apply_verdict,
    effective_score,
    history,
    level,
    record_no_show,
    score,
)
from tests.helpers.factories import make_case_row, make_user
from tests.helpers.pages import login, page

GRANT, REJECT = "grant:full_refund:19900", "reject"


def make_reviewer(**fields) -> Reviewer:
    user = make_user(age=timedelta(days=200))
    reviewer = Reviewer(user_id=user.id, status=ReviewerStatus.ACTIVE.value, **fields)
    db.session.add(reviewer)
    db.session.flush()
    return reviewer


def make_panel(votes: list[tuple[Reviewer, str | None]], *, round: str = "first") -> Panel:
    """A panel with one seat per reviewer; a None option is a seat without a vote."""
    now = clock.now()
    panel = Panel(
        case=make_case_row(state="panel"),
        round=round,
        seats=len(votes),
        majority=len(votes) // 2 + 1,
        options=[GRANT, REJECT],
        question="Should the buyer be refunded?",
        summary="A neutral summary.",
        seed="0" * 64,
        pool=[],
        deadline_at=now + timedelta(hours=72),
    )
    db.session.add(panel)
    db.session.flush()
    for reviewer, option in votes:
        seat = Seat(
            panel_id=panel.id,
            reviewer_id=reviewer.user_id,
            status=SeatStatus.VOTED.value if option else SeatStatus.OPEN.value,
            vote_due_at=now + timedelta(hours=24),
        )
        db.session.add(seat)
        db.session.flush()
        if option:
            db.session.add(Vote(seat_id=seat.id, panel_id=panel.id, option=option, reason="x" * 20))
    db.session.flush()
    return panel


@pytest.mark.parametrize(
    ("coherent", "resolved", "expected"),
    [(0, 0, 0), (10, 10, 50), (30, 30, 75), (0, 20, 0), (1, 0, 10), (1, 30, 3), (90, 90, 90)],
)
def test_score_is_kleros_formula(coherent, resolved, expected):
    assert score(coherent, resolved) == expected


def test_score_rounds_half_up():
    assert score(1, 30) == 3  # 2.5 → 3
    assert score(1, 10) == 5


def test_effective_score_subtracts_five_per_no_show_never_below_zero():
    assert effective_score(10, 10, 2) == 40
    assert effective_score(0, 0, 3) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (24, 0), (25, 1), (49, 1), (50, 2), (69, 2), (70, 3), (89, 3), (90, 4), (100, 4)],
)
def test_levels_at_the_boundaries(app, value, expected):
    assert level(value) == expected


def test_apply_verdict_counts_coherence_for_this_panel_only():
    a, b, c, idle = (make_reviewer() for _ in range(4))
    panel = make_panel([(a, GRANT), (b, GRANT), (c, REJECT), (idle, None)])
    other = make_panel([(a, REJECT)])
    apply_verdict(panel, GRANT)
    for reviewer, resolved, coherent in [(a, 1, 1), (b, 1, 1), (c, 1, 0), (idle, 0, 0)]:
        db.session.refresh(reviewer)
        assert (reviewer.resolved, reviewer.coherent) == (resolved, coherent)
    db.session.refresh(a)
    assert a.score == score(1, 1) == 9
    assert c.score == 0
    apply_verdict(other, GRANT)
    db.session.refresh(a)
    assert (a.resolved, a.coherent, a.score) == (2, 1, 8)


def test_a_verdict_returned_to_the_mediator_changes_nothing():
    a = make_reviewer(resolved=3, coherent=2, score=15)
    apply_verdict(make_panel([(a, GRANT)]), None)
    db.session.refresh(a)
    assert (a.resolved, a.coherent, a.score) == (3, 2, 15)


def test_low_score_after_twenty_cases_suspends():
    # 19 resolved, 5 coherent: after one more incoherent vote, 5/30 → 17 < 25
    low = make_reviewer(resolved=19, coherent=5)
    # 18 resolved, 2 coherent: after one more, 19 cases: not yet
    early = make_reviewer(resolved=18, coherent=2)
    # 19 resolved, 10 coherent: after one more coherent, 11/30 → 37
    good = make_reviewer(resolved=19, coherent=10)
    apply_verdict(make_panel([(low, REJECT), (early, REJECT), (good, GRANT)]), GRANT)
    for reviewer in (low, early, good):
        db.session.refresh(reviewer)
    assert (low.resolved, low.score, low.status) == (20, 17, ReviewerStatus.SUSPENDED.value)
    assert early.status == ReviewerStatus.ACTIVE.value
    assert (good.score, good.status) == (37, ReviewerStatus.ACTIVE.value)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reviewer.suspended")
    ).all()
    assert [e.subject_id for e in events] == [str(low.user_id)]


def test_a_no_show_costs_five_points():
    reviewer = make_reviewer(resolved=10, coherent=10, score=50)
    record_no_show(reviewer.user_id)
    db.session.refresh(reviewer)
    assert (reviewer.no_shows, reviewer.score) == (1, 45)
    apply_verdict(make_panel([(reviewer, GRANT)]), GRANT)
    db.session.refresh(reviewer)
    assert reviewer.score == effective_score(11, 11, 1) == 47


def test_no_shows_can_suspend_an_experienced_reviewer():
    reviewer = make_reviewer(resolved=20, coherent=9)  # 9/30 → 30
    record_no_show(reviewer.user_id)
    db.session.refresh(reviewer)
    assert (reviewer.score, reviewer.status) == (25, ReviewerStatus.ACTIVE.value)
    record_no_show(reviewer.user_id)
    db.session.refresh(reviewer)
    assert (reviewer.score, reviewer.status) == (20, ReviewerStatus.SUSPENDED.value)


def test_history_and_dashboard_show_case_numbers_not_parties(client):
    reviewer = make_reviewer(resolved=0, coherent=0, practice_answered=5, practice_correct=5)
    decided = make_panel([(reviewer, GRANT)])
    open_panel = make_panel([(reviewer, None)])
    db.session.add(Tally(panel_id=decided.id, counts={GRANT: 1}, verdict=GRANT, votes_cast=1))
    apply_verdict(decided, GRANT)
    records = history(reviewer.user)
    assert {r.case_id for r in records} == {decided.case_id, open_panel.case_id}
    decided_record = next(r for r in records if r.case_id == decided.case_id)
    assert (decided_record.vote, decided_record.verdict, decided_record.coherent) == (
        GRANT,
        GRANT,
        True,
    )
    login(client, reviewer.user)
    html = page(client, "/review/")
    assert f"Case #{decided.case_id}" in html
    assert f"Case #{open_panel.case_id}" in html
    assert "Not voted yet" in html
    assert decided.case.buyer.display_name not in html
    assert decided.case.seller.display_name not in html
    assert "100% (5 of 5)" in html
    assert 'href="/review/seats"' in html
