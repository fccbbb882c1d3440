"""Drawing reviewers onto panels (design: Crowd review, Drawing).

The draw is split in two so that an audit can replay it:

* ``reviewer_pool`` reads the database once and says who may be drawn for a case, with
  each member's leaning (mostly sells, mostly buys, balanced) and whether they are an
  expert in the case's categories;
* ``draw`` is pure: the same pool, seat count and seed always give the same reviewers.

``open_panel`` records the seed (cryptographically random) and the pool as it stood, so
``replay_draw`` can recompute the first draw of any panel. Replacement draws derive their
seed from the panel's seed and its replacement round.
"""

import hashlib
import random
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
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
from app.jury import notices
from app.jury.models import (
    Panel,
    PanelRound,
    PanelStatus,
    Reviewer,
    ReviewerStatus,
    Seat,
    SeatStatus,
)
from app.orders.models import Order, OrderItem

SELLER = "seller"
BUYER = "buyer"
BALANCED = "balanced"
# "mostly sells" or "mostly buys": at least two orders in three on that side
MOSTLY = 2 / 3
# the groups that may fill at most half of a panel's seats
LIMITED_LEANINGS = frozenset({SELLER, BUYER})
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
    sells = _order_counts(Order.seller_id, user_ids)
    buys = _order_counts(Order.buyer_id, user_ids)
    experts = _experts(case, user_ids)
    return {
        user_id: PoolMember(
            user_id=user_id,
            leaning=_leaning(sells.get(user_id, 0), buys.get(user_id, 0)),
            expert=user_id in experts,
        )
        for user_id in members
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


# The draw ---------------------------------------------------------------------------------


def draw(pool: list[PoolMember], seats: int, seed: bytes) -> list[int]:
    """Up to ``seats`` user ids from ``pool``, in the order drawn. Pure and deterministic.

    The pool is shuffled by a generator seeded from ``seed``; experts are taken first, then
    the rest, each in shuffled order, skipping anyone whose leaning ("seller" or "buyer")
    already holds half the seats (``seats // 2``). Fewer than ``seats`` come back when the
    pool cannot fill the panel under that rule.
    """
    return _pick(pool, seats, seed, cap=seats // 2, held={})


def _pick(
    pool: list[PoolMember], count: int, seed: bytes, *, cap: int, held: Mapping[str, int]
) -> list[int]:
    shuffled = sorted(pool, key=lambda member: member.user_id)
    random.Random(int.from_bytes(seed, "big")).shuffle(shuffled)
    ranked = [m for m in shuffled if m.expert] + [m for m in shuffled if not m.expert]
    taken = Counter(held)
    chosen: list[int] = []
    for member in ranked:
        if len(chosen) >= count:
            break
        if member.leaning in LIMITED_LEANINGS and taken[member.leaning] >= cap:
            continue
        chosen.append(member.user_id)
        taken[member.leaning] += 1
    return chosen


# Panels -----------------------------------------------------------------------------------


def open_panel(
    case: Case, round: PanelRound, summary: str, question: str, options: list[str]
) -> Panel:
    """Draw a panel for ``case`` and seat its reviewers; the caller commits.

    Raises ``PoolTooSmall`` (writing nothing, leaving the case as it is) when the pool
    cannot fill every seat under the balance rule.
    """
    config = current_app.config
    if PanelRound(round) is PanelRound.APPEAL:
        seats, majority = config["APPEAL_PANEL_SEATS"], config["APPEAL_PANEL_MAJORITY"]
    else:
        seats, majority = config["PANEL_SEATS"], config["PANEL_MAJORITY"]
    seed = secrets.token_bytes(32)
    pool = reviewer_pool(case)
    drawn = draw(pool, seats, seed)
    if len(drawn) < seats:
        raise PoolTooSmall(seats, len(drawn))
    now = clock.now()
    panel = Panel(
        case_id=case.id,
        round=PanelRound(round).value,
        status=PanelStatus.OPEN.value,
        seats=seats,
        majority=majority,
        options=list(options),
        question=question,
        summary=summary,
        seed=seed.hex(),
        pool=[[m.user_id, m.leaning, m.expert] for m in pool],
        drawn_at=now,
        deadline_at=now + config["PANEL_DEADLINE"],
    )
    db.session.add(panel)
    db.session.flush()
    seat_reviewers(panel, drawn)
    record_event(None, "panel.drawn", panel, after={"panel_id": panel.id, "seats": seats})
    db.session.flush()
    return panel


def draw_replacements(panel: Panel, count: int) -> list[Seat]:
    """Seat up to ``count`` new reviewers on ``panel``; the caller commits.

    The seed is derived from the panel's seed and ``panel.replacement_rounds`` (the caller
    owns that counter). The pool is recomputed, so it leaves out everyone who has held a
    seat on any panel of the case; the balance rule counts the seats still held (open or
    voted). May return fewer seats than asked for.
    """
    if count <= 0:
        return []
    seed = hashlib.sha256(f"{panel.seed}:{panel.replacement_rounds}".encode()).digest()
    pool = reviewer_pool(panel.case)
    held_ids = select(Seat.reviewer_id).where(
        Seat.panel_id == panel.id, Seat.status.in_(HELD_SEATS)
    )
    held = Counter(member.leaning for member in _profiles(panel.case, held_ids).values())
    drawn = _pick(pool, count, seed, cap=panel.seats // 2, held=held)
    seats = seat_reviewers(panel, drawn)
    db.session.flush()
    return seats


def seat_reviewers(panel: Panel, reviewer_ids: list[int]) -> list[Seat]:
    """Seat ``reviewer_ids`` on ``panel``, each with the vote window and its reminder, and
    tell them."""
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
        )
        for reviewer_id in reviewer_ids
    ]
    db.session.add_all(seats)
    db.session.flush()  # the seats' ids make the messages' keys and links
    notices.tell_seated(seats)
    seats_drawn.send(panel, seats=seats)
    return seats


# Replay -----------------------------------------------------------------------------------


def replay_draw(panel: Panel) -> list[int]:
    """The first draw of ``panel`` recomputed from its recorded seed and pool."""
    pool = [
        PoolMember(user_id=user_id, leaning=leaning, expert=bool(expert))
        for user_id, leaning, expert in panel.pool
    ]
    return draw(pool, panel.seats, bytes.fromhex(panel.seed))


def first_drawn(panel: Panel) -> list[int]:
    """The reviewers seated by the panel's first draw, in the order drawn."""
    seats = db.session.scalars(
        select(Seat.reviewer_id)
        .where(Seat.panel_id == panel.id)
        .order_by(Seat.id)
        .limit(panel.seats)
    )
    return list(seats)
