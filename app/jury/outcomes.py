"""How the panels a reviewer sat on fell, once closed: the counts, their own vote, whether
it went with the verdict, and for a gold seat that it was one and whether they were right
(design: Beyond today's systems; docs/gold-cases.md).

A gold seat shows as gold only once it is graded: until then it is a seat like any other.
"""

from dataclasses import dataclass

from sqlalchemy import select

from app.auth.models import User
from app.core.extensions import db
from app.jury.gold.models import GoldCase
from app.jury.models import Panel, PanelRound, PanelStatus, PracticeAnswer, Seat, Tally, Vote


@dataclass(frozen=True)
class ClosedSeat:
    seat_id: int
    case_id: int
    round: str
    options: list[str]  # the ballot, in order
    counts: dict[str, int]  # votes per option
    vote: str | None  # None: recused, replaced or withdrawn
    verdict: str | None  # None: back to the mediator
    gold: bool
    right: bool | None  # a gold seat's grade; None when it was not answered

    @property
    def coherent(self) -> bool | None:
        if self.vote is None or self.verdict is None:
            return None
        return self.vote == self.verdict


def closed_seats(user: User) -> list[ClosedSeat]:
    """``user``'s seats on closed panels, the latest closed first."""
    rows = db.session.execute(
        select(Seat.id, Panel, Tally.counts, Tally.verdict, Vote.option)
        .join(Panel, Panel.id == Seat.panel_id)
        .join(Tally, Tally.panel_id == Panel.id)
        .outerjoin(Vote, Vote.seat_id == Seat.id)
        .where(Seat.reviewer_id == user.id)
        .order_by(Panel.closed_at.desc(), Seat.id.desc())
    ).all()
    graded = dict(
        db.session.execute(
            select(GoldCase.case_id, PracticeAnswer.correct)
            .join(PracticeAnswer, PracticeAnswer.practice_key == GoldCase.key)
            .where(PracticeAnswer.user_id == user.id, GoldCase.case_id.is_not(None))
        ).all()
    )
    return [
        ClosedSeat(
            seat_id=seat_id,
            case_id=panel.case_id,
            round=panel.round,
            options=panel.options,
            counts={option: counts.get(option, 0) for option in panel.options},
            vote=vote,
            verdict=verdict,
            gold=panel.round == PanelRound.GOLD.value,
            right=graded.get(panel.case_id) if panel.round == PanelRound.GOLD.value else None,
        )
        for seat_id, panel, counts, verdict, vote in rows
    ]


@dataclass(frozen=True)
class GoldGrade:
    right: bool | None  # None: the seat was not answered


def gold_grade(seat: Seat) -> GoldGrade | None:
    """The grade of ``seat`` if it is a graded gold seat; None for any other seat, and for a
    gold seat still open (it must look like any other)."""
    panel = seat.panel
    if panel.round != PanelRound.GOLD.value or panel.status == PanelStatus.OPEN.value:
        return None
    right = db.session.scalar(
        select(PracticeAnswer.correct)
        .join(GoldCase, GoldCase.key == PracticeAnswer.practice_key)
        .where(GoldCase.case_id == panel.case_id, PracticeAnswer.user_id == seat.reviewer_id)
    )
    return GoldGrade(right)
