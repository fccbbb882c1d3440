"""A reminder before every deadline, to whoever must act, exactly once, never to someone
who already acted, and not before the reminder's time: ``REMINDER_BEFORE_DEADLINE`` before
the deadline, or halfway to it when the time given is shorter than twice that.

Each test runs the scheduler's own reminder sweeps, as its jobs do.
"""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.cases.states import Party
from app.core import clock
from app.core.extensions import db
from app.execution.services import mark_done, obligations_of
from app.jury.counting import count_due_panels
from app.mediation.appeals import appeal
from app.mediation.services import answer_question, ask_question
from app.notifications.outbox import OutboxMessage
from app.scheduler.jobs import SWEEPS
from tests.helpers.case_factories import REFUND_PROOF, answer_proposal, make_case
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.jury import (
    FOR_SELLER,
    START,
    case_decided_for_seller,
    make_panel,
    open_seats,
    vote,
    votes,
)

MINUTE = timedelta(minutes=1)
QUESTION = "Which courier collected the parcel, and when?"
APPEAL_REASON = "The panel overlooked the courier's photo of the crushed box."
REMINDER_SWEEPS = {sweep.id: sweep.func for sweep in SWEEPS if sweep.id.endswith("-reminders")}


def lead() -> timedelta:
    return current_app.config["REMINDER_BEFORE_DEADLINE"]


def sweep_reminders() -> int:
    """Every reminder sweep of the scheduler, once; how many reminders they sent."""
    return sum(sweep() for sweep in REMINDER_SWEEPS.values())


def reminders_to(user) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.recipient_id == user.id,
            OutboxMessage.channel == "inbox",
            OutboxMessage.idempotency_key.contains("reminder"),
        )
    ).all()


def test_the_scheduler_runs_a_reminder_sweep_for_each_kind_of_deadline():
    assert set(REMINDER_SWEEPS) == {
        "case-reminders",
        "obligation-reminders",
        "question-reminders",
        "seat-reminders",
    }


# A settlement proposal about to expire


def test_a_proposal_reminds_each_party_yet_to_answer_once_a_day_before_it_expires():
    clock.freeze(START)
    case = make_case("proposal")
    expires = case.deadline_at
    clock.freeze(expires - lead() - MINUTE)
    assert sweep_reminders() == 0

    answer_proposal(case, "buyer", True)  # the buyer has acted
    clock.freeze(expires - lead() + MINUTE)
    assert sweep_reminders() == 1
    assert sweep_reminders() == 0

    assert reminders_to(case.buyer) == []
    [reminder] = reminders_to(case.seller)
    assert "proposal expires" in reminder.body and reminder.link == f"/cases/{case.id}"


def test_no_proposal_reminder_once_both_sides_answered():
    clock.freeze(START)
    case = make_case("proposal")
    expires = case.deadline_at
    answer_proposal(case, "buyer", False)  # rejected: back to the mediator
    clock.freeze(expires - lead() + MINUTE)
    sweep_reminders()
    assert reminders_to(case.buyer) == reminders_to(case.seller) == []


# An appeal window about to close


@pytest.fixture
def decided_for_seller():
    return case_decided_for_seller()


def test_the_side_that_may_appeal_is_reminded_once_before_the_window_closes(decided_for_seller):
    case = decided_for_seller
    closes = case.deadline_at
    clock.freeze(closes - lead() - MINUTE)
    assert sweep_reminders() == 0
    clock.freeze(closes - lead() + MINUTE)
    assert sweep_reminders() == 1
    assert sweep_reminders() == 0

    [reminder] = reminders_to(case.buyer)
    assert "appeal the decision" in reminder.body
    assert reminders_to(case.seller) == []  # the winner may not appeal


def test_no_appeal_reminder_after_the_appeal(decided_for_seller):
    case = decided_for_seller
    closes = case.deadline_at
    appeal(case, case.buyer, APPEAL_REASON)
    clock.freeze(closes - lead() + MINUTE)
    sweep_reminders()
    assert reminders_to(case.buyer) == []


# An obligation falling due


def test_whoever_owes_a_step_is_reminded_once_a_day_before_it_falls_due():
    clock.freeze(START)
    case = make_case("executing")
    [refund] = obligations_of(case)
    clock.freeze(refund.due_at - lead() - MINUTE)
    assert sweep_reminders() == 0
    clock.freeze(refund.due_at - lead() + MINUTE)
    assert sweep_reminders() == 1
    assert sweep_reminders() == 0

    [reminder] = reminders_to(case.seller)
    assert "step is due soon" in reminder.subject
    assert reminders_to(case.buyer) == []


