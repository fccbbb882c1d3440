"""What the case page shows of mediation: the open proposal and the questions beside the
negotiation, and for staff the mediator's section (notes, questions, proposals, decisions,
the audit trail). A section of the case page (``app.cases.page.CaseSection``)."""

from types import SimpleNamespace

from flask import (
    current_app,
)
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.cases.forms import PARTY_LABELS, label
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.page import (
    page_form,
)
from app.cases.releases import can_decide_release, decisions_of, is_released_to_reviewers
from app.cases.states import (
    REMEDIES_WITH_AMOUNT,
    Party,
)
from app.cases.wording import duration
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.forms import OBLIGATION_KIND_LABELS
from app.execution.models import Obligation
from app.execution.services import PLANS
from app.jury import ballot
from app.jury.ballot import ballot_for_claim
from app.mediation import appeals, services
from app.mediation.forms import (
    AUDIT_ACTION_LABELS,
    PROPOSAL_ANSWER_LABELS,
    AnswerQuestionForm,
    DecisionForm,
    NoteForm,
    PanelForm,
    QuestionForm,
    RejectProposalForm,
    SettlementForm,
)
from app.mediation.models import (
    Answer,
    CaseNote,
    CaseQuestion,
    PanelReferral,
    ProposalStatus,
    SettlementProposal,
)
from app.mediation.referral_ballots import final_offer_ballot

REJECT_FORM = "reject_proposal_form"
# the appeal form as posted, shown again when the party goes back from its confirmation
APPEAL_FORM = "appeal_form"


def may_answer_proposal(proposal: SettlementProposal | None, user: User) -> bool:
    return proposal is not None and proposal.can_answer(user)


def answer_form_name(question: CaseQuestion) -> str:
    return f"answer_form_{question.id}"


def mediation_panel(case: Case, viewer: User, posted: dict) -> SimpleNamespace:
    """The open proposal and the questions put to the viewer, with the forms the viewer may
    use; for staff, the mediator's section. Takes from ``posted`` the forms it shows."""
    latest = _latest_proposal(case)
    proposal = latest if latest is not None and latest.status == ProposalStatus.OPEN.value else None
    party = case.party_of(viewer)
    may_answer = may_answer_proposal(proposal, viewer)
    return SimpleNamespace(
        proposal=proposal,
        proposal_plan=_plan(proposal.outcome) if proposal else [],
        may_answer_proposal=may_answer,
        reject_form=page_form(
            posted, REJECT_FORM, may_answer, lambda: RejectProposalForm(formdata=None)
        ),
        last_rejection=_rejection(latest),
        appeal_form=posted.pop(APPEAL_FORM, None),  # a posted appeal shown again
        questions=_questions_to(case, viewer, party, posted) if party else [],
        staff=_staff_section(case, viewer, posted) if case.can_see_internals(viewer) else None,
        answer_label=lambda answer: label(PROPOSAL_ANSWER_LABELS, answer),
    )


def _plan(outcome: str) -> list[str]:
    """The steps a settlement would create: who does what, within how long. One sentence per
    step, so that each language orders its parts its own way ("卖家：2 天内向买家退款")."""
    return [
        _(
            "%(who)s: %(what)s, within %(duration)s",
            who=label(PARTY_LABELS, step.debtor),
            what=label(OBLIGATION_KIND_LABELS, step.kind),
            duration=duration(current_app.config[step.deadline_setting]),
        )
        for step in PLANS[outcome]
    ]


def _questions_to(case: Case, viewer: User, party: Party, posted: dict) -> list:
    """Every question put to the viewer's side, oldest first, each open one with its form."""
    questions = db.session.scalars(
        select(CaseQuestion)
        .where(CaseQuestion.case_id == case.id, CaseQuestion.party == party.value)
        .order_by(CaseQuestion.id)
    ).all()
    return [
        SimpleNamespace(
            question=question,
            form=page_form(
                posted,
                answer_form_name(question),
                question.can_answer(viewer),
                lambda q=question: AnswerQuestionForm(q.id, formdata=None),
            ),
        )
        for question in questions
    ]


