"""Carrying out decisions: obligations, their steps and deadlines, disputes, enforcement and
closing (design: Execution and enforcement)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.cases import services as case_services
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    ClaimType,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.cases.transitions import CaseRefused
from app.core import clock
from app.core.extensions import db
from app.execution import services
from app.execution.ledger import deposit_balance, pay_in
from app.execution.models import DepositEntry, SellingRestriction
from app.execution.services import obligations_of
from app.execution.sweeps import sweep_obligations
from app.mediation import services as mediation
from app.mediation.services import Settlement
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.factories import make_order, make_user

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


@pytest.fixture
def people():
    return {
        "buyer": make_user(),
        "seller": make_user(shop_name="Shop"),
        "mediator": make_user(roles=(Role.MEDIATOR,)),
    }


def settled(people, outcome: Remedy, amount_fen=None) -> Case:
    """A case whose parties both accepted ``outcome``: execution has started."""
    order = make_order(people["buyer"], people["seller"], amount_fen=20000)
    claim = case_services.Claim(
        ClaimType.DAMAGED_IN_TRANSIT, ResponsibleParty.SELLER, "Broken.", Remedy.FULL_REFUND
    )
    case = case_services.open_case(order, people["buyer"], claim)
    case_services.accept_intake(case, people["mediator"], Severity.IMPORTANT)
    case_services.seller_contests(case, people["seller"], "It left intact.")
    clock.advance(72 * HOUR)
    sweep_case_deadlines()
    db.session.refresh(case)
    mediation.propose_settlement(case, people["mediator"], Settlement(outcome, amount_fen, "Fair."))
    mediation.answer_proposal(case, people["buyer"], accept=True)
    mediation.answer_proposal(case, people["seller"], accept=True)
    assert case.current_state is CaseState.EXECUTING
    return case


def steps(case):
    return [(o.kind, o.debtor, o.status) for o in obligations_of(case)]


def test_a_refund_marked_done_and_confirmed_closes_the_case(people):
    case = settled(people, Remedy.FULL_REFUND)
    [refund] = obligations_of(case)
    assert (refund.kind, refund.amount_fen, refund.due_at) == (
        "refund",
        20000,
        clock.now() + 48 * HOUR,
    )
    with pytest.raises(CaseRefused):
        services.mark_done(refund, people["buyer"], "I paid myself?", None)
    with pytest.raises(CaseRefused, match="Say what you did"):
        services.mark_done(refund, people["seller"], " ", None)
    services.mark_done(refund, people["seller"], "Refund ref. 2026-0601-77", None)
    assert refund.status == "done" and refund.dispute_until == clock.now() + 48 * HOUR
    with pytest.raises(CaseRefused):
        services.confirm(refund, people["seller"])  # not the debtor's to confirm
    services.confirm(refund, people["buyer"])
    db.session.refresh(case)
    assert case.current_state is CaseState.CLOSED and case.closed_reason == "completed"


def test_a_done_step_closes_the_case_when_its_dispute_window_passes(people):
    case = settled(people, Remedy.PARTIAL_REFUND, 5000)
    [refund] = obligations_of(case)
    services.mark_done(refund, people["seller"], "Paid.", None)
    clock.advance(48 * HOUR - timedelta(seconds=1))
    sweep_obligations()
    db.session.refresh(case)
    assert case.current_state is CaseState.EXECUTING
    clock.advance(timedelta(seconds=1))
    sweep_obligations()
    db.session.refresh(case)
    assert case.current_state is CaseState.CLOSED


def test_the_buyer_disputes_a_refund_and_the_case_goes_back_to_the_mediator(people):
    case = settled(people, Remedy.FULL_REFUND)
    [refund] = obligations_of(case)
    services.mark_done(refund, people["seller"], "Paid.", None)
    with pytest.raises(CaseRefused, match="Say what is wrong"):
        services.dispute(refund, people["buyer"], "")
    services.dispute(refund, people["buyer"], "Nothing arrived in my account.")
    db.session.refresh(case)
    assert case.current_state is CaseState.MEDIATION and refund.status == "disputed"
    # the mediator's new decision replaces the disputed steps
    mediation.decide(case, people["mediator"], Settlement(Remedy.FULL_REFUND, None, "Pay."))
    assert steps(case)[0][2] == "cancelled"


def test_return_and_refund_runs_step_by_step_and_silence_confirms_receipt(people):
    case = settled(people, Remedy.RETURN_AND_REFUND)
    assert steps(case) == [
        ("return_shipment", "buyer", "open"),
        ("receipt_confirmation", "seller", "waiting"),
        ("refund", "seller", "waiting"),
    ]
    ship, receipt, refund = obligations_of(case)
    assert ship.due_at == clock.now() + 7 * DAY
    with pytest.raises(CaseRefused, match="tracking number"):
        services.mark_done(ship, people["buyer"], "Sent back.", "")
    clock.advance(2 * DAY)
    services.mark_done(ship, people["buyer"], "Sent back.", "SF1234567890")
    db.session.refresh(receipt)
    assert receipt.status == "open" and receipt.due_at == clock.now() + 7 * DAY
    clock.advance(7 * DAY)
    sweep_obligations()  # the seller said nothing: receipt confirmed
    db.session.refresh(receipt)
    db.session.refresh(refund)
    assert receipt.status == "done" and receipt.confirmed_at is not None
    assert refund.status == "open" and refund.amount_fen == 20000


def test_a_seller_who_ignores_a_refund_is_penalised_once(people):
    case = settled(people, Remedy.FULL_REFUND)
    pay_in(people["seller"], 100000, "Deposit")
    clock.advance(48 * HOUR)
    sweep_obligations()
    sweep_obligations()
    [refund] = obligations_of(case)
    assert refund.status == "missed"
    assert deposit_balance(people["seller"]) == 100000 - 20000
    entries = db.session.scalars(
        select(DepositEntry).where(DepositEntry.obligation_id == refund.id)
    ).all()
    restrictions = db.session.scalars(select(SellingRestriction)).all()
    assert len(entries) == 1 and len(restrictions) == 1
    assert restrictions[0].seller_id == people["seller"].id
    db.session.refresh(case)
    assert case.current_state is CaseState.CLOSED  # the deposit paid the buyer


def test_a_buyer_who_misses_the_return_loses_the_claim(people):
    case = settled(people, Remedy.RETURN_AND_REFUND)
    clock.advance(7 * DAY)
    sweep_obligations()
    db.session.refresh(case)
    assert case.current_state is CaseState.CLOSED and case.closed_reason == "claim_lapsed"
    assert steps(case) == [
        ("return_shipment", "buyer", "missed"),
        ("receipt_confirmation", "seller", "cancelled"),
        ("refund", "seller", "cancelled"),
    ]
    assert db.session.scalars(select(DepositEntry)).all() == []


def test_a_step_cannot_be_marked_done_after_its_deadline(people):
    case = settled(people, Remedy.FULL_REFUND)
    [refund] = obligations_of(case)
    clock.advance(48 * HOUR)
    with pytest.raises(CaseRefused, match="no longer possible"):
        services.mark_done(refund, people["seller"], "Paid late.", None)


def test_replacement_and_compensation_plans(people):
    replacement = settled(people, Remedy.REPLACEMENT)
    assert steps(replacement) == [("replacement_shipment", "seller", "open")]
    compensation = settled(people, Remedy.COMPENSATION, 3000)
    assert [(o.kind, o.amount_fen) for o in obligations_of(compensation)] == [
        ("compensation", 3000)
    ]
