"""The mediator's transitions: notes, questions, reopening the evidence window, settlement
proposals and the parties' answers, decisions, and routing to a panel (design: Mediation).

Every function checks who may act, moves the case by compare-and-set, writes its audit event
and queues its notifications; the caller commits.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.auth.models import User
from app.cases import notify
from app.cases.decisions import record_decision
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.files import EvidenceRejected
from app.cases.models import (
    Case,
    EvidenceKind,
)
from app.cases.states import (
    REMEDIES_WITH_AMOUNT,
    CaseState,
    DecisionKind,
    Outcome,
    Party,
    Remedy,
)
from app.cases.transitions import CaseRefused, move, touch
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.reminders import remind_at
from app.core.text import checked_text
from app.jury.appeals import stood_down
from app.jury.ballot import BallotKind
from app.jury.drawing import PoolTooSmall, open_panel
from app.jury.models import PanelRound
from app.mediation.appeals import may_decide, may_propose
from app.mediation.assignment import take_over
from app.mediation.models import (
    Answer,
    CaseNote,
    CaseQuestion,
    PanelReferral,
    ProposalStatus,
    SettlementProposal,
)
from app.mediation.referral_ballots import referral_ballot

MAX_TEXT = 5000
REJECTION_REASON_MAX_CHARS = 1000


@dataclass(frozen=True)
class Settlement:
    outcome: Remedy
    amount_fen: int | None
    rationale: str


def _config(name: str):
    return current_app.config[name]


def _require(allowed: bool) -> None:
    if not allowed:
        raise CaseRefused(
            _l("Only the case's mediator can do this, and only at this stage of the case.")
        )


def _text(value: str, field: str, missing) -> str:
    return checked_text(value, field, maximum=MAX_TEXT, missing=missing, refusal=CaseRefused)


# Notes and questions


def add_note(case: Case, mediator: User, text: str) -> CaseNote:
    if not case.can_see_internals(mediator):
        raise CaseRefused(_l("Only staff can write internal notes."))
    note = CaseNote(
        case_id=case.id, author_id=mediator.id, text=_text(text, "text", _l("Write the note."))
    )
    db.session.add(note)
    db.session.flush()
    record_event(mediator, "case.note_added", case, after={"note": note.id})
    return note


def ask_question(case: Case, mediator: User, party: Party, text: str, hours: int) -> CaseQuestion:
    _require(case.can_ask_question(mediator))
    take_over(case, mediator)
    if not 1 <= hours <= 24 * 14:
        raise CaseRefused(_l("Give between 1 hour and 14 days to answer."), "hours")
    now = clock.now()
    due_at = now + timedelta(hours=hours)
    question = CaseQuestion(
        case_id=case.id,
        asked_by_id=mediator.id,
        party=party.value,
        text=_text(text, "text", _l("Write the question.")),
        due_at=due_at,
        remind_at=remind_at(now, due_at),
    )
    db.session.add(question)
    db.session.flush()
    record_event(mediator, "case.question_asked", case, after={"question": question.id})
    recipient = case.buyer if party is Party.BUYER else case.seller
    notify.question_asked(case, recipient, question.id, due_at)
    return question


def open_questions(case: Case, party: Party) -> list[CaseQuestion]:
    return db.session.scalars(
        select(CaseQuestion)
        .where(
            CaseQuestion.case_id == case.id,
            CaseQuestion.party == party.value,
            CaseQuestion.answered_at.is_(None),
        )
        .order_by(CaseQuestion.id)
    ).all()


def answer_question(question: CaseQuestion, user: User, text: str) -> None:
    """The party answers on its own timeline; an answer before the question's deadline is
    never marked late, even after the evidence window closed."""
    case = question.case
    if not question.can_answer(user):
        raise CaseRefused(_l("Only the side the question was put to can answer it, once."))
    now = clock.now()
    try:
        entry = add_evidence(
            case,
            user,
            NewEvidence(
                EvidenceKind.STATEMENT,
                text=_text(text, "text", _l("Write your answer.")),
                answers_question=now <= question.due_at,
            ),
        )
    except EvidenceRejected as error:
        raise CaseRefused(error.args[0], "text") from error
    result = db.session.execute(
        update(CaseQuestion)
        .where(CaseQuestion.id == question.id, CaseQuestion.answered_at.is_(None))
        .values(answered_at=now, answer_entry_id=entry.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise CaseRefused(_l("This question was already answered."))
    db.session.expire(question)
    record_event(user, "case.question_answered", case, after={"question": question.id})


def reopen_evidence_window(case: Case, mediator: User) -> None:
    _require(case.can_reopen_evidence(mediator))
    take_over(case, mediator)
    event = move(
        case,
        CaseState.EVIDENCE,
        mediator,
        "case.evidence_reopened",
        expect=CaseState.MEDIATION,
        evidence_closed_at=None,
        deadline_at=clock.now() + _config("EVIDENCE_WINDOW"),
    )
    notify.evidence_window_opened(case, event)


# Settlement proposals


def _check_settlement(case: Case, settlement: Settlement) -> None:
    if settlement.outcome in REMEDIES_WITH_AMOUNT:
        amount = settlement.amount_fen
        if amount is None or not 0 < amount <= case.order.amount_fen:
            raise CaseRefused(
                _l("Give an amount above zero and at most the order's total."), "amount"
            )
    elif settlement.amount_fen is not None:
        raise CaseRefused(_l("This outcome takes no amount."), "amount")
    _text(settlement.rationale, "rationale", _l("Explain the reasons."))


def settled_amount(case: Case, settlement: Settlement) -> int | None:
    if settlement.outcome in REMEDIES_WITH_AMOUNT:
        return settlement.amount_fen
    if settlement.outcome in (Remedy.FULL_REFUND, Remedy.RETURN_AND_REFUND):
        return case.order.amount_fen
    return None


def open_proposal(case: Case) -> SettlementProposal | None:
    return db.session.scalar(
        select(SettlementProposal).where(
            SettlementProposal.case_id == case.id,
            SettlementProposal.status == ProposalStatus.OPEN.value,
        )
    )


def propose_settlement(case: Case, mediator: User, settlement: Settlement) -> SettlementProposal:
    """Propose a settlement; a newer proposal supersedes the one still open."""
    _require(may_propose(case, mediator))
    _check_settlement(case, settlement)
    take_over(case, mediator)
    now = clock.now()
    expires_at = now + _config("PROPOSAL_WINDOW")
    previous = open_proposal(case)
    if previous is not None:
        _close_proposal(previous, ProposalStatus.SUPERSEDED)
        event = touch(
            case,
            mediator,
            "case.proposal_superseded",
            expect=CaseState.PROPOSAL,
            deadline_at=expires_at,
        )
    else:
        event = move(
            case,
            CaseState.PROPOSAL,
            mediator,
            "case.proposed",
            expect=CaseState.MEDIATION,
            deadline_at=expires_at,
        )
    proposal = SettlementProposal(
        case_id=case.id,
        mediator_id=mediator.id,
        outcome=settlement.outcome.value,
        amount_fen=settled_amount(case, settlement),
        rationale=settlement.rationale.strip(),
        expires_at=expires_at,
        created_at=now,
    )
    db.session.add(proposal)
    db.session.flush()
    notify.proposal_made(case, event, expires_at)
    return proposal


def answer_proposal(case: Case, user: User, accept: bool, reason: str = "") -> None:
    """A party's answer. Both accepting settles the case; one rejection ends the proposal,
    with the rejecting party's ``reason`` if it gives one.

    The answer is a compare-and-set on the proposal row, so the other party's answer and the
    expiry sweep, at the same instant, serialise on that row: exactly one outcome.
    """
    party = case.party_of(user)
    proposal = open_proposal(case)
    if proposal is None or not proposal.can_answer(user):
        raise CaseRefused(_l("There is no settlement proposal waiting for your answer."))
    column = f"{party.value}_answer"
    now = clock.now()
    answer = Answer.ACCEPTED if accept else Answer.REJECTED
    if accept:
        reason = ""
    reason = checked_text(reason, "reason", maximum=REJECTION_REASON_MAX_CHARS, refusal=CaseRefused)
    result = db.session.execute(
        update(SettlementProposal)
        .where(
            SettlementProposal.id == proposal.id,
            SettlementProposal.status == ProposalStatus.OPEN.value,
            SettlementProposal.expires_at > now,
            getattr(SettlementProposal, column).is_(None),
        )
        .values(
            {
                column: answer.value,
                f"{party.value}_answered_at": now,
                "rejection_reason": reason or None,
            }
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise CaseRefused(_l("This step is no longer possible: the case has moved on."))
    answered = {"proposal": proposal.id, "answer": answer.value}
    record_event(
        user, "proposal.answered", case, after=answered | ({"reason": reason} if reason else {})
    )
    db.session.refresh(proposal)
    if answer is Answer.REJECTED:
        _proposal_failed(case, proposal, ProposalStatus.REJECTED, user)
    elif proposal.buyer_answer == proposal.seller_answer == Answer.ACCEPTED.value:
        _close_proposal(proposal, ProposalStatus.ACCEPTED)
        record_decision(
            case,
            user,
            "case.settled",
            Outcome.SETTLED,
            DecisionKind.PROPOSAL_ACCEPTED,
            proposal.outcome,
            proposal.amount_fen,
            expect=CaseState.PROPOSAL,
        )


def expire_proposal(case: Case) -> None:
    """The proposal's 48 hours are over without both acceptances: silence is rejection."""
    proposal = open_proposal(case)
    if proposal is None or proposal.expires_at > clock.now():
        raise CaseRefused(_l("No proposal is due."))
    _proposal_failed(case, proposal, ProposalStatus.EXPIRED, None)


