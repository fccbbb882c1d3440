"""Counting an adaptive panel (design: Beyond today's systems, Panels that size themselves;
docs/adaptive-panels.md).

The counting sweep weighs each committed vote by its reviewer's calibrated accuracy on each
side (``app.jury.track_record``, as the record stands when the sweep counts) and asks the
adaptive rule (``app.jury.rules``) whether the leading option's posterior has reached the
panel's confidence. While it has not and the first half of the seats still open could not
get it there whatever they vote (``rules.needs_wave``), the sweep opens the next wave of
``ADAPTIVE_WAVE`` seats, never beyond the panel's cap, by compare-and-set on the panel's wave
count, so two sweeps at once open one wave. At the cap with every seat voted, or at the
deadline, the option most likely right wins if the majority of the cap voted
(``rules.fallback_verdict``); otherwise the case returns to the mediator.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from app.cases.transitions import CaseRefused
from app.core.audit import record_event
from app.core.extensions import db
from app.jury import ballot, drawing
from app.jury.models import DrawKind, Panel, PanelStatus, Seat, SeatStatus
from app.jury.rules import Accuracy, WeighedVote, adaptive_verdict, needs_wave, posterior
from app.jury.track_record import TrackRecords, case_categories, track_records

# each reviewer's accuracy for a case: (case id, reviewer ids) → accuracy by reviewer id
Calibrated = Callable[[int, Iterable[int]], dict[int, Accuracy]]


class WaveAlreadyDrawn(CaseRefused):
    """Another sweep opened the panel's next wave first."""

    def __init__(self):
        super().__init__("wave already drawn")


def calibrated_for(case_ids: Iterable[int]) -> Calibrated:
    """Accuracies for reviewers on the panels of ``case_ids``, from one read of the track
    records and of the cases' categories."""
    records: TrackRecords = track_records()
    categories = case_categories(case_ids)

    def accuracies(case_id: int, user_ids: Iterable[int]) -> dict[int, Accuracy]:
        return records.accuracies(user_ids, categories.get(case_id, ()))

    return accuracies


@dataclass(frozen=True)
class AdaptiveCount:
    """What the adaptive rule saw: each option's posterior, and the verdict if one reached
    the panel's confidence."""

    weighed: list[WeighedVote]
    posterior: dict[str, float]
    verdict: str | None


def weigh(panel: Panel, ballots: list[tuple[int, str]], calibrated: Calibrated) -> AdaptiveCount:
    accuracy = calibrated(panel.case_id, [reviewer for reviewer, _option in ballots])
    weighed = [WeighedVote(option, accuracy[reviewer]) for reviewer, option in ballots]
    sides = ballot.sides(panel.options)
    return AdaptiveCount(
        weighed,
        posterior(weighed, sides),
        adaptive_verdict(weighed, sides, panel.confidence),
    )


def at_cap(panel: Panel, ballots: list[tuple[int, str]]) -> bool:
    """Every seat of the cap opened and voted: no vote is left to wait for."""
    return panel.seats_drawn >= panel.seats and len(ballots) >= panel.seats


def open_wave_if_stuck(panel: Panel, count: AdaptiveCount, calibrated: Calibrated) -> int:
    """Open the next wave when the seats still open could not decide; returns how many
    seats were drawn (none at the cap, or while the open seats could still decide)."""
    if panel.seats_drawn >= panel.seats:
        return 0
    pending_ids = db.session.scalars(
        select(Seat.reviewer_id)
        .where(Seat.panel_id == panel.id, Seat.status == SeatStatus.OPEN.value)
        .order_by(Seat.id)
    ).all()
    pending = calibrated(panel.case_id, pending_ids)
    sides = ballot.sides(panel.options)
    in_seat_order = [pending[reviewer_id] for reviewer_id in pending_ids]
    if not needs_wave(count.weighed, in_seat_order, sides, panel.confidence):
        return 0
    return len(draw_wave(panel))


def draw_wave(panel: Panel) -> list[Seat]:
    """Open ``ADAPTIVE_WAVE`` more seats (fewer at the cap) by compare-and-set on the
    panel's wave count, then draw them; WaveAlreadyDrawn if another sweep did first."""
    waves, seats_drawn = panel.waves, panel.seats_drawn
    added = min(current_app.config["ADAPTIVE_WAVE"], panel.seats - seats_drawn)
    result = db.session.execute(
        update(Panel)
        .where(
            Panel.id == panel.id,
            Panel.status == PanelStatus.OPEN.value,
            Panel.waves == waves,
        )
        .values(waves=waves + 1, seats_drawn=seats_drawn + added)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise WaveAlreadyDrawn
    db.session.expire(panel)
    seats = drawing.draw_more(panel, added, DrawKind.WAVE)
    record_event(
        None,
        "panel.wave_drawn",
        panel,
        before={"seats_drawn": seats_drawn},
        after={"wave": waves + 1, "seats_drawn": seats_drawn + added, "seated": len(seats)},
    )
    return seats


def mark_counted(panel: Panel, votes: int) -> None:
    """The sweep has weighed ``votes`` of the panel's votes: it is not due again until
    another is cast (``counting.has_work``)."""
    db.session.execute(
        update(Panel)
        .where(Panel.id == panel.id)
        .values(counted_votes=votes)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(panel, ["counted_votes"])
