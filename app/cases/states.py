"""What a case can be and what it can come to: its states and the sets of them that rules
ask about, its claims, remedies, severities, decisions and parties (design: Case lifecycle,
Claims)."""

from datetime import datetime
from enum import StrEnum


class CaseState(StrEnum):
    FILED = "filed"
    RETURNED = "returned"
    AWAITING_SELLER = "awaiting_seller"
    EVIDENCE = "evidence"
    MEDIATION = "mediation"
    PROPOSAL = "proposal"
    PANEL = "panel"
    DECIDED = "decided"
    EXECUTING = "executing"
    CLOSED = "closed"


# The edges of the lifecycle; every transition is checked against this one table.
ALLOWED_TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.FILED: frozenset({CaseState.RETURNED, CaseState.AWAITING_SELLER, CaseState.CLOSED}),
    CaseState.RETURNED: frozenset({CaseState.FILED, CaseState.CLOSED}),
    CaseState.AWAITING_SELLER: frozenset({CaseState.DECIDED, CaseState.EVIDENCE, CaseState.CLOSED}),
    CaseState.EVIDENCE: frozenset({CaseState.MEDIATION, CaseState.CLOSED}),
    CaseState.MEDIATION: frozenset(
        {
            CaseState.PROPOSAL,
            CaseState.PANEL,
            CaseState.DECIDED,
            CaseState.EVIDENCE,
            CaseState.CLOSED,
        }
    ),
    CaseState.PROPOSAL: frozenset({CaseState.DECIDED, CaseState.MEDIATION, CaseState.CLOSED}),
    CaseState.PANEL: frozenset({CaseState.DECIDED, CaseState.MEDIATION}),
    CaseState.DECIDED: frozenset(
        {CaseState.PANEL, CaseState.MEDIATION, CaseState.EXECUTING, CaseState.CLOSED}
    ),
    CaseState.EXECUTING: frozenset({CaseState.CLOSED, CaseState.MEDIATION}),
    CaseState.CLOSED: frozenset(),
}

# Before a decision the buyer may withdraw (design: Case lifecycle)
WITHDRAWABLE_STATES = frozenset(
    {
        CaseState.FILED,
        CaseState.RETURNED,
        CaseState.AWAITING_SELLER,
        CaseState.EVIDENCE,
        CaseState.MEDIATION,
        CaseState.PROPOSAL,
    }
)
# Parties add evidence to their timelines while the case is being worked on
EVIDENCE_OPEN_STATES = frozenset(
    {
        CaseState.FILED,
        CaseState.RETURNED,
        CaseState.AWAITING_SELLER,
        CaseState.EVIDENCE,
        CaseState.MEDIATION,
        CaseState.PROPOSAL,
        CaseState.PANEL,
    }
)


# a question can be asked only where its answer can be added to a timeline
QUESTION_STATES = EVIDENCE_OPEN_STATES - {CaseState.FILED, CaseState.RETURNED}
PROPOSING_STATES = frozenset({CaseState.MEDIATION, CaseState.PROPOSAL})


class ClaimType(StrEnum):
    NOT_RECEIVED = "not_received"
    NOT_AS_DESCRIBED = "not_as_described"
    COUNTERFEIT = "counterfeit"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    LATE_DELIVERY = "late_delivery"
    FALSE_ADVERTISING = "false_advertising"
    SERVICE_ATTITUDE = "service_attitude"
    RETURN_EXCHANGE = "return_exchange"


class ResponsibleParty(StrEnum):
    SELLER = "seller"
    LOGISTICS = "logistics"
    PLATFORM = "platform"


class Remedy(StrEnum):
    """The one outcome vocabulary: what a claim asks for, and what a settlement or a decision
    grants — one of the claim's remedies, or the claim rejected (which no claim asks for)."""

    FULL_REFUND = "full_refund"
    PARTIAL_REFUND = "partial_refund"
    RETURN_AND_REFUND = "return_and_refund"
    REPLACEMENT = "replacement"
    COMPENSATION = "compensation"
    CLAIM_REJECTED = "claim_rejected"


# what a buyer may ask for
CLAIMABLE_REMEDIES = tuple(remedy for remedy in Remedy if remedy is not Remedy.CLAIM_REJECTED)


REMEDIES_WITH_AMOUNT = frozenset({Remedy.PARTIAL_REFUND, Remedy.COMPENSATION})


class Severity(StrEnum):
    URGENT = "urgent"  # food safety, personal injury, fraud
    IMPORTANT = "important"  # money or goods at stake
    GENERAL = "general"


SEVERITY_RANK = {Severity.URGENT: 0, Severity.IMPORTANT: 1, Severity.GENERAL: 2}


class Outcome(StrEnum):
    FOR_BUYER = "for_buyer"
    FOR_SELLER = "for_seller"
    SETTLED = "settled"


class DecisionKind(StrEnum):
    DEFAULT_JUDGMENT = "default_judgment"
    SELLER_ACCEPTED = "seller_accepted"
    COUNTER_OFFER_ACCEPTED = "counter_offer_accepted"
    PROPOSAL_ACCEPTED = "proposal_accepted"
    MEDIATOR = "mediator"
    PANEL = "panel"


# decisions both sides agreed to: nothing to appeal, execution starts at once
AGREED_DECISIONS = frozenset(
    {
        DecisionKind.SELLER_ACCEPTED,
        DecisionKind.COUNTER_OFFER_ACCEPTED,
        DecisionKind.PROPOSAL_ACCEPTED,
    }
)


def decision_is_final(kind: str | None, appealed_at: datetime | None) -> bool:
    """Whether a decision is carried out at once: both sides agreed to it, or it was made
    after the case's one appeal. Any other waits for its appeal window."""
    return kind in AGREED_DECISIONS or appealed_at is not None


# imposed decisions: the side that lost may appeal once (``decisions.losing_sides``)
APPEALABLE_DECISIONS = frozenset(
    {DecisionKind.DEFAULT_JUDGMENT, DecisionKind.MEDIATOR, DecisionKind.PANEL}
)


class ClosedReason(StrEnum):
    WITHDRAWN = "withdrawn"
    NOT_RESUBMITTED = "not_resubmitted"
    COMPLETED = "completed"  # every obligation met (or enforced)
    CLAIM_LAPSED = "claim_lapsed"  # the buyer missed the return shipment


class Party(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"


class Supplier(StrEnum):
    """Who, other than a party, put something on a case for a party."""

    MARKETPLACE = "marketplace"  # through the API, for the buyer or the seller
