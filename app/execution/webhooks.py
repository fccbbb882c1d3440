"""What the marketplace hears of execution: each step of a decision (created, opened, met,
missed) and each selling restriction (imposed, lifted), queued for its webhook endpoints
in the transaction of the change. No proof, tracking number or reason written by a party
is sent."""

from sqlalchemy import func, select

from app.cases.webhooks import case_summary
from app.core.extensions import db
from app.execution.models import Obligation, SellingRestriction
from app.notifications.webhooks.events import queue_event, timestamp


def obligation_event(event_type: str, obligation: Obligation) -> None:
    """``obligation.created``, ``.opened``, ``.met`` or ``.missed``, as the row is now."""
    queue_event(event_type, lambda: _obligation_data(obligation))


def _obligation_data(obligation: Obligation) -> dict:
    case = obligation.case
    return {
        "case": case_summary(case),
        "obligation": {
            "id": obligation.id,
            "kind": obligation.kind,
            "debtor": obligation.debtor,
            "step": obligation.step,
            "status": obligation.status,
            "amount_fen": obligation.amount_fen,
            "currency": case.order.currency,
            "due_at": timestamp(obligation.due_at),
            "done_at": timestamp(obligation.done_at),
            "dispute_until": timestamp(obligation.dispute_until),
        },
    }


def seller_restricted(restriction: SellingRestriction, deduction_fen: int, currency: str) -> None:
    queue_event(
        "seller.restricted",
        lambda: (
            _restriction_data(restriction) | {"deduction_fen": deduction_fen, "currency": currency}
        ),
    )


def restriction_lifted(restriction: SellingRestriction) -> None:
    queue_event("seller.restriction_lifted", lambda: _restriction_data(restriction))


def _restriction_data(restriction: SellingRestriction) -> dict:
    db.session.flush()
    active = db.session.scalar(
        select(func.count(SellingRestriction.id)).where(
            SellingRestriction.seller_id == restriction.seller_id,
            SellingRestriction.lifted_at.is_(None),
        )
    )
    return {
        "seller_marketplace_user_id": restriction.seller.marketplace_user_id,
        "restriction": {
            "id": restriction.id,
            "case_id": restriction.case_id,
            "obligation_id": restriction.obligation_id,
            "created_at": timestamp(restriction.created_at),
            "lifted_at": timestamp(restriction.lifted_at),
        },
        "active_restrictions": active,
    }
