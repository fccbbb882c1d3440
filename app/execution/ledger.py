"""Sellers' deposits and selling restrictions (design: Execution and enforcement).

A deposit is a ledger: every movement is a ``DepositEntry`` and the balance is their sum,
computed when asked and never stored. It may go below zero: the seller then owes the
platform. Nothing here commits; the caller does.
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.auth.models import User
from app.core import clock
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.core.money import format_amount
from app.core.text import checked_text
from app.execution import webhooks
from app.execution.models import DepositEntry, Obligation, SellingRestriction

REASON_MAX_LENGTH = DepositEntry.__table__.c.reason.type.length
LIFT_REASON_MAX_LENGTH = 500


class LedgerRefused(Refused):
    """A pay-in or a lifting that cannot be recorded; the message says why."""


def deposit_balance(seller: User) -> int:
    """The sum of the seller's deposit entries, in fen; 0 if there are none."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(DepositEntry.amount_fen), 0)).where(
            DepositEntry.seller_id == seller.id
        )
    )
    return int(total)


def pay_in(
    seller: User, amount_fen: int, reason: str, recorded_by: User | None = None
) -> DepositEntry:
    """Record money the seller paid into the deposit, ``recorded_by`` an admin (None: the
    system, as the demo's opening deposits). The amount is more than zero and at most
    ``DEPOSIT_PAY_IN_MAX_FEN``; the reason says what the money is (a bank transfer's
    reference, say)."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise TypeError("a payment into the deposit is a whole number of fen")
    if amount_fen <= 0:
        raise LedgerRefused(_l("Enter an amount of more than zero."), "amount")
    most = current_app.config["DEPOSIT_PAY_IN_MAX_FEN"]
    if amount_fen > most:
        raise LedgerRefused(
            _l("One pay-in is at most %(amount)s.", amount=format_amount(most)), "amount"
        )
    reason = checked_text(
        reason,
        "reason",
        maximum=REASON_MAX_LENGTH,
        missing=_l("Say what this payment is."),
        one_line=True,
        refusal=LedgerRefused,
    )
    entry = DepositEntry(seller_id=seller.id, amount_fen=amount_fen, reason=reason)
    db.session.add(entry)
    record_event(
        recorded_by,
        "deposit.paid_in",
        entry,
        after={"seller_id": seller.id, "amount_fen": amount_fen, "reason": reason},
    )
    return entry


def deposit_entries(seller: User) -> list[DepositEntry]:
    """The seller's ledger, newest first."""
    return list(
        db.session.scalars(
            select(DepositEntry)
            .where(DepositEntry.seller_id == seller.id)
            .order_by(DepositEntry.created_at.desc(), DepositEntry.id.desc())
        )
    )


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


def lift_restriction(restriction: SellingRestriction, actor: User | None, reason: str) -> bool:
    """Lift a restriction once its obligation is settled, saying why (how the seller
    settled it); False if it was lifted already. The shop leaves the public list when its
    last restriction is lifted.

    Only admins may; the view asks before calling. Compare-and-set, so two admins lifting at
    once record one lifting.
    """
    reason = checked_text(
        reason,
        "reason",
        maximum=LIFT_REASON_MAX_LENGTH,
        missing=_l("Say why the restriction is lifted."),
        refusal=LedgerRefused,
    )
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
        actor,
        "selling_restriction.lifted",
        restriction,
        after={
            "lifted_at": lifted_at.isoformat(),
            "seller_id": restriction.seller_id,
            "reason": reason,
        },
    )
    webhooks.restriction_lifted(restriction)
    return True


def missed_steps(restrictions: list[SellingRestriction]) -> dict[int, tuple[str, int]]:
    """Per restriction id: the kind of step the seller missed and what was deducted for it
    (fen). A restriction without an obligation has no entry."""
    rows = db.session.execute(
        select(SellingRestriction.id, Obligation.kind, DepositEntry.amount_fen)
        .join(Obligation, Obligation.id == SellingRestriction.obligation_id)
        .outerjoin(DepositEntry, DepositEntry.obligation_id == Obligation.id)
        .where(SellingRestriction.id.in_([r.id for r in restrictions]))
    )
    return {restriction_id: (kind, -(amount or 0)) for restriction_id, kind, amount in rows}


@dataclass(frozen=True)
class Penalty:
    """One active restriction as the public reads it: what kind of step the shop missed
    (an obligation kind; None for a restriction without one), since when, and what was
    deducted from its deposit. No case, no buyer, nothing anyone wrote."""

    missed: str | None
    restricted_at: datetime
    deducted_fen: int


@dataclass(frozen=True)
class PenalisedShop:
    """One line of the public list: only what a shop shows the public, no personal data."""

    shop_name: str | None  # None: the seller never named a shop
    restricted_since: datetime
    active_restrictions: int
    cases: int  # distinct cases behind the active restrictions
    penalties: tuple[Penalty, ...]  # oldest first


def penalised_shops() -> list[PenalisedShop]:
    """Shops with at least one active restriction, the most recently restricted first.

    One query reads every active restriction with its obligation's kind and the deduction
    made for it; the shops are grouped from those rows."""
    rows = db.session.execute(
        select(
            SellingRestriction.seller_id,
            User.shop_name,
            SellingRestriction.case_id,
            SellingRestriction.created_at,
            Obligation.kind,
            func.coalesce(-DepositEntry.amount_fen, 0),
        )
        .join(User, User.id == SellingRestriction.seller_id)
        .outerjoin(Obligation, Obligation.id == SellingRestriction.obligation_id)
        .outerjoin(DepositEntry, DepositEntry.obligation_id == SellingRestriction.obligation_id)
        .where(SellingRestriction.lifted_at.is_(None))
        .order_by(
            SellingRestriction.seller_id, SellingRestriction.created_at, SellingRestriction.id
        )
    ).all()
    shops = []
    for _seller, group in groupby(rows, key=lambda row: row.seller_id):
        restrictions = list(group)
        penalties = tuple(
            Penalty(missed=kind, restricted_at=created_at, deducted_fen=deducted)
            for _s, _n, _c, created_at, kind, deducted in restrictions
        )
        shops.append(
            PenalisedShop(
                shop_name=restrictions[0].shop_name,
                restricted_since=penalties[0].restricted_at,
                active_restrictions=len(penalties),
                cases=len({row.case_id for row in restrictions}),
                penalties=penalties,
            )
        )
    shops.sort(key=lambda shop: shop.shop_name or "")
    shops.sort(key=lambda shop: shop.restricted_since, reverse=True)
    return shops
