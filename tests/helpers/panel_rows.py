"""Panels, seats, votes and tallies written straight as rows, without drawing or counting:
for the pages that show them."""

from datetime import timedelta

from flask import current_app, render_template
from flask_login import login_user

from app.core import clock
from app.core.extensions import db
from app.jury.models import Panel, Seat, Tally, Vote

OPTIONS = ["grant:full_refund:19900", "reject"]


def make_panel(case, *, status: str = "open", **fields) -> Panel:
    now = clock.now()
    panel = Panel(
        case_id=case.id,
        round=fields.pop("round", "first"),
        status=status,
        seats=17,
        majority=9,
        options=fields.pop("options", OPTIONS),
        question=fields.pop("question", "Should the buyer get a full refund?"),
        summary=fields.pop("summary", "The parcel arrived with a cracked screen."),
        seed="0" * 64,
        pool=[],
        deadline_at=now + timedelta(hours=72),
        closed_at=None if status == "open" else now,
        **fields,
    )
    db.session.add(panel)
    db.session.flush()
    return panel


def seat_for(panel: Panel, reviewer) -> Seat:
    seat = Seat(panel=panel, reviewer=reviewer, vote_due_at=clock.now() + timedelta(hours=24))
    db.session.add(seat)
    db.session.flush()
    return seat


def vote_on(seat: Seat, option: str, reason: str) -> Vote:
    seat.status = "voted"
    vote = Vote(seat_id=seat.id, panel_id=seat.panel_id, option=option, reason=reason)
    db.session.add(vote)
    db.session.flush()
    return vote


def close_panel(panel: Panel, status: str = "decided", verdict: str | None = OPTIONS[0]) -> None:
    votes = db.session.query(Vote).filter_by(panel_id=panel.id).all()
    counts = {option: sum(v.option == option for v in votes) for option in panel.options}
    panel.status = status
    panel.closed_at = clock.now()
    db.session.add(Tally(panel_id=panel.id, counts=counts, verdict=verdict, votes_cast=len(votes)))
    db.session.flush()


def outcome_html(case, user) -> str:
    """The parties' partial, as the case page includes it."""
    with current_app.test_request_context("/"):
        if user is not None:
            login_user(user)
        from flask_login import current_user

        return render_template("jury/_outcome.html", case=case, current_user=current_user)