def _staff_section(case: Case, viewer: User, posted: dict) -> SimpleNamespace:
    may_decide = appeals.may_decide(case, viewer)
    return SimpleNamespace(
        notes=_notes(case),
        audit=_audit_trail(case),
        open_questions=[
            question for side in Party for question in services.open_questions(case, side)
        ],
        referral=_latest_referral(case),
        reviewer_files=_reviewer_files(case),
        may_release=can_decide_release(case, viewer),
        note_form=page_form(posted, "note_form", True, lambda: NoteForm(formdata=None)),
        question_form=page_form(
            posted,
            "question_form",
            case.can_ask_question(viewer),
            lambda: QuestionForm(formdata=None, hours=_question_default_hours()),
        ),
        may_reopen_evidence=case.can_reopen_evidence(viewer),
        proposal_form=page_form(
            posted,
            "proposal_form",
            appeals.may_propose(case, viewer),
            lambda: SettlementForm(formdata=None),
        ),
        decision_form=page_form(
            posted, "decision_form", may_decide, lambda: DecisionForm(formdata=None)
        ),
        panel_form=page_form(
            posted,
            "panel_form",
            may_decide,
            lambda: PanelForm(formdata=None),
        ),
        ballot=[ballot.label(key) for key in ballot_for_claim(case)] if may_decide else [],
        final_offers=_final_offers(case) if may_decide else None,
        outcomes_with_amount=" ".join(sorted(o.value for o in REMEDIES_WITH_AMOUNT)),
        action_label=lambda action: label(AUDIT_ACTION_LABELS, action),
    )


def _final_offers(case: Case) -> SimpleNamespace:
    """The final-offer ballot the case would go with, and whether it may."""
    options = final_offer_ballot(case)
    return SimpleNamespace(
        labels=[ballot.label(key) for key in options], enough=ballot.offers_enough(options)
    )


def _reviewer_files(case: Case) -> list[SimpleNamespace]:
    """Every file of both timelines, oldest first, and whether reviewers see it."""
    entries = db.session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.case_id == case.id, EvidenceEntry.stored_name.is_not(None))
        .order_by(EvidenceEntry.created_at, EvidenceEntry.id)
    ).all()
    decisions = decisions_of(case)
    return [
        SimpleNamespace(entry=entry, released=is_released_to_reviewers(entry, decisions))
        for entry in entries
    ]


def _question_default_hours() -> int:
    return current_app.config["QUESTION_DEFAULT_HOURS"]


def _notes(case: Case) -> list[CaseNote]:
    return db.session.scalars(
        select(CaseNote)
        .where(CaseNote.case_id == case.id)
        .options(selectinload(CaseNote.author))
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())
    ).all()


def _audit_trail(case: Case) -> list[SimpleNamespace]:
    """The events of the case and of its obligations, newest first, with who did each."""
    obligation_ids = db.session.scalars(select(Obligation.id).where(Obligation.case_id == case.id))
    rows = db.session.execute(
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            or_(
                and_(AuditEvent.subject_type == "cases", AuditEvent.subject_id == str(case.id)),
                and_(
                    AuditEvent.subject_type == "obligations",
                    AuditEvent.subject_id.in_([str(i) for i in obligation_ids]),
                ),
            )
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    ).all()
    return [SimpleNamespace(event=event, actor=actor) for event, actor in rows]


def _latest_referral(case: Case) -> PanelReferral | None:
    return db.session.scalars(
        select(PanelReferral)
        .where(PanelReferral.case_id == case.id)
        .order_by(PanelReferral.id.desc())
        .limit(1)
    ).first()


def _latest_proposal(case: Case) -> SettlementProposal | None:
    """The case's newest proposal: the open one, if any (a proposal supersedes the earlier
    one), else the one answered last."""
    return db.session.scalars(
        select(SettlementProposal)
        .where(SettlementProposal.case_id == case.id)
        .order_by(SettlementProposal.id.desc())
        .limit(1)
    ).first()


def _rejection(latest: SettlementProposal | None) -> SimpleNamespace | None:
    """The latest proposal, if a party rejected it: who did, and why if they said. Shown to
    both sides and the mediator until the next proposal, whose form it stands above."""
    if latest is None or latest.status != ProposalStatus.REJECTED.value:
        return None
    rejected_by = next(p for p in Party if latest.answer_of(p.value) == Answer.REJECTED.value)
    return SimpleNamespace(proposal=latest, party=rejected_by.value, reason=latest.rejection_reason)
