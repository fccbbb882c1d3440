"""The inbox's buttons are forms, so they carry a CSRF token; and the e-mail choices."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from app.core.forms import SiteForm
from app.notifications.models import CHOOSABLE_KINDS, MailKind


class MarkReadForm(SiteForm):
    """Mark one item read (and open its link)."""


class MarkAllReadForm(SiteForm):
    """Mark every item read."""


class MailChoicesForm(SiteForm):
    """One box per kind of e-mail, named as the kind; ticked means e-mailed. Only the boxes
    of the kinds shown (``kinds_for``) are read."""

    case_updates = BooleanField(
        _l("Updates on my cases"),
        description=_l("A case is opened, answered, decided or closed; a proposal or a question."),
    )
    reminders = BooleanField(
        _l("Reminders before a deadline"),
        description=_l("Sent before something you must do falls due."),
    )
    reviewer_seats = BooleanField(
        _l("Seats on reviewer panels"),
        description=_l("You are given a seat on a reviewer panel."),
    )
    staff_work = BooleanField(
        _l("Work for staff"),
        description=_l("A case is assigned to you; alerts for mediators and admins."),
    )

    def choices(self, kinds: list[MailKind]) -> dict[MailKind, bool]:
        return {kind: bool(self[kind.value].data) for kind in kinds}


def kinds_for(user) -> list[MailKind]:
    """The kinds a person is offered: staff work only to staff, who are the ones it reaches."""
    return [kind for kind in CHOOSABLE_KINDS if kind is not MailKind.STAFF_WORK or user.is_staff]
