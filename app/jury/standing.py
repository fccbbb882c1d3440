"""An admin suspends a reviewer, or reinstates one (design: Administration).

A suspended reviewer is never drawn (the pool takes active reviewers only), and the seats
they still hold open are withdrawn at once: each becomes ``withdrawn``, which the counting
sweep fills with a fresh reviewer like a recused seat, within the panel's replacement
rounds, and which costs no score — a suspension is not a no-show. Votes they cast before
stay cast: they were given in good standing, and a panel's count is never rewritten.

The same withdrawal follows a suspension for a low score (``app.jury.reputation``).
Only an active reviewer is suspended (one still practising is drawn onto nothing), and
reinstating makes them active again. A reviewer reinstated with a low score is suspended
again by the next verdict they vote on, unless their score has risen.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.auth.models import User
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.core.text import checked_text
from app.jury.models import Panel, PanelStatus, Reviewer, ReviewerStatus, Seat, SeatStatus

REASON_MAX_CHARS = Reviewer.__table__.c.suspension_reason.type.length


class StandingRefused(Refused):
    """A suspension or reinstatement that cannot be made; the message says why."""


def suspend_reviewer(user: User, actor: User, reason: str) -> int:
    """Suspend ``user``'s reviewer record, saying why (the reviewer reads it); returns how
    many open seats were withdrawn. Refused unless they are an active reviewer."""
    reason = _checked_reason(reason, _l("Say why the reviewer is suspended."))
    reviewer = _reviewer(user)
    if reviewer.status == ReviewerStatus.PRACTISING.value:
        raise StandingRefused(
            _l("This reviewer has not passed the practice cases: nobody draws them yet.")
        )
    _move_standing(
        reviewer,
        ReviewerStatus.ACTIVE,
        ReviewerStatus.SUSPENDED,
        reason,
        refusal=_l("This reviewer is suspended already."),
    )
    withdrawn = withdraw_open_seats(user.id)
    record_event(
        actor,
        "reviewer.suspended",
        user,
        before={"status": ReviewerStatus.ACTIVE.value},
        after={
            "status": ReviewerStatus.SUSPENDED.value,
            "reason": reason,
            "seats_withdrawn": withdrawn,
        },
    )
    return withdrawn


def reinstate_reviewer(user: User, actor: User, reason: str) -> None:
    """Lift ``user``'s suspension, saying why; refused unless they are suspended."""
    reason = _checked_reason(reason, _l("Say why the reviewer is reinstated."))
    reviewer = _reviewer(user)
    _move_standing(
        reviewer,
        ReviewerStatus.SUSPENDED,
        ReviewerStatus.ACTIVE,
        None,
        refusal=_l("This reviewer is not suspended."),
    )
    record_event(
        actor,
        "reviewer.reinstated",
        user,
        before={"status": ReviewerStatus.SUSPENDED.value},
        after={"status": ReviewerStatus.ACTIVE.value, "reason": reason},
    )


def withdraw_open_seats(user_id: int) -> int:
    """Withdraw the reviewer's seats still waiting for a vote on open panels, by
    compare-and-set (a vote cast at the same moment keeps its seat); returns how many."""
    open_panels = select(Panel.id).where(Panel.status == PanelStatus.OPEN.value)
    result = db.session.execute(
        update(Seat)
        .where(
            Seat.reviewer_id == user_id,
            Seat.status == SeatStatus.OPEN.value,
            Seat.panel_id.in_(open_panels),
        )
        .values(status=SeatStatus.WITHDRAWN.value)
        .execution_options(synchronize_session=False)
    )
    for seat in db.session.identity_map.values():
        if isinstance(seat, Seat) and seat.reviewer_id == user_id:
            db.session.expire(seat)
    return result.rowcount


def _move_standing(
    reviewer: Reviewer,
    expect: ReviewerStatus,
    status: ReviewerStatus,
    suspension_reason: str | None,
    *,
    refusal,
) -> None:
    """Move the reviewer from ``expect`` to ``status`` by compare-and-set; refused with
    ``refusal`` when their standing was not ``expect`` (another admin moved it first)."""
    changed = db.session.execute(
        update(Reviewer)
        .where(Reviewer.user_id == reviewer.user_id, Reviewer.status == expect.value)
        .values(status=status.value, suspension_reason=suspension_reason)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(reviewer)
    if changed.rowcount != 1:
        raise StandingRefused(refusal)


def _reviewer(user: User) -> Reviewer:
    reviewer = db.session.get(Reviewer, user.id)
    if reviewer is None:
        raise StandingRefused(_l("This account has not enrolled as a reviewer."))
    return reviewer


def _checked_reason(reason: str | None, missing) -> str:
    return checked_text(
        reason, "reason", maximum=REASON_MAX_CHARS, missing=missing, refusal=StandingRefused
    )
