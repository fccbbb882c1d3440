"""Whose turn it is on a case, in every state (``app.cases.turns``): the parties whose step
it is and by when, or the mediator, a panel (with its votes counted, never named) or nobody."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app

from app.cases.states import (
    CaseState,
    Party,
)
from app.cases.turns import CASE_TURNS, Waiting, parties_whose_turn, turn_of, turns_of
from app.core import clock
from app.execution import services as execution
from app.mediation.services import open_proposal
from tests.helpers.case_factories import answer_proposal, make_case
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, make_panel, open_seats, vote

BUYER, SELLER = frozenset({Party.BUYER}), frozenset({Party.SELLER})
BOTH = BUYER | SELLER


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))


def test_every_state_has_a_rule(app):
    registered = app.extensions["case_turns"].keys() | CASE_TURNS.keys()
    assert registered == set(CaseState)


@pytest.mark.parametrize(
    ("state", "parties", "waiting", "step"),
    [
        ("filed", frozenset(), Waiting.MEDIATOR, "review the claim"),
        ("returned", BUYER, None, "complete and resubmit the claim"),
        ("awaiting_seller", SELLER, None, "answer the claim"),
        ("counter_offer", BUYER, None, "answer the seller's offer"),
        ("evidence", BOTH, None, "add evidence"),
        ("mediation", frozenset(), Waiting.MEDIATOR, "propose a settlement or decide"),
        ("proposal", BOTH, None, "answer the proposal"),
        # the mediator decided a full refund: the seller lost, and may appeal
        ("decided", SELLER, None, "accept the decision or appeal it"),
        ("executing", SELLER, None, "carry out the decision's next step"),
    ],
)
def test_the_turn_of_each_state_runs_to_its_deadline(state, parties, waiting, step):
    case = make_case(state)

    turn = turn_of(case)

    assert (turn.parties, turn.waiting, str(turn.step)) == (parties, waiting, step)
    assert turn.deadline_at == case.deadline_at and turn.deadline_at > clock.now()
    assert turn.progress is None


@pytest.mark.parametrize("state", ["closed", "closed_completed"])
def test_a_closed_case_waits_on_nobody(state):
    turn = turn_of(make_case(state))
    assert (turn.parties, turn.waiting, turn.step, turn.deadline_at) == (
        frozenset(),
        Waiting.NOBODY,
        None,
        None,
    )


def test_a_proposal_waits_only_on_the_side_yet_to_answer_until_it_expires():
    case = make_case("proposal")
    answer_proposal(case, "buyer", True)

    turn = turn_of(case)

    assert turn.parties == SELLER and turn.is_for(Party.SELLER) and not turn.is_for(Party.BUYER)
    assert turn.deadline_at == open_proposal(case).expires_at
    assert parties_whose_turn(case) == [case.seller]


def test_a_panel_counts_the_votes_cast_out_of_those_needed_and_no_more():
    panel = make_panel()
    case = panel.case
    assert str(turn_of(case).progress) == "0 of 9 needed votes cast"
    seats = open_seats(panel)
    for seat, option in zip(seats[:4], [FOR_BUYER, FOR_SELLER, FOR_BUYER, FOR_BUYER], strict=True):
        vote(seat, option)

    turn = turn_of(case)

    assert (turn.parties, turn.waiting, str(turn.step)) == (frozenset(), Waiting.PANEL, "vote")
    assert str(turn.progress) == f"4 of {panel.majority} needed votes cast"
    assert turn.deadline_at == panel.deadline_at
    assert parties_whose_turn(case) == []


def test_an_appealed_decision_waits_on_nobody_for_an_appeal():
    case = make_case("decided")
    assert parties_whose_turn(case) == [case.seller]
    clock.advance(current_app.config["APPEAL_WINDOW"] + timedelta(minutes=1))
    assert turn_of(case).parties == frozenset() and turn_of(case).waiting is Waiting.NOBODY


def test_a_step_marked_done_waits_on_the_other_side_and_a_dispute_on_the_mediator():
    case = make_case("executing")
    [refund] = execution.obligations_of(case)
    execution.mark_done(refund, case.seller, "Refunded, reference RF-1.", None)

    turn = turn_of(case)
    assert turn.parties == BUYER and turn.deadline_at == refund.dispute_until

    execution.dispute(refund, case.buyer, "No refund has reached my account yet.")
    assert turn_of(case).waiting is Waiting.MEDIATOR and turn_of(case).parties == frozenset()


def test_many_cases_in_many_states_read_together_take_the_turns_each_has_alone():
    cases = [make_case(state) for state in ("decided", "executing", "proposal", "counter_offer")]
    cases.append(make_panel().case)
    assert len({case.state for case in cases}) >= 4

    turns = turns_of(cases)

    assert turns == {case.id: turn_of(case) for case in cases}
