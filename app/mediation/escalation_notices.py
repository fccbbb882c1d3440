"""What an escalation tells whom, in their own language, and how its steps read in the case's
audit trail (``app.mediation.escalation``). Every message links to the case and leaves
through the outbox under a key made of the step, so a step never tells anyone twice."""

from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.cases.models import Case
from app.cases.notify import case_link
from app.core.zones import format_zoned
from app.mediation.models import CaseEscalation, EscalationLevel, SlaPhase
from app.mediation.sla import Overdue
from app.notifications.models import MailKind
from app.notifications.outbox import queue_for_each


class Audience(StrEnum):
    MEDIATOR = "mediator"
    ADMINS = "admins"


def escalated_action(phase: SlaPhase, audience: Audience) -> str:
    return f"case.escalated.{phase.value}.{audience.value}"


REASSIGNED_ACTION = "case.overdue_reassigned"

# the steps in words, for the audit trail (``app.mediation.forms.AUDIT_ACTION_LABELS``)
ESCALATION_AUDIT_LABELS = {
    escalated_action(SlaPhase.INTAKE, Audience.MEDIATOR): _l(
        "Intake review overdue: the mediator was told"
    ),
    escalated_action(SlaPhase.INTAKE, Audience.ADMINS): _l(
        "Intake review overdue: the admins were told"
    ),
    escalated_action(SlaPhase.FIRST_ACTION, Audience.MEDIATOR): _l(
        "First action overdue: the mediator was told"
    ),
    escalated_action(SlaPhase.FIRST_ACTION, Audience.ADMINS): _l(
        "First action overdue: the admins were told"
    ),
    escalated_action(SlaPhase.PROPOSAL_ANSWER, Audience.MEDIATOR): _l(
        "Answer to the proposal overdue: the mediator was told"
    ),
    escalated_action(SlaPhase.PROPOSAL_ANSWER, Audience.ADMINS): _l(
        "Answer to the proposal overdue: the admins were told"
    ),
    escalated_action(SlaPhase.EXECUTION, Audience.MEDIATOR): _l(
        "A step overdue and not enforced: the mediator was told"
    ),
    escalated_action(SlaPhase.EXECUTION, Audience.ADMINS): _l(
        "A step overdue and not enforced: the admins were told"
    ),
    REASSIGNED_ACTION: _l("Overdue with its mediator off duty: given to a mediator on duty"),
}

PHASE_LABELS = {
    SlaPhase.INTAKE: _l("The intake review"),
    SlaPhase.FIRST_ACTION: _l("The mediator's first action"),
    SlaPhase.PROPOSAL_ANSWER: _l("The parties' answer to the settlement proposal"),
    SlaPhase.EXECUTION: _l("A step of carrying out the decision"),
}

# what the mediator can do about it
ADVICE = {
    SlaPhase.INTAKE: _l("Accept the case or return it to the buyer."),
    SlaPhase.FIRST_ACTION: _l("Propose a settlement, decide, or send the case to a panel."),
    SlaPhase.PROPOSAL_ANSWER: _l(
        "A side has not answered yet: ask them for their answer before the proposal lapses."
    ),
    SlaPhase.EXECUTION: _l(
        "The step is past its deadline and neither done nor enforced: find out what holds it up."
    ),
}


def _key(step: CaseEscalation) -> str:
    return f"case-{step.case_id}:escalation-{step.id}"


def _overdue(overdue: Overdue) -> str:
    return _(
        "%(phase)s has been overdue since %(since)s.",
        phase=PHASE_LABELS[overdue.phase],
        since=format_zoned(overdue.since),
    )


def tell_mediator(
    case: Case,
    step: CaseEscalation,
    overdue: Overdue,
    *,
    reassigned: bool,
    admins_from: datetime | None,
) -> None:
    """The case's mediator hears that it is overdue: at the first step, or when the case
    was just given to them. ``admins_from`` is when the admins are told if it stays so."""

    def subject() -> str:
        if reassigned:
            return _("Case #%(id)d is now yours, and overdue", id=case.id)
        return _("Case #%(id)d is overdue", id=case.id)

    def body() -> str:
        parts = [_("Its mediator is off duty, so the case was given to you.")] if reassigned else []
        parts += [_overdue(overdue), str(ADVICE[overdue.phase])]
        if admins_from is not None:
            parts.append(
                _(
                    "If it is still overdue at %(when)s, the admins are told.",
                    when=format_zoned(admins_from),
                )
            )
        return " ".join(parts)

    queue_for_each(
        [case.mediator],
        _key(step),
        subject,
        body,
        link=case_link(case.id),
        kind=MailKind.STAFF_WORK,
    )


def tell_admins(
    case: Case, step: CaseEscalation, overdue: Overdue, admins: list[User], mediator: User | None
) -> None:
    """The admins hear of an overdue case: after its mediator on duty was told and the grace
    passed, or at once when no mediator on duty has it."""

    def subject() -> str:
        if step.level == EscalationLevel.ADMINS:
            return _("Case #%(id)d is still overdue", id=case.id)
        return _("Case #%(id)d is overdue", id=case.id)

    def body() -> str:
        if mediator is not None:
            who = _("Its mediator, %(name)s, was told.", name=mediator.display_name)
        else:
            who = _("No mediator on duty has it: give it to one.")
        return " ".join((_overdue(overdue), who))

    queue_for_each(
        admins, _key(step), subject, body, link=case_link(case.id), kind=MailKind.STAFF_WORK
    )
