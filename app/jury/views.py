"""Crowd review, the reviewer's side: who may apply, enrolment and the practice cases, and
the reviewer's own record. The seats and ballots live in ``seat_views``."""

from collections.abc import Callable, Iterable
from dataclasses import replace
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from app.cases.models import Case
from app.cases.page import CaseSection, Placement, attempt, flash_errors, register_case_section
from app.cases.states import CaseState
from app.cases.turns import register_turns
from app.core import clock
from app.core.extensions import db
from app.jury import ballot
from app.jury.calibrated_standing import calibrated_standing
from app.jury.draw_log import case_draws
from app.jury.eligibility import reviewer_requirements
from app.jury.enrolment import (
    PracticeOutcome,
    answer_practice,
    enrol,
    may_restart_practice_at,
    practice_accuracy,
    practice_answers,
    practice_progress,
    practice_set,
    restart_practice,
    reviewer_of,
)
from app.jury.forms import EnrolForm, RestartPracticeForm, practice_form
from app.jury.gold.bank import gold_case
from app.jury.gold.models import GoldSource
from app.jury.models import ReviewerStatus, Seat
from app.jury.outcomes import ClosedSeat, closed_seats
from app.jury.practice import OPTION_LABELS
from app.jury.redaction import Redactor
from app.jury.reputation import SeatRecord, history, level
from app.jury.turns import appeal_turns, panel_turns
from app.jury.voting import votable_seats

bp = Blueprint("jury", __name__, url_prefix="/review")


@bp.record_once
def _add_to_the_case_page(state) -> None:
    """A closed panel's outcome, under the decision, then how each panel was drawn; on a
    closed case, for staff, the way into the gold bank (``app.jury.gold.views``)."""
    placements = (
        Placement("outcome", 10, "jury/_outcome.html"),
        Placement("after_closing", 90, "jury/gold/_offer.html"),
    )
    register_case_section(state.app, CaseSection("jury", placements))
    draws = (Placement("outcome", 40, "jury/_draws.html"),)
    register_case_section(
        state.app,
        CaseSection("panel_draws", draws, lambda case, _viewer, _posted: case_draws(case.id)),
    )
    register_turns(state.app, {CaseState.PANEL: panel_turns, CaseState.DECIDED: appeal_turns})


def _back():
    return redirect(url_for("jury.index"))


@bp.get("/")
@login_required
def index():
    requirements = reviewer_requirements(current_user)
    reviewer = reviewer_of(current_user)
    context = {
        "requirements": requirements,
        "eligible": all(r.met for r in requirements),
        "reviewer": reviewer,
        "enrol_form": EnrolForm(formdata=None),
        "option_labels": OPTION_LABELS,
    }
    if reviewer is not None and reviewer.status == ReviewerStatus.PRACTISING.value:
        progress = practice_progress(reviewer)
        answers = practice_answers(current_user)
        restart_at = may_restart_practice_at(reviewer)
        context.update(
            progress=progress,
            practice=[
                (case, answers.get(case.key), practice_form(case.key, formdata=None))
                for case in practice_set(current_user)
            ],
            restart_at=restart_at,
            may_restart=restart_at is not None and clock.now() >= restart_at,
            restart_form=RestartPracticeForm(formdata=None),
            failed=progress.outcome is PracticeOutcome.FAILED,
        )
    elif reviewer is not None:
        context.update(
            open_seats=db.session.scalars(
                votable_seats(current_user).options(contains_eager(Seat.panel))
            ).all(),
            level=level(reviewer.score),
            accuracy=practice_accuracy(reviewer),
            standing=calibrated_standing(reviewer),
            history=_labelled(history(current_user)),
            fallen=_fallen(closed_seats(current_user)),
        )
    return render_template("jury/index.html", **context)


def _labelled(records: list[SeatRecord]) -> list[SeatRecord]:
    """The reviewer's panels with their vote and the verdict in the reader's language. An
    option written before ballots had keys is the mediator's words and may name a party:
    it is redacted as on the seat page."""
    redact = _redactors_for((record.case_id, (record.vote, record.verdict)) for record in records)
    return [
        replace(
            record,
            vote=record.vote and ballot.shown(record.vote, redact.get(record.case_id, str)),
            verdict=record.verdict
            and ballot.shown(record.verdict, redact.get(record.case_id, str)),
        )
        for record in records
    ]


def _fallen(seats: list[ClosedSeat]) -> list[SimpleNamespace]:
    """How each closed panel fell, its options in the reader's language (redacted as in
    ``_labelled``)."""
    redact = _redactors_for((seat.case_id, seat.options) for seat in seats)
    shown = []
    for seat in seats:
        clean = redact.get(seat.case_id, str)
        shown.append(
            SimpleNamespace(
                seat=seat,
                counts=[(ballot.shown(key, clean), count) for key, count in seat.counts.items()],
                vote=seat.vote and ballot.shown(seat.vote, clean),
                verdict=seat.verdict and ballot.shown(seat.verdict, clean),
            )
        )
    return shown


def _redactors_for(
    keys_by_case: Iterable[tuple[int, Iterable[str | None]]],
) -> dict[int, Callable[[str], str]]:
    """A redaction for each case one of whose ballot ``keys`` is written in words."""
    with_words = {
        case_id
        for case_id, keys in keys_by_case
        for key in keys
        if key and ballot.parse(key).is_custom
    }
    return _redactors(with_words) if with_words else {}


def _redactors(case_ids: set[int]) -> dict[int, Callable[[str], str]]:
    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(case_ids))
        .options(
            selectinload(Case.order),
            selectinload(Case.buyer),
            selectinload(Case.seller),
            selectinload(Case.evidence),
        )
    )
    return {case.id: Redactor(case).redact for case in cases}


@bp.post("/enrol")
@login_required
def apply():
    form = EnrolForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back()
    error = attempt(lambda: enrol(current_user))
    if error is None:
        flash(_("You are enrolled. Answer the practice cases below."), "success")
    else:
        flash(str(error), "error")
    return _back()


@bp.post("/practice/<key>")
@login_required
def answer(key: str):
    gold = gold_case(key)
    if gold is None or gold.source != GoldSource.PRACTICE.value:
        abort(404)
    form = practice_form(key)
    if not form.validate_on_submit():
        flash_errors(form)
        return _back()
    error = attempt(
        lambda: answer_practice(current_user, key, form.option.data),
    )
    if error is not None:
        flash(str(error), "error")
        return _back()
    reviewer = reviewer_of(current_user)
    progress = practice_progress(reviewer)
    if progress.outcome is PracticeOutcome.PASSED:
        flash(
            _(
                "You passed: %(correct)d of %(total)d correct. You can now be drawn onto panels.",
                correct=progress.correct,
                total=progress.required,
            ),
            "success",
        )
    elif progress.outcome is PracticeOutcome.FAILED:
        flash(
            _(
                "You did not pass: %(correct)d of %(total)d correct, %(needed)d needed.",
                correct=progress.correct,
                total=progress.required,
                needed=progress.pass_mark,
            ),
            "error",
        )
    else:
        flash(_("Your answer is recorded."), "success")
    return _back()


@bp.post("/practice/restart")
@login_required
def restart():
    form = RestartPracticeForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back()
    error = attempt(lambda: restart_practice(current_user))
    if error is None:
        flash(_("Your earlier answers are cleared. Answer the practice cases again."), "success")
    else:
        flash(str(error), "error")
    return _back()
