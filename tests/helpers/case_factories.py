"""Cases in any state, reached through the real services (and the sweeps, for timers)."""

import io
from datetime import timedelta

from flask import current_app
from PIL import Image

from app.auth.models import Role, User
from app.cases import services
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import (
    Case,
    EvidenceEntry,
    EvidenceKind,
)
from app.cases.services import Claim
from app.cases.states import (
    ClaimType,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.core import clock
from app.core.extensions import db
from app.demo.media import document_pdf
from app.execution import services as execution
from app.mediation import services as mediation
from app.mediation.services import Settlement
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.factories import make_order, make_reviewers, make_user

STATES = (
    "filed",
    "returned",
    "awaiting_seller",
    "counter_offer",
    "evidence",
    "mediation",
    "proposal",
    "panel",
    "decided",
    "executing",
    "closed",
    "closed_completed",
)
RETURN_REASON = "Add a photo of the damaged box."
CONTEST_STATEMENT = "The parcel left our shop intact; see the courier's receipt."
OFFER_MESSAGE = "We can refund half of the price and you keep the earbuds."
PROPOSAL_RATIONALE = "The photos show a cracked earbud; half the price back is fair."
DECISION_REASONS = "The courier's photos show the box was crushed before delivery."
PANEL_SUMMARY = "The buyer says the earbud arrived cracked; the seller says it left intact."
PANEL_QUESTION = "Was the earbud damaged before it reached the buyer?"
REFUND_PROOF = "Refunded through the marketplace, reference RF-2026-0001."


def claim(**overrides) -> Claim:
    values = {
        "claim_type": ClaimType.DAMAGED_IN_TRANSIT,
        "responsible_party": ResponsibleParty.SELLER,
        "description": "The box arrived crushed\nand the left earbud is cracked.",
        "remedy": Remedy.FULL_REFUND,
    }
    return Claim(**(values | overrides))


def make_case(
    state: str = "filed",
    *,
    buyer: User | None = None,
    seller: User | None = None,
    mediator: User | None = None,
    amount_fen: int = 19900,
    settlement: Settlement | None = None,
    **claim_overrides,
) -> Case:
    """A case on a fresh order, moved to ``state`` (one of ``STATES``) the way people and
    timers would move it. "counter_offer" is awaiting_seller with an offer waiting.

    From mediation on: "proposal" has the mediator's ``settlement`` open (half the price back
    unless given); "panel" was routed to a panel; "decided" was decided by the mediator (a
    full refund unless ``settlement`` says otherwise), and "executing" is that decision once
    its appeal window closed; "closed_completed" is a full refund paid and confirmed.
    """
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    buyer = buyer or make_user(name="Li Na")
    seller = seller or make_user(name="Wang Wei", shop_name="Earbud Shop")
    mediator = mediator or make_user(name="Mediator Zhou", roles=(Role.MEDIATOR,))
    order = make_order(buyer, seller, amount_fen=amount_fen)
    case = services.open_case(order, buyer, claim(**claim_overrides))
    if state == "closed":
        services.withdraw_case(case, buyer)
    elif state == "returned":
        services.return_case(case, mediator, RETURN_REASON)
    elif state != "filed":
        services.accept_intake(case, mediator, Severity.IMPORTANT)
        if state == "counter_offer":
            services.seller_counter_offers(case, seller, Remedy.PARTIAL_REFUND, 9950, OFFER_MESSAGE)
        elif state != "awaiting_seller":
            services.seller_contests(case, seller, CONTEST_STATEMENT)
            if state != "evidence":
                _to_mediation()
                _from_mediation(case, state, mediator, settlement)
    db.session.flush()
    db.session.refresh(case)
    return case


def _to_mediation() -> None:
    clock.advance(current_app.config["EVIDENCE_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()


def _from_mediation(case: Case, state: str, mediator: User, settlement) -> None:
    db.session.refresh(case)
    if state == "proposal":
        half = Settlement(Remedy.PARTIAL_REFUND, case.order.amount_fen // 2, PROPOSAL_RATIONALE)
        mediation.propose_settlement(case, mediator, settlement or half)
    elif state == "panel":
        make_reviewers(current_app.config["PANEL_SEATS"])
        mediation.route_to_panel(case, mediator, PANEL_SUMMARY, PANEL_QUESTION)
    elif state in ("decided", "executing", "closed_completed"):
        refund = Settlement(Remedy.FULL_REFUND, None, DECISION_REASONS)
        mediation.decide(case, mediator, settlement or refund)
        if state != "decided":
            clock.advance(current_app.config["APPEAL_WINDOW"] + timedelta(minutes=1))
            sweep_case_deadlines()
        if state == "closed_completed":
            [refund_step] = execution.obligations_of(case)
            execution.mark_done(refund_step, case.seller, REFUND_PROOF, None)
            execution.confirm(refund_step, case.buyer)


# Answering the mediator's proposal, as the parties would


def answer_proposal(case: Case, party: str, accept: bool) -> None:
    user = case.buyer if party == "buyer" else case.seller
    mediation.answer_proposal(case, user, accept)
    db.session.flush()
    db.session.refresh(case)


def accept_proposal(case: Case) -> None:
    """Both sides accept: the case is settled and carried out."""
    answer_proposal(case, "buyer", True)
    answer_proposal(case, "seller", True)


def reject_proposal(case: Case, party: str = "seller") -> None:
    answer_proposal(case, party, False)


# Evidence files that pass the content checks


def jpeg_bytes(size: tuple[int, int] = (640, 480), colour=(180, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return document_pdf("Courier receipt", ["Parcel SF0000001 handed over intact."])


def add_statement(case: Case, author: User, text: str) -> EvidenceEntry:
    return add_evidence(case, author, NewEvidence(EvidenceKind.STATEMENT, text=text))


def add_photo(case: Case, author: User, name: str = "box.jpg") -> EvidenceEntry:
    return add_evidence(
        case,
        author,
        NewEvidence(EvidenceKind.IMAGE, upload=io.BytesIO(jpeg_bytes()), filename=name),
    )
