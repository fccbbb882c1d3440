"""Panels drawn the real way: a pool of active reviewers, then the mediator routes the case;
and reviewers voting on them through the real service."""

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.cases.states import (
    CaseState,
    Outcome,
)
from app.core import clock
from app.core.extensions import db
from app.jury.counting import count_due_panels
from app.jury.models import Panel, PanelRound, Reviewer, ReviewerStatus, Seat, SeatStatus, Vote
from app.jury.voting import cast_vote
from app.orders.models import OrderStatus
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_order, make_user

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
# the ballot of the factories' claim (a full refund of the order's ¥199.00)
FOR_BUYER, FOR_SELLER = "grant:full_refund:19900", "reject"
REASON = "Both timelines show the box was crushed in transit."


def eligible_user() -> User:
    """A user who meets every requirement to enrol as a reviewer."""
    user = make_user(age=timedelta(days=91))
    for _ in range(3):
        make_order(buyer=user, status=OrderStatus.COMPLETED)
    return user


def make_pool(count: int) -> list[User]:
    """``count`` active reviewers who never traded with anyone (a balanced pool)."""
    users = [make_user() for _ in range(count)]
    for user in users:
        db.session.add(
            Reviewer(user_id=user.id, status=ReviewerStatus.ACTIVE.value, activated_at=clock.now())
        )
    db.session.flush()
    return users


def make_panel(**case_fields) -> Panel:
    """A case routed to a first-round panel, drawn from a fresh pool sized by the config."""
    make_pool(current_app.config["PANEL_SEATS"])
    case = make_case("panel", **case_fields)
    return panel_of(case)


def panel_of(case, round: PanelRound = PanelRound.FIRST) -> Panel:
    return db.session.scalar(
        select(Panel).where(Panel.case_id == case.id, Panel.round == round.value)
    )


def open_seats(panel: Panel) -> list[Seat]:
    return db.session.scalars(
        select(Seat)
        .where(Seat.panel_id == panel.id, Seat.status == SeatStatus.OPEN.value)
        .order_by(Seat.id)
    ).all()


def vote(seat: Seat, option: str, reason: str = REASON) -> Vote:
    return cast_vote(seat, seat.reviewer, option, reason)


def votes(panel: Panel, option: str, count: int) -> None:
    """``count`` of the panel's open seats vote ``option``, in seat order."""
    for seat in open_seats(panel)[:count]:
        vote(seat, option)


def case_decided_for_seller():
    """A case a first panel decided for the seller at ``START``, and a pool large enough for
    its appeal panel."""
    clock.freeze(START)
    panel = make_panel()
    votes(panel, FOR_SELLER, 9)
    assert count_due_panels() == 1
    make_pool(current_app.config["APPEAL_PANEL_SEATS"])
    case = panel.case
    db.session.refresh(case)
    assert case.state == CaseState.DECIDED.value and case.outcome == Outcome.FOR_SELLER.value
    return case
