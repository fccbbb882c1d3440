"""A case's history as the API tells it: the audit trail's events that the parties may know
of, in the order they happened.

Only the actions listed here are shown, each with only the listed facts of its record: an
action added later stays hidden until it is listed. Never shown: internal notes, staff
reassignments, what reviewers are shown, reminders, exports; never who acted, only as what
(the buyer, the seller, staff, the marketplace, or Tribunal itself); never a reviewer, a
vote, or what anyone wrote.
"""

from sqlalchemy import Select, select

from app.cases.models import Case
from app.core.audit import AuditEvent

VISIBLE_ACTIONS = frozenset(
    {
        "case.opened",
        "case.intake_accepted",
        "case.returned",
        "case.resubmitted",
        "case.not_resubmitted",
        "case.withdrawn",
        "case.seller_accepted",
        "case.counter_offered",
        "case.counter_offer_accepted",
        "case.counter_offer_refused",
        "case.counter_offer_lapsed",
        "case.contested",
        "case.default_judgment",
        "case.evidence_closed",
        "case.evidence_reopened",
        "evidence.added",
        "case.question_asked",
        "case.question_answered",
        "case.proposed",
        "case.proposal_superseded",
        "proposal.answered",
        "case.proposal_rejected",
        "case.proposal_expired",
        "case.settled",
        "case.decided_by_mediator",
        "case.routed_to_panel",
        "case.panel_verdict",
        "case.panel_returned",
        "case.appealed",
        "case.execution_started",
        "obligation.done",
        "obligation.confirmed",
        "obligation.confirmed_by_silence",
        "obligation.missed",
        "obligation.enforced",
        "case.obligation_disputed",
        "case.claim_lapsed",
        "case.closed",
        "case.rated",
    }
)
# the facts of an event's record that may be shown (ids of rows the API shows, states,
# outcomes, amounts, times); anything else recorded (who, what was written) stays inside
VISIBLE_FACTS = frozenset(
    {
        "state",
        "severity",
        "deadline_at",
        "outcome",
        "decision_kind",
        "decision_remedy",
        "decision_amount_fen",
        "decided_at",
        "closed_reason",
        "closed_at",
        "party",
        "kind",
        "late",
        "entry",
        "obligation",
        "answer",
        "supplied_by",
    }
)


def case_events(case: Case) -> Select:
    """The statement of the case's visible events, oldest first."""
    return (
        select(AuditEvent)
        .where(
            AuditEvent.subject_type == Case.__tablename__,
            AuditEvent.subject_id == str(case.id),
            AuditEvent.action.in_(sorted(VISIBLE_ACTIONS)),
        )
        .order_by(AuditEvent.id)
    )


def represent_event(case: Case, event: AuditEvent) -> dict:
    before = event.before or {}
    after = event.after or {}
    data = {name: value for name, value in after.items() if name in VISIBLE_FACTS}
    if "state" in before and before["state"] != after.get("state"):
        data["previous_state"] = before["state"]
    return {
        "id": event.id,
        "type": event.action,
        "occurred_at": event.created_at.isoformat(),
        "actor": _actor(case, event, after),
        "data": data,
    }


def _actor(case: Case, event: AuditEvent, after: dict) -> str:
    """As what the actor acted; never who."""
    if event.actor_id is None:
        marketplace = "marketplace" in (after.get("opened_by"), after.get("supplied_by"))
        return "marketplace" if marketplace else "tribunal"
    if event.actor_id == case.buyer_id:
        return "buyer"
    if event.actor_id == case.seller_id:
        return "seller"
    return "staff"
