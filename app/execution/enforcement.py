"""What happens when a seller misses an obligation (design: Execution and enforcement):
a deduction from the seller's deposit, a selling restriction the marketplace reads through
the API, and with it a place on the public list of penalised shops.

Enforcement happens at most once per obligation. The deposit entry and the restriction
both carry the obligation's id under a unique constraint, and are inserted together in a
savepoint: a second call (a second sweep, a retry after a crash, a race) hits the
constraint and enforces nothing.
"""

import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases.notify import case_link
from app.cases.states import Party
from app.core.audit import record_event
from app.core.extensions import db
from app.core.money import format_amount
from app.core.zones import as_reader
from app.execution import webhooks
from app.execution.models import (
    DepositEntry,
    Obligation,
    ObligationKind,
    ObligationStatus,
    SellingRestriction,
)
from app.notifications.outbox import queue_message

logger = logging.getLogger(__name__)


def enforce_missed_obligation(obligation: Obligation) -> bool:
    """Deduct from the seller's deposit and restrict the shop for a missed obligation.

    An obligation with an amount (refund, compensation) costs that amount; one without
    (a replacement shipment) costs the fixed ``ENFORCEMENT_PENALTY_FEN``. Returns True if
    this call enforced, False if there was nothing to enforce: the obligation was enforced
    already, it is the buyer's (a missed return lapses the claim instead), or the seller's
    silence confirms it. The caller commits.
    """
    if obligation.debtor != Party.SELLER or obligation.silence_confirms:
        return False
    _require_missed(obligation)
    case = obligation.case
    deduction_fen = obligation.amount_fen or current_app.config["ENFORCEMENT_PENALTY_FEN"]
    deduction = DepositEntry(
        seller_id=case.seller_id,
        amount_fen=-deduction_fen,
        reason=_reason(obligation, "Deduction"),
        obligation_id=obligation.id,
    )
    restriction = SellingRestriction(
        seller_id=case.seller_id,
        case_id=case.id,
        obligation_id=obligation.id,
        reason=_reason(obligation, "Selling restricted"),
    )
    try:
        with db.session.begin_nested():
            db.session.add_all([deduction, restriction])
    except IntegrityError:
        if not _already_enforced(obligation):
            raise  # some other constraint: a real error, not a repeat
        return False
    record_event(
        None,
        "obligation.enforced",
        obligation,
        after={
            "deposit_entry_id": deduction.id,
            "amount_fen": deduction.amount_fen,
            "selling_restriction_id": restriction.id,
        },
    )
    _notify(obligation, deduction_fen)
    webhooks.seller_restricted(restriction, deduction_fen, case.order.currency)
    logger.info("obligation %d enforced on case %d", obligation.id, case.id)
    return True


def _require_missed(obligation: Obligation) -> None:
    """Read the status from the database: the caller's compare-and-set may have changed
    the row without touching the object in the session."""
    status = db.session.scalar(select(Obligation.status).where(Obligation.id == obligation.id))
    if status != ObligationStatus.MISSED:
        raise ValueError(f"obligation {obligation.id} is {status}, not missed; nothing to enforce")


def _already_enforced(obligation: Obligation) -> bool:
    found = db.session.scalar(
        select(DepositEntry.id).where(DepositEntry.obligation_id == obligation.id)
    )
    return found is not None


def _reason(obligation: Obligation, what: str) -> str:
    """The stored reason: plain English for the marketplace's systems and the audit trail
    (the pages say it in the reader's language)."""
    kind = obligation.kind.replace("_", " ")
    return f"{what}: {kind} missed on case #{obligation.case_id} (obligation {obligation.id})"


# Notifications ----------------------------------------------------------------------------


def _obligation_name(kind: str) -> str:
    names = {
        ObligationKind.REFUND: lambda: _("the refund"),
        ObligationKind.COMPENSATION: lambda: _("the compensation"),
        ObligationKind.REPLACEMENT_SHIPMENT: lambda: _("the replacement shipment"),
    }
    return names.get(kind, lambda: _("an obligation"))()


def _notify(obligation: Obligation, deduction_fen: int) -> None:
    case = obligation.case
    link = case_link(case.id)
    key = f"enforced:{obligation.id}"

    def send(recipient: User, party: Party, subject, body) -> None:
        with as_reader(recipient):
            queue_message(recipient, f"{key}:{party}", subject(), body(), link=link)

    def facts() -> dict:
        return {
            "id": case.id,
            "obligation": _obligation_name(obligation.kind),
            "amount": format_amount(deduction_fen),
        }

    send(
        case.seller,
        Party.SELLER,
        lambda: _("Case #%(id)d: your shop's selling is restricted", id=case.id),
        lambda: _(
            "You did not complete %(obligation)s on case #%(id)d by its deadline. We deducted "
            "%(amount)s from your deposit and restricted your shop's selling, and your shop "
            "is on the public list of penalised shops. An administrator lifts the restriction "
            "once the obligation is settled.",
            **facts(),
        ),
    )
    send(
        case.buyer,
        Party.BUYER,
        lambda: _("Case #%(id)d: the seller missed a deadline", id=case.id),
        lambda: _(
            "The seller did not complete %(obligation)s on case #%(id)d by its deadline. We "
            "deducted %(amount)s from the seller's deposit and restricted the shop's selling. "
            "Open the case to see what happens next.",
            **facts(),
        ),
    )