def test_a_step_done_is_not_reminded():
    clock.freeze(START)
    case = make_case("executing")
    [refund] = obligations_of(case)
    due = refund.due_at
    mark_done(refund, case.seller, REFUND_PROOF, None)
    clock.freeze(due - lead() + MINUTE)
    assert sweep_reminders() == 0
    assert reminders_to(case.seller) == []


# A mediator's question falling due


def test_the_party_asked_is_reminded_once_before_the_answer_is_due():
    clock.freeze(START)
    case = make_case("mediation")
    question = ask_question(case, case.mediator, Party.SELLER, QUESTION, hours=48)
    clock.freeze(question.due_at - lead() - MINUTE)
    assert sweep_reminders() == 0
    clock.freeze(question.due_at - lead() + MINUTE)
    assert sweep_reminders() == 1
    assert sweep_reminders() == 0

    [reminder] = reminders_to(case.seller)
    assert "question is due soon" in reminder.subject
    assert reminders_to(case.buyer) == []


def test_a_short_question_is_reminded_halfway_not_when_asked():
    clock.freeze(START)
    case = make_case("mediation")
    question = ask_question(case, case.mediator, Party.BUYER, QUESTION, hours=6)
    assert sweep_reminders() == 0
    clock.advance(timedelta(hours=3) - MINUTE)
    assert sweep_reminders() == 0
    clock.advance(2 * MINUTE)
    assert sweep_reminders() == 1
    assert len(reminders_to(case.buyer)) == 1
    assert question.due_at > clock.now()


def test_an_answered_question_is_not_reminded():
    clock.freeze(START)
    case = make_case("mediation")
    question = ask_question(case, case.mediator, Party.SELLER, QUESTION, hours=48)
    due = question.due_at
    answer_question(question, case.seller, "SF Express collected it on the first of June.")
    clock.freeze(due - lead() + MINUTE)
    assert sweep_reminders() == 0
    assert reminders_to(case.seller) == []


# A reviewer's seat about to expire


def test_each_reviewer_yet_to_vote_is_reminded_once_halfway_through_a_one_day_seat():
    clock.freeze(START)
    panel = make_panel()
    seats = open_seats(panel)
    vote(seats[0], FOR_SELLER)  # this reviewer has acted
    due = seats[1].vote_due_at
    assert due - seats[1].seated_at == timedelta(hours=24) == lead()

    assert sweep_reminders() == 0  # not the moment the seat is given
    clock.freeze(due - timedelta(hours=12) - MINUTE)
    assert sweep_reminders() == 0
    clock.freeze(due - timedelta(hours=12) + MINUTE)
    assert sweep_reminders() == len(seats) - 1
    assert sweep_reminders() == 0

    assert reminders_to(seats[0].reviewer) == []
    [reminder] = reminders_to(seats[1].reviewer)
    assert reminder.link == f"/review/seats/{seats[1].id}"
    assert "Your vote on case" in reminder.subject


def test_no_seat_reminder_once_the_panel_has_decided():
    clock.freeze(START)
    panel = make_panel()
    seats = open_seats(panel)
    votes(panel, FOR_SELLER, 9)
    assert count_due_panels() == 1
    clock.freeze(seats[-1].vote_due_at - timedelta(hours=1))
    assert REMINDER_SWEEPS["seat-reminders"]() == 0
    assert reminders_to(seats[-1].reviewer) == []


# Two sweeps at once


def _proposal():
    case = make_case("proposal")
    return case.deadline_at, "case-reminders"


def _obligation():
    [refund] = obligations_of(make_case("executing"))
    return refund.due_at, "obligation-reminders"


def _question():
    case = make_case("mediation")
    question = ask_question(case, case.mediator, Party.SELLER, QUESTION, hours=48)
    return question.due_at, "question-reminders"


def _seat():
    seat = open_seats(make_panel())[0]
    return seat.vote_due_at, "seat-reminders"


@pytest.mark.committing
@pytest.mark.parametrize("build", [_proposal, _obligation, _question, _seat])
def test_two_reminder_sweeps_at_once_send_each_reminder_once(app, build):
    clock.freeze(START)
    due, sweep_id = build()
    db.session.commit()
    db.session.remove()  # hold no transaction while the threads run
    clock.freeze(due - MINUTE)

    outcomes = run_at_once(app, lambda _n: REMINDER_SWEEPS[sweep_id](), 2)

    assert errors_in(outcomes) == []
    sent = db.session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.contains("reminder"), OutboxMessage.channel == "inbox"
        )
    ).all()
    assert sum(outcomes) == (len(sent) if sweep_id == "seat-reminders" else 1)
    assert len(sent) == len(set(sent)) > 0
    assert sweep_reminders() == 0
