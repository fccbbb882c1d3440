"""The negotiation thread on the case page, and the one route that writes in it.

Whoever may view the case reads its thread (parties and staff); only the parties and the
case's own mediator write, while the case is live (``app.cases.thread``). As on every case
route, someone who may not view the case gets 404, someone who may view it but not write 403.
"""

from types import SimpleNamespace

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import TextAreaField

from app.auth.models import User
from app.cases.forms import LONG_TEXT, counted
from app.cases.models import Case
from app.cases.page import (
    CaseSection,
    Placement,
    attempt,
    page_form,
    register_case_section,
    render_case,
    require,
    viewable_case,
)
from app.cases.states import CaseState
from app.cases.thread import THREAD_OPEN_STATES, can_post, post_to_thread, shown_thread
from app.core.extensions import limiter
from app.core.forms import SiteForm, apply_error

bp = Blueprint("thread", __name__)

# where the thread stands on the case page: after the proposal and the questions, just
# before both timelines
THREAD_PLACEMENT = Placement("negotiation", 30, "cases/_thread.html")


@bp.record_once
def _add_to_the_case_page(state) -> None:
    register_case_section(state.app, CaseSection("thread", (THREAD_PLACEMENT,), thread_panel))


class ThreadPostForm(SiteForm):
    text = TextAreaField(_l("Your message"), **LONG_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="thread", **kwargs)
        counted(self.text, current_app.config["THREAD_POST_MAX_CHARS"], rows=3)


def thread_panel(case: Case, viewer: User, posted: dict) -> SimpleNamespace:
    """The thread's messages as the viewer reads them, and the form if they may write."""
    may_post = can_post(case, viewer)
    return SimpleNamespace(
        posts=shown_thread(case, viewer.id),
        form=page_form(posted, "thread_form", may_post, lambda: ThreadPostForm(formdata=None)),
        open=case.current_state in THREAD_OPEN_STATES,
        closed=case.current_state is CaseState.CLOSED,
    )


@bp.post("/cases/<int:case_id>/thread")
@limiter.limit(lambda: current_app.config["THREAD_POST_RATE_LIMIT"], methods=["POST"])
@login_required
def post(case_id: int):
    case = viewable_case(case_id)
    require(can_post(case, current_user))
    form = ThreadPostForm()
    if form.validate_on_submit():
        error = attempt(lambda: post_to_thread(case, current_user, form.text.data or ""))
        if error is None:
            flash(_("Your message is in the thread; the others are told."), "success")
            return redirect(url_for("cases.show", case_id=case.id, _anchor="thread"))
        apply_error(form, error)
    return render_case(case, 400, thread_form=form)
