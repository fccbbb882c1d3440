"""Races on proposals and enforcement: exactly one outcome, whoever comes first."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, User
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
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.ledger import pay_in
from app.execution.models import DepositEntry, Obligation, SellingRestriction
from app.execution.sweeps import sweep_obligations
from app.mediation import services as mediation
from app.mediation.models import SettlementProposal
from app.mediation.services import Settlement
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_order, make_user

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _case_with_open_proposal() -> tuple[int, int, int]:
    """Commit a case with an open proposal; returns (case, buyer, seller) ids."""
    clock.freeze(START)
    buyer, seller = make_user(), make_user(shop_name="Shop")
    mediator = make_user(roles=(Role.MEDIATOR,))
    claim = case_services.Claim(
        ClaimType.NOT_AS_DESCRIBED, ResponsibleParty.SELLER, "Wrong size.", Remedy.FULL_REFUND
    )
    case = case_services.open_case(make_order(buyer, seller, amount_fen=20000), buyer, claim)
    case_services.accept_intake(case, mediator, Severity.IMPORTANT)
    case_services.seller_contests(case, seller, "Size as listed.")
    clock.advance(72 * HOUR)
    sweep_case_deadlines()
    db.session.refresh(case)
    mediation.propose_settlement(
        case, mediator, Settlement(Remedy.PARTIAL_REFUND, 5000, "Half the difference.")
    )
    pay_in(seller, 50000, "Deposit")
    ids = case.id, buyer.id, seller.id
    db.session.commit()
    db.session.remove()
    return ids


def _answer(case_id: int, user_id: int) -> None:
    mediation.answer_proposal(db.session.get(Case, case_id), db.session.get(User, user_id), True)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.committing
def test_both_parties_accepting_at_the_same_instant_settle_the_case_once(app):
    case_id, buyer_id, seller_id = _case_with_open_proposal()

    outcomes = run_at_once(app, lambda n: _answer(case_id, (buyer_id, seller_id)[n]), 2)

    assert errors_in(outcomes) == []
    case = db.session.get(Case, case_id)
    assert case.current_state is CaseState.EXECUTING
    assert _count(AuditEvent, AuditEvent.action == "case.settled") == 1
    assert _count(Obligation, Obligation.case_id == case_id) == 1
    assert db.session.scalar(select(SettlementProposal.status)) == "accepted"


@pytest.mark.committing
@pytest.mark.parametrize("round_", range(4))
def test_an_acceptance_racing_the_expiry_sweep_gives_exactly_one_outcome(app, monkeypatch, round_):
    case_id, buyer_id, seller_id = _case_with_open_proposal()
    _answer(case_id, buyer_id)
    db.session.commit()
    db.session.remove()
    expires_at = START + 72 * HOUR + 48 * HOUR
    # two machines whose clocks disagree by two seconds around the deadline
    skew = threading.local()
    monkeypatch.setattr(clock, "now", lambda: getattr(skew, "now", expires_at))

    def act(n: int):
        if n == 0:
            skew.now = expires_at - timedelta(seconds=1)
            return _answer(case_id, seller_id)
        skew.now = expires_at + timedelta(seconds=1)
        return sweep_case_deadlines()

    outcomes = run_at_once(app, act, 2)

    settled = _count(AuditEvent, AuditEvent.action == "case.settled")
    expired = _count(AuditEvent, AuditEvent.action == "case.proposal_expired")
    assert settled + expired == 1
    # either may win; the acceptance, if it loses, is refused in words; the sweep never fails
    acceptance = outcomes[0]
    assert errors_in(outcomes) == ([] if settled else [acceptance])
    assert settled or isinstance(acceptance, CaseRefused), acceptance
    state = db.session.get(Case, case_id).current_state
    assert state is (CaseState.EXECUTING if settled else CaseState.MEDIATION)
    status = db.session.scalar(select(SettlementProposal.status))
    assert status == ("accepted" if settled else "expired")


@pytest.mark.committing
def test_enforcement_is_applied_once_however_many_sweeps_run(app):
    case_id, buyer_id, seller_id = _case_with_open_proposal()
    _answer(case_id, buyer_id)
    _answer(case_id, seller_id)
    db.session.commit()
    db.session.remove()
    clock.advance(49 * HOUR)

    outcomes = run_at_once(app, lambda _n: sweep_obligations(), 3)

    assert errors_in(outcomes) == []
    assert _count(DepositEntry, DepositEntry.obligation_id.is_not(None)) == 1
    assert _count(SellingRestriction) == 1
    assert db.session.get(Case, case_id).current_state is CaseState.CLOSED
    balance = db.session.scalar(
        select(func.sum(DepositEntry.amount_fen)).where(DepositEntry.seller_id == seller_id)
    )
    assert balance == 50000 - 5000
