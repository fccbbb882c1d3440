"""The forms of a decision's steps, and the words the case page uses for them."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.cases.forms import LONG_TEXT, counted
from app.core.forms import SiteForm
from app.execution.models import ObligationKind, ObligationStatus

# the services set no length: a proof or a reason is kept to a statement's length, and a
# tracking number to its column's width
TEXT_MAX_CHARS = 5000
TRACKING_NUMBER_MAX_CHARS = 80


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("Keep it within %(max)d characters."))


OBLIGATION_KIND_LABELS = {
    ObligationKind.REFUND: _l("Refund the buyer"),
    ObligationKind.COMPENSATION: _l("Pay the buyer compensation"),
    ObligationKind.RETURN_SHIPMENT: _l("Ship the goods back, with a tracking number"),
    ObligationKind.RECEIPT_CONFIRMATION: _l("Confirm the returned goods arrived"),
    ObligationKind.REPLACEMENT_SHIPMENT: _l("Ship a replacement"),
}
OBLIGATION_STATUS_LABELS = {
    ObligationStatus.WAITING: _l("Waiting for the step before"),
    ObligationStatus.OPEN: _l("To do"),
    ObligationStatus.DONE: _l("Done"),
    ObligationStatus.DISPUTED: _l("Disputed"),
    ObligationStatus.MISSED: _l("Missed"),
    ObligationStatus.CANCELLED: _l("Cancelled"),
}
# why a shop is restricted, as the public list and the admins read it
MISSED_STEP_LABELS = {
    ObligationKind.REFUND: _l("Did not refund the buyer in time"),
    ObligationKind.COMPENSATION: _l("Did not pay the buyer compensation in time"),
    ObligationKind.REPLACEMENT_SHIPMENT: _l("Did not ship a replacement in time"),
}


def missed_step_label(kind: str | None):
    return MISSED_STEP_LABELS.get(kind, _l("Missed a step of a settlement or decision"))


class MarkDoneForm(SiteForm):
    proof = TextAreaField(_l("What you did"), validators=[_at_most(TEXT_MAX_CHARS)], **LONG_TEXT)
    tracking_number = StringField(
        _l("Tracking number of the return parcel"),
        validators=[_at_most(TRACKING_NUMBER_MAX_CHARS)],
    )

    def __init__(self, obligation_id: int, *args, **kwargs):
        super().__init__(*args, prefix=f"done-{obligation_id}", **kwargs)
        counted(self.proof, TEXT_MAX_CHARS, rows=3)
        self.tracking_number.render_kw = {
            "maxlength": TRACKING_NUMBER_MAX_CHARS,
            "autocomplete": "off",
        }


class DisputeForm(SiteForm):
    reason = TextAreaField(_l("What is wrong"), validators=[_at_most(TEXT_MAX_CHARS)], **LONG_TEXT)

    def __init__(self, obligation_id: int, *args, **kwargs):
        super().__init__(*args, prefix=f"dispute-{obligation_id}", **kwargs)
        counted(self.reason, TEXT_MAX_CHARS, rows=3)
