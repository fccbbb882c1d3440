"""The mediator's transitions: assignment, questions, proposals and the parties' answers,
decisions and routing to a panel (design: Mediation)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.cases import services as case_services
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import (
    CaseState,
    ClaimType,
    Party,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.cases.transitions import CaseRefused
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.services import obligations_of
from app.jury.models import Panel
from app.mediation import services
from app.mediation.assignment import choose_mediator
from app.mediation.models import MediatorProfile, PanelReferral
from app.mediation.services import Settlement
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.factories import make_order, make_reviewers, make_user

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


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


def in_mediation(people, amount_fen=20000):
    order = make_order(people["buyer"], people["seller"], amount_fen=amount_fen)
    claim = case_services.Claim(
        ClaimType.NOT_AS_DESCRIBED, ResponsibleParty.SELLER, "Wrong colour.", Remedy.FULL_REFUND
    )
    case = case_services.open_case(order, people["buyer"], claim)
    case_services.accept_intake(case, people["mediator"], Severity.IMPORTANT)
    case_services.seller_contests(case, people["seller"], "It is the colour shown.")
    clock.advance(72 * HOUR)
    sweep_case_deadlines()
    db.session.refresh(case)
    assert case.current_state is CaseState.MEDIATION
    return case


REFUND = Settlement(Remedy.PARTIAL_REFUND, 6000, "Colour differs from the photos.")


# Assignment


def test_new_cases_go_to_the_on_duty_mediator_with_the_fewest_open_cases(people):
    busy, free = people["mediator"], make_user(roles=(Role.MEDIATOR,))
    off_duty = make_user(roles=(Role.MEDIATOR,))
    db.session.add(MediatorProfile(user_id=off_duty.id, on_duty=False))
    in_mediation(people)  # one open case for somebody
    first = case_services.open_case(
        make_order(people["buyer"], people["seller"]),
        people["buyer"],
        case_services.Claim(
            ClaimType.LATE_DELIVERY, ResponsibleParty.SELLER, "Late.", Remedy.FULL_REFUND
        ),
    )
    # the case in mediation is busy's; off duty takes nothing, so the new one goes to free
    assert first.mediator_id == free.id
    counts = {
        m.id: db.session.scalar(select(func.count(Case.id)).where(Case.mediator_id == m.id))
        for m in (busy, free, off_duty)
    }
    assert counts == {busy.id: 1, free.id: 1, off_duty.id: 0}


def test_category_skills_come_first(people):
    other = make_user(roles=(Role.MEDIATOR,))
    db.session.add(MediatorProfile(user_id=other.id, on_duty=True, skills=["food"]))
    order = make_order(people["buyer"], people["seller"], category="food")
    db.session.flush()
    case_services.open_case(
        order,
        people["buyer"],
        case_services.Claim(
            ClaimType.COUNTERFEIT, ResponsibleParty.SELLER, "Fake tea.", Remedy.FULL_REFUND
        ),
    )
    case = case_services.open_case_for(order)
    assert case.mediator_id == other.id
    assert choose_mediator(case).id == other.id


def test_a_mediator_is_never_assigned_their_own_case(people):
    mediator_buyer = make_user(roles=(Role.MEDIATOR,))
    order = make_order(mediator_buyer, people["seller"])
    case = case_services.open_case(
        order,
        mediator_buyer,
        case_services.Claim(
            ClaimType.LATE_DELIVERY, ResponsibleParty.SELLER, "Late.", Remedy.FULL_REFUND
        ),
    )
    assert case.mediator_id == people["mediator"].id


# Questions and the evidence window


def test_a_question_answered_in_time_is_not_late(people):
    case = in_mediation(people)
    question = services.ask_question(case, people["mediator"], Party.SELLER, "Batch number?", 24)
    assert question.due_at == clock.now() + 24 * HOUR
    with pytest.raises(CaseRefused):
        services.answer_question(question, people["buyer"], "Not mine to answer.")
    clock.advance(2 * HOUR)
    services.answer_question(question, people["seller"], "Batch 2024-0611.")
    entry = db.session.get(EvidenceEntry, question.answer_entry_id)
    assert (entry.party, entry.is_late) == ("seller", False)
    late = services.ask_question(case, people["mediator"], Party.BUYER, "Photo of seal?", 1)
    clock.advance(2 * HOUR)
    services.answer_question(late, people["buyer"], "Here it is, sorry for the delay.")
    assert db.session.get(EvidenceEntry, late.answer_entry_id).is_late is True


def test_reopening_the_evidence_window(people):
    case = in_mediation(people)
    services.reopen_evidence_window(case, people["mediator"])
    assert case.current_state is CaseState.EVIDENCE and case.evidence_closed_at is None
    assert case.deadline_at == clock.now() + 72 * HOUR


def test_only_a_mediator_who_is_not_a_party_acts(people):
    case = in_mediation(people)
    for user in (people["buyer"], people["seller"], make_user(roles=(Role.ADMIN,))):
        with pytest.raises(CaseRefused):
            services.propose_settlement(case, user, REFUND)
        with pytest.raises(CaseRefused):
            services.decide(case, user, REFUND)


def test_internal_notes_are_for_staff(people):
    case = in_mediation(people)
    services.add_note(case, people["mediator"], "Seller has three similar cases this month.")
    with pytest.raises(CaseRefused):
        services.add_note(case, people["buyer"], "Let me see.")


# Proposals


@pytest.mark.parametrize(
    ("settlement", "field"),
    [
        (Settlement(Remedy.PARTIAL_REFUND, None, "x"), "amount"),
        (Settlement(Remedy.PARTIAL_REFUND, 20001, "x"), "amount"),
        (Settlement(Remedy.COMPENSATION, 0, "x"), "amount"),
        (Settlement(Remedy.FULL_REFUND, 100, "x"), "amount"),
        (Settlement(Remedy.FULL_REFUND, None, "  "), "rationale"),
    ],
)
def test_a_bad_proposal_is_refused(people, settlement, field):
    case = in_mediation(people)
    with pytest.raises(CaseRefused) as refused:
        services.propose_settlement(case, people["mediator"], settlement)
    assert refused.value.field == field
    assert case.current_state is CaseState.MEDIATION


def test_both_accept_and_the_case_is_settled_and_carried_out(people):
    case = in_mediation(people)
    proposal = services.propose_settlement(case, people["mediator"], REFUND)
    assert case.current_state is CaseState.PROPOSAL
    assert proposal.expires_at == case.deadline_at == clock.now() + 48 * HOUR
    services.answer_proposal(case, people["buyer"], accept=True)
    assert case.current_state is CaseState.PROPOSAL  # one answer is not enough
    with pytest.raises(CaseRefused):
        services.answer_proposal(case, people["buyer"], accept=True)  # no second answer
    services.answer_proposal(case, people["seller"], accept=True)
    assert case.current_state is CaseState.EXECUTING
    assert (case.outcome, case.decision_kind, case.decision_amount_fen) == (
        "settled",
        "proposal_accepted",
        6000,
    )
    assert [(o.kind, o.amount_fen) for o in obligations_of(case)] == [("refund", 6000)]


def test_one_rejection_sends_the_case_back_to_mediation(people):
    case = in_mediation(people)
    proposal = services.propose_settlement(case, people["mediator"], REFUND)
    services.answer_proposal(case, people["seller"], accept=False)
    db.session.refresh(proposal)
    assert case.current_state is CaseState.MEDIATION and proposal.status == "rejected"


def test_silence_for_48_hours_counts_as_rejection(people):
    case = in_mediation(people)
    proposal = services.propose_settlement(case, people["mediator"], REFUND)
    services.answer_proposal(case, people["buyer"], accept=True)
    clock.advance(48 * HOUR)
    with pytest.raises(CaseRefused, match="no longer possible"):
        services.answer_proposal(case, people["seller"], accept=True)
    assert sweep_case_deadlines() == 1
    db.session.refresh(case)
    db.session.refresh(proposal)
    assert case.current_state is CaseState.MEDIATION and proposal.status == "expired"


def test_a_newer_proposal_supersedes_the_open_one(people):
    case = in_mediation(people)
    first = services.propose_settlement(case, people["mediator"], REFUND)
    services.answer_proposal(case, people["buyer"], accept=True)
    clock.advance(10 * HOUR)
    second = services.propose_settlement(
        case,
        people["mediator"],
        Settlement(Remedy.RETURN_AND_REFUND, None, "Return it."),
    )
    db.session.refresh(first)
    assert first.status == "superseded" and second.status == "open"
    assert second.buyer_answer is None  # earlier answers do not carry over
    assert case.deadline_at == second.expires_at == clock.now() + 48 * HOUR
    assert second.amount_fen == 20000


# Decisions and panels


def test_the_mediator_decides_with_reasons_and_the_appeal_window_runs(people):
    case = in_mediation(people)
    services.decide(
        case,
        people["mediator"],
        Settlement(Remedy.CLAIM_REJECTED, None, "Photos match."),
    )
    assert case.current_state is CaseState.DECIDED
    assert (case.outcome, case.decision_kind, case.decision_reasons) == (
        "for_seller",
        "mediator",
        "Photos match.",
    )
    assert case.deadline_at == clock.now() + 48 * HOUR
    clock.advance(48 * HOUR)
    sweep_case_deadlines()
    db.session.refresh(case)
    # a rejected claim asks nothing of anyone: closed at once
    assert case.current_state is CaseState.CLOSED and case.closed_reason == "completed"


def test_a_decision_for_the_buyer_is_carried_out_after_the_appeal_window(people):
    case = in_mediation(people)
    services.decide(case, people["mediator"], Settlement(Remedy.FULL_REFUND, None, "Wrong colour."))
    clock.advance(47 * HOUR)
    sweep_case_deadlines()
    db.session.refresh(case)
    assert case.current_state is CaseState.DECIDED
    clock.advance(HOUR)
    sweep_case_deadlines()
    db.session.refresh(case)
    assert case.current_state is CaseState.EXECUTING
    assert [o.amount_fen for o in obligations_of(case)] == [20000]


def test_routing_to_a_panel_draws_the_panel_with_a_ballot_made_from_the_claim(app, people):
    case = in_mediation(people)
    claimed = case.claimed_amount_fen
    make_reviewers(app.config["PANEL_SEATS"])
    for amount in (0, claimed, claimed + 1):
        with pytest.raises(CaseRefused, match="below what the buyer claims") as refused:
            services.route_to_panel(case, people["mediator"], "Summary.", "Who?", amount)
        assert refused.value.field == "partial_amount"
    assert case.current_state is CaseState.MEDIATION
    referral = services.route_to_panel(
        case, people["mediator"], "Colour dispute.", "Does the item match the listing?", 5000
    )
    assert case.current_state is CaseState.PANEL
    assert case.deadline_at == clock.now() + 72 * HOUR
    ballot = [f"grant:{case.remedy}:{claimed}", "partial:partial_refund:5000", "reject"]
    assert db.session.get(PanelReferral, referral.id).options == ballot
    panel = db.session.scalar(select(Panel).where(Panel.case_id == case.id))
    assert panel.options == ballot
    assert (panel.seats, panel.majority, len(panel.seat_rows)) == (17, 9, 17)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == str(case.id))
    )
    assert "case.routed_to_panel" in set(actions)


def test_an_admin_reassigns(people):
    case = in_mediation(people)
    other = make_user(roles=(Role.MEDIATOR,))
    with pytest.raises(CaseRefused):
        services.reassign(case, people["mediator"], other)
    services.reassign(case, make_user(roles=(Role.ADMIN,)), other)
    assert case.mediator_id == other.id
    with pytest.raises(CaseRefused):
        services.reassign(case, make_user(roles=(Role.ADMIN,)), people["buyer"])


def test_a_pool_too_small_keeps_the_case_with_the_mediator(app, people):
    case = in_mediation(people)
    make_reviewers(app.config["PANEL_SEATS"] - 1)
    with pytest.raises(CaseRefused, match="reviewers"):
        services.route_to_panel(case, people["mediator"], "Summary.", "Who?")
    assert case.current_state is CaseState.MEDIATION
    assert db.session.scalar(select(Panel)) is None
