"""Every case transition through the service functions, with a moved clock where a timer
decides (design: Case lifecycle)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.cases import services
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.services import CaseRefused, Claim
from app.cases.states import (
    ALLOWED_TRANSITIONS,
    CaseState,
    ClaimType,
    Outcome,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.services import obligations_of
from app.notifications.outbox import OutboxMessage
from app.orders.models import OrderStatus
from app.scheduler.deadlines import remind_case_deadlines, sweep_case_deadlines
from tests.helpers.factories import make_order, make_user

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def claim(**overrides) -> Claim:
    values = {
        "claim_type": ClaimType.DAMAGED_IN_TRANSIT,
        "responsible_party": ResponsibleParty.SELLER,
        "description": "The box arrived crushed and the screen is cracked.",
        "remedy": Remedy.FULL_REFUND,
    }
    return Claim(**(values | overrides))


@pytest.fixture
def people():
    return {
        "buyer": make_user(),
        "seller": make_user(shop_name="Test shop"),
        "mediator": make_user(roles=(Role.MEDIATOR,)),
    }


@pytest.fixture
def order(people):
    return make_order(people["buyer"], people["seller"], amount_fen=20000)


def filed(order, people, **overrides) -> Case:
    return services.open_case(order, people["buyer"], claim(**overrides))


def awaiting_seller(order, people) -> Case:
    case = filed(order, people)
    services.accept_intake(case, people["mediator"], Severity.IMPORTANT)
    return case


def in_evidence(order, people) -> Case:
    case = awaiting_seller(order, people)
    services.seller_contests(case, people["seller"], "The parcel left our shop intact.")
    return case


def messages_to(user) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.recipient_id == user.id, OutboxMessage.channel == "inbox"
        )
    ).all()


def actions(case) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "cases", AuditEvent.subject_id == str(case.id))
        .order_by(AuditEvent.id)
    ).all()


# Opening


def test_opening_a_case_files_it_with_the_intake_deadline(order, people):
    case = filed(order, people)
    assert case.current_state is CaseState.FILED
    assert case.deadline_at == START + 24 * HOUR
    assert case.severity == Severity.IMPORTANT
    assert actions(case) == ["case.opened"]
    assert [m.subject for m in messages_to(people["buyer"])] == [f"Case #{case.id} is open"]


@pytest.mark.parametrize(
    ("overrides", "severity"),
    [
        ({"safety_or_fraud": True}, Severity.URGENT),
        ({"claim_type": ClaimType.SERVICE_ATTITUDE}, Severity.GENERAL),
        ({}, Severity.IMPORTANT),
    ],
)
def test_severity_is_graded_at_intake(order, people, overrides, severity):
    assert filed(order, people, **overrides).severity == severity


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"remedy": Remedy.PARTIAL_REFUND}, "remedy_amount", "how much"),
        (
            {"remedy": Remedy.PARTIAL_REFUND, "remedy_amount_fen": 20001},
            "remedy_amount",
            "more than",
        ),
        (
            {"remedy": Remedy.COMPENSATION, "remedy_amount_fen": -1},
            "remedy_amount",
            "more than zero",
        ),
        ({"remedy": Remedy.FULL_REFUND, "remedy_amount_fen": 100}, "remedy_amount", "no amount"),
        ({"description": "   "}, "description", "Describe"),
        ({"description": "x" * 5001}, "description", "5000"),
    ],
)
def test_a_bad_claim_is_refused_with_the_field_named(order, people, overrides, field, message):
    with pytest.raises(CaseRefused) as refused:
        filed(order, people, **overrides)
    assert refused.value.field == field and message in str(refused.value)
    assert db.session.scalar(select(Case).where(Case.order_id == order.id)) is None


def test_the_order_s_total_is_the_most_a_claim_can_ask(order, people):
    case = filed(order, people, remedy=Remedy.PARTIAL_REFUND, remedy_amount_fen=20000)
    assert case.remedy_amount_fen == 20000


def test_only_the_buyer_of_the_order_can_open_a_case(order, people):
    for stranger in (people["seller"], make_user(), people["mediator"]):
        with pytest.raises(CaseRefused, match="only on an order you bought"):
            services.open_case(order, stranger, claim())


def test_a_buyer_with_an_unproven_address_cannot_open_a_case(people):
    unverified = make_user(verified=False)
    order = make_order(unverified, people["seller"])
    with pytest.raises(CaseRefused):
        services.open_case(order, unverified, claim())


def test_one_open_case_per_order(order, people):
    first = filed(order, people)
    with pytest.raises(CaseRefused, match="already has an open case"):
        filed(order, people)
    services.withdraw_case(first, people["buyer"])
    assert filed(order, people).id != first.id  # a closed case leaves room for another


def test_cases_open_only_within_the_window_after_delivery(people):
    order = make_order(people["buyer"], people["seller"], placed_ago=timedelta(days=10))
    clock.advance(timedelta(days=90) - timedelta(days=7) + HOUR)  # delivered 7 days after placing
    with pytest.raises(CaseRefused, match="90 days after delivery"):
        filed(order, people)


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.REFUNDED])
def test_no_case_on_a_cancelled_or_refunded_order(people, status):
    order = make_order(people["buyer"], people["seller"], status=status)
    with pytest.raises(CaseRefused, match="cancelled or refunded"):
        filed(order, people)


# Intake


def test_intake_accepts_and_the_seller_gets_72_hours(order, people):
    case = filed(order, people)
    clock.advance(2 * HOUR)
    services.accept_intake(case, people["mediator"], Severity.URGENT)
    assert case.current_state is CaseState.AWAITING_SELLER
    assert case.severity == Severity.URGENT and case.severity_confirmed_at == clock.now()
    assert case.deadline_at == clock.now() + 72 * HOUR
    assert case.mediator_id == people["mediator"].id
    assert any("opened case" in m.subject for m in messages_to(people["seller"]))


def test_only_a_mediator_who_is_not_a_party_reviews_intake(order, people):
    case = filed(order, people)
    for user in (people["buyer"], people["seller"], make_user(roles=(Role.ADMIN,))):
        with pytest.raises(CaseRefused):
            services.accept_intake(case, user, Severity.GENERAL)
    assert case.current_state is CaseState.FILED


def test_return_resubmit_and_accept(order, people):
    case = filed(order, people)
    with pytest.raises(CaseRefused, match="what is missing"):
        services.return_case(case, people["mediator"], "  ")
    services.return_case(case, people["mediator"], "Add a photo of the damage.")
    assert case.current_state is CaseState.RETURNED
    assert case.deadline_at == START + 72 * HOUR
    assert any("needs more" in m.subject for m in messages_to(people["buyer"]))
    clock.advance(71 * HOUR)
    services.resubmit_case(case, people["buyer"], claim(description="Now with a photo."))
    assert case.current_state is CaseState.FILED
    assert case.description == "Now with a photo." and case.return_reason is None
    services.accept_intake(case, people["mediator"], Severity.IMPORTANT)
    assert actions(case) == [
        "case.opened",
        "case.returned",
        "case.resubmitted",
        "case.intake_accepted",
    ]


def test_returned_and_not_resubmitted_in_72_hours_is_withdrawn(order, people):
    case = filed(order, people)
    services.return_case(case, people["mediator"], "Add a photo.")
    clock.advance(72 * HOUR - timedelta(seconds=1))
    assert sweep_case_deadlines() == 0
    clock.advance(timedelta(seconds=1))
    assert sweep_case_deadlines() == 1
    db.session.refresh(case)
    assert case.current_state is CaseState.CLOSED and case.closed_reason == "not_resubmitted"
    with pytest.raises(CaseRefused):
        services.resubmit_case(case, people["buyer"], claim())


def test_resubmitting_after_the_deadline_is_too_late_even_before_the_sweep(order, people):
    case = filed(order, people)
    services.return_case(case, people["mediator"], "Add a photo.")
    clock.advance(72 * HOUR)
    with pytest.raises(CaseRefused, match="no longer possible"):
        services.resubmit_case(case, people["buyer"], claim())


# Withdrawal


def test_the_buyer_may_withdraw_before_a_decision(order, people):
    case = in_evidence(order, people)
    with pytest.raises(CaseRefused):
        services.withdraw_case(case, people["seller"])
    services.withdraw_case(case, people["buyer"])
    assert case.current_state is CaseState.CLOSED and case.closed_reason == "withdrawn"
    assert any("withdrawn" in m.subject for m in messages_to(people["seller"]))


def test_no_withdrawal_after_a_decision(order, people):
    case = awaiting_seller(order, people)
    services.seller_accepts_claim(case, people["seller"])
    with pytest.raises(CaseRefused, match="before a decision"):
        services.withdraw_case(case, people["buyer"])


# The seller's answer


def test_the_seller_accepts_the_claim_and_the_refund_is_due_at_once(order, people):
    case = awaiting_seller(order, people)
    services.seller_accepts_claim(case, people["seller"])
    # agreed by both: nothing to appeal, execution starts at once
    assert case.current_state is CaseState.EXECUTING
    assert (case.outcome, case.decision_kind) == (Outcome.FOR_BUYER, "seller_accepted")
    assert (case.decision_remedy, case.decision_amount_fen) == ("full_refund", 20000)
    [refund] = obligations_of(case)
    assert (refund.kind, refund.debtor, refund.amount_fen) == ("refund", "seller", 20000)
    assert refund.due_at == case.deadline_at == clock.now() + 48 * HOUR


def test_a_counter_offer_accepted_settles_the_case(order, people):
    case = awaiting_seller(order, people)
    with pytest.raises(CaseRefused, match="between zero"):
        services.seller_counter_offers(case, people["seller"], Remedy.PARTIAL_REFUND, 20001, "x")
    services.seller_counter_offers(
        case, people["seller"], Remedy.PARTIAL_REFUND, 8000, "Half back, keep the item."
    )
    assert case.deadline_at == clock.now() + 72 * HOUR
    assert not case.can_answer_claim(people["seller"])  # one offer at a time
    services.buyer_accepts_counter_offer(case, people["buyer"])
    assert case.current_state is CaseState.EXECUTING and case.outcome == Outcome.SETTLED
    assert (case.decision_remedy, case.decision_amount_fen) == ("partial_refund", 8000)
    assert case.counter_offers[0].accepted is True


def test_a_refused_counter_offer_opens_the_evidence_window(order, people):
    case = awaiting_seller(order, people)
    services.seller_counter_offers(case, people["seller"], Remedy.PARTIAL_REFUND, 5000, "Offer.")
    with pytest.raises(CaseRefused):
        services.buyer_refuses_counter_offer(case, people["seller"])
    services.buyer_refuses_counter_offer(case, people["buyer"])
    assert case.current_state is CaseState.EVIDENCE
    assert case.deadline_at == clock.now() + 72 * HOUR
    assert case.counter_offers[0].accepted is False


def test_contesting_opens_the_evidence_window_with_the_seller_s_statement(order, people):
    case = in_evidence(order, people)
    assert case.current_state is CaseState.EVIDENCE
    entries = db.session.scalars(select(EvidenceEntry).where(EvidenceEntry.case_id == case.id))
    assert [(e.party, e.kind) for e in entries] == [("seller", "statement")]


def test_a_contest_needs_a_statement(order, people):
    case = awaiting_seller(order, people)
    with pytest.raises(CaseRefused, match="why you contest"):
        services.seller_contests(case, people["seller"], " ")
    assert case.current_state is CaseState.AWAITING_SELLER


def test_only_the_seller_answers_the_claim(order, people):
    case = awaiting_seller(order, people)
    for user in (people["buyer"], people["mediator"], make_user()):
        with pytest.raises(CaseRefused):
            services.seller_accepts_claim(case, user)


# Timers


def test_seller_silence_for_72_hours_is_a_default_judgment_for_the_buyer(order, people):
    case = awaiting_seller(order, people)
    clock.advance(72 * HOUR - timedelta(seconds=1))
    assert sweep_case_deadlines() == 0
    clock.advance(timedelta(seconds=1))
    assert sweep_case_deadlines() == 1
    db.session.refresh(case)
    assert case.current_state is CaseState.DECIDED
    assert (case.outcome, case.decision_kind) == (Outcome.FOR_BUYER, "default_judgment")
    assert any("decided for the buyer" in m.subject for m in messages_to(people["seller"]))
    assert sweep_case_deadlines() == 0  # nothing twice


def test_the_seller_cannot_answer_once_the_deadline_has_passed(order, people):
    case = awaiting_seller(order, people)
    clock.advance(72 * HOUR)
    with pytest.raises(CaseRefused, match="no longer possible"):
        services.seller_accepts_claim(case, people["seller"])
    with pytest.raises(CaseRefused, match="no longer possible"):
        services.seller_contests(case, people["seller"], "Too late.")


def test_an_unanswered_counter_offer_counts_as_refused(order, people):
    case = awaiting_seller(order, people)
    services.seller_counter_offers(case, people["seller"], Remedy.PARTIAL_REFUND, 5000, "Offer.")
    clock.advance(72 * HOUR)
    assert sweep_case_deadlines() == 1
    db.session.refresh(case)
    assert case.current_state is CaseState.EVIDENCE  # not a default judgment
    assert case.counter_offers[0].accepted is False


def test_the_evidence_window_closes_into_mediation_after_72_hours(order, people):
    case = in_evidence(order, people)
    clock.advance(72 * HOUR)
    assert sweep_case_deadlines() == 1
    db.session.refresh(case)
    assert case.current_state is CaseState.MEDIATION
    assert case.evidence_closed_at == clock.now()
    assert case.deadline_at == clock.now() + 24 * HOUR  # the first-action SLA


def test_a_sweep_after_downtime_catches_up_on_everything_due(people):
    cases = [
        awaiting_seller(make_order(people["buyer"], people["seller"]), people) for _ in range(3)
    ]
    returned = filed(make_order(people["buyer"], people["seller"]), people)
    services.return_case(returned, people["mediator"], "Incomplete.")
    clock.advance(timedelta(days=30))
    assert sweep_case_deadlines() == 4
    for case in [*cases, returned]:
        db.session.refresh(case)
    assert {c.current_state for c in cases} == {CaseState.DECIDED}
    assert returned.current_state is CaseState.CLOSED


def test_reminders_go_24_hours_before_a_deadline_to_whoever_must_act_once(order, people):
    case = awaiting_seller(order, people)
    clock.advance(47 * HOUR)
    assert remind_case_deadlines() == 0
    clock.advance(HOUR)
    assert remind_case_deadlines() == 1
    assert remind_case_deadlines() == 0
    reminders = [m for m in messages_to(people["seller"]) if "deadline is near" in m.subject]
    assert len(reminders) == 1
    assert not [m for m in messages_to(people["buyer"]) if "deadline is near" in m.subject]
    services.seller_contests(case, people["seller"], "Contesting.")  # a new deadline
    clock.advance(48 * HOUR)
    assert remind_case_deadlines() == 1
    assert len([m for m in messages_to(people["buyer"]) if "deadline is near" in m.subject]) == 1


def test_notifications_are_written_in_the_recipient_s_language(order, people):
    people["seller"].locale = "zh_Hans"
    awaiting_seller(order, people)
    subjects = [m.subject for m in messages_to(people["seller"])]
    assert any("买家" in subject for subject in subjects), subjects


def test_every_move_follows_an_edge_of_the_lifecycle(order, people):
    case = filed(order, people)
    with pytest.raises(ValueError, match="not an edge"):
        services.move(case, CaseState.EXECUTING, None, "case.jump", expect=CaseState.FILED)
    assert ALLOWED_TRANSITIONS[CaseState.CLOSED] == frozenset()
