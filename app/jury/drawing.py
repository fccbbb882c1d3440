"""Drawing reviewers onto panels (design: Crowd review, Drawing; docs/draws.md).

The draw is split so that anyone can check it:

* ``reviewer_pool`` reads the database once and says who may be drawn for a case, with
  each member's leaning (mostly sells, mostly buys, balanced) and whether they are an
  expert in the case's categories;
* ``draw_more`` records each draw (first, replacement, wave) before seating anyone: the
  pool as a snapshot of pseudonymous tokens, and its commitment in the public draw log;
* ``app.jury.draw_rules`` is the pure draw: the same snapshot and seed always give the
  same reviewers.

A panel's seed is cryptographically random and secret until the panel closes; each of its
draws derives its own seed from it.
"""

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from blinker import Namespace
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, union_all

from app.auth.models import User
from app.cases.models import Case
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.reminders import remind_at
from app.jury import draw_log, notices
from app.jury.draw_rules import (
    ALGORITHM,
    BALANCED,
    BUYER,
    SELLER,
    Entrant,
    canonical,
    drawable,
    recompute,
    sha256_hex,
    snapshot,
)
from app.jury.models import (
    DrawKind,
    Panel,
    PanelDraw,
    PanelRound,
    PanelRule,
    PanelStatus,
    Reviewer,
    ReviewerStatus,
    Seat,
    SeatStatus,
)
from app.orders.models import Order, OrderItem

# "mostly sells" or "mostly buys": at least two orders in three on that side
MOSTLY = 2 / 3
# orders in the case's categories that make a reviewer an expert
EXPERT_MIN_ORDERS = 3
# seats that still count towards a panel's balance when replacing
HELD_SEATS = (SeatStatus.OPEN.value, SeatStatus.VOTED.value)


# sent with the panel and the seats just filled on it, in the drawing's transaction: gold
# seats are placed beside real ones (app.jury.gold.seats)
seats_drawn = Namespace().signal("seats-drawn")


@dataclass(frozen=True)
class PoolMember:
    user_id: int
    leaning: str  # "seller", "buyer" or "balanced"
    expert: bool


class PoolTooSmall(Exception):
    """Too few reviewers can be drawn to fill a panel; nothing was written."""

    def __init__(self, needed: int, available: int):
        self.needed = needed
        self.available = available
        self.message = _l(
            "Too few eligible reviewers to draw a panel: %(needed)d seats, "
            "only %(available)d reviewers could be drawn.",
            needed=needed,
            available=available,
        )
        super().__init__(self.message)


# The pool ---------------------------------------------------------------------------------


def reviewer_pool(case: Case, exclude_user_ids: Iterable[int] = ()) -> list[PoolMember]:
    """Everyone who may be drawn for ``case``, sorted by user id."""
    candidates = _candidates(case, exclude_user_ids)
    profiles = _profiles(case, candidates)
    return [profiles[user_id] for user_id in sorted(profiles)]


def _candidates(case: Case, exclude_user_ids: Iterable[int]) -> Select:
    """The user ids of active reviewers that none of the drawing's exclusions hit."""
    parties = (case.buyer_id, case.seller_id)
    excluded = {*parties, *exclude_user_ids}
    if case.mediator_id is not None:
        excluded.add(case.mediator_id)
    traded_with_party = union_all(
        select(Order.buyer_id).where(Order.seller_id.in_(parties)),
        select(Order.seller_id).where(Order.buyer_id.in_(parties)),
    )
    busy = (
        select(Seat.reviewer_id)
        .join(Panel, Panel.id == Seat.panel_id)
        .where(Seat.status == SeatStatus.OPEN.value, Panel.status == PanelStatus.OPEN.value)
        .group_by(Seat.reviewer_id)
        .having(func.count(Seat.id) >= current_app.config["REVIEWER_MAX_OPEN_SEATS"])
    )
    # any seat on this case, whatever became of it: voted, recused, replaced
    sat_on_case = (
        select(Seat.reviewer_id)
        .join(Panel, Panel.id == Seat.panel_id)
        .where(Panel.case_id == case.id)
    )
    return (
        select(Reviewer.user_id)
        .join(User, User.id == Reviewer.user_id)
        .where(
            Reviewer.status == ReviewerStatus.ACTIVE.value,
            User.disabled_at.is_(None),
            Reviewer.user_id.not_in(sorted(excluded)),
            Reviewer.user_id.not_in(traded_with_party),
            Reviewer.user_id.not_in(busy),
            Reviewer.user_id.not_in(sat_on_case),
        )
    )


