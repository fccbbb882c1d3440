"""Becoming a reviewer: apply, answer the practice cases, pass or try again later
(design: Crowd review, Enrolment).

A user who meets every requirement (``eligibility.is_eligible``) enrols as *practising*,
is given ``PRACTICE_CASES`` practice cases drawn at random from the gold bank for them
(stored, so the set stays the same however often the page is read), answers each once, and
becomes *active* with at least ``PRACTICE_PASS_MARK`` correct answers. One who falls short
stays practising and may start the practice again ``PRACTICE_RETRY_AFTER`` after the last
answer, on a fresh set drawn from the cases they have not read where the bank has enough.
Drawn sets differ, so answers passed from one applicant to the next help little.

The invariants rest on the database: one reviewer row per user (its primary key), one answer
per user and case (a unique constraint), counters moved by ``UPDATE … SET n = n + 1`` and
activation by a compare-and-set, so two requests at once cannot both count.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core import clock
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.jury.eligibility import is_eligible
from app.jury.gold.bank import draw_practice_keys, practice_keys
from app.jury.gold.models import GoldCase, PracticeAssignment
from app.jury.models import PracticeAnswer, Reviewer, ReviewerStatus
from app.jury.practice import PracticeCase, shown


class EnrolmentRefused(Refused):
    """An enrolment step that cannot be done; ``field`` names the form field at fault, or
    None."""


class PracticeOutcome(StrEnum):
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class PracticeProgress:
    answered: int
    correct: int
    required: int  # how many cases are set
    pass_mark: int
    outcome: PracticeOutcome


def _practice_count() -> int:
    return current_app.config["PRACTICE_CASES"]


def _pass_mark() -> int:
    return current_app.config["PRACTICE_PASS_MARK"]


def _retry_after() -> timedelta:
    return current_app.config["PRACTICE_RETRY_AFTER"]


def reviewer_of(user: User) -> Reviewer | None:
    return db.session.get(Reviewer, user.id)


def enrol(user: User, rng: random.Random | None = None) -> Reviewer:
    """Enrol ``user`` as a practising reviewer with a practice set drawn by ``rng`` (by
    default the system's), or return their existing reviewer record."""
    existing = reviewer_of(user)
    if existing is not None:
        return existing
    if not is_eligible(user):
        raise EnrolmentRefused(_l("You cannot apply yet: every requirement must be met."))
    reviewer = Reviewer(user_id=user.id, status=ReviewerStatus.PRACTISING.value)
    try:
        with db.session.begin_nested():
            db.session.add(reviewer)
            db.session.flush()
            keys = _assign_practice(user, rng or secrets.SystemRandom())
    except IntegrityError:  # a second request enrolled the same user first
        return db.session.get(Reviewer, user.id, populate_existing=True)
    record_event(
        user, "reviewer.enrolled", user, after={"status": reviewer.status, "practice": keys}
    )
    db.session.flush()
    return reviewer


def _assign_practice(user: User, rng: random.Random, avoid: list[str] = ()) -> list[str]:
    """Draw and store ``user``'s practice set; returns its keys, in order."""
    keys = draw_practice_keys(practice_keys(), _practice_count(), rng, avoid)
    db.session.add_all(
        PracticeAssignment(user_id=user.id, gold_key=key, position=position)
        for position, key in enumerate(keys)
    )
    db.session.flush()
    return keys


def _assigned(user: User) -> list[GoldCase]:
    return list(
        db.session.scalars(
            select(GoldCase)
            .join(PracticeAssignment, PracticeAssignment.gold_key == GoldCase.key)
            .where(PracticeAssignment.user_id == user.id)
            .order_by(PracticeAssignment.position)
        )
    )


def practice_set(user: User) -> list[PracticeCase]:
    """The practice cases drawn for ``user``, in the reader's language, in order."""
    return [shown(gold) for gold in _assigned(user)]


def practice_answers(user: User) -> dict[str, PracticeAnswer]:
    rows = db.session.scalars(select(PracticeAnswer).where(PracticeAnswer.user_id == user.id))
    return {row.practice_key: row for row in rows}


def practice_progress(reviewer: Reviewer) -> PracticeProgress:
    required, pass_mark = _practice_count(), _pass_mark()
    if reviewer.status != ReviewerStatus.PRACTISING.value:
        outcome = PracticeOutcome.PASSED
    elif reviewer.practice_answered >= required:
        outcome = PracticeOutcome.FAILED
    else:
        outcome = PracticeOutcome.IN_PROGRESS
    return PracticeProgress(
        reviewer.practice_answered, reviewer.practice_correct, required, pass_mark, outcome
    )


def practice_accuracy(reviewer: Reviewer) -> float | None:
    """Share of practice cases answered correctly, or None before the first answer."""
    if not reviewer.practice_answered:
        return None
    return reviewer.practice_correct / reviewer.practice_answered


def answer_practice(user: User, key: str, option: str) -> PracticeAnswer:
    """Record ``user``'s answer to practice case ``key``; once per case. The last answer of the
    set activates a reviewer who reached the pass mark."""
    reviewer = reviewer_of(user)
    if reviewer is None:
        raise EnrolmentRefused(_l("Apply to become a reviewer first."))
    if reviewer.status != ReviewerStatus.PRACTISING.value:
        raise EnrolmentRefused(_l("You have already passed the practice cases."))
    gold = next((gold for gold in _assigned(user) if gold.key == key), None)
    if gold is None:
        raise EnrolmentRefused(_l("There is no such practice case."))
    if option not in shown(gold).options:
        raise EnrolmentRefused(_l("Choose one of the answers."), field="option")
    answer = PracticeAnswer(
        user_id=user.id,
        practice_key=key,
        option=option,
        correct=option == gold.answer,
        truth_side=gold.truth_side,
        category=gold.category,
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:
        raise EnrolmentRefused(_l("You have already answered this practice case.")) from None
    db.session.execute(
        update(Reviewer)
        .where(Reviewer.user_id == user.id)
        .values(
            practice_answered=Reviewer.practice_answered + 1,
            practice_correct=Reviewer.practice_correct + int(answer.correct),
        )
        .execution_options(synchronize_session=False)
    )
    activated = db.session.execute(
        update(Reviewer)
        .where(
            Reviewer.user_id == user.id,
            Reviewer.status == ReviewerStatus.PRACTISING.value,
            Reviewer.practice_answered >= _practice_count(),
            Reviewer.practice_correct >= _pass_mark(),
        )
        .values(status=ReviewerStatus.ACTIVE.value, activated_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(reviewer)
    if activated.rowcount == 1:
        record_event(
            user,
            "reviewer.activated",
            user,
            after={"practice_correct": reviewer.practice_correct},
        )
    db.session.flush()
    return answer


def may_restart_practice_at(reviewer: Reviewer):
    """When a reviewer who failed the practice may start again; None if they have not failed."""
    if practice_progress(reviewer).outcome is not PracticeOutcome.FAILED:
        return None
    last = db.session.scalar(
        select(func.max(PracticeAnswer.answered_at)).where(
            PracticeAnswer.user_id == reviewer.user_id
        )
    )
    last = last or reviewer.enrolled_at
    if last.tzinfo is None:  # SQLite returns naive datetimes from an aggregate
        last = last.replace(tzinfo=clock.now().tzinfo)
    return last + _retry_after()


def restart_practice(user: User, rng: random.Random | None = None) -> Reviewer:
    """Clear the answers of a reviewer who failed the practice, once the wait is over, and
    draw them a fresh practice set."""
    reviewer = reviewer_of(user)
    retry_at = may_restart_practice_at(reviewer) if reviewer is not None else None
    if retry_at is None:
        raise EnrolmentRefused(_l("There is no failed practice to start again."))
    if clock.now() < retry_at:
        raise EnrolmentRefused(_l("You can start the practice again after a week."))
    db.session.execute(delete(PracticeAnswer).where(PracticeAnswer.user_id == user.id))
    changed = db.session.execute(
        update(Reviewer)
        .where(
            Reviewer.user_id == user.id,
            Reviewer.status == ReviewerStatus.PRACTISING.value,
            Reviewer.practice_answered == reviewer.practice_answered,
        )
        .values(practice_answered=0, practice_correct=0)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise EnrolmentRefused(_l("Your practice changed meanwhile; please reload the page."))
    db.session.refresh(reviewer)
    failed = [gold.key for gold in _assigned(user)]
    db.session.execute(delete(PracticeAssignment).where(PracticeAssignment.user_id == user.id))
    keys = _assign_practice(user, rng or secrets.SystemRandom(), failed)
    record_event(user, "reviewer.practice_restarted", user, after={"practice": keys})
    db.session.flush()
    return reviewer
