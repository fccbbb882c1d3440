"""The counting sweep: verdicts, panels returned to the mediator, and seat replacements
(design: Crowd review, Counting; Rules for the scheduler 2-4).

``count_due_panels`` runs every ``COUNTING_SWEEP_SECONDS``. Each open panel is handled in
its own savepoint, from the committed votes:

* on a majority panel an option with ``panel.majority`` votes wins at once; an adaptive
  panel is counted by its weighed votes, and opens its seats in waves (``app.jury.adaptive``);
* at the panel's deadline the leading option wins if at least ``panel.majority`` votes were
  cast and it leads alone; otherwise the case goes back to the mediator with the counts as
  advice;
* before that, seats unvoted past their due time are replaced (a no-show), and so are
  recused seats, in at most ``SEAT_REPLACEMENT_ROUNDS`` rounds.

A panel closes by compare-and-set (OPEN → DECIDED or RETURNED) and its tally is unique per
panel, written with the case's decision and the outbox rows in one transaction, so two
sweeps at once give one verdict and one set of notifications.

Reputation: ``reputation.apply_verdict`` is called on every verdict, first round or appeal,
when the panel closes; the final decision after an appeal revises the appealed panel's
(``revision``).
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import User
from app.cases.decisions import record_decision
from app.cases.models import Case
from app.cases.notify import case_link
from app.cases.states import (
    CaseState,
    DecisionKind,
)
from app.cases.transitions import CaseRefused, move
from app.core import clock
from app.core.extensions import db
from app.core.sweeps import in_savepoint
from app.jury import adaptive, ballot, draw_log, drawing, reputation, webhooks
from app.jury.adaptive import Calibrated
from app.jury.models import (
    CASE_PANEL,
    Panel,
    PanelRule,
    PanelStatus,
    Seat,
    SeatStatus,
    Tally,
    Vote,
)
from app.jury.rules import decide_from_counts, fallback_verdict
from app.notifications.outbox import mail_choices_read_once, queue_for_each, queued_together
from app.notifications.webhooks.events import endpoints_read_once
from app.orders.models import Order

logger = logging.getLogger(__name__)

LIVE_SEAT_STATUSES = (SeatStatus.OPEN.value, SeatStatus.VOTED.value)
# what a verdict reads and notifies, loaded with the panel in one query (roles and order
# items are not needed)
PANEL_WITH_PARTIES = joinedload(Panel.case).options(
    joinedload(Case.order).lazyload(Order.items),
    *(
        joinedload(party).lazyload(User.role_grants)
        for party in (Case.buyer, Case.seller, Case.mediator)
    ),
)


# a panel's close and its tally, built once: they run for every panel the sweep closes
CLOSE_PANEL = (
    update(Panel.__table__)
    .where(
        Panel.__table__.c.id == bindparam("panel"),
        Panel.__table__.c.status == PanelStatus.OPEN.value,
    )
    .values(
        status=bindparam("status"),
        closed_at=bindparam("closed_at"),
        return_reason=bindparam("return_reason"),
    )
)
WRITE_TALLY = insert(Tally.__table__)


class PanelAlreadyClosed(CaseRefused):
    """Another sweep closed the panel first."""

    def __init__(self):
        super().__init__("panel already closed")


# The sweep


def count_due_panels() -> int:
    """Count the panels with work to do; returns how many closed (a verdict or a return).

    The batch is read in two queries: the panels with their cases and parties, locked (on
    PostgreSQL) so that no vote slips in between a count and the close, then every vote
    cast on them.
    """
    ids = db.session.scalars(
        select(Panel.id)
        # gold panels are graded by their own sweep (app.jury.gold.grading)
        .where(Panel.status == PanelStatus.OPEN.value, CASE_PANEL, has_work(clock.now()))
        .order_by(Panel.id)
        .limit(current_app.config["SWEEP_BATCH_SIZE"])
    ).all()
    if not ids:
        return 0
    panels = db.session.scalars(
        select(Panel)
        .where(Panel.id.in_(ids))
        .order_by(Panel.id)
        .options(PANEL_WITH_PARTIES)
        .with_for_update(of=Panel)
        .execution_options(populate_existing=True)
    ).all()
    ballots = cast_ballots(ids)
    adaptive_cases = [p.case_id for p in panels if p.rule == PanelRule.ADAPTIVE.value]
    calibrated = adaptive.calibrated_for(adaptive_cases) if adaptive_cases else None
    people = {
        person_id
        for panel in panels
        for person_id in (panel.case.buyer_id, panel.case.seller_id, panel.case.mediator_id)
        if person_id is not None
    }
    # each verdict queues three events and two notices to the same people
    with endpoints_read_once(), mail_choices_read_once(people):
        return sum(_count_one(panel, ballots[panel.id], calibrated) for panel in panels)


def cast_ballots(panel_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Each panel's committed votes, as (reviewer id, option)."""
    ballots = defaultdict(list)
    rows = db.session.execute(
        select(Vote.panel_id, Seat.reviewer_id, Vote.option)
        .join(Seat, Seat.id == Vote.seat_id)
        .where(Vote.panel_id.in_(panel_ids))
    )
    for panel_id, reviewer_id, option in rows:
        ballots[panel_id].append((reviewer_id, option))
    return ballots


