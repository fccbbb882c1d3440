"""Cases with final offers on them, reached through the real services: the seller's
counter-offer refused and the mediator's proposals rejected; and their panel, drawn with the
ballot of final offers."""

from datetime import timedelta

from flask import current_app

from app.cases import services as case_services
from app.cases.states import (
    CaseState,
    Remedy,
)
from app.core import clock
from app.core.extensions import db
from app.jury.ballot import BallotKind
from app.mediation import services as mediation
from app.mediation.services import Settlement
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.case_factories import (
    CONTEST_STATEMENT,
    OFFER_MESSAGE,
    PANEL_QUESTION,
    PANEL_SUMMARY,
    PROPOSAL_RATIONALE,
    make_case,
    reject_proposal,
)
from tests.helpers.factories import make_reviewers
from tests.helpers.jury import panel_of

BUYER_REQUEST = "offer:buyer:full_refund:19900"  # the factories' claim: the order's ¥199.00
SELLER_HALF = "offer:seller:partial_refund:5000"


def case_with_offers(
    counter: tuple[Remedy, int] | None = None,
    proposals: tuple[tuple[Remedy, int | None], ...] = (),
    **claim,
):
    """A case in mediation: the seller made ``counter`` (refused) or contested, and the
    mediator proposed each of ``proposals`` in turn, each rejected by the buyer."""
    case = make_case("awaiting_seller", **claim)
    if counter is None:
        case_services.seller_contests(case, case.seller, CONTEST_STATEMENT)
    else:
        case_services.seller_counter_offers(case, case.seller, *counter, OFFER_MESSAGE)
        case_services.buyer_refuses_counter_offer(case, case.buyer)
    clock.advance(current_app.config["EVIDENCE_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    db.session.refresh(case)
    for remedy, amount in proposals:
        mediation.propose_settlement(
            case, case.mediator, Settlement(remedy, amount, PROPOSAL_RATIONALE)
        )
        reject_proposal(case, "buyer")
    assert case.current_state is CaseState.MEDIATION
    return case


def route_final_offers(case):
    make_reviewers(current_app.config["PANEL_SEATS"])
    mediation.route_to_panel(
        case, case.mediator, PANEL_SUMMARY, PANEL_QUESTION, ballot=BallotKind.FINAL_OFFERS
    )
    return panel_of(case)
