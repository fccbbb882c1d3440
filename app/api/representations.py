"""What the API tells of a case — its claim, state, every deadline, amounts, decision and
obligations — and of an evidence entry the marketplace added. The parties are named by their
marketplace user ids only; never a name, an e-mail address, the mediator, a reviewer, or what
staff wrote (internal notes, reasons, the questions' text): the case page (``links.page``)
shows the parties what is theirs to read."""

from collections import defaultdict
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import CaseState
from app.core.extensions import db
from app.core.urls import public_url
from app.execution.models import Obligation
from app.mediation.models import CaseQuestion, ProposalStatus, SettlementProposal

# what the case's one running timer is, in each state
DEADLINE_NAMES = {
    CaseState.FILED: "intake_review",
    CaseState.RETURNED: "resubmission",
    CaseState.AWAITING_SELLER: "seller_answer",
    CaseState.EVIDENCE: "evidence_window",
    CaseState.MEDIATION: "mediator_action",
    CaseState.PROPOSAL: "proposal_answer",
    CaseState.PANEL: "panel_vote",
    CaseState.DECIDED: "appeal_window",
    CaseState.EXECUTING: "next_obligation",
}
COUNTER_OFFER_DEADLINE = "counter_offer_answer"


def time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def with_parties(statement):
    """Load what every case representation reads along with the cases."""
    return statement.options(
        selectinload(Case.order),
        selectinload(Case.buyer),
        selectinload(Case.seller),
        selectinload(Case.counter_offers),
    )


def represent_cases(cases: list[Case]) -> list[dict]:
    """Every case as the API shows it, with their related rows read in one query each."""
    ids = [case.id for case in cases]
    obligations = _by_case(
        select(Obligation).where(Obligation.case_id.in_(ids)).order_by(Obligation.step)
    )
    questions = _by_case(
        select(CaseQuestion).where(CaseQuestion.case_id.in_(ids)).order_by(CaseQuestion.id)
    )
    proposals = _by_case(
        select(SettlementProposal)
        .where(
            SettlementProposal.case_id.in_(ids),
            SettlementProposal.status != ProposalStatus.SUPERSEDED.value,
        )
        .order_by(SettlementProposal.id)
    )
    return [
        _case(case, obligations[case.id], questions[case.id], proposals[case.id]) for case in cases
    ]


def represent_case(case: Case) -> dict:
    return represent_cases([case])[0]


def _by_case(statement) -> dict[int, list]:
    rows: dict[int, list] = defaultdict(list)
    for row in db.session.scalars(statement):
        rows[row.case_id].append(row)
    return rows


def _case(case: Case, obligations: list, questions: list, proposals: list) -> dict:
    offer = case.counter_offers[-1] if case.counter_offers else None
    proposal = proposals[-1] if proposals else None
    return {
        "id": case.id,
        "order": case.order.marketplace_order_id,
        "buyer": case.buyer.marketplace_user_id,
        "seller": case.seller.marketplace_user_id,
        "state": case.state,
        "type": case.claim_type,
        "responsible_party": case.responsible_party,
        "description": case.description,
        "remedy": case.remedy,
        "amount": case.remedy_amount_fen,
        "claimed_amount": case.claimed_amount_fen,
        "safety_or_fraud": case.safety_or_fraud,
        "severity": case.severity,
        "filed_at": time(case.filed_at),
        "updated_at": time(case.updated_at),
        "deadline": _deadline(case),
        "counter_offer": _counter_offer(offer) if offer is not None else None,
        "proposal": _proposal(proposal) if proposal is not None else None,
        "questions": [_question(question) for question in questions],
        "decision": _decision(case),
        "closed": _closed(case),
        "obligations": [_obligation(obligation) for obligation in obligations],
        "links": links(case),
    }


def links(case: Case) -> dict:
    return {
        "self": url_for("api.get_case", case_id=case.id),
        "events": url_for("api.case_events", case_id=case.id),
        "evidence": url_for("api.add_case_evidence", case_id=case.id),
        # on the site's configured address, as e-mails link it: the marketplace keeps it
        "page": public_url(url_for("cases.show", case_id=case.id)),
    }


def _deadline(case: Case) -> dict | None:
    if case.deadline_at is None or case.current_state not in DEADLINE_NAMES:
        return None
    name = DEADLINE_NAMES[case.current_state]
    if case.current_state is CaseState.AWAITING_SELLER and case.pending_counter_offer:
        name = COUNTER_OFFER_DEADLINE
    return {"name": name, "due_at": time(case.deadline_at)}


def _counter_offer(offer) -> dict:
    return {
        "remedy": offer.remedy,
        "amount": offer.amount_fen,
        "made_at": time(offer.created_at),
        "answered_at": time(offer.answered_at),
        "accepted": offer.accepted,
    }


def _proposal(proposal: SettlementProposal) -> dict:
    return {
        "outcome": proposal.outcome,
        "amount": proposal.amount_fen,
        "status": proposal.status,
        "proposed_at": time(proposal.created_at),
        "expires_at": time(proposal.expires_at),
        "buyer_answer": proposal.buyer_answer,
        "seller_answer": proposal.seller_answer,
    }


def _question(question: CaseQuestion) -> dict:
    return {
        "party": question.party,
        "asked_at": time(question.asked_at),
        "due_at": time(question.due_at),
        "answered_at": time(question.answered_at),
    }


def _decision(case: Case) -> dict | None:
    if case.outcome is None:
        return None
    return {
        "outcome": case.outcome,
        "kind": case.decision_kind,
        "remedy": case.decision_remedy,
        "amount": case.decision_amount_fen,
        "decided_at": time(case.decided_at),
    }


def _closed(case: Case) -> dict | None:
    if case.closed_at is None:
        return None
    return {"reason": case.closed_reason, "closed_at": time(case.closed_at)}


def _obligation(obligation: Obligation) -> dict:
    return {
        "id": obligation.id,
        "step": obligation.step,
        "kind": obligation.kind,
        "debtor": obligation.debtor,
        "amount": obligation.amount_fen,
        "status": obligation.status,
        "due_at": time(obligation.due_at),
        "done_at": time(obligation.done_at),
        "dispute_until": time(obligation.dispute_until),
        "confirmed_at": time(obligation.confirmed_at),
    }


def represent_entry(entry: EvidenceEntry) -> dict:
    has_file = entry.stored_name is not None
    return {
        "id": entry.id,
        "case": entry.case_id,
        "party": entry.party,
        "sequence": entry.sequence,
        "kind": entry.kind,
        "supplied_by": entry.supplied_by,
        "late": entry.is_late,
        "created_at": time(entry.created_at),
        "text": None if has_file else entry.text,
        "file": {
            "name": entry.original_name,
            "content_type": entry.content_type,
            "size": entry.size_bytes,
        }
        if has_file
        else None,
        "sha256": entry.content_sha256,
        "entry_hash": entry.entry_hash,
    }