def _proposal_failed(case, proposal, status: ProposalStatus, actor: User | None) -> None:
    _close_proposal(proposal, status)
    event = move(
        case,
        CaseState.MEDIATION,
        actor,
        f"case.proposal_{status.value}",
        expect=CaseState.PROPOSAL,
        deadline_at=clock.now() + _config("MEDIATION_SLA"),
    )
    notify.proposal_failed(case, event)


def _close_proposal(proposal: SettlementProposal, status: ProposalStatus) -> None:
    result = db.session.execute(
        update(SettlementProposal)
        .where(
            SettlementProposal.id == proposal.id,
            SettlementProposal.status == ProposalStatus.OPEN.value,
        )
        .values(status=status.value, closed_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise CaseRefused(_l("This step is no longer possible: the case has moved on."))
    db.session.expire(proposal)


# Decisions and panels


def decide(case: Case, mediator: User, settlement: Settlement) -> None:
    """The mediator decides with written reasons; the losing side may appeal in 48 hours."""
    _require(may_decide(case, mediator))
    _check_settlement(case, settlement)
    take_over(case, mediator)
    rejected = settlement.outcome is Remedy.CLAIM_REJECTED
    record_decision(
        case,
        mediator,
        "case.decided_by_mediator",
        Outcome.FOR_SELLER if rejected else Outcome.FOR_BUYER,
        DecisionKind.MEDIATOR,
        settlement.outcome.value,
        settled_amount(case, settlement),
        expect=CaseState.MEDIATION,
        reasons=settlement.rationale.strip(),
    )


def route_to_panel(
    case: Case,
    mediator: User,
    summary: str,
    question: str,
    partial_amount_fen: int | None = None,
    ballot: BallotKind = BallotKind.CLAIM,
) -> PanelReferral:
    """Send a contested case to a reviewer panel with a neutral summary, the question and
    a ballot (``referral_ballot``): the claim granted as filed, granted in part (when the
    mediator gives an amount), or rejected; or the final offers. The panel is drawn at once;
    if the pool is too small, nothing changes and the mediator is told why."""
    _require(may_decide(case, mediator))
    options = referral_ballot(case, ballot, partial_amount_fen)
    summary = _text(summary, "summary", _l("Write a neutral summary."))
    question = _text(question, "question", _l("Write the question for the panel."))
    take_over(case, mediator)
    try:
        with db.session.begin_nested():
            event = move(
                case,
                CaseState.PANEL,
                mediator,
                "case.routed_to_panel",
                expect=CaseState.MEDIATION,
                deadline_at=clock.now() + _config("PANEL_DEADLINE"),
            )
            open_panel(case, PanelRound.FIRST, summary, question, options)
    except PoolTooSmall as error:
        db.session.expire(case)
        raise CaseRefused(error.message) from error
    referral = PanelReferral(
        case_id=case.id,
        mediator_id=mediator.id,
        summary=summary,
        question=question,
        options=options,
    )
    db.session.add(referral)
    db.session.flush()
    notify.routed_to_panel(case, event)
    return referral


def reassign(case: Case, admin: User, mediator: User) -> None:
    if not case.can_reassign(admin):
        raise CaseRefused(_l("Only an admin who is not a party can reassign a case."))
    if not case.mediates(mediator):
        raise CaseRefused(_l("Choose a mediator who is not a party to the case."), "mediator")
    if stood_down(case, mediator):
        raise CaseRefused(
            _l("This mediator's decision was appealed; another mediator hears the case."),
            "mediator",
        )
    event = touch(
        case,
        admin,
        "case.reassigned",
        expect=case.current_state,
        audit=({"mediator": case.mediator_id}, {"mediator": mediator.id}),
        mediator_id=mediator.id,
    )
    notify.mediator_assigned(case, event)