def _profiles(case: Case, user_ids: Select) -> dict[int, PoolMember]:
    """Leaning and expertise of each user in ``user_ids``, in three grouped queries."""
    members = list(db.session.scalars(user_ids))
    if not members:
        return {}
    leaning = leanings(user_ids)
    experts = _experts(case, user_ids)
    return {
        user_id: PoolMember(
            user_id=user_id,
            leaning=leaning.get(user_id, BALANCED),
            expert=user_id in experts,
        )
        for user_id in members
    }


def leanings(user_ids: Select) -> dict[int, str]:
    """The leaning of each user in ``user_ids`` who has traded (the others are balanced),
    in two grouped queries."""
    sells = _order_counts(Order.seller_id, user_ids)
    buys = _order_counts(Order.buyer_id, user_ids)
    return {
        user_id: _leaning(sells.get(user_id, 0), buys.get(user_id, 0))
        for user_id in sells.keys() | buys.keys()
    }


def _order_counts(side, user_ids: Select) -> dict[int, int]:
    rows = db.session.execute(
        select(side, func.count(Order.id)).where(side.in_(user_ids)).group_by(side)
    )
    return {user_id: count for user_id, count in rows}


def _leaning(sells: int, buys: int) -> str:
    """Mostly sells (or buys): at least MOSTLY of the person's orders on that side."""
    total = sells + buys
    if total and sells / total >= MOSTLY:
        return SELLER
    if total and buys / total >= MOSTLY:
        return BUYER
    return BALANCED


def _experts(case: Case, user_ids: Select) -> set[int]:
    """Users with at least EXPERT_MIN_ORDERS orders in the categories of the case's order."""
    categories = select(OrderItem.category).where(OrderItem.order_id == case.order_id)
    in_categories = (
        select(Order.id, Order.buyer_id, Order.seller_id)
        .where(
            select(OrderItem.id)
            .where(OrderItem.order_id == Order.id, OrderItem.category.in_(categories))
            .exists()
        )
        .subquery()
    )
    traders = union_all(
        select(in_categories.c.buyer_id.label("user_id"), in_categories.c.id),
        select(in_categories.c.seller_id.label("user_id"), in_categories.c.id),
    ).subquery()
    return set(
        db.session.scalars(
            select(traders.c.user_id)
            .where(traders.c.user_id.in_(user_ids))
            .group_by(traders.c.user_id)
            .having(func.count(func.distinct(traders.c.id)) >= EXPERT_MIN_ORDERS)
        )
    )


# Panels -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelSize:
    """How a new panel decides and how many seats its first draw opens."""

    rule: PanelRule
    seats: int  # all the seats, or an adaptive panel's cap
    majority: int  # the majority rule's votes, or an adaptive panel's fallback
    first_draw: int
    confidence: float | None


def panel_size(round: PanelRound) -> PanelSize:
    """The configured size of a panel of ``round`` (docs/adaptive-panels.md): under the
    adaptive rule an appeal panel has its own cap and confidence, its fallback majority is
    the majority of its cap, and its first draw opens the first wave."""
    config = current_app.config
    appeal = round is PanelRound.APPEAL
    if config["PANEL_RULE"] == PanelRule.ADAPTIVE:
        cap = config["APPEAL_ADAPTIVE_CAP" if appeal else "ADAPTIVE_CAP"]
        return PanelSize(
            PanelRule.ADAPTIVE,
            cap,
            cap // 2 + 1,
            min(cap, config["ADAPTIVE_FIRST_WAVE"]),
            config["APPEAL_ADAPTIVE_CONFIDENCE" if appeal else "ADAPTIVE_CONFIDENCE"],
        )
    seats = config["APPEAL_PANEL_SEATS" if appeal else "PANEL_SEATS"]
    majority = config["APPEAL_PANEL_MAJORITY" if appeal else "PANEL_MAJORITY"]
    return PanelSize(PanelRule.MAJORITY, seats, majority, seats, None)


