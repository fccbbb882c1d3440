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

Each duration is worked out once per case, in its facts (``app.analytics.facts``).
"""

from flask import current_app
from sqlalchemy import ColumnElement, Select, select

from app.analytics.models import CaseFact
from app.analytics.scope import Scope, read_once
from app.analytics.sql import spreads


def _durations(scope: Scope, by: ColumnElement, seconds) -> Select:
    return select(by.label("key"), seconds.label("seconds")).where(
        *scope.cases(), seconds.is_not(None)
    )


@read_once
def intake(scope: Scope, by: ColumnElement) -> dict:
    durations = _durations(scope, by, CaseFact.intake_seconds)
    return spreads(durations, current_app.config["INTAKE_SLA"].total_seconds())


@read_once
def first_action(scope: Scope, by: ColumnElement) -> dict:
    durations = _durations(scope, by, CaseFact.first_action_seconds)
    return spreads(durations, current_app.config["MEDIATION_SLA"].total_seconds())


@read_once
def resolution(scope: Scope, by: ColumnElement) -> dict:
    return spreads(_durations(scope, by, CaseFact.resolution_seconds))
