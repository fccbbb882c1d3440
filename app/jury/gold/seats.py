"""Gold seats: now and then, a reviewer drawn onto a real panel is also seated on a gold
case — a closed case whose right answer staff confirmed — that looks like any other seat
(docs/gold-cases.md).

For each real seat drawn, with probability ``GOLD_SEAT_RATE``, its reviewer gets a seat on a
fresh gold panel (``PanelRound.GOLD``) of a gold case they may sit on: never a party, never
someone who traded with a party, never the case's mediator, never someone who sat on the
case before (which covers the same gold case twice). The gold panel copies the seats, the
majority, the summary, the question and the ballot of the panel that heard the case, and
gets the deadline and vote window of any new panel, so its page, its list entry, its
reminder and its figures look like a real one's.
"""

import random
import secrets

from flask import current_app
from sqlalchemy import and_, or_, select

from app.cases.models import Case
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.jury.drawing import seat_reviewers
from app.jury.gold.models import GoldCase, GoldSource
from app.jury.models import Panel, PanelRound, PanelStatus, Seat
from app.orders.models import Order


def offer_gold_seats(panel: Panel, seats: list[Seat], rng: random.Random | None = None) -> int:
    """For each of ``seats`` just drawn on a real ``panel``, a gold seat for its reviewer
    with probability ``GOLD_SEAT_RATE``, drawn by ``rng`` (by default the system's); returns
    how many were placed."""
    if panel.round == PanelRound.GOLD.value:
        return 0
    rng = rng or secrets.SystemRandom()
    rate = current_app.config["GOLD_SEAT_RATE"]
    placed = 0
    for seat in seats:
        if rng.random() < rate:
            placed += place_gold_seat(seat.reviewer_id, rng) is not None
    return placed


def eligible_gold_cases(reviewer_id: int) -> list[GoldCase]:
    """The confirmed gold cases ``reviewer_id`` may be seated on, oldest first."""
    parties = (Case.buyer_id, Case.seller_id)
    traded_with_party = (
        select(Order.id)
        .where(
            or_(
                and_(Order.buyer_id == reviewer_id, Order.seller_id.in_(parties)),
                and_(Order.seller_id == reviewer_id, Order.buyer_id.in_(parties)),
            )
        )
        .correlate(Case)
        .exists()
    )
    sat_on_case = (
        select(Seat.id)
        .join(Panel, Panel.id == Seat.panel_id)
        .where(Panel.case_id == Case.id, Seat.reviewer_id == reviewer_id)
        .correlate(Case)
        .exists()
    )
    return list(
        db.session.scalars(
            select(GoldCase)
            .join(Case, Case.id == GoldCase.case_id)
            .where(
                GoldCase.source == GoldSource.CASE.value,
                GoldCase.retired_at.is_(None),
                Case.buyer_id != reviewer_id,
                Case.seller_id != reviewer_id,
                or_(Case.mediator_id.is_(None), Case.mediator_id != reviewer_id),
                ~traded_with_party,
                ~sat_on_case,
            )
            .order_by(GoldCase.id)
        )
    )


def place_gold_seat(reviewer_id: int, rng: random.Random) -> Seat | None:
    """Seat ``reviewer_id`` on a gold panel of a gold case chosen by ``rng`` among those
    they may sit on; None when there is none."""
    candidates = eligible_gold_cases(reviewer_id)
    if not candidates:
        return None
    gold = rng.choice(candidates)
    heard_by = gold.panel
    now = clock.now()
    panel = Panel(
        case_id=gold.case_id,
        round=PanelRound.GOLD.value,
        status=PanelStatus.OPEN.value,
        seats=heard_by.seats,
        majority=heard_by.majority,
        options=list(heard_by.options),
        question=heard_by.question,
        summary=heard_by.summary,
        seed=secrets.token_hex(32),
        pool=[],
        drawn_at=now,
        deadline_at=now + current_app.config["PANEL_DEADLINE"],
    )
    db.session.add(panel)
    db.session.flush()
    [seat] = seat_reviewers(panel, [reviewer_id])
    record_event(None, "gold_case.seated", gold, after={"panel_id": panel.id, "seat_id": seat.id})
    return seat
