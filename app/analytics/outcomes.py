"""How cases end: the kind of decision, first-contact resolution, the answers to settlement
proposals, whether decided steps were carried out, and appeals.

**First-contact resolution**: a case is resolved at first contact when it was decided by the
seller's own answer (the seller accepted the claim, or the buyer accepted the seller's
counter-offer) or by the first settlement proposal the mediator made (both sides accepted
it, and it was the case's only proposal). The rate is those cases over every decided case.
"""

from sqlalchemy import ColumnElement, func, select

from app.analytics.models import CaseFact
from app.analytics.scope import Scope, count_by, read_once
from app.cases.states import DecisionKind
from app.core.extensions import db
from app.execution.models import ObligationStatus
from app.jury.models import Appeal
from app.mediation.models import ProposalStatus

FIRST_CONTACT_KINDS = (DecisionKind.SELLER_ACCEPTED, DecisionKind.COUNTER_OFFER_ACCEPTED)
# decisions one side may appeal: those both sides did not agree to


@read_once
def decision_kinds(scope: Scope, by: ColumnElement) -> dict[tuple, int]:
    """Decided cases per (group, decision kind)."""
    rows = select(by.label("key"), CaseFact.decision_kind.label("kind")).where(
        *scope.cases(), CaseFact.decision_kind.is_not(None)
    )
    return count_by(rows, "key", "kind")


def first_proposal_accepted(scope: Scope, by: ColumnElement) -> dict:
    """Cases settled by the first and only proposal, per group."""
    rows = select(by.label("key")).where(*scope.cases(), CaseFact.settled_by_first_proposal)
    return count_by(rows, "key")


@read_once
def proposal_answers(scope: Scope) -> dict[str, int]:
    """Settlement proposals per answer: accepted, rejected or expired (superseded and open
    ones have no answer)."""
    return _summed(
        scope,
        {
            ProposalStatus.ACCEPTED: CaseFact.proposals_accepted,
            ProposalStatus.REJECTED: CaseFact.proposals_rejected,
            ProposalStatus.EXPIRED: CaseFact.proposals_expired,
        },
    )


@read_once
def obligations_kept(scope: Scope) -> dict[str, int]:
    """Decided steps done in time, or missed."""
    return _summed(
        scope,
        {
            ObligationStatus.DONE: CaseFact.obligations_done,
            ObligationStatus.MISSED: CaseFact.obligations_missed,
        },
    )


def _summed(scope: Scope, columns: dict) -> dict[str, int]:
    """Per status, the sum of its column of counts over the scope's cases (statuses with
    none left out)."""
    sums = db.session.execute(
        select(*(func.coalesce(func.sum(column), 0) for column in columns.values())).where(
            *scope.cases()
        )
    ).one()
    return {str(status): int(total) for status, total in zip(columns, sums, strict=True) if total}


@read_once
def appeals(scope: Scope, by: ColumnElement) -> dict:
    """Appealed cases, per group."""
    rows = (
        select(by.label("key"))
        .select_from(CaseFact)
        .join(Appeal, Appeal.case_id == CaseFact.case_id)
        .where(*scope.cases())
    )
    return count_by(rows, "key")
