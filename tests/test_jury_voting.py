"""A reviewer's vote and recusal: one final vote per seat, with a reason, in time."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.models import (
    PanelStatus,
    Seat,
    SeatStatus,
    Vote,
)
from app.jury.voting import JuryRefused, can_vote, cast_vote, panel_results, recuse
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.counts import table_count
from tests.helpers.jury import (
    FOR_BUYER,
    FOR_SELLER,
    REASON,
    START,
    make_panel,
    vote,
    votes,
)


@pytest.fixture
def panel():
    clock.freeze(START)
    return make_panel()


# Voting


def test_a_vote_is_recorded_and_final(panel):
    seat = panel.seat_rows[0]
    assert can_vote(seat, seat.reviewer)

    cast = vote(seat, FOR_BUYER, "  " + REASON + "  ")

    assert cast.option == FOR_BUYER and cast.reason == REASON
    assert seat.status == SeatStatus.VOTED.value
    assert not can_vote(seat, seat.reviewer)
    with pytest.raises(JuryRefused):
        vote(seat, FOR_SELLER)
    assert table_count(Vote) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "jury.vote_cast"))


def test_only_the_seat_holder_votes(panel):
    seat, other = panel.seat_rows[:2]
    assert not can_vote(seat, other.reviewer)
    with pytest.raises(JuryRefused):
        cast_vote(seat, other.reviewer, FOR_BUYER, REASON)
    with pytest.raises(JuryRefused):
        cast_vote(seat, panel.case.buyer, FOR_BUYER, REASON)


@pytest.mark.parametrize("reason", ["Too short reason.", " " * 30, "x" * 19 + "   "])
def test_a_reason_under_twenty_characters_is_refused(panel, reason):
    seat = panel.seat_rows[0]
    with pytest.raises(JuryRefused) as refused:
        vote(seat, FOR_BUYER, reason)
    assert refused.value.field == "reason"
    assert seat.status == SeatStatus.OPEN.value
    vote(seat, FOR_BUYER, "x" * 20)  # exactly twenty is enough


def test_an_overlong_reason_or_an_unknown_option_is_refused(panel):
    seat = panel.seat_rows[0]
    with pytest.raises(JuryRefused) as refused:
        vote(seat, FOR_BUYER, "x" * 2001)
    assert refused.value.field == "reason"
    with pytest.raises(JuryRefused) as refused:
        vote(seat, "Split the difference")
    assert refused.value.field == "option"
    assert table_count(Vote) == 0


def test_voting_after_the_seats_due_time_is_refused(panel):
    seat = panel.seat_rows[0]
    clock.advance(current_app.config["SEAT_VOTE_WINDOW"] - timedelta(seconds=1))
    assert can_vote(seat, seat.reviewer)
    clock.advance(timedelta(seconds=1))

    assert not can_vote(seat, seat.reviewer)
    with pytest.raises(JuryRefused):
        vote(seat, FOR_BUYER)
    assert table_count(Vote) == 0


def test_voting_on_a_closed_panel_is_refused(panel):
    seat = panel.seat_rows[0]
    panel.status = PanelStatus.DECIDED.value
    db.session.flush()
    with pytest.raises(JuryRefused):
        vote(seat, FOR_BUYER)


def test_a_reviewer_may_recuse_instead(panel):
    seat = panel.seat_rows[0]
    recuse(seat, seat.reviewer)

    assert seat.status == SeatStatus.RECUSED.value
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "jury.recused"))
    assert event.subject_id == str(seat.id) and event.actor_id == seat.reviewer_id
    with pytest.raises(JuryRefused):
        vote(seat, FOR_BUYER)
    with pytest.raises(JuryRefused):
        recuse(seat, seat.reviewer)
    with pytest.raises(JuryRefused):
        recuse(panel.seat_rows[1], seat.reviewer)  # not their seat


def test_results_are_hidden_until_the_panel_closes_and_never_name_reviewers(panel):
    votes(panel, FOR_BUYER, 2)
    votes(panel, FOR_SELLER, 1)
    assert panel_results(panel) is None

    panel.status = PanelStatus.RETURNED.value
    db.session.flush()
    results = panel_results(panel)

    assert results.counts == {FOR_BUYER: 2, FOR_SELLER: 1}
    assert results.votes_cast == 3
    assert results.reasons == [(FOR_BUYER, REASON), (FOR_BUYER, REASON), (FOR_SELLER, REASON)]
    shown = repr(results)
    for seat in panel.seat_rows:
        assert seat.reviewer.display_name not in shown and seat.reviewer.email not in shown


@pytest.mark.committing
def test_eight_votes_at_once_on_one_seat_give_one_vote(app):
    clock.freeze(START)
    panel = make_panel()
    seat_id = panel.seat_rows[0].id
    db.session.commit()
    db.session.remove()

    def cast(n: int):
        seat = db.session.get(Seat, seat_id)
        option = FOR_BUYER if n % 2 else FOR_SELLER
        return cast_vote(seat, seat.reviewer, option, f"{REASON} ({n})").id

    outcomes = run_at_once(app, cast, 8)

    errors = errors_in(outcomes)
    assert len(errors) == 7 and all(isinstance(e, JuryRefused) for e in errors)
    assert db.session.scalars(select(Vote.seat_id)).all() == [seat_id]
    assert db.session.get(Seat, seat_id).status == SeatStatus.VOTED.value
