"""Carrying out a decision: obligations with deadlines, and what enforces them (design:
Execution and enforcement)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Party,
)
from app.core import clock
from app.core.db import sql_in
from app.core.extensions import db


class ObligationKind(StrEnum):
    REFUND = "refund"  # the seller pays the buyer back
    COMPENSATION = "compensation"  # the seller pays the buyer an amount
    RETURN_SHIPMENT = "return_shipment"  # the buyer ships the goods back, with tracking
    RECEIPT_CONFIRMATION = "receipt_confirmation"  # the seller confirms the return arrived
    REPLACEMENT_SHIPMENT = "replacement_shipment"  # the seller ships a replacement


class ObligationStatus(StrEnum):
    WAITING = "waiting"  # comes after an earlier step; no deadline yet
    OPEN = "open"
    DONE = "done"
    DISPUTED = "disputed"  # the other side says it was not done: back to the mediator
    MISSED = "missed"  # deadline passed; enforcement applied (seller) or claim lost (buyer)
    CANCELLED = "cancelled"


SETTLED_STATUSES = frozenset(
    {ObligationStatus.DONE, ObligationStatus.MISSED, ObligationStatus.CANCELLED}
)


class Obligation(db.Model):
    __tablename__ = "obligations"
    __table_args__ = (
        CheckConstraint(sql_in("kind", ObligationKind), name="kind_known"),
        CheckConstraint(sql_in("status", ObligationStatus), name="status_known"),
        CheckConstraint("debtor IN ('buyer', 'seller')", name="debtor_known"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount_ok"),
        CheckConstraint("status <> 'open' OR due_at IS NOT NULL", name="open_has_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    debtor: Mapped[str] = mapped_column(String(10))
    amount_fen: Mapped[int | None]
    step: Mapped[int]  # order within the case: a WAITING step opens when the one before is done
    status: Mapped[str] = mapped_column(String(12), index=True)
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    # the reminder to the debtor once the step is open (app.core.reminders)
    remind_at: Mapped[datetime | None] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    # a receipt confirmation the seller leaves unanswered counts as confirmed
    silence_confirms: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]
    # the creditor may dispute a done step until then, or confirm it sooner
    dispute_until: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    proof: Mapped[str | None] = mapped_column(Text)
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    disputed_at: Mapped[datetime | None]
    dispute_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    case: Mapped[Case] = relationship()

    def can_mark_done(self, user: User) -> bool:
        return (
            self.case.current_state is CaseState.EXECUTING
            and self.case.party_of(user) == Party(self.debtor)
            and self.status == ObligationStatus.OPEN.value
            and self.due_at > clock.now()
        )

    def can_check(self, user: User) -> bool:
        """Confirm a step the other side marked done, or dispute it, while the window is open."""
        party = self.case.party_of(user)
        return (
            self.case.current_state is CaseState.EXECUTING
            and party is not None
            and party != Party(self.debtor)
            and self.status == ObligationStatus.DONE.value
            and self.confirmed_at is None
            and self.dispute_until is not None
            and self.dispute_until > clock.now()
        )


class DepositEntry(db.Model):
    """One movement of a seller's deposit. The balance is always the sum of the entries;
    there is no stored balance to drift from them."""

    __tablename__ = "deposit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount_fen: Mapped[int]  # positive: paid in; negative: deducted
    reason: Mapped[str] = mapped_column(String(200))
    # a deduction for a missed obligation exists at most once
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    seller: Mapped[User] = relationship()


class SellingRestriction(db.Model):
    """A restriction on a shop's selling, which the marketplace reads through the API, and
    which puts the shop on the public list of penalised shops while it lasts."""

    __tablename__ = "selling_restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    lifted_at: Mapped[datetime | None]

    seller: Mapped[User] = relationship()
