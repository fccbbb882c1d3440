"""The grading sweep: each gold seat voted on, given up or overdue is graded and its gold
panel closed (docs/gold-cases.md).

``grade_gold_seats`` runs every ``GOLD_GRADING_SECONDS``. A vote becomes a gold answer in
``practice_answers`` — right or not against the confirmed option, with the side that option
favours and the case's category — which the calibration reads. A seat left unvoted past its
time is a no-show, as on a real panel: the seat is replaced (no one takes it) and the
reviewer's score pays for it. A seat recused or withdrawn closes its panel with no answer.

The panel closes by compare-and-set (OPEN → DECIDED, or RETURNED when there is no answer)
and its tally is unique, so two sweeps at once grade a seat once. The tally copies the
counts of the panel that heard the case and names the confirmed option as the verdict: what
the reviewer's page shows once the seat is graded.
"""

from flask import current_app
from sqlalchemy import or_, select, update

from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.sweeps import in_savepoint
from app.jury import reputation
from app.jury.counting import PanelAlreadyClosed
from app.jury.gold.models import GoldCase
from app.jury.models import (
    Panel,
    PanelRound,
    PanelStatus,
    PracticeAnswer,
    Seat,
    SeatStatus,
    Tally,
    Vote,
)


def grade_gold_seats() -> int:
    """Grade the gold seats with something to grade; returns how many panels closed."""
    now = clock.now()
    due = (
        select(Seat.id)
        .where(
            Seat.panel_id == Panel.id,
            or_(Seat.status != SeatStatus.OPEN.value, Seat.vote_due_at <= now),
        )
        .correlate(Panel)
        .exists()
    )
    panels = db.session.scalars(
        select(Panel)
        .where(
            Panel.round == PanelRound.GOLD.value,
            Panel.status == PanelStatus.OPEN.value,
            or_(due, Panel.deadline_at <= now),
        )
        .order_by(Panel.id)
        .limit(current_app.config["SWEEP_BATCH_SIZE"])
        .with_for_update(of=Panel)
    ).all()
    return sum(
        in_savepoint(lambda panel=panel: grade_panel(panel), f"gold panel {panel.id}: grading")
        for panel in panels
    )


def grade_panel(panel: Panel) -> bool:
    """Grade the one seat of the gold ``panel`` and close it; False if there was nothing
    to grade yet."""
    seat = db.session.scalar(select(Seat).where(Seat.panel_id == panel.id))
    now = clock.now()
    if seat.status == SeatStatus.OPEN.value:
        if now < seat.vote_due_at and now < panel.deadline_at:
            return False
        if _no_show(seat):
            reputation.record_no_show(seat.reviewer_id)
    gold = db.session.scalar(select(GoldCase).where(GoldCase.case_id == panel.case_id))
    vote = db.session.scalar(select(Vote).where(Vote.seat_id == seat.id))
    status = PanelStatus.DECIDED if vote is not None else PanelStatus.RETURNED
    _close(panel, status, gold)
    after = {"panel_id": panel.id, "seat_id": seat.id, "answered": vote is not None}
    if vote is not None:
        answer = PracticeAnswer(
            user_id=seat.reviewer_id,
            practice_key=gold.key,
            option=vote.option,
            correct=vote.option == gold.answer,
            truth_side=gold.truth_side,
            category=gold.category,
            answered_at=vote.cast_at,
        )
        db.session.add(answer)
        after["correct"] = answer.correct
    record_event(None, "gold_case.graded", gold, after=after)
    db.session.flush()
    return True


def _no_show(seat: Seat) -> bool:
    changed = db.session.execute(
        update(Seat)
        .where(Seat.id == seat.id, Seat.status == SeatStatus.OPEN.value)
        .values(status=SeatStatus.REPLACED.value)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(seat)
    return changed.rowcount == 1


def _close(panel: Panel, status: PanelStatus, gold: GoldCase) -> None:
    result = db.session.execute(
        update(Panel)
        .where(Panel.id == panel.id, Panel.status == PanelStatus.OPEN.value)
        .values(status=status.value, closed_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(panel)
    if result.rowcount != 1:
        raise PanelAlreadyClosed
    heard = db.session.scalar(select(Tally.counts).where(Tally.panel_id == gold.panel_id))
    counts = {option: (heard or {}).get(option, 0) for option in gold.panel.options}
    db.session.add(
        Tally(
            panel_id=panel.id, counts=counts, verdict=gold.answer, votes_cast=sum(counts.values())
        )
    )
    db.session.flush()  # the unique tally: a second grader fails here
