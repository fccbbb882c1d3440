"""Service levels per phase: which cases are overdue, in which phase, and since when (design:
Case lifecycle; Notifications and integration, "SLAs per phase").

Each phase's SLA runs from a moment the database holds, plus an allowance from the
configuration:

* intake: the case is filed and not yet accepted or returned by its deadline (filing plus
  ``INTAKE_SLA``);
* first action: the case is in mediation and the mediator has not proposed, decided or
  referred it by its deadline (entering mediation plus ``MEDIATION_SLA``);
* proposal answer: a side has not answered the open settlement proposal within
  ``PROPOSAL_ANSWER_SLA`` of its making (the proposal itself lapses later, at
  ``PROPOSAL_WINDOW``: the SLA leaves the mediator time to chase the silent side);
* execution: a step of an executing case is still open ``EXECUTION_SLA`` after its deadline,
  neither done nor enforced (the execution sweep settles a step within a minute of its
  deadline, so a step this late is stuck).

A case that leaves the phase is no longer overdue in it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, or_, select, true

from app.cases.models import Case
from app.cases.states import CaseState
from app.core.extensions import db
from app.execution.models import Obligation, ObligationStatus
from app.mediation.models import ProposalStatus, SettlementProposal, SlaPhase

# extra conditions a caller puts on the overdue rows: (phase, case id, measured from) → SQL
Condition = Callable[[SlaPhase, ColumnElement, ColumnElement], ColumnElement[bool]]


# the phases whose SLA is the case's own deadline in one state: the mediator's (intake, first
# action); the desk's "overdue" is these, the escalation sweep reads all four phases
CASE_DEADLINE_PHASES = {
    SlaPhase.INTAKE: CaseState.FILED,
    SlaPhase.FIRST_ACTION: CaseState.MEDIATION,
}
MEDIATOR_SLA_STATES = frozenset(state.value for state in CASE_DEADLINE_PHASES.values())


def missed_case_deadline(phase: SlaPhase, now) -> ColumnElement[bool]:
    """SQL: the case is in ``phase``'s state with its deadline passed at ``now``."""
    return and_(Case.state == CASE_DEADLINE_PHASES[phase].value, Case.deadline_at <= now)


@dataclass(frozen=True)
class Overdue:
    case_id: int
    phase: SlaPhase
    measured_from: datetime  # names this spell of lateness (``CaseEscalation``)
    since: datetime  # when the SLA was missed


@dataclass(frozen=True)
class _Timer:
    phase: SlaPhase
    case_id: ColumnElement
    measured_from: ColumnElement
    allowance: timedelta
    query: Select


def _timers(now: datetime) -> list[_Timer]:
    config = current_app.config
    answer, execution = config["PROPOSAL_ANSWER_SLA"], config["EXECUTION_SLA"]
    no_allowance = timedelta(0)  # the case's deadline already holds the SLA
    return [
        _Timer(
            SlaPhase.INTAKE,
            Case.id,
            Case.deadline_at,
            no_allowance,
            select(Case.id, Case.deadline_at).where(missed_case_deadline(SlaPhase.INTAKE, now)),
        ),
        _Timer(
            SlaPhase.FIRST_ACTION,
            Case.id,
            Case.deadline_at,
            no_allowance,
            select(Case.id, Case.deadline_at).where(
                missed_case_deadline(SlaPhase.FIRST_ACTION, now)
            ),
        ),
        _Timer(
            SlaPhase.PROPOSAL_ANSWER,
            SettlementProposal.case_id,
            SettlementProposal.created_at,
            answer,
            select(SettlementProposal.case_id, SettlementProposal.created_at)
            .join(Case, Case.id == SettlementProposal.case_id)
            .where(
                Case.state == CaseState.PROPOSAL.value,
                SettlementProposal.status == ProposalStatus.OPEN.value,
                or_(
                    SettlementProposal.buyer_answer.is_(None),
                    SettlementProposal.seller_answer.is_(None),
                ),
                SettlementProposal.created_at <= now - answer,
            ),
        ),
        _Timer(
            SlaPhase.EXECUTION,
            Obligation.case_id,
            Obligation.due_at,
            execution,
            select(Obligation.case_id, Obligation.due_at)
            .join(Case, Case.id == Obligation.case_id)
            .where(
                Case.state == CaseState.EXECUTING.value,
                Obligation.status == ObligationStatus.OPEN.value,
                Obligation.due_at <= now - execution,
            ),
        ),
    ]


def overdue_cases(
    now: datetime,
    *,
    case_id: int | None = None,
    where: Condition | None = None,
    limit: int | None = None,
) -> list[Overdue]:
    """The cases overdue at ``now``, longest overdue first: one row per phase and spell (a
    case with two stuck steps has two). ``case_id`` asks about one case; ``where`` adds a
    condition per phase (the escalation sweep leaves out spells with no step due)."""
    found = []
    for timer in _timers(now):
        query = timer.query.where(
            timer.case_id == case_id if case_id is not None else true(),
            where(timer.phase, timer.case_id, timer.measured_from) if where else true(),
        )
        if limit is not None:
            query = query.order_by(timer.measured_from).limit(limit)
        found += [
            Overdue(row_case_id, timer.phase, measured_from, measured_from + timer.allowance)
            for row_case_id, measured_from in db.session.execute(query)
        ]
    found.sort(key=lambda overdue: (overdue.since, overdue.case_id))
    return found[:limit]
