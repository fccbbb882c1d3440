"""What the case routes are sent, and what a row prepares before its request: shared by
the cases' authorization table and the route matrix of the whole app."""

import io

from flask import current_app

from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceKind
from app.cases.releases import decide_release
from app.cases.states import Party
from app.execution import services as execution
from app.mediation import services as mediation
from app.mediation.saved_filters import save_filter
from tests.helpers.factories import make_reviewers
from tests.helpers.pdfs import document
from tests.helpers.videos import video

# What the forms are sent

CLAIM = {
    "claim_type": "not_as_described",
    "responsible_party": "seller",
    "description": "The colour is not the one in the listing.",
    "remedy": "return_and_refund",
}
SAVED_FILTER = {"name": "Counterfeit", "claim_type": "counterfeit"}
SETTLEMENT = {
    "proposal-outcome": "partial_refund",
    "proposal-amount": "50",
    "proposal-rationale": "Half back is fair.",
}
DECISION = {"decision-outcome": "full_refund", "decision-rationale": "The box was crushed."}
PANEL = {
    "panel-summary": "Each side blames the other.",
    "panel-question": "Was it damaged before delivery?",
    "panel-partial_amount": "",
}


# What a row prepares before its request, named for its URL and data


def question_to_buyer(case, people) -> dict:
    question = mediation.ask_question(case, people["mediator"], Party.BUYER, "When?", 48)
    return {"question": question.id}


def refund_step(case, people) -> dict:
    [refund] = execution.obligations_of(case)
    return {"obligation": refund.id}


def refund_marked_done(case, people) -> dict:
    [refund] = execution.obligations_of(case)
    execution.mark_done(refund, case.seller, "Refunded, ref. RF-1.", None)
    return {"obligation": refund.id}


def _released(case, people, kind: EvidenceKind, data: bytes, filename: str) -> int:
    """A file of the seller's, released to the reviewers by the case's mediator."""
    upload = NewEvidence(kind, upload=io.BytesIO(data), filename=filename)
    entry = add_evidence(case, people["seller"], upload)
    decide_release(entry, people["mediator"], True)
    return entry.id


def released_pdf(case, people) -> dict:
    return {"pdf": _released(case, people, EvidenceKind.PDF, document(pages=1), "receipt.pdf")}


def released_video(case, people) -> dict:
    return {"video": _released(case, people, EvidenceKind.VIDEO, video(), "packing.mp4")}


def reviewer_pool(_case, _people) -> dict:
    """Enough active reviewers to draw a panel."""
    make_reviewers(current_app.config["PANEL_SEATS"])
    return {}


def saved_filter_of_mediator(_case, people) -> dict:
    """A filter the case's mediator saved on the desk: theirs alone."""
    saved = save_filter(people["mediator"], "Counterfeit", {"claim_type": "counterfeit"})
    return {"saved": saved.id}
