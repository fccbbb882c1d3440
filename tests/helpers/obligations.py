"""A seller's obligation whose deadline has passed: what enforcement acts on."""

from datetime import timedelta

from app.auth.models import User
from app.core import clock
from app.core.extensions import db
from app.execution.models import Obligation
from tests.helpers.factories import make_case_row, make_order, make_user


def missed_obligation(
    kind: str = "refund",
    amount_fen: int | None = 19900,
    *,
    debtor: str = "seller",
    status: str = "missed",
    seller: User | None = None,
    shop_name: str = "Earbud Shop",
) -> Obligation:
    """An obligation of a case being executed, its deadline passed two hours ago."""
    seller = seller or make_user(name="Wang Wei", shop_name=shop_name)
    case = make_case_row(
        make_order(seller=seller),
        state="executing",
        outcome="for_buyer",
        decision_kind="mediator",
        decided_at=clock.now() - timedelta(days=3),
    )
    obligation = Obligation(
        case=case,
        kind=kind,
        debtor=debtor,
        amount_fen=amount_fen,
        step=1,
        status=status,
        due_at=clock.now() - timedelta(hours=2),
    )
    db.session.add(obligation)
    db.session.flush()
    return obligation
