"""The counting sweep under the adaptive rule: waves of seats, the verdict when the weighed
votes' posterior reaches the panel's confidence, the majority of the cap at the cap or the
deadline, one wave and one verdict when sweeps race, and a known leaning discounted."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.cases.states import (
    CaseState,
    Outcome,
)
from app.core import clock
from app.core.extensions import db
from app.jury.counting import count_due_panels
from app.jury.drawing import panel_size
from app.jury.models import Panel, PanelRound, PanelRule, PanelStatus, PracticeAnswer, Seat, Tally
from app.jury.rules import Accuracy, Side, WeighedVote, margin_for, posterior
from app.jury.track_record import track_records
from app.jury.turns import panel_progress
from app.mediation.services import route_to_panel
from tests.helpers.case_factories import make_case
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.counts import table_count
from tests.helpers.factories import make_order, make_user
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, START, make_pool, open_seats, panel_of, votes

SIDES = {FOR_BUYER: Side.BUYER, FOR_SELLER: Side.SELLER}


@pytest.fixture
def adaptive(app, monkeypatch):
    monkeypatch.setitem(current_app.config, "PANEL_RULE", "adaptive")
    monkeypatch.setitem(current_app.config, "ADAPTIVE_CONFIDENCE", 0.99)
    # small waves, so that a few votes show each step (the defaults are chosen in the
    # simulator, docs/simulator.md)
    for name, value in {"ADAPTIVE_FIRST_WAVE": 5, "ADAPTIVE_WAVE": 4, "ADAPTIVE_CAP": 31}.items():
        monkeypatch.setitem(current_app.config, name, value)
    clock.freeze(START)


def adaptive_panel(pool: int = 20) -> Panel:
    make_pool(pool)
    return panel_of(make_case("panel"))


def tally_of(panel) -> Tally | None:
    return db.session.scalar(select(Tally).where(Tally.panel_id == panel.id))


def seat_count(panel) -> int:
    return db.session.scalar(select(func.count(Seat.id)).where(Seat.panel_id == panel.id))


def test_an_adaptive_panel_opens_its_first_wave_and_records_its_rule(adaptive):
    panel = adaptive_panel()
    config = current_app.config
    assert panel.rule == PanelRule.ADAPTIVE.value
    assert panel.confidence == 0.99
    assert (panel.seats, panel.majority) == (
        config["ADAPTIVE_CAP"],
        config["ADAPTIVE_CAP"] // 2 + 1,
    )
    assert panel.seats_drawn == seat_count(panel) == config["ADAPTIVE_FIRST_WAVE"]
    assert count_due_panels() == 0  # no vote yet: nothing to count
    # the parties and the mediator read how it decides, and how many votes are cast
    votes(panel, FOR_SELLER, 1)
    progress = str(panel_progress([panel.case_id])[panel.case_id].in_words)
    assert progress == (
        "1 vote cast. The panel decides as soon as the reviewers' agreement is strong "
        f"enough, with up to {config['ADAPTIVE_CAP']} reviewers."
    )


def test_the_verdict_falls_when_the_posterior_reaches_the_confidence(adaptive):
    """Newcomers are all estimated at the pool's 0.7, so the rule is the SPRT's: the verdict
    falls at a lead of ``margin_for(0.7, 0.99)`` = 6 votes, one more than the first wave."""
    panel = adaptive_panel()
    assert margin_for(0.7, 0.99) == 6
    votes(panel, FOR_BUYER, 5)
    assert count_due_panels() == 0
    # five for the buyer could not reach 0.99 and no seat was open: the next wave came
    db.session.refresh(panel)
    assert (panel.waves, panel.seats_drawn, seat_count(panel)) == (1, 9, 9)
    assert panel.counted_votes == 5 and tally_of(panel) is None
    assert count_due_panels() == 0  # counted already: not due until another vote

    clock.advance(timedelta(hours=3))
    votes(panel, FOR_BUYER, 1)
    assert count_due_panels() == 1
    tally = tally_of(panel)
    expected = posterior([WeighedVote(FOR_BUYER, Accuracy.even(0.7))] * 6, SIDES)
    assert tally.verdict == FOR_BUYER and tally.votes_cast == 6
    assert tally.posterior == pytest.approx(expected)
    assert tally.posterior[FOR_BUYER] >= 0.99
    assert panel.case.state == CaseState.DECIDED.value
    assert panel.case.outcome == Outcome.FOR_BUYER.value


def test_no_wave_while_the_open_seats_could_still_decide(adaptive):
    panel = adaptive_panel()
    votes(panel, FOR_SELLER, 2)
    assert count_due_panels() == 0
    db.session.refresh(panel)
    # two for the seller and three open: at most a lead of five, so the wave comes at once
    assert panel.waves == 1

    votes(panel, FOR_SELLER, 1)  # three for the seller, six open seats: a lead of nine
    assert count_due_panels() == 0
    db.session.refresh(panel)
    assert panel.waves == 1 and seat_count(panel) == 9


def test_at_the_cap_with_every_seat_voted_the_majority_of_the_cap_decides(adaptive, monkeypatch):
    monkeypatch.setitem(current_app.config, "ADAPTIVE_CAP", 9)
    panel = adaptive_panel()
    assert panel.majority == 5
    for option in (FOR_BUYER, FOR_SELLER, FOR_BUYER, FOR_SELLER, FOR_BUYER):
        votes(panel, option, 1)
    count_due_panels()
    db.session.refresh(panel)
    assert panel.seats_drawn == panel.seats == 9
    for option in (FOR_SELLER, FOR_BUYER, FOR_SELLER):
        votes(panel, option, 1)
    assert count_due_panels() == 0  # eight of nine voted: wait for the last
    votes(panel, FOR_BUYER, 1)
    assert count_due_panels() == 1
    tally = tally_of(panel)
    assert tally.counts == {FOR_BUYER: 5, FOR_SELLER: 4} and tally.verdict == FOR_BUYER
    assert tally.posterior[FOR_BUYER] < 0.99  # the fallback, not the posterior, decided


def test_at_the_deadline_the_majority_of_the_cap_decides_or_returns(adaptive, monkeypatch):
    monkeypatch.setitem(current_app.config, "ADAPTIVE_CAP", 9)
    panel = adaptive_panel()
    votes(panel, FOR_BUYER, 4)
    votes(panel, FOR_SELLER, 1)
    count_due_panels()
    clock.advance(current_app.config["PANEL_DEADLINE"])
    assert count_due_panels() == 1
    assert tally_of(panel).verdict == FOR_BUYER  # five cast, four for the buyer alone

    other = adaptive_panel()
    votes(other, FOR_BUYER, 3)
    clock.advance(current_app.config["PANEL_DEADLINE"])
    assert count_due_panels() == 1
    assert other.status == PanelStatus.RETURNED.value  # three cast, fewer than five
    assert tally_of(other).posterior[FOR_BUYER] > 0.5


def test_no_verdict_falls_inside_the_vote_request(adaptive, client):
    from tests.helpers.pages import login, post_confirmed

    panel = adaptive_panel()
    votes(panel, FOR_BUYER, 4)
    count_due_panels()
    db.session.refresh(panel)
    votes(panel, FOR_BUYER, 1)
    last = open_seats(panel)[0]

    login(client, last.reviewer)
    reason = "The courier's photo shows the parcel was crushed."
    response = post_confirmed(
        client, f"/review/seats/{last.id}/vote", {"option": "0", "reason": reason}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert panel.status == PanelStatus.OPEN.value and tally_of(panel) is None
    assert count_due_panels() == 1
    assert tally_of(panel).verdict == FOR_BUYER


@pytest.mark.committing
def test_two_sweeps_at_once_open_one_wave_then_give_one_verdict(app, adaptive):
    panel = adaptive_panel()
    votes(panel, FOR_BUYER, 3)
    votes(panel, FOR_SELLER, 2)
    panel_id = panel.id
    db.session.commit()
    db.session.remove()

    outcomes = run_at_once(app, lambda _n: count_due_panels(), 2)

    assert errors_in(outcomes) == [] and outcomes == [0, 0]
    panel = db.session.get(Panel, panel_id)
    assert (panel.waves, panel.seats_drawn, seat_count(panel)) == (1, 9, 9)

    votes(panel, FOR_BUYER, 4)  # seven to two: a lead of five at 0.7 each is short of 0.99
    db.session.commit()
    db.session.remove()
    outcomes = run_at_once(app, lambda _n: count_due_panels(), 2)
    panel = db.session.get(Panel, panel_id)
    assert errors_in(outcomes) == []
    assert panel.waves == 2 and seat_count(panel) == 13

    votes(panel, FOR_BUYER, 1)
    db.session.commit()
    db.session.remove()
    outcomes = run_at_once(app, lambda _n: count_due_panels(), 2)
    assert errors_in(outcomes) == [] and sorted(outcomes) == [0, 1]
    assert table_count(Tally) == 1
    assert db.session.get(Panel, panel_id).status == PanelStatus.DECIDED.value


def gold_answers(reviewer, seller_right: int, buyer_right: int, of: int = 10) -> None:
    """``of`` gold answers on each side, so many of them right."""
    for side, right in ((Side.SELLER, seller_right), (Side.BUYER, buyer_right)):
        for n in range(of):
            db.session.add(
                PracticeAnswer(
                    user_id=reviewer.id,
                    practice_key=f"gold-{side}-{n}",
                    option=FOR_SELLER,
                    correct=n < right,
                    truth_side=side.value,
                )
            )
    db.session.flush()


def test_a_known_leaning_is_discounted_in_the_sweep(adaptive):
    """Reviewers who mostly sell, whose gold answers show them right on the seller's side
    and often wrong on the buyer's, weigh less when they vote for the seller than balanced
    reviewers do; the sweep's posterior is the rule's over those accuracies."""
    sellers, balanced = make_pool(4), make_pool(4)
    for reviewer in sellers:
        for _ in range(3):
            make_order(buyer=make_user(), seller=reviewer)
        gold_answers(reviewer, seller_right=9, buyer_right=5)
    for reviewer in balanced:
        gold_answers(reviewer, seller_right=7, buyer_right=7)
    case = make_case("mediation")
    route_to_panel(case, case.mediator, "A crushed parcel.", "Who is right?")
    panel = panel_of(case)  # at most two sellers in five: one at least

    records = track_records()
    seller_ids = {r.id for r in sellers}
    accuracy = records.accuracies(r.id for r in sellers + balanced)
    strength = {uid: a.seller / (1 - a.buyer) for uid, a in accuracy.items()}
    assert max(strength[uid] for uid in seller_ids) < min(
        value for uid, value in strength.items() if uid not in seller_ids
    )

    while tally_of(panel) is None:
        seat = sorted(open_seats(panel), key=lambda s: s.reviewer_id not in seller_ids)[0]
        votes_so_far = [*voted(panel), seat.reviewer_id]
        expected = posterior(
            [WeighedVote(FOR_SELLER, accuracy[uid]) for uid in votes_so_far], SIDES
        )
        vote_for_seller(seat)
        count_due_panels()
    tally = tally_of(panel)
    assert tally.verdict == FOR_SELLER
    assert tally.posterior == pytest.approx(expected)
    assert any(uid in seller_ids for uid in votes_so_far)
    even = posterior([WeighedVote(FOR_SELLER, Accuracy.even(0.7))] * len(votes_so_far), SIDES)
    assert tally.posterior[FOR_SELLER] < even[FOR_SELLER]


def voted(panel) -> list[int]:
    return list(
        db.session.scalars(
            select(Seat.reviewer_id).where(Seat.panel_id == panel.id, Seat.status == "voted")
        )
    )


def vote_for_seller(seat) -> None:
    from tests.helpers.jury import vote

    vote(seat, FOR_SELLER)


def test_an_appeal_panel_may_grow_larger_and_must_be_surer(adaptive):
    first, appeal = panel_size(PanelRound.FIRST), panel_size(PanelRound.APPEAL)
    assert (first.seats, first.majority, first.first_draw, first.confidence) == (31, 16, 5, 0.99)
    cap = current_app.config["APPEAL_ADAPTIVE_CAP"]
    assert cap > first.seats
    assert (appeal.seats, appeal.majority, appeal.first_draw) == (cap, cap // 2 + 1, 5)
    assert appeal.confidence == current_app.config["APPEAL_ADAPTIVE_CONFIDENCE"] == 0.995
    assert appeal.rule is first.rule is PanelRule.ADAPTIVE
