"""Case transitions, one function each, called alike by views, the API and the sweeps.

Each checks what the person may do, moves the case by compare-and-set
(``app.cases.transitions``), writes its audit event and queues its notifications; the caller
commits once.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases import notify, webhooks
from app.cases.decisions import record_decision
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import (
    Case,
    CounterOffer,
    EvidenceKind,
)
from app.cases.signals import case_filing
from app.cases.states import (
    REMEDIES_WITH_AMOUNT,
    WITHDRAWABLE_STATES,
    CaseState,
    ClaimType,
    ClosedReason,
    DecisionKind,
    Outcome,
    Remedy,
    ResponsibleParty,
    Severity,
    Supplier,
)
from app.cases.transitions import CaseRefused, move, touch
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.text import checked_text
from app.orders.models import Order, OrderStatus

CLOSED_ORDER_STATUSES = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


@dataclass(frozen=True)
class Claim:
    claim_type: ClaimType
    responsible_party: ResponsibleParty
    description: str
    remedy: Remedy
    remedy_amount_fen: int | None = None
    # food safety, personal injury or fraud: graded urgent at intake
    safety_or_fraud: bool = False


def _config(name: str):
    return current_app.config[name]


# Opening and intake


def suggested_severity(claim: Claim) -> Severity:
    if claim.safety_or_fraud:
        return Severity.URGENT
    if claim.claim_type is ClaimType.SERVICE_ATTITUDE:
        return Severity.GENERAL
    return Severity.IMPORTANT


def filing_deadline(order: Order):
    """The last moment a case can be opened: the window runs from delivery (or, for goods
    never delivered, from the order)."""
    return (order.delivered_at or order.placed_at) + _config("CASE_FILING_WINDOW")


def open_case_refusal(order: Order, buyer: User):
    """Why ``buyer`` may not open a case on ``order`` now, or None if they may."""
    if buyer.email_verified_at is None or order.buyer_id != buyer.id:
        return _l("You can open a case only on an order you bought.")
    return order_refusal(order)


def order_refusal(order: Order):
    """Why no case may be opened on ``order`` now, whoever opens it, or None."""
    if OrderStatus(order.status) in CLOSED_ORDER_STATUSES:
        return _l("This order was cancelled or refunded; there is nothing left to claim.")
    if clock.now() > filing_deadline(order):
        days = _config("CASE_FILING_WINDOW").days
        return _l("Cases can be opened up to %(days)d days after delivery.", days=days)
    if open_case_for(order) is not None:
        return _l("This order already has an open case.")
    return None


def open_case_for(order: Order) -> Case | None:
    return db.session.scalar(
        select(Case).where(Case.order_id == order.id, Case.state != CaseState.CLOSED.value)
    )


def _check_claim(claim: Claim, order: Order) -> None:
    checked_text(
        claim.description,
        "description",
        maximum=_config("STATEMENT_MAX_CHARS"),
        missing=_l("Describe what went wrong."),
        refusal=CaseRefused,
    )
    if claim.remedy in REMEDIES_WITH_AMOUNT:
        amount = claim.remedy_amount_fen
        if amount is None:
            raise CaseRefused(_l("Say how much you ask for."), "remedy_amount")
        if amount <= 0:
            raise CaseRefused(_l("The amount must be more than zero."), "remedy_amount")
        if amount > order.amount_fen:
            raise CaseRefused(
                _l("The amount cannot be more than the order's total."), "remedy_amount"
            )
    elif claim.remedy_amount_fen is not None:
        raise CaseRefused(_l("This remedy takes no amount."), "remedy_amount")


def open_case(order: Order, buyer: User, claim: Claim) -> Case:
    refusal = open_case_refusal(order, buyer)
    if refusal is not None:
        raise CaseRefused(refusal)
    return _file_case(order, claim, buyer, {})


def open_case_for_buyer(order: Order, claim: Claim, via: str) -> Case:
    """The marketplace opens a case for the order's buyer, who complained in its own app:
    the same claim and the same rules, whether or not the buyer has claimed their Tribunal
    account yet. ``via`` names the integration in the audit trail."""
    refusal = order_refusal(order)
    if refusal is not None:
        raise CaseRefused(refusal, "order")
    return _file_case(order, claim, None, {"opened_by": Supplier.MARKETPLACE.value, "via": via})


def _file_case(order: Order, claim: Claim, actor: User | None, audited: dict) -> Case:
    _check_claim(claim, order)
    now = clock.now()
    case = Case(
        order=order,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        state=CaseState.FILED.value,
        deadline_at=now + _config("INTAKE_SLA"),
        claim_type=claim.claim_type.value,
        responsible_party=claim.responsible_party.value,
        description=claim.description.strip(),
        remedy=claim.remedy.value,
        remedy_amount_fen=claim.remedy_amount_fen,
        safety_or_fraud=claim.safety_or_fraud,
        severity=suggested_severity(claim).value,
        filed_at=now,
    )
    case_filing.send(case)  # the mediator is assigned here
    try:
        with db.session.begin_nested():
            db.session.add(case)
    except IntegrityError as error:  # a second case opened at the same instant
        raise CaseRefused(_l("This order already has an open case.")) from error
    event = record_event(actor, "case.opened", case, after={"state": case.state, **audited})
    notify.case_opened(case, event)
    notify.mediator_assigned(case, event)
    webhooks.case_opened(case)
    return case


def accept_intake(case: Case, mediator: User, severity: Severity) -> None:
    if not case.can_review_intake(mediator):
        raise CaseRefused(_l("Only a mediator can review a filed case."))
    now = clock.now()
    event = move(
        case,
        CaseState.AWAITING_SELLER,
        mediator,
        "case.intake_accepted",
        expect=CaseState.FILED,
        severity=severity,
        severity_confirmed_at=now,
        mediator_id=mediator.id,  # whoever accepts it at intake handles it
        deadline_at=now + _config("SELLER_RESPONSE_WINDOW"),
    )
    notify.seller_must_answer(case, event)


def return_case(case: Case, mediator: User, reason: str) -> None:
    if not case.can_review_intake(mediator):
        raise CaseRefused(_l("Only a mediator can review a filed case."))
    reason = checked_text(
        reason,
        "reason",
        maximum=_config("STATEMENT_MAX_CHARS"),
        missing=_l("Tell the buyer what is missing."),
        refusal=CaseRefused,
    )
    event = move(
        case,
        CaseState.RETURNED,
        mediator,
        "case.returned",
        expect=CaseState.FILED,
        return_reason=reason,
        deadline_at=clock.now() + _config("RETURNED_EXPIRY"),
    )
    notify.case_returned(case, event)


def resubmit_case(case: Case, buyer: User, claim: Claim) -> None:
    if not case.can_resubmit(buyer):
        raise CaseRefused(_l("Only the buyer can resubmit a returned case."))
    _check_claim(claim, case.order)
    event = move(
        case,
        CaseState.FILED,
        buyer,
        "case.resubmitted",
        expect=CaseState.RETURNED,
        only_if=[Case.deadline_at > clock.now()],
        claim_type=claim.claim_type,
        responsible_party=claim.responsible_party,
        description=claim.description.strip(),
        remedy=claim.remedy,
        remedy_amount_fen=claim.remedy_amount_fen,
        safety_or_fraud=claim.safety_or_fraud,
        severity=suggested_severity(claim),
        return_reason=None,
        deadline_at=clock.now() + _config("INTAKE_SLA"),
    )
    notify.case_resubmitted(case, event)


def withdraw_case(case: Case, buyer: User) -> None:
    if not case.can_withdraw(buyer):
        raise CaseRefused(_l("Only the buyer can withdraw, and only before a decision."))
    event = move(
        case,
        CaseState.CLOSED,
        buyer,
        "case.withdrawn",
        expect=WITHDRAWABLE_STATES,
        closed_reason=ClosedReason.WITHDRAWN,
        closed_at=clock.now(),
        deadline_at=None,
    )
    notify.case_withdrawn(case, event)


# The seller's answer, before its deadline


def _before_deadline():
    return [Case.deadline_at > clock.now()]


def seller_accepts_claim(case: Case, seller: User) -> None:
    if not case.can_answer_claim(seller):
        raise CaseRefused(_l("Only the seller can answer the claim, while it waits for them."))
    record_decision(
        case,
        seller,
        "case.seller_accepted",
        Outcome.FOR_BUYER,
        DecisionKind.SELLER_ACCEPTED,
        Remedy(case.remedy),
        case.claimed_amount_fen,
        expect=CaseState.AWAITING_SELLER,
        only_if=_before_deadline(),
    )


def seller_counter_offers(
    case: Case, seller: User, remedy: Remedy, amount_fen: int, message: str
) -> CounterOffer:
    if not case.can_answer_claim(seller):
        raise CaseRefused(_l("Only the seller can answer the claim, while it waits for them."))
    if not 0 <= amount_fen <= case.order.amount_fen:
        raise CaseRefused(_l("The amount must be between zero and the order's total."), "amount")
    message = checked_text(
        message,
        "message",
        maximum=_config("STATEMENT_MAX_CHARS"),
        missing=_l("Explain the offer to the buyer."),
        refusal=CaseRefused,
    )
    event = touch(
        case,
        seller,
        "case.counter_offered",
        expect=CaseState.AWAITING_SELLER,
        only_if=_before_deadline(),
        deadline_at=clock.now() + _config("COUNTER_OFFER_WINDOW"),
    )
    offer = CounterOffer(
        case_id=case.id, remedy=remedy.value, amount_fen=amount_fen, message=message
    )
    try:
        with db.session.begin_nested():
            db.session.add(offer)
    except IntegrityError as error:  # another offer at the same instant
        raise CaseRefused(_l("An offer is already waiting for the buyer's answer.")) from error
    db.session.expire(case, ["counter_offers"])
    notify.counter_offer_made(case, event)
    return offer


def seller_contests(case: Case, seller: User, statement: str) -> None:
    if not case.can_answer_claim(seller):
        raise CaseRefused(_l("Only the seller can answer the claim, while it waits for them."))
    if not statement.strip():
        raise CaseRefused(_l("Say why you contest the claim."), "statement")
    event = open_evidence_window(case, seller, "case.contested")
    add_evidence(case, seller, NewEvidence(EvidenceKind.STATEMENT, text=statement))
    notify.evidence_window_opened(case, event)


def open_evidence_window(case: Case, actor: User | None, action: str):
    return move(
        case,
        CaseState.EVIDENCE,
        actor,
        action,
        expect=CaseState.AWAITING_SELLER,
        only_if=_before_deadline() if actor is not None else [Case.deadline_at <= clock.now()],
        deadline_at=clock.now() + _config("EVIDENCE_WINDOW"),
    )


def buyer_accepts_counter_offer(case: Case, buyer: User) -> None:
    if not case.can_answer_counter_offer(buyer):
        raise CaseRefused(_l("There is no offer waiting for your answer."))
    offer = case.pending_counter_offer
    record_decision(
        case,
        buyer,
        "case.counter_offer_accepted",
        Outcome.SETTLED,
        DecisionKind.COUNTER_OFFER_ACCEPTED,
        Remedy(offer.remedy),
        offer.amount_fen,
        expect=CaseState.AWAITING_SELLER,
        only_if=_before_deadline(),
    )
    answer_counter_offer(offer, accepted=True)


def buyer_refuses_counter_offer(case: Case, buyer: User) -> None:
    if not case.can_answer_counter_offer(buyer):
        raise CaseRefused(_l("There is no offer waiting for your answer."))
    offer = case.pending_counter_offer
    event = open_evidence_window(case, buyer, "case.counter_offer_refused")
    answer_counter_offer(offer, accepted=False)
    notify.evidence_window_opened(case, event)


def answer_counter_offer(offer: CounterOffer, accepted: bool) -> None:
    offer.answered_at = clock.now()
    offer.accepted = accepted