def open_panel(
    case: Case, round: PanelRound, summary: str, question: str, options: list[str]
) -> Panel:
    """Draw a panel for ``case`` and seat its reviewers; the caller commits.

    Raises ``PoolTooSmall`` (writing nothing, leaving the case as it is) when the pool
    cannot fill every seat under the balance rule.
    """
    config = current_app.config
    size = panel_size(PanelRound(round))
    seats, seats_drawn = size.seats, size.first_draw
    pool = reviewer_pool(case)
    available = drawable((member.leaning for member in pool), seats_drawn // 2, {})
    if available < seats_drawn:
        raise PoolTooSmall(seats_drawn, min(available, seats_drawn))
    now = clock.now()
    panel = Panel(
        case_id=case.id,
        round=PanelRound(round).value,
        status=PanelStatus.OPEN.value,
        seats=seats,
        majority=size.majority,
        rule=size.rule.value,
        confidence=size.confidence,
        seats_drawn=seats_drawn,
        options=list(options),
        question=question,
        summary=summary,
        seed=secrets.token_bytes(32).hex(),
        pool=[],
        drawn_at=now,
        deadline_at=now + config["PANEL_DEADLINE"],
    )
    db.session.add(panel)
    db.session.flush()
    draw_more(panel, seats_drawn, DrawKind.FIRST, pool)
    record_event(None, "panel.drawn", panel, after={"panel_id": panel.id, "seats": seats_drawn})
    db.session.flush()
    return panel


def draw_replacements(panel: Panel, count: int) -> list[Seat]:
    """Seat up to ``count`` reviewers in place of no-shows and recused seats."""
    return draw_more(panel, count, DrawKind.REPLACEMENT)


def draw_more(
    panel: Panel, count: int, kind: DrawKind, pool: list[PoolMember] | None = None
) -> list[Seat]:
    """Seat up to ``count`` more reviewers on ``panel`` and record the draw; the caller
    commits, and owns the counter that keeps two sweeps from drawing at once.

    The draw's snapshot and its commitment are written to the draw log before its seats.
    The pool (``reviewer_pool`` unless given) leaves out everyone who has held a seat on
    any panel of the case; the balance rule counts the seats still held (open or voted).
    May return fewer seats than asked for.
    """
    if count <= 0:
        return []
    pool = reviewer_pool(panel.case) if pool is None else pool
    by_token = {draw_log.reviewer_token(panel.id, m.user_id): m for m in pool}
    record = _record_draw(panel, count, DrawKind(kind), by_token)
    drawn = recompute(record.snapshot, bytes.fromhex(panel.seed))
    return seat_reviewers(panel, [by_token[token].user_id for token in drawn], record)


def _record_draw(
    panel: Panel, count: int, kind: DrawKind, by_token: dict[str, PoolMember]
) -> PanelDraw:
    """The draw's snapshot, recorded and committed to the public log."""
    held_ids = select(Seat.reviewer_id).where(
        Seat.panel_id == panel.id, Seat.status.in_(HELD_SEATS)
    )
    held = Counter(member.leaning for member in _profiles(panel.case, held_ids).values())
    number = db.session.scalar(
        select(func.count(PanelDraw.id)).where(PanelDraw.panel_id == panel.id)
    )
    document = snapshot(
        panel_id=panel.id,
        number=number,
        kind=kind.value,
        seats=count,
        cap=panel.seats_drawn // 2,
        held=held,
        entrants=[Entrant(token, m.leaning, m.expert) for token, m in by_token.items()],
    )
    record = PanelDraw(
        panel_id=panel.id,
        number=number,
        kind=kind.value,
        algorithm=ALGORITHM,
        snapshot=document,
        seed_sha256=sha256_hex(bytes.fromhex(panel.seed)),
        snapshot_sha256=sha256_hex(canonical(document)),
        drawn_at=clock.now(),
    )
    db.session.add(record)
    db.session.flush()
    draw_log.commit(record)
    return record


def seat_reviewers(
    panel: Panel, reviewer_ids: list[int], record: PanelDraw | None = None
) -> list[Seat]:
    """Seat ``reviewer_ids`` on ``panel``, each with the vote window and its reminder, and
    tell them; ``record`` is the draw that chose them (none for a gold seat, which no draw
    chose)."""
    now = clock.now()
    vote_due_at = now + current_app.config["SEAT_VOTE_WINDOW"]
    seats = [
        Seat(
            panel_id=panel.id,
            reviewer_id=reviewer_id,
            status=SeatStatus.OPEN.value,
            seated_at=now,
            vote_due_at=vote_due_at,
            remind_at=remind_at(now, vote_due_at),
            draw_id=None if record is None else record.id,
        )
        for reviewer_id in reviewer_ids
    ]
    db.session.add_all(seats)
    db.session.flush()  # the seats' ids make the messages' keys and links
    notices.tell_seated(seats)
    seats_drawn.send(panel, seats=seats)
    return seats
