"""The losing side's appeal of a panel's verdict, from the case page."""

from flask import Blueprint, current_app, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import TextAreaField
from wtforms.validators import DataRequired, ValidationError

from app.cases.page import attempt, back_to, flash_errors, require, viewable_case
from app.core.forms import SiteForm
from app.jury import appeals
from app.jury.voting import JuryRefused, checked_reason

bp = Blueprint("jury_appeals", __name__)


class AppealForm(SiteForm):
    reason = TextAreaField(_l("Why the verdict is wrong"), validators=[DataRequired()])

    def validate_reason(self, field) -> None:
        try:
            checked_reason(field.data)
        except JuryRefused as refusal:
            raise ValidationError(str(refusal)) from refusal


@bp.app_context_processor
def _appeal_helpers() -> dict:
    def appeal_form(case) -> AppealForm | None:
        if not current_user.is_authenticated or not appeals.can_appeal(case, current_user):
            return None
        return AppealForm(formdata=None)

    return {
        "appeal_form": appeal_form,
        "appeal_panel_seats": lambda: current_app.config["APPEAL_PANEL_SEATS"],
    }


@bp.post("/cases/<int:case_id>/appeal")
@login_required
def appeal(case_id: int):
    case = viewable_case(case_id)
    require(appeals.can_appeal(case, current_user))
    form = AppealForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return back_to(case)
    error = attempt(lambda: appeals.appeal(case, current_user, form.reason.data))
    if error is None:
        flash(_("Your appeal is in: a new, larger panel of reviewers will decide."), "success")
    else:
        flash(str(error), "error")
    return back_to(case)
