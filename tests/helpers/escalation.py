"""Cases waiting in each phase that has an SLA, and when each one is overdue."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.cases.models import Case
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.services import obligations_of
from app.mediation.models import CaseEscalation, SlaPhase
from app.mediation.services import open_proposal
from tests.helpers.case_factories import answer_proposal, make_case

# the case state each phase is measured in, as ``make_case`` names it
PHASE_STATES = {
    SlaPhase.INTAKE: "filed",
    SlaPhase.FIRST_ACTION: "mediation",
    SlaPhase.PROPOSAL_ANSWER: "proposal",
    SlaPhase.EXECUTION: "executing",
}


def case_in(phase: SlaPhase, **people) -> Case:
    """A case waiting in ``phase``; a proposal has the buyer's acceptance, so only the
    seller's answer is missing."""
    case = make_case(PHASE_STATES[phase], **people)
    if phase is SlaPhase.PROPOSAL_ANSWER:
        answer_proposal(case, "buyer", True)
    return case


def overdue_from(case: Case, phase: SlaPhase) -> datetime:
    """When the case misses the phase's SLA, worked out from the phase's own timer."""
    config = current_app.config
    if phase is SlaPhase.PROPOSAL_ANSWER:
        return open_proposal(case).created_at + config["PROPOSAL_ANSWER_SLA"]
    if phase is SlaPhase.EXECUTION:
        [step] = obligations_of(case)
        return step.due_at + config["EXECUTION_SLA"]
    return case.deadline_at


def escalations_of(case_id: int) -> list[tuple[str, int]]:
    return list(
        db.session.execute(
            select(CaseEscalation.phase, CaseEscalation.level)
            .where(CaseEscalation.case_id == case_id)
            .order_by(CaseEscalation.id)
        ).tuples()
    )


def escalation_events(case_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.subject_type == "cases",
                AuditEvent.subject_id == str(case_id),
                AuditEvent.action.like("case.escalated.%") | (AuditEvent.action.like("%reassign%")),
            )
            .order_by(AuditEvent.id)
        )
    )


MINUTE = timedelta(minutes=1)
