"""Which evidence files reviewers may see: the mediator releases or withholds each one
(design: Crowd review, "What a reviewer sees").

Text entries are always shown to reviewers, redacted. Files are judged by a person first,
because the pixels inside a photo, a PDF or a video are never redacted: a photo is shown
unless the case's mediator withholds it; a PDF or a video only once the mediator has released
it, after looking at it. The decision lives in its own small table (``reviewer_releases``),
one row per entry, so the append-only, hash-chained entry is never touched. A decision can
be changed at any time, the last one stands, and the seat pages read it on every request:
a change reaches an open panel's reviewers at once. Each decision leaves an audit event.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.models import User
from app.cases.models import FILE_KINDS, Case, EvidenceEntry, EvidenceKind
from app.core import clock
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db

# what reviewers see of a file before the mediator has decided
SHOWN_UNTIL_DECIDED = {EvidenceKind.IMAGE: True, EvidenceKind.PDF: False, EvidenceKind.VIDEO: False}


class ReviewerRelease(db.Model):
    """The mediator's decision whether reviewers may see one evidence file."""

    __tablename__ = "reviewer_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # one decision per entry: two mediators deciding at once update the same row
    entry_id: Mapped[int] = mapped_column(ForeignKey("evidence_entries.id"), unique=True)
    released: Mapped[bool]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=clock.now)


class ReleaseRefused(Refused):
    """A release or withholding that cannot be done; the message says why."""


def can_decide_release(case: Case, user: User) -> bool:
    """Only the mediator the case is assigned to decides what its reviewers see."""
    return case.mediator_id == user.id and case.mediates(user)


def decisions_of(case: Case) -> dict[int, bool]:
    """Each decided entry of ``case`` and whether it is released: one query for a page."""
    rows = db.session.execute(
        select(ReviewerRelease.entry_id, ReviewerRelease.released)
        .join(EvidenceEntry, EvidenceEntry.id == ReviewerRelease.entry_id)
        .where(EvidenceEntry.case_id == case.id)
    )
    return dict(rows.tuples().all())


def is_released_to_reviewers(
    entry: EvidenceEntry, decisions: dict[int, bool] | None = None
) -> bool:
    """Whether reviewers see ``entry``: text always; a file as its mediator decided, or else
    as its kind starts. ``decisions`` (from ``decisions_of``) spares a query per entry."""
    if entry.kind not in FILE_KINDS:
        return True
    if decisions is None:
        decisions = _decision_of(entry)
    return decisions.get(entry.id, SHOWN_UNTIL_DECIDED[EvidenceKind(entry.kind)])


def _decision_of(entry: EvidenceEntry) -> dict[int, bool]:
    released = db.session.scalar(
        select(ReviewerRelease.released).where(ReviewerRelease.entry_id == entry.id)
    )
    return {} if released is None else {entry.id: released}


def decide_release(entry: EvidenceEntry, mediator: User, released: bool) -> bool:
    """Release ``entry`` to the case's reviewers, or withhold it; True if that changed what
    they see (asking for what already is changes nothing and records nothing). The caller
    commits."""
    if not can_decide_release(entry.case, mediator):
        raise ReleaseRefused(_l("Only the case's mediator decides what reviewers see."))
    if entry.kind not in FILE_KINDS:
        raise ReleaseRefused(_l("Text entries are always shown to reviewers, redacted."))
    row = _locked_decision(entry.id)
    if row is None:
        if released == SHOWN_UNTIL_DECIDED[EvidenceKind(entry.kind)]:
            return False
        if _inserted(
            ReviewerRelease(entry_id=entry.id, released=released, decided_by_id=mediator.id)
        ):
            _record(entry, mediator, released)
            return True
        row = _locked_decision(entry.id)  # decided at the same instant elsewhere: ours comes last
    if row.released == released:
        return False
    row.released, row.decided_by_id, row.decided_at = released, mediator.id, clock.now()
    _record(entry, mediator, released)
    return True


def _locked_decision(entry_id: int) -> ReviewerRelease | None:
    return db.session.scalar(
        select(ReviewerRelease).where(ReviewerRelease.entry_id == entry_id).with_for_update()
    )


def _inserted(row: ReviewerRelease) -> bool:
    """Whether ``row`` went in; False if the entry's decision was inserted first elsewhere."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        if _locked_decision(row.entry_id) is None:
            raise  # not a lost race but a real fault
        return False
    return True


def _record(entry: EvidenceEntry, mediator: User, released: bool) -> None:
    action = "evidence.released_to_reviewers" if released else "evidence.withheld_from_reviewers"
    record_event(
        mediator,
        action,
        entry.case,
        before={"entry_id": entry.id, "released": not released},
        after={"entry_id": entry.id, "released": released},
    )
