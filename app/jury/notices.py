"""What a reviewer is told about a seat, in their language: that they hold it, with its
deadline and a link to it; and, if they have not voted, a reminder before it expires."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.core import clock
from app.core.extensions import db
from app.core.reminders import send_due_reminders
from app.core.zones import format_zoned
from app.jury.models import Panel, PanelStatus, Seat, SeatStatus
from app.notifications.models import MailKind
from app.notifications.outbox import message_to, queue_messages


def seat_link(seat_id: int) -> str:
    return f"/review/seats/{seat_id}"


def tell_seated(seats: list[Seat]) -> None:
    """Each newly seated reviewer hears of the seat (one statement for them all)."""
    reviewers = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_([seat.reviewer_id for seat in seats]))
        )
    }
    queue_messages(
        message_to(
            reviewers[seat.reviewer_id],
            f"seat-{seat.id}:seated",
            lambda seat=seat: _(
                "You have a seat on a reviewer panel: case #%(id)d", id=seat.panel.case_id
            ),
            lambda seat=seat: _(
                "Read the case and vote by %(deadline)s. If you cannot vote in time, recuse "
                "yourself on the seat's page so that another reviewer takes your place.",
                deadline=format_zoned(seat.vote_due_at),
            ),
            link=seat_link(seat.id),
            kind=MailKind.REVIEWER_SEATS,
        )
        for seat in seats
    )


def sweep_seat_reminders() -> int:
    """Remind each reviewer who has not voted before their seat expires, once."""
    return send_due_reminders(
        Seat,
        _remind,
        Seat.status == SeatStatus.OPEN.value,
        Seat.vote_due_at > clock.now(),
        Seat.panel_id.in_(select(Panel.id).where(Panel.status == PanelStatus.OPEN.value)),
    )


def _remind(seat: Seat) -> None:
    queue_messages(
        [
            message_to(
                seat.reviewer,
                f"seat-{seat.id}:reminder",
                lambda: _("Your vote on case #%(id)d is due soon", id=seat.panel.case_id),
                lambda: _(
                    "Your seat expires at %(deadline)s. Vote or recuse yourself before then: a "
                    "seat left without a vote goes to another reviewer and lowers your score.",
                    deadline=format_zoned(seat.vote_due_at),
                ),
                link=seat_link(seat.id),
                kind=MailKind.REMINDERS,
            )
        ]
    )
