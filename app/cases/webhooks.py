"""What the marketplace hears of cases: the payloads of the case events, queued for its
webhook endpoints in the transaction of the change (``app.notifications.webhooks``).

A case is named by its id, the marketplace's order id and the parties' marketplace user
ids — never by a name, an address or anything a party or the mediator wrote. The schemas
are in ``app.notifications.webhooks.catalogue``.
"""

from app.cases.models import Case
from app.cases.states import decision_is_final
from app.core.audit import AuditEvent
from app.notifications.webhooks.events import queue_event, timestamp


def case_summary(case: Case) -> dict:
    """The case as every case event carries it."""
    order = case.order
    return {
        "id": case.id,
        "state": case.state,
        "marketplace_order_id": order.marketplace_order_id,
        "buyer_marketplace_user_id": case.buyer.marketplace_user_id,
        "seller_marketplace_user_id": case.seller.marketplace_user_id,
        "claim_type": case.claim_type,
        "remedy_requested": case.remedy,
        "amount_requested_fen": case.claimed_amount_fen,
        "currency": order.currency,
        "filed_at": timestamp(case.filed_at),
        "deadline_at": timestamp(case.deadline_at),
    }


def case_opened(case: Case) -> None:
    queue_event("case.opened", lambda: {"case": case_summary(case)})


def state_changed(case: Case, event: AuditEvent) -> None:
    """Sent by every move of the case (``transitions.move``), from its audit event."""
    queue_event(
        "case.state_changed",
        lambda: {"case": case_summary(case), "previous_state": event.before["state"]},
    )


def case_decided(case: Case) -> None:
    queue_event("case.decided", lambda: _decided(case))


def _decided(case: Case) -> dict:
    final = decision_is_final(case.decision_kind, case.appealed_at)
    return {
        "case": case_summary(case),
        "decision": {
            "outcome": case.outcome,
            "kind": case.decision_kind,
            "remedy": case.decision_remedy,
            "amount_fen": case.decision_amount_fen,
            "currency": case.order.currency,
            "decided_at": timestamp(case.decided_at),
            "final": final,
            "appeal_deadline_at": None if final else timestamp(case.deadline_at),
        },
    }
