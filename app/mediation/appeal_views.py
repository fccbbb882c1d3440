"""The appeal on the case page: the losing side's form, with its deadline and who will hear
it, and for everyone who may view the case, the appeal made and what came of it."""

from types import SimpleNamespace

from flask import Blueprint, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import TextAreaField
from wtforms.validators import DataRequired, ValidationError

from app.cases.confirming import ask, case_fingerprint
from app.cases.decisions import losing_sides
from app.cases.models import Case
from app.cases.page import back_to, render_case, require, viewable_case
from app.cases.states import DecisionKind
from app.core.confirm import Confirmation, confirmed_action
from app.core.forms import SiteForm
from app.jury.appeals import can_appeal, case_appeal
from app.jury.drawing import panel_size
from app.jury.models import Appeal, AppealHearing, PanelRound, PanelRule
from app.jury.voting import REASON_MAX_CHARS, JuryRefused, checked_reason
from app.mediation import appeals
from app.mediation.section import APPEAL_FORM

bp = Blueprint("appeals", __name__)


class AppealForm(SiteForm):
    reason = TextAreaField(
        _l("Why the decision is wrong"),
        validators=[DataRequired()],
        render_kw={"rows": 4, "maxlength": REASON_MAX_CHARS},
    )

    def validate_reason(self, field) -> None:
        try:
            checked_reason(field.data)
        except JuryRefused as refusal:
            raise ValidationError(str(refusal)) from refusal


def appeal_offer(case: Case, posted: AppealForm | None = None) -> SimpleNamespace | None:
    """The appeal the viewer may make now: the form (as ``posted``, if it was), who would
    hear it, until when."""
    if not current_user.is_authenticated or not can_appeal(case, current_user):
        return None
    return SimpleNamespace(
        form=posted or AppealForm(formdata=None),
        of_panel=case.decision_kind == DecisionKind.PANEL.value,
        to_mediator=appeals.heard_by(case) is AppealHearing.MEDIATOR,
        seats=panel_size(PanelRound.APPEAL).seats,
        sizes_itself=panel_size(PanelRound.APPEAL).rule is PanelRule.ADAPTIVE,
        either_side=len(losing_sides(case)) == 2,
        deadline_at=case.deadline_at,
    )


def appeal_made(case: Case) -> SimpleNamespace | None:
    """The case's appeal, and once the case is decided again, whether that upheld the
    decision appealed (the same remedy and amount)."""
    if case.appealed_at is None:  # set with the appeal row, in the same transaction
        return None
    appeal: Appeal | None = case_appeal(case)
    if appeal is None:
        return None
    decided_again = case.decided_at is not None  # an appeal clears the decision
    return SimpleNamespace(
        appeal=appeal,
        decided_again=decided_again,
        upheld=decided_again
        and (case.decision_remedy, case.decision_amount_fen)
        == (appeal.decision_remedy, appeal.decision_amount_fen),
    )


@bp.app_context_processor
def _appeal_helpers() -> dict:
    return {"appeal_offer": appeal_offer, "appeal_made": appeal_made}


@bp.post("/cases/<int:case_id>/appeal")
@login_required
def appeal(case_id: int):
    case = viewable_case(case_id)
    require(can_appeal(case, current_user))
    to_mediator = appeals.heard_by(case) is AppealHearing.MEDIATOR
    form = AppealForm()
    if not form.validate_on_submit():  # the case page again, the form as posted
        return render_case(case, 400, **{APPEAL_FORM: form})

    def done():
        if to_mediator:
            flash(_("Your appeal is in: a second mediator will decide the case again."), "success")
        else:
            flash(_("Your appeal is in: a new, larger panel of reviewers will decide."), "success")
        return back_to(case)

    def refused(error):
        flash(str(error), "error")
        return back_to(case)

    return confirmed_action(
        case_fingerprint(case),
        lambda: appeals.appeal(case, current_user, form.reason.data),
        lambda: _appeal_confirmation(case, to_mediator),
        done=done,
        refused=refused,
        back=lambda: render_case(case, 200, **{APPEAL_FORM: form}),
    )


def _appeal_confirmation(case: Case, to_mediator: bool) -> Confirmation:
    if to_mediator:
        heard = _("A second mediator, who has not handled the case before, decides it again.")
    else:
        size = panel_size(PanelRound.APPEAL)
        if size.rule is PanelRule.ADAPTIVE:
            heard = _(
                "A fresh panel of up to %(seats)d reviewers decides it again.", seats=size.seats
            )
        else:
            heard = _("A fresh panel of %(seats)d reviewers decides it again.", seats=size.seats)
    return ask(
        case,
        _("Appeal the decision of case #%(id)d?", id=case.id),
        [
            _("Appeal the decision, with your reason; the case has one appeal."),
            heard,
            _("What the appeal decides is final, even if it is worse for you."),
        ],
        _("Appeal"),
        anchor="appeal",
    )
