"""A party's cases in lists, each with whose turn it is (``app.cases.turns``): My cases,
and the open case of each order on My orders. The cases waiting on the reader come first."""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Party,
)
from app.cases.turns import Turn, readers_turns_first, turns_of
from app.core.extensions import db
from app.orders.models import Order
from app.orders.views import OrderNotes


def _party_cases(user: User, *conditions):
    return (
        select(Case)
        .where(or_(Case.buyer_id == user.id, Case.seller_id == user.id), *conditions)
        # the turns ask for a counter-offer waiting for an answer, and for the order's amount
        # (whether a decision granted the claim as filed)
        .options(selectinload(Case.counter_offers), selectinload(Case.order).lazyload(Order.items))
    )


def cases_of(user: User) -> tuple[list[Case], dict[int, Turn]]:
    """Every case the user is a party to (parties are known by a proven address), those
    waiting on them first, then the newest; and each one's turn."""
    if user.email_verified_at is None:
        return [], {}
    cases = db.session.scalars(
        _party_cases(user).order_by(Case.filed_at.desc(), Case.id.desc())
    ).all()
    turns = turns_of(cases)
    return readers_turns_first(cases, turns, user), turns


@dataclass(frozen=True)
class OpenCaseNote:
    case: Case
    party: Party
    turn: Turn


def open_case_notes(user: User) -> OrderNotes:
    """Each of the user's orders with an open case: the case and whose turn it is."""
    if user.email_verified_at is None:
        return OrderNotes({}, frozenset())
    cases = db.session.scalars(_party_cases(user, Case.state != CaseState.CLOSED.value)).all()
    turns = turns_of(cases)
    notes = {
        case.order_id: OpenCaseNote(case, case.party_of(user), turns[case.id]) for case in cases
    }
    first = frozenset(order_id for order_id, note in notes.items() if note.turn.is_for(note.party))
    return OrderNotes(notes, first)
