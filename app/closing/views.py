"""After a case closes: the parties' ratings and the dossier download (design: Closing).

Both live on the case page through ``closing/_case_panel.html``, which asks
``closing_panel(case, current_user)`` what to show. As on every case route, someone who may
not view the case gets 404, someone who may view it but not do this gets 403.
"""

import tempfile
from types import SimpleNamespace

from flask import Blueprint, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.auth.models import User
from app.cases.forms import LONG_TEXT, counted
from app.cases.models import Case
from app.cases.page import (
    CaseSection,
    Placement,
    attempt,
    register_case_section,
    render_case,
    require,
    viewable_case,
)
from app.cases.states import CaseState
from app.closing.dossier.build import dossier_file_name, write_dossier
from app.closing.services import (
    ClosingRefused,
    can_download_dossier,
    can_rate,
    comment_limit,
    rate_case,
    rating_of,
    ratings_of,
    survey_closes_at,
)
from app.core.audit import record_event
from app.core.db import writes_on_get
from app.core.extensions import db
from app.core.forms import SiteForm, apply_error

bp = Blueprint("closing", __name__)


@bp.record_once
def _add_to_the_case_page(state) -> None:
    """Ratings and the dossier, at the foot of the page."""
    placement = Placement("after_closing", 10, "closing/_case_panel.html")
    register_case_section(state.app, CaseSection("closing", (placement,), _posted_rating))


def _posted_rating(_case: Case, _viewer: User, posted: dict) -> SimpleNamespace:
    """A rating posted with an error, shown again with it."""
    return SimpleNamespace(rating_form=posted.pop("rating_form", None))


SCORE_LABELS = {
    1: _l("1 – Very poor"),
    2: _l("2 – Poor"),
    3: _l("3 – Fair"),
    4: _l("4 – Good"),
    5: _l("5 – Very good"),
}


class RatingForm(SiteForm):
    score = RadioField(
        _l("How well was your case handled?"),
        choices=[SelectChoice(score, text) for score, text in SCORE_LABELS.items()],
        coerce=int,
        validators=[InputRequired(_l("Choose a score from 1 (very poor) to 5 (very good)."))],
    )
    comment = TextAreaField(_l("Comment (optional)"), **LONG_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted(self.comment, comment_limit(), rows=4)


# The panel on the case page


@bp.app_template_global()
def closing_panel(case: Case, user: User) -> SimpleNamespace | None:
    """What the closing panel shows ``user`` on ``case``'s page; None before closing."""
    if not user.is_authenticated or case.current_state is not CaseState.CLOSED:
        return None
    party = case.party_of(user)
    may_rate = can_rate(case, user)
    return SimpleNamespace(
        ratings=ratings_of(case),
        own_rating=rating_of(case, party) if party is not None else None,
        form=RatingForm(formdata=None) if may_rate else None,
        survey_closes_at=survey_closes_at(case),
        may_download=can_download_dossier(case, user),
    )


def _back_to(case: Case):
    return redirect(url_for("cases.show", case_id=case.id, _anchor="closing"))


@bp.post("/cases/<int:case_id>/rating")
@login_required
def rate(case_id: int):
    case = viewable_case(case_id)
    require(case.party_of(current_user) is not None)  # staff see the case, have nothing to rate
    form = RatingForm()
    if form.validate_on_submit():
        error = attempt(
            lambda: rate_case(case, current_user, form.score.data, form.comment.data),
        )
        if error is None:
            flash(_("Thank you: your rating is recorded."), "success")
            return _back_to(case)
        if not can_rate(case, current_user):  # rated or closed meanwhile: no form to show
            flash(str(error), "error")
            return _back_to(case)
        apply_error(form, error)
    return render_case(case, 400, rating_form=form)  # the form as posted, with its errors


@bp.get("/cases/<int:case_id>/dossier.zip")
@writes_on_get
@login_required
def dossier(case_id: int):
    case = viewable_case(case_id)
    require(can_download_dossier(case, current_user))
    # on disk rather than in memory: a dossier holds every video of the case
    output = tempfile.TemporaryFile()  # noqa: SIM115  (send_file closes it)
    try:
        write_dossier(case, output)
    except ClosingRefused as error:
        output.close()
        db.session.rollback()
        flash(str(error), "error")
        return _back_to(case)
    except BaseException:
        output.close()
        raise
    record_event(current_user, "case.dossier_exported", case)
    db.session.commit()
    size = output.tell()
    output.seek(0)
    response = send_file(
        output,
        mimetype="application/zip",
        as_attachment=True,
        download_name=dossier_file_name(case),
        conditional=False,
        etag=False,
    )
    response.content_length = size
    response.headers["Cache-Control"] = "private, no-store"
    return response