def has_work(now) -> ColumnElement[bool]:
    """An open panel has work for the sweep when one option has the majority (an adaptive
    panel: a vote was cast since it was last counted), its deadline has passed, a seat is
    overdue, or a seat it has drawn is empty and a replacement round is left.

    Panels merely waiting for votes are not touched, so a sweep costs what is due, and a
    batch is never filled by panels that have nothing to do.
    """
    majority_reached = (
        select(Vote.option)
        .where(Vote.panel_id == Panel.id)
        .group_by(Vote.option)
        .having(func.count(Vote.id) >= Panel.majority)
        .correlate(Panel)
        .exists()
    )
    overdue_seat = (
        select(Seat.id)
        .where(
            Seat.panel_id == Panel.id,
            Seat.status == SeatStatus.OPEN.value,
            Seat.vote_due_at <= now,
        )
        .correlate(Panel)
        .exists()
    )
    votes_cast = (
        select(func.count(Vote.id))
        .where(Vote.panel_id == Panel.id)
        .correlate(Panel)
        .scalar_subquery()
    )
    live_seats = (
        select(func.count(Seat.id))
        .where(Seat.panel_id == Panel.id, Seat.status.in_(LIVE_SEAT_STATUSES))
        .correlate(Panel)
        .scalar_subquery()
    )
    rounds_left = Panel.replacement_rounds < current_app.config["SEAT_REPLACEMENT_ROUNDS"]
    return or_(
        Panel.deadline_at <= now,
        and_(Panel.rule == PanelRule.MAJORITY.value, majority_reached),
        and_(Panel.rule == PanelRule.ADAPTIVE.value, votes_cast > Panel.counted_votes),
        overdue_seat,
        and_(rounds_left, live_seats < Panel.seats_drawn),
    )


def _count_one(panel: Panel, ballots: list[tuple[int, str]], calibrated: Calibrated | None) -> bool:
    def count() -> bool:
        with queued_together():  # a verdict's notices in one statement
            return count_panel(panel, ballots, calibrated)

    return in_savepoint(count, f"panel {panel.id}: counting")


def count_panel(
    panel: Panel, ballots: list[tuple[int, str]], calibrated: Calibrated | None = None
) -> bool:
    """Decide, return or replenish one panel from its ``ballots``; True if it closed. An
    adaptive panel's votes are weighed by ``calibrated`` (read here when not given)."""
    if panel.status != PanelStatus.OPEN.value:
        return False
    now = clock.now()
    counts = vote_counts(panel, ballots)
    at_deadline = now >= panel.deadline_at
    if panel.rule == PanelRule.ADAPTIVE.value:
        calibrated = calibrated or adaptive.calibrated_for([panel.case_id])
        return _count_adaptive(panel, ballots, counts, at_deadline, calibrated)
    verdict = decide_from_counts(counts, panel.majority, at_deadline)
    if verdict is not None:
        give_verdict(panel, counts, verdict, ballots)
        return True
    if at_deadline:
        return_to_mediator(panel, counts)
        return True
    replace_seats(panel)
    return False


def _count_adaptive(
    panel: Panel,
    ballots: list[tuple[int, str]],
    counts: dict[str, int],
    at_deadline: bool,
    calibrated: Calibrated,
) -> bool:
    """The adaptive rule until the cap is voted out or the deadline, then its fallback."""
    weighed = adaptive.weigh(panel, ballots, calibrated)
    verdict = weighed.verdict
    if verdict is None and (at_deadline or adaptive.at_cap(panel, ballots)):
        verdict = fallback_verdict(weighed.posterior, len(ballots), panel.majority)
        if verdict is None:
            return_to_mediator(panel, counts, weighed.posterior)
            return True
    if verdict is not None:
        give_verdict(panel, counts, verdict, ballots, weighed.posterior)
        return True
    replace_seats(panel)
    # the wave is decided once per vote counted: a second sweep that waited for this
    # panel's lock finds its votes weighed already (PostgreSQL reloads the locked row)
    if len(ballots) > panel.counted_votes:
        adaptive.open_wave_if_stuck(panel, weighed, calibrated)
        adaptive.mark_counted(panel, len(ballots))
    return False


def vote_counts(panel: Panel, ballots: list[tuple[int, str]]) -> dict[str, int]:
    """Votes per option, in ballot order."""
    counted = Counter(option for _reviewer, option in ballots)
    return {option: counted.get(option, 0) for option in panel.options}


