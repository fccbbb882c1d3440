"""How cases end: the kind of decision, first-contact resolution, the answers to settlement
proposals, whether decided steps were carried out, and appeals.

**First-contact resolution**: a case is resolved at first contact when it was decided by the
seller's own answer (the seller accepted the claim, or the buyer accepted the seller's
counter-offer) or by the first settlement proposal the mediator made (both sides accepted
it, and it was the case's only proposal). The rate is those cases over every decided case.
"""

from sqlalchemy import ColumnElement, select

from app.analytics.models import CaseFact
from app.analytics.scope import Scope, count_by, read_once
from app.cases.models import DecisionKind
from app.execution.models import Obligation, ObligationStatus
from app.jury.models import Appeal
from app.mediation.models import ProposalStatus, SettlementProposal

FIRST_CONTACT_KINDS = (DecisionKind.SELLER_ACCEPTED, DecisionKind.COUNTER_OFFER_ACCEPTED)
# decisions one side may appeal: those both sides did not agree to
# a proposal's answer: both accepted, one rejected, or nobody answered in time
ANSWERED = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.EXPIRED)
# an obligation whose deadline has been met or missed
KEPT_OR_MISSED = (ObligationStatus.DONE, ObligationStatus.MISSED)


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
    return _kept(_statuses_of(SettlementProposal, scope), ANSWERED)


@read_once
def obligations_kept(scope: Scope) -> dict[str, int]:
    """Decided steps done in time, or missed."""
    return _kept(_statuses_of(Obligation, scope), KEPT_OR_MISSED)


def _statuses_of(model, scope: Scope) -> dict[str, int]:
    """Rows of ``model`` per status, for the scope's cases. Every status is counted: a
    condition on the status would lead the database to walk the status index over every
    case ever filed, instead of the few cases of the range."""
    rows = (
        select(model.status.label("status"))
        .join(CaseFact, CaseFact.case_id == model.case_id)
        .where(*scope.cases())
    )
    return count_by(rows, "status")


def _kept(counts: dict[str, int], statuses) -> dict[str, int]:
    return {status: counts[status] for status in map(str, statuses) if status in counts}


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
