"""Sellers' deposits and selling restrictions (design: Execution and enforcement).

A deposit is a ledger: every movement is a ``DepositEntry`` and the balance is their sum,
computed when asked and never stored. It may go below zero: the seller then owes the
platform. Nothing here commits; the caller does.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from app.auth.models import User
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.execution import webhooks
from app.execution.models import DepositEntry, SellingRestriction

REASON_MAX_LENGTH = DepositEntry.__table__.c.reason.type.length


def deposit_balance(seller: User) -> int:
    """The sum of the seller's deposit entries, in fen; 0 if there are none."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(DepositEntry.amount_fen), 0)).where(
            DepositEntry.seller_id == seller.id
        )
    )
    return int(total)


def pay_in(seller: User, amount_fen: int, reason: str) -> DepositEntry:
    """Record money the seller paid into the deposit; ``amount_fen`` must be positive."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValueError("a payment into the deposit must be a positive whole number of fen")
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise ValueError(f"a payment's reason needs 1 to {REASON_MAX_LENGTH} characters")
    entry = DepositEntry(seller_id=seller.id, amount_fen=amount_fen, reason=reason)
    db.session.add(entry)
    record_event(None, "deposit.paid_in", entry, after={"amount_fen": amount_fen})
    return entry


def active_restrictions(seller: User) -> list[SellingRestriction]:
    """The seller's restrictions not lifted yet, oldest first."""
    return list(
        db.session.scalars(
            select(SellingRestriction)
            .where(
                SellingRestriction.seller_id == seller.id, SellingRestriction.lifted_at.is_(None)
            )
            .order_by(SellingRestriction.created_at, SellingRestriction.id)
        )
    )


def lift_restriction(restriction: SellingRestriction, actor: User | None) -> bool:
    """Lift a restriction once its obligation is settled; False if it was lifted already.

    Only admins may; the view or command asks before calling. Compare-and-set, so two
    admins lifting at once record one lifting.
    """
    lifted_at = clock.now()
    result = db.session.execute(
        update(SellingRestriction)
        .where(SellingRestriction.id == restriction.id, SellingRestriction.lifted_at.is_(None))
        .values(lifted_at=lifted_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(restriction, ["lifted_at"])
    if result.rowcount != 1:
        return False
    record_event(
        actor, "selling_restriction.lifted", restriction, after={"lifted_at": lifted_at.isoformat()}
    )
    webhooks.restriction_lifted(restriction)
    return True


@dataclass(frozen=True)
class PenalisedShop:
    """One line of the public list: only what a shop shows the public, no personal data."""

    shop_name: str | None  # None: the seller never named a shop
    restricted_since: datetime
    active_restrictions: int
    cases: int  # distinct cases behind the active restrictions


def penalised_shops() -> list[PenalisedShop]:
    """Shops with at least one active restriction, the most recently restricted first."""
    since = func.min(SellingRestriction.created_at).label("since")
    rows = db.session.execute(
        select(
            User.shop_name,
            since,
            func.count(SellingRestriction.id),
            func.count(SellingRestriction.case_id.distinct()),
        )
        .join(User, User.id == SellingRestriction.seller_id)
        .where(SellingRestriction.lifted_at.is_(None))
        .group_by(SellingRestriction.seller_id, User.shop_name)
        .order_by(since.desc(), User.shop_name)
    ).all()
    return [
        PenalisedShop(
            shop_name=shop_name, restricted_since=since, active_restrictions=count, cases=cases
        )
        for shop_name, since, count, cases in rows
    ]
