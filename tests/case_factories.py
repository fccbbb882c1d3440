"""Cases in any state, reached through the real services (and the sweeps, for timers)."""

import io
from datetime import timedelta

from flask import current_app
from PIL import Image

from app import clock
from app.auth.models import Role, User
from app.cases import services
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import (
    Case,
    ClaimType,
    EvidenceEntry,
    EvidenceKind,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.cases.services import Claim
from app.cases.sweeps import sweep_case_deadlines
from app.demo.media import document_pdf
from app.extensions import db
from tests.factories import make_order, make_user

STATES = (
    "filed",
    "returned",
    "awaiting_seller",
    "counter_offer",
    "evidence",
    "mediation",
    "decided",
    "closed",
)
RETURN_REASON = "Add a photo of the damaged box."
CONTEST_STATEMENT = "The parcel left our shop intact; see the courier's receipt."
OFFER_MESSAGE = "We can refund half of the price and you keep the earbuds."


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
    **claim_overrides,
) -> Case:
    """A case on a fresh order, moved to ``state`` (one of ``STATES``) the way people and
    timers would move it. "counter_offer" is awaiting_seller with an offer waiting."""
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
        elif state == "decided":
            services.seller_accepts_claim(case, seller)
        elif state in ("evidence", "mediation"):
            services.seller_contests(case, seller, CONTEST_STATEMENT)
            if state == "mediation":
                clock.advance(current_app.config["EVIDENCE_WINDOW"] + timedelta(minutes=1))
                sweep_case_deadlines()
    db.session.flush()
    db.session.refresh(case)
    return case


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
