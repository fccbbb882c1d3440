"""A history case before a reviewer panel: the draw, the votes with their reasons, seats
replaced for not voting, the count, and sometimes an appeal to a larger panel."""

from flask import current_app
from sqlalchemy import select

from app.core.extensions import db
from app.demo.history import words
from app.demo.history.story import SWEEP_DELAY, Story
from app.jury.counting import cast_ballots, count_panel
from app.jury.models import Panel, PanelStatus, Seat, SeatStatus
from app.jury.voting import cast_vote
from app.mediation import services as mediation
from app.mediation.appeals import appeal

REASONS = (words.FOR_BUYER_REASONS, words.FOR_SELLER_REASONS)


def through_panel(story: Story, delay) -> None:
    """Route the case to a panel ``delay`` from now and let it decide; the losing side
    appeals about one verdict in three, and one appeal in three overturns it."""
    case = story.case
    story.after(
        delay,
        lambda: mediation.route_to_panel(
            case, story.mediator, words.PANEL_SUMMARY, words.PANEL_QUESTION
        ),
    )
    # a place on the ballot: the first option grants the claim, the second rejects it
    verdict = 0 if story.chance(0.6) else 1
    _decide(story, _open_panel(case), verdict, no_shows=story.chance(0.4))
    if story.chance(0.3):
        loser = story.seller if verdict == 0 else story.buyer
        reason = story.pick(words.APPEAL_REASONS)
        story.after(story.hours(3, 40), lambda: appeal(case, loser, reason))
        final = 1 - verdict if story.chance(0.35) else verdict
        _decide(story, _open_panel(case), final, no_shows=False)


def _open_panel(case) -> Panel:
    return db.session.scalar(
        select(Panel).where(Panel.case_id == case.id, Panel.status == PanelStatus.OPEN.value)
    )


def _decide(story: Story, panel: Panel, verdict: int, no_shows: bool) -> None:
    """Votes until ``verdict`` reaches the majority, the other side getting some. With
    ``no_shows``, the last votes come from reviewers seated in place of those who let their
    seat's time run out."""
    rng = story.rng
    losing = rng.randint(0, min(panel.majority - 1, panel.seats - panel.majority))
    ballots = [verdict] * (panel.majority - 1) + [1 - verdict] * losing
    rng.shuffle(ballots)
    ballots.append(verdict)
    late = rng.randint(1, 3) if no_shows else 0
    seated = panel.drawn_at
    first_votes = sorted(seated + story.hours(0.3, 22) for _ in range(len(ballots) - late))
    _cast(story, _open_seats(panel), ballots[: len(ballots) - late], first_votes)
    if late:
        window = current_app.config["SEAT_VOTE_WINDOW"]
        story.when_due(seated + window, lambda: _count(panel))  # no-shows replaced
        replaced_at = story.moment
        later_votes = sorted(replaced_at + story.hours(0.5, 20) for _ in range(late))
        _cast(story, _open_seats(panel, seated_at=replaced_at), ballots[-late:], later_votes)
    story.after(SWEEP_DELAY, lambda: _count(panel))


def _open_seats(panel: Panel, seated_at=None) -> list[Seat]:
    query = select(Seat).where(Seat.panel_id == panel.id, Seat.status == SeatStatus.OPEN.value)
    if seated_at is not None:
        query = query.where(Seat.seated_at == seated_at)
    return db.session.scalars(query.order_by(Seat.id)).all()


def _cast(story: Story, seats: list[Seat], ballots: list[int], moments) -> None:
    """Each reviewer votes in their own words: a panel's reasons for one side repeat only
    once every reason for it has been given."""
    reasons = [story.rng.sample(pool, len(pool)) for pool in REASONS]
    for number, (seat, ballot, moment) in enumerate(zip(seats, ballots, moments, strict=False)):
        side = reasons[ballot]
        reason = side[sum(b == ballot for b in ballots[:number]) % len(side)]
        story.at(
            moment,
            lambda seat=seat, ballot=ballot, reason=reason: cast_vote(
                seat, seat.reviewer, seat.panel.options[ballot], reason
            ),
        )


def _count(panel: Panel) -> None:
    """What the counting sweep does for this panel."""
    count_panel(panel, cast_ballots([panel.id])[panel.id])
