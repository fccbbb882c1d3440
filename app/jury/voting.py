"""A reviewer's vote or recusal on a seat, and what the parties see once a panel closes
(design: Crowd review, Voting).

One vote per seat: the seat moves OPEN → VOTED by compare-and-set and the vote row is unique
per seat, so two requests at once give one vote. A vote is final. Votes are not counted
here: the counting sweep (``app.jury.counting``) reads the committed votes.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import User
from app.cases.transitions import CaseRefused
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.text import checked_text
from app.jury.models import Panel, PanelStatus, Seat, SeatStatus, Tally, Vote

REASON_MAX_CHARS = 2000


class JuryRefused(CaseRefused):
    """What a reviewer or a party asked of a panel cannot be done; the message says why."""


def seat_refusal(seat: Seat, user: User):
    """Why ``user`` may not vote (or recuse) on ``seat`` now, or None if they may."""
    if user is None or seat.reviewer_id != user.id:
        return _l("Only the reviewer holding this seat can vote on it.")
    if seat.status != SeatStatus.OPEN.value:
        return _l("This seat has already voted, recused or been replaced.")
    now = clock.now()
    panel = seat.panel
    if panel.status != PanelStatus.OPEN.value or now >= panel.deadline_at:
        return _l("This panel is closed.")
    if now >= seat.vote_due_at:
        return _l("The time to vote on this seat has passed.")
    return None


def votable_seats(user: User) -> Select:
    """The seats ``user`` may vote on now (as ``seat_refusal`` says), soonest due first."""
    now = clock.now()
    return (
        select(Seat)
        .join(Panel, Panel.id == Seat.panel_id)
        .where(
            Seat.reviewer_id == user.id,
            Seat.status == SeatStatus.OPEN.value,
            Seat.vote_due_at > now,
            Panel.status == PanelStatus.OPEN.value,
            Panel.deadline_at > now,
        )
        .order_by(Seat.vote_due_at, Seat.id)
    )


def has_votable_seat(user: User) -> bool:
    return db.session.scalar(select(votable_seats(user).exists()))


def checked_reason(reason: str | None) -> str:
    """A reviewer's reason, for a vote or an appeal: at least ``VOTE_REASON_MIN_CHARS``
    characters and at most ``REASON_MAX_CHARS``, stripped."""
    reason = checked_text(reason, "reason", maximum=REASON_MAX_CHARS, refusal=JuryRefused)
    minimum = current_app.config["VOTE_REASON_MIN_CHARS"]
    if len(reason) < minimum:
        raise JuryRefused(
            _l("Give a reason of at least %(minimum)d characters.", minimum=minimum), "reason"
        )
    return reason


def can_vote(seat: Seat, user: User) -> bool:
    return seat_refusal(seat, user) is None


def cast_vote(seat: Seat, user: User, option: str, reason: str) -> Vote:
    """Cast the seat's one vote for ``option`` with a written reason; final once cast."""
    _check_seat(seat, user)
    panel = seat.panel
    if option not in panel.options:
        raise JuryRefused(_l("Choose one of the panel's options."), "option")
    reason = checked_reason(reason)
    _move_seat(seat, SeatStatus.VOTED)
    vote = Vote(seat_id=seat.id, panel_id=panel.id, option=option, reason=reason)
    db.session.add(vote)
    try:
        db.session.flush()
    except IntegrityError as error:  # cannot pass the compare-and-set twice; belt and braces
        # the caller rolls back on a refusal, as after any other
        raise JuryRefused(_l("This seat has already voted.")) from error
    # the option stays out of the audit trail: votes are hidden until the panel closes
    record_event(user, "jury.vote_cast", seat, after={"status": SeatStatus.VOTED.value})
    return vote


def recuse(seat: Seat, user: User) -> None:
    """Step down from the seat, without penalty; the counting sweep draws a replacement."""
    _check_seat(seat, user)
    _move_seat(seat, SeatStatus.RECUSED)
    record_event(user, "jury.recused", seat, after={"status": SeatStatus.RECUSED.value})


def _check_seat(seat: Seat, user: User) -> None:
    refusal = seat_refusal(seat, user)
    if refusal is not None:
        raise JuryRefused(refusal)


def _move_seat(seat: Seat, to_status: SeatStatus) -> None:
    """OPEN → ``to_status`` by compare-and-set, while the seat and its panel are still open."""
    now = clock.now()
    panel_open = exists().where(
        Panel.id == Seat.panel_id,
        Panel.status == PanelStatus.OPEN.value,
        Panel.deadline_at > now,
    )
    db.session.flush()
    # a vote and the count of its panel never overlap: the counting holds the panel's row
    # (FOR UPDATE) while it counts and closes it; a vote holds it shared. SQLite's
    # BEGIN IMMEDIATE already serialises the two, and has no row locks to ask for.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Panel.id).where(Panel.id == seat.panel_id).with_for_update(read=True)
        )
    result = db.session.execute(
        update(Seat)
        .where(
            Seat.id == seat.id,
            Seat.status == SeatStatus.OPEN.value,
            Seat.vote_due_at > now,
            panel_open,
        )
        .values(status=to_status.value)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(seat)
        raise JuryRefused(_l("This seat has already voted, recused or been replaced."))
    set_committed_value(seat, "status", to_status.value)  # as written: no reload


# What the parties see once the panel has closed


@dataclass(frozen=True)
class PanelResults:
    verdict: str | None  # None: no verdict, the votes went to the mediator as advice
    counts: dict[str, int]  # per option, in ballot order
    votes_cast: int
    reasons: list[tuple[str, str]]  # (option, reason), without who gave them
    # an adaptive panel's verdict: its posterior when the panel closed
    agreement: float | None = None


def panel_results(panel: Panel) -> PanelResults | None:
    """The counts and the reviewers' reasons, anonymised; None while the panel is open."""
    if panel.status == PanelStatus.OPEN.value:
        return None
    tally = db.session.scalar(select(Tally).where(Tally.panel_id == panel.id))
    counted = dict(
        db.session.execute(
            select(Vote.option, func.count(Vote.id))
            .where(Vote.panel_id == panel.id)
            .group_by(Vote.option)
        ).all()
    )
    counts = tally.counts if tally is not None else counted
    reasons = db.session.execute(
        select(Vote.option, Vote.reason).where(Vote.panel_id == panel.id).order_by(Vote.id)
    ).all()
    ordered = sorted(reasons, key=lambda row: _ballot_position(panel, row[0]))
    return PanelResults(
        verdict=tally.verdict if tally is not None else None,
        counts={option: counts.get(option, 0) for option in panel.options},
        votes_cast=sum(counts.values()),
        reasons=[(option, reason) for option, reason in ordered],
        agreement=_agreement(tally),
    )


def _agreement(tally: Tally | None) -> float | None:
    if tally is None or tally.posterior is None or tally.verdict is None:
        return None
    return tally.posterior.get(tally.verdict)


def _ballot_position(panel: Panel, option: str) -> int:
    return panel.options.index(option) if option in panel.options else len(panel.options)