def give_verdict(
    panel: Panel,
    counts: dict[str, int],
    verdict: str,
    ballots: list[tuple[int, str]],
    posterior: dict[str, float] | None = None,
) -> None:
    case = panel.case
    _close(panel, PanelStatus.DECIDED, counts, verdict, posterior)
    votes_cast = sum(counts.values())
    outcome, remedy, amount = ballot.parse(verdict).decision(case)
    webhooks.panel_verdict(panel, counts, verdict, outcome)
    record_decision(
        case,
        None,
        "case.panel_verdict",
        outcome,
        DecisionKind.PANEL,
        remedy,
        amount,
        expect=CaseState.PANEL,
    )
    _notify(
        panel,
        "verdict",
        [case.buyer, case.seller],
        lambda: _("Case #%(id)d: the reviewer panel has decided", id=case.id),
        lambda: _(
            "%(votes)d of %(cast)d reviewers voted for “%(verdict)s”. Open the case to read "
            "their reasons.",
            votes=counts[verdict],
            cast=votes_cast,
            verdict=ballot.label(verdict),
        ),
    )
    reputation.apply_verdict(panel, verdict, ballots)


def return_to_mediator(
    panel: Panel, counts: dict[str, int], posterior: dict[str, float] | None = None
) -> None:
    """No verdict by the deadline: the case goes back to the mediator, the votes as advice."""
    case = panel.case
    _close(panel, PanelStatus.RETURNED, counts, None, posterior)
    move(
        case,
        CaseState.MEDIATION,
        None,
        "case.panel_returned",
        expect=CaseState.PANEL,
        deadline_at=clock.now() + current_app.config["MEDIATION_SLA"],
    )
    _notify(
        panel,
        "returned",
        [case.buyer, case.seller, case.mediator],
        lambda: _("Case #%(id)d: the reviewer panel reached no verdict", id=case.id),
        lambda: _(
            "Too few reviewers agreed before the panel's deadline. The case is back with the "
            "mediator, who will take the votes as advice."
        ),
    )


def _close(
    panel: Panel,
    status: PanelStatus,
    counts: dict[str, int],
    verdict: str | None,
    posterior: dict[str, float] | None,
):
    now = clock.now()
    closed = {
        "status": status.value,
        "closed_at": now,
        "return_reason": None if verdict is not None else "no verdict by the deadline",
    }
    db.session.flush()
    if db.session.execute(CLOSE_PANEL, {"panel": panel.id, **closed}).rowcount != 1:
        raise PanelAlreadyClosed
    for key, value in closed.items():
        set_committed_value(panel, key, value)
    # the unique tally: a second writer fails here
    db.session.execute(
        WRITE_TALLY,
        {
            "panel_id": panel.id,
            "counts": counts,
            "verdict": verdict,
            "votes_cast": sum(counts.values()),
            "posterior": posterior,
            "counted_at": now,
        },
    )
    draw_log.reveal(panel)


# Seat replacement


def replace_seats(panel: Panel) -> int:
    """Replace no-shows and recused seats; returns how many seats were drawn."""
    now = clock.now()
    overdue = db.session.scalars(
        select(Seat).where(
            Seat.panel_id == panel.id,
            Seat.status == SeatStatus.OPEN.value,
            Seat.vote_due_at <= now,
        )
    ).all()
    for seat in overdue:
        if _seat_cas(seat, SeatStatus.OPEN, SeatStatus.REPLACED):
            reputation.record_no_show(seat.reviewer_id)
    live = db.session.scalar(
        select(func.count(Seat.id)).where(
            Seat.panel_id == panel.id, Seat.status.in_(LIVE_SEAT_STATUSES)
        )
    )
    missing = panel.seats_drawn - live
    rounds = panel.replacement_rounds
    if missing <= 0 or rounds >= current_app.config["SEAT_REPLACEMENT_ROUNDS"]:
        return 0
    result = db.session.execute(
        update(Panel)
        .where(
            Panel.id == panel.id,
            Panel.status == PanelStatus.OPEN.value,
            Panel.replacement_rounds == rounds,
        )
        .values(replacement_rounds=rounds + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PanelAlreadyClosed
    db.session.expire(panel)
    return len(drawing.draw_replacements(panel, missing))


def _seat_cas(seat: Seat, from_status: SeatStatus, to_status: SeatStatus) -> bool:
    result = db.session.execute(
        update(Seat)
        .where(Seat.id == seat.id, Seat.status == from_status.value)
        .values(status=to_status.value)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(seat)
    return result.rowcount == 1


# Notifications


def _notify(
    panel: Panel,
    what: str,
    recipients: list[User | None],
    subject: Callable[[], str],
    body: Callable[[], str],
) -> None:
    key = f"panel-{panel.id}:{what}"
    queue_for_each(recipients, key, subject, body, link=case_link(panel.case_id))
