"""The case timers' sweeps (design: Rules for the scheduler).

Each sweep reads the cases whose deadline has passed (or, for reminders, is near) and calls
the same transition function a person's action would, one case at a time inside a
savepoint. A case someone else moved first (``StaleCase``, a ``CaseRefused``) is skipped,
so two sweeps at once give each case one outcome, and a sweep after downtime catches up on
everything due. What each state does at its deadline is the scheduler's dispatch table
(``app.scheduler.deadlines``): several features own those transitions.
"""

from collections.abc import Callable, Mapping

from flask import current_app
from sqlalchemy import select

from app.cases import timers
from app.cases.models import Case
from app.cases.states import CaseState
from app.core import clock
from app.core.extensions import db
from app.core.sweeps import in_savepoint


def sweep_due_cases(on_deadline: Mapping[CaseState, Callable[[Case], None]]) -> int:
    """Carry out every transition whose timer has run out, as ``on_deadline`` says for each
    state; returns how many were made."""
    now = clock.now()
    due = db.session.execute(
        select(Case.id, Case.state)
        .where(Case.state.in_([s.value for s in on_deadline]), Case.deadline_at <= now)
        .order_by(Case.deadline_at)
        .limit(current_app.config["SWEEP_BATCH_SIZE"])
    ).all()
    return sum(_apply(case_id, on_deadline[CaseState(state)]) for case_id, state in due)


def sweep_deadline_reminders(who_must_act: Mapping[CaseState, Callable[[Case], list]]) -> int:
    """Remind whoever must act, once per deadline, when it is less than
    ``REMINDER_BEFORE_DEADLINE`` away; ``who_must_act`` says who that is in each state."""
    now = clock.now()
    soon = now + current_app.config["REMINDER_BEFORE_DEADLINE"]
    due = db.session.scalars(
        select(Case.id)
        .where(
            Case.state.in_([s.value for s in who_must_act]),
            Case.deadline_at > now,
            Case.deadline_at <= soon,
            (Case.reminded_deadline_at.is_(None)) | (Case.reminded_deadline_at != Case.deadline_at),
        )
        .order_by(Case.deadline_at)
        .limit(current_app.config["SWEEP_BATCH_SIZE"])
    ).all()
    return sum(_apply(case_id, timers.remind, who_must_act) for case_id in due)


def _apply(case_id: int, transition: Callable[..., None], *args) -> bool:
    def work() -> None:
        transition(db.session.get(Case, case_id, populate_existing=True), *args)

    return in_savepoint(work, f"case {case_id}: {transition.__name__}")
