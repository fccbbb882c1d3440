"""How long cases wait: for intake, for the mediator's first action, for their decision.

* **Intake**: from filing to the mediator's acceptance at intake (``severity_confirmed_at``).
  Cases returned at intake and never accepted are not measured. Service level: ``INTAKE_SLA``.
* **First action**: from the case's first entry into mediation (the first
  ``case.evidence_closed`` event of its audit trail) to the mediator's first step that moves
  it: a settlement proposal, a decision or a referral to a panel (the first
  ``case.proposed``, ``case.decided_by_mediator`` or ``case.routed_to_panel`` event).
  Notes and questions are not such a step. Service level: ``MEDIATION_SLA``.
* **Resolution**: from filing to the decision in force (``decided_at``; after an appeal, the
  appeal's verdict). Withdrawn cases have none and are not measured.
"""

from flask import current_app
from sqlalchemy import ColumnElement, Integer, String, case, cast, func, select

from app.analytics.scope import Scope, read_once
from app.analytics.sql import seconds_between, spreads
from app.cases.models import Case
from app.core.audit import AuditEvent

MEDIATION_STARTS = ("case.evidence_closed",)
FIRST_ACTIONS = ("case.proposed", "case.decided_by_mediator", "case.routed_to_panel")


@read_once
def intake(scope: Scope, by: ColumnElement) -> dict:
    durations = select(
        by.label("key"),
        seconds_between(Case.filed_at, Case.severity_confirmed_at).label("seconds"),
    ).where(*scope.cases(), Case.severity_confirmed_at.is_not(None))
    return spreads(durations, current_app.config["INTAKE_SLA"].total_seconds())


@read_once
def first_action(scope: Scope, by: ColumnElement) -> dict:
    """The audit trail is read for the scope's cases by the index on what an event is
    about; the cases are then found by their ids, so neither table is scanned."""
    scope_cases = select(cast(Case.id, String)).where(*scope.cases())
    milestones = (
        select(
            AuditEvent.subject_id,
            func.min(case((AuditEvent.action.in_(MEDIATION_STARTS), AuditEvent.created_at))).label(
                "started"
            ),
            func.min(case((AuditEvent.action.in_(FIRST_ACTIONS), AuditEvent.created_at))).label(
                "acted"
            ),
        )
        .where(
            AuditEvent.subject_type == Case.__tablename__,
            AuditEvent.subject_id.in_(scope_cases),
            AuditEvent.action.in_(MEDIATION_STARTS + FIRST_ACTIONS),
        )
        .group_by(AuditEvent.subject_id)
        .subquery()
    )
    durations = (
        select(
            by.label("key"),
            seconds_between(milestones.c.started, milestones.c.acted).label("seconds"),
        )
        .select_from(milestones)
        .join(Case, Case.id == cast(milestones.c.subject_id, Integer))
        .where(milestones.c.started.is_not(None), milestones.c.acted >= milestones.c.started)
    )
    return spreads(durations, current_app.config["MEDIATION_SLA"].total_seconds())


@read_once
def resolution(scope: Scope, by: ColumnElement) -> dict:
    durations = select(
        by.label("key"), seconds_between(Case.filed_at, Case.decided_at).label("seconds")
    ).where(*scope.cases(), Case.decided_at.is_not(None))
    return spreads(durations)
