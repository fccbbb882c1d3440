"""Escalating overdue cases, step by step (design: Notifications and integration: "SLAs per
phase escalate when missed: the assigned mediator, then admins, then reassignment").

The sweep asks ``app.mediation.sla`` which cases are overdue, and takes for each spell of
lateness the next step due:

1. at once, the case's mediator is told (every admin, when no mediator on duty has it);
2. ``ESCALATION_GRACE`` later, if the case is still overdue, every admin is told.

Before either step, a case whose mediator is off duty (or that has none) is given to a
mediator on duty by the assignment rule (``app.mediation.assignment``). Each step writes an
audit event on the case and its messages leave through the outbox. A ``CaseEscalation``
row under a unique constraint makes each step happen once per case, phase, spell and level,
however many sweeps run at once (design: Rules for the scheduler).
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from app.auth.models import Role, User
from app.auth.services import holders_of
from app.cases.models import Case
from app.cases.transitions import touch
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.sweeps import in_savepoint
from app.mediation.assignment import choose_mediator, is_on_duty
from app.mediation.escalation_notices import (
    REASSIGNED_ACTION,
    Audience,
    escalated_action,
    tell_admins,
    tell_mediator,
)
from app.mediation.models import CaseEscalation, EscalationLevel, SlaPhase
from app.mediation.sla import Condition, Overdue, overdue_cases


def sweep_escalations() -> int:
    """Take every escalation step that is due; returns how many were taken."""
    now = clock.now()
    due = overdue_cases(now, where=_step_due(now), limit=current_app.config["SWEEP_BATCH_SIZE"])
    return sum(
        in_savepoint(lambda o=o: escalate(o, now), f"case {o.case_id}: escalation") for o in due
    )


def escalate(overdue: Overdue, now: datetime) -> bool:
    """Take the next step of this spell of lateness; False if none is due any more (the
    case left the phase, or another sweep took the step first). The caller commits."""
    # on PostgreSQL the case's row is locked, so a transition in flight finishes first
    case = db.session.get(Case, overdue.case_id, with_for_update=True, populate_existing=True)
    if overdue not in overdue_cases(now, case_id=case.id, where=_step_due(now)):
        return False
    step = _write_step(overdue, now)
    reassigned = _give_to_a_mediator_on_duty(case, overdue)
    step.mediator_id = case.mediator_id
    audience, told = _tell(case, step, overdue, reassigned, now)
    record_event(
        None,
        escalated_action(overdue.phase, audience),
        case,
        after={
            "phase": overdue.phase.value,
            "level": step.level,
            "overdue_since": overdue.since.isoformat(),
            "told": [user.id for user in told],
        },
    )
    return True


def _write_step(overdue: Overdue, now: datetime) -> CaseEscalation:
    """The spell's next level: the mediator's if none was taken, else the admins'."""
    taken = db.session.scalar(
        select(func.max(CaseEscalation.level)).where(
            _spell(overdue.case_id, overdue.phase, overdue.measured_from)
        )
    )
    level = EscalationLevel.MEDIATOR if taken is None else EscalationLevel.ADMINS
    step = CaseEscalation(
        case_id=overdue.case_id,
        phase=overdue.phase.value,
        level=level.value,
        measured_from=overdue.measured_from,
        overdue_since=overdue.since,
        escalated_at=now,
    )
    db.session.add(step)
    db.session.flush()  # a second sweep taking the same step stops here, at the constraint
    return step


def _tell(
    case: Case, step: CaseEscalation, overdue: Overdue, reassigned: bool, now: datetime
) -> tuple[Audience, list[User]]:
    """Queue the step's messages; whom it told. The first step tells the mediator on duty
    (the admins when there is none); the second, the admins, and a mediator who was just
    given the case."""
    mediator = case.mediator if is_on_duty(case.mediator_id) else None
    if step.level == EscalationLevel.MEDIATOR and mediator is not None:
        admins_from = now + current_app.config["ESCALATION_GRACE"]
        tell_mediator(case, step, overdue, reassigned=reassigned, admins_from=admins_from)
        return Audience.MEDIATOR, [mediator]
    admins = _admins_of(case)
    tell_admins(case, step, overdue, admins, mediator)
    if reassigned:
        tell_mediator(case, step, overdue, reassigned=True, admins_from=None)
    return Audience.ADMINS, admins


def _step_due(now: datetime) -> Condition:
    """A spell has a step due unless the admins were told, or its mediator was told less
    than the grace ago."""
    grace = current_app.config["ESCALATION_GRACE"]

    def condition(
        phase: SlaPhase, case_id: ColumnElement, measured_from: ColumnElement
    ) -> ColumnElement[bool]:
        return ~exists().where(
            _spell(case_id, phase, measured_from),
            or_(
                CaseEscalation.level == EscalationLevel.ADMINS.value,
                CaseEscalation.escalated_at > now - grace,
            ),
        )

    return condition


def _spell(case_id, phase: SlaPhase, measured_from) -> ColumnElement[bool]:
    """The steps taken for one spell of lateness (values, or the overdue query's columns)."""
    return and_(
        CaseEscalation.case_id == case_id,
        CaseEscalation.phase == phase.value,
        CaseEscalation.measured_from == measured_from,
    )


def _give_to_a_mediator_on_duty(case: Case, overdue: Overdue) -> bool:
    """Reassign the case if its mediator is off duty (or it has none) and one on duty can
    take it; True if it was reassigned. Compare-and-set on the mediator it had."""
    if is_on_duty(case.mediator_id):
        return False
    mediator = choose_mediator(case)
    if mediator is None:
        return False
    previous = case.mediator_id
    touch(
        case,
        None,
        REASSIGNED_ACTION,
        expect=case.current_state,
        only_if=[Case.mediator_id.is_(None) if previous is None else Case.mediator_id == previous],
        audit=({"mediator": previous}, {"mediator": mediator.id, "phase": overdue.phase.value}),
        mediator_id=mediator.id,
    )
    return True


def _admins_of(case: Case) -> list[User]:
    """Every admin who is not a party to the case."""
    parties = {case.buyer_id, case.seller_id}
    return [admin for admin in holders_of(Role.ADMIN) if admin.id not in parties]
