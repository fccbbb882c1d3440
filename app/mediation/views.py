"""The mediator's desk, the mediator's work on a case, and the parties' answers to the
mediator's proposals and questions (design: Mediation).

As on every case route: someone who may not view the case gets 404 (they learn nothing),
someone who may view it but not do this gets 403. Each action asks one predicate, calls
exactly one service function and commits once.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.forms import ButtonForm
from app.auth.models import Role, User
from app.cases import confirming, releases
from app.cases.confirming import confirmed_button_action, confirmed_form_action
from app.cases.forms import ConfirmForm
from app.cases.models import EvidenceEntry
from app.cases.page import (
    CaseSection,
    Placement,
    attempt,
    back_to,
    form_action,
    register_case_section,
    render_case,
    require,
    viewable_case,
)
from app.cases.states import CaseState
from app.cases.turns import register_turns
from app.cases.wording import entry_reference
from app.core import clock
from app.core.extensions import db
from app.core.forms import apply_error
from app.jury.turns import panel_progress
from app.mediation import appeals, confirmations, queue, saved_filters, services
from app.mediation.assignment import on_duty_mediators
from app.mediation.forms import (
    AnswerQuestionForm,
    DecisionForm,
    NoteForm,
    PanelForm,
    QuestionForm,
    QueueFilterForm,
    ReassignForm,
    RejectProposalForm,
    ReviewerReleaseForm,
    SaveFilterForm,
    SettlementForm,
)
from app.mediation.models import CaseQuestion, SavedDeskFilter
from app.mediation.queue import DeskFilter
from app.mediation.section import (
    REJECT_FORM,
    answer_form_name,
    may_answer_proposal,
    mediation_panel,
)
from app.mediation.sla import MEDIATOR_SLA_STATES
from app.mediation.turns import proposal_turns

bp = Blueprint("mediation", __name__)


@bp.record_once
def _add_to_the_case_page(state) -> None:
    """The appeal under the decision, the open proposal and the questions beside the
    negotiation; the mediator's tools."""
    placements = (
        Placement("next_steps", 10, "mediation/_next_steps.html"),
        Placement("outcome", 20, "mediation/_appeal.html"),
        Placement("negotiation", 10, "mediation/_proposal.html"),
        Placement("negotiation", 20, "mediation/_questions.html"),
        Placement("staff", 10, "mediation/_mediator.html"),
    )
    register_case_section(state.app, CaseSection("mediation", placements, mediation_panel))
    register_turns(state.app, {CaseState.PROPOSAL: proposal_turns})


QUEUE_PAGE_SIZE = 25


# The desk


@bp.get("/mediation/")
@login_required
def desk():
    require(current_user.is_staff)
    # no query string: the form's fields are fresh, and their markup is kept between pages
    filters = QueueFilterForm(formdata=request.args or None)
    return _render_desk(filters, SaveFilterForm(formdata=None))


def _render_desk(filters: QueueFilterForm, save_form: SaveFilterForm, status: int = 200):
    """The desk with ``filters`` applied; filters that do not validate are shown with their
    errors, and the whole working queue is listed."""
    valid = filters.validate()
    desk_filter = filters.desk_filter() if valid else DeskFilter()
    filter_args = filters.query_args() if valid else {}
    now = clock.now()
    may_reassign = current_user.has_role(Role.ADMIN)
    queue_page = queue.queue_page(desk_filter, current_user.id, now, QUEUE_PAGE_SIZE)
    sitting = [row.id for row in queue_page.items if row.state == CaseState.PANEL.value]
    return render_template(
        "mediation/desk.html",
        intake=queue.intake_page(QUEUE_PAGE_SIZE),
        filters=filters,
        filter_args=filter_args,
        searched_in_progress=bool(desk_filter.search) and desk_filter.state == "",
        queue=queue_page,
        panel_progress=panel_progress(sitting),
        counts=queue.desk_counts(current_user.id, now),
        counted_states=queue.COUNTED_STATES,
        saved_filters=saved_filters.saved_filters_of(current_user),
        save_form=save_form,
        sla_states=MEDIATOR_SLA_STATES,
        mediators=on_duty_mediators() if may_reassign else [],
        may_reassign=may_reassign,
    ), status


@bp.post("/mediation/saved-filters")
@login_required
def save_filter():
    require(current_user.is_staff)
    filters = QueueFilterForm(formdata=request.form)
    save_form = SaveFilterForm()
    if not filters.validate():
        abort(400)
    if save_form.validate_on_submit():
        name, query = save_form.name.data or "", filters.query_args()
        error = attempt(lambda: saved_filters.save_filter(current_user, name, query))
        if error is None:
            flash(_("Your filter is saved: it is listed above the queue."), "success")
            return redirect(url_for("mediation.desk", **query))
        apply_error(save_form, error)
    return _render_desk(filters, save_form, 400)


@bp.post("/mediation/saved-filters/<int:saved_id>/delete")
@login_required
def delete_saved_filter(saved_id: int):
    require(current_user.is_staff)
    saved = db.session.get(SavedDeskFilter, saved_id)
    if saved is None or not saved.belongs_to(current_user):
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = saved.name
    saved_filters.delete_filter(saved)
    db.session.commit()
    flash(_("The saved filter “%(name)s” is deleted.", name=name), "success")
    return redirect(url_for("mediation.desk", **request.args.to_dict()))


@bp.post("/mediation/cases/<int:case_id>/reassign")
@login_required
def reassign(case_id: int):
    case = viewable_case(case_id)
    require(case.can_reassign(current_user))
    form = ReassignForm()
    form.set_mediators(on_duty_mediators())
    if form.validate_on_submit():
        mediator = db.session.get(User, form.mediator.data)
        error = attempt(lambda: services.reassign(case, current_user, mediator))
        if error is None:
            flash(
                _(
                    "Case #%(id)d is now handled by %(name)s.",
                    id=case.id,
                    name=mediator.display_name,
                ),
                "success",
            )
        else:
            flash(str(error), "error")
    else:
        flash(_("Choose an on-duty mediator from the list."), "error")
    return redirect(url_for("mediation.desk", **request.args.to_dict()))


# The mediator's work on a case


@bp.post("/cases/<int:case_id>/mediation/notes")
@login_required
def add_note(case_id: int):
    case = viewable_case(case_id)
    require(case.can_see_internals(current_user))
    form = NoteForm()
    return form_action(
        case,
        "note_form",
        form,
        lambda: services.add_note(case, current_user, form.text.data or ""),
        _("Your note is added. Only staff can read it."),
    )


@bp.post("/cases/<int:case_id>/mediation/questions")
@login_required
def ask_question(case_id: int):
    case = viewable_case(case_id)
    require(case.can_ask_question(current_user))
    form = QuestionForm()
    return confirmed_form_action(
        case,
        "question_form",
        form,
        lambda: services.ask_question(
            case, current_user, form.chosen_party, form.text.data or "", form.hours.data
        ),
        _("Your question is sent. The answer will appear on that side's timeline."),
        lambda: confirming.on_colleagues_case(
            case, current_user, _("Ask a party a question."), "ask-question"
        ),
    )


@bp.post("/cases/<int:case_id>/mediation/reopen-evidence")
@login_required
def reopen_evidence(case_id: int):
    case = viewable_case(case_id)
    require(case.can_reopen_evidence(current_user))
    return confirmed_form_action(
        case,
        "reopen_form",
        ConfirmForm(),
        lambda: services.reopen_evidence_window(case, current_user),
        _("The evidence window is open again: both sides can add evidence."),
        lambda: confirming.on_colleagues_case(
            case, current_user, _("Reopen the evidence window."), "reopen-evidence"
        ),
    )


@bp.post("/cases/<int:case_id>/mediation/proposal")
@login_required
def propose(case_id: int):
    case = viewable_case(case_id)
    require(appeals.may_propose(case, current_user))
    form = SettlementForm()
    return confirmed_form_action(
        case,
        "proposal_form",
        form,
        lambda: services.propose_settlement(case, current_user, form.settlement()),
        _("Your proposal is sent to both sides."),
        lambda: confirmations.proposal(case, current_user, form.settlement()),
    )


@bp.post("/cases/<int:case_id>/mediation/decision")
@login_required
def decide(case_id: int):
    case = viewable_case(case_id)
    require(appeals.may_decide(case, current_user))
    form = DecisionForm()
    return confirmed_form_action(
        case,
        "decision_form",
        form,
        lambda: services.decide(case, current_user, form.settlement()),
        _("The case is decided. Both sides are told, with your reasons."),
        lambda: confirmations.decision(case, current_user, form.settlement()),
    )


@bp.post("/cases/<int:case_id>/mediation/panel")
@login_required
def route_to_panel(case_id: int):
    case = viewable_case(case_id)
    require(appeals.may_decide(case, current_user))
    form = PanelForm()
    return confirmed_form_action(
        case,
        "panel_form",
        form,
        lambda: services.route_to_panel(
            case,
            current_user,
            form.summary.data or "",
            form.question.data or "",
            form.partial_amount.fen,
            form.ballot_kind,
        ),
        _("The case goes to a reviewer panel."),
        lambda: confirming.on_colleagues_case(
            case, current_user, _("Send the case to a reviewer panel."), "route-to-panel"
        ),
    )


@bp.post("/cases/<int:case_id>/mediation/evidence/<int:entry_id>/reviewers")
@login_required
def release_to_reviewers(case_id: int, entry_id: int):
    """Release one file to the case's reviewers, or withhold it."""
    case = viewable_case(case_id)
    entry = db.session.get(EvidenceEntry, entry_id)
    if entry is None or entry.case_id != case.id or entry.stored_name is None:
        abort(404)
    require(releases.can_decide_release(case, current_user))
    form = ReviewerReleaseForm()
    if not form.validate_on_submit():
        abort(400)
    error = attempt(lambda: releases.decide_release(entry, current_user, form.release))
    if error is not None:
        flash(str(error), "error")
    elif form.release:
        flash(_("Reviewers now see %(entry)s.", entry=entry_reference(entry)), "success")
    else:
        flash(_("Reviewers no longer see %(entry)s.", entry=entry_reference(entry)), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="reviewer-files"))


# The parties' answers


@bp.post("/cases/<int:case_id>/proposal/accept")
@login_required
def accept_proposal(case_id: int):
    case = viewable_case(case_id)
    proposal = services.open_proposal(case)
    require(may_answer_proposal(proposal, current_user))
    return confirmed_button_action(
        case,
        lambda: services.answer_proposal(case, current_user, True),
        _("You accepted the proposal."),
        confirmations.accepting_proposal(case),
        proposal.id,
    )


@bp.post("/cases/<int:case_id>/proposal/reject")
@login_required
def reject_proposal(case_id: int):
    case = viewable_case(case_id)
    proposal = services.open_proposal(case)
    require(may_answer_proposal(proposal, current_user))
    form = RejectProposalForm()
    reason = form.reason.data or ""
    return confirmed_form_action(
        case,
        REJECT_FORM,
        form,
        lambda: services.answer_proposal(case, current_user, False, reason),
        _("You rejected the proposal: the case goes back to the mediator."),
        lambda: confirmations.rejecting_proposal(case, reason.strip()),
        proposal.id,
    )


@bp.post("/cases/<int:case_id>/questions/<int:question_id>/answer")
@login_required
def answer_question(case_id: int, question_id: int):
    case = viewable_case(case_id)
    question = db.session.get(CaseQuestion, question_id)
    if question is None or question.case_id != case.id:
        abort(404)
    require(question.can_answer(current_user))
    form = AnswerQuestionForm(question.id)
    if form.validate_on_submit():
        text = form.text.data or ""
        error = attempt(
            lambda: services.answer_question(question, current_user, text),
        )
        if error is None:
            flash(_("Your answer is added to your timeline."), "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, **{answer_form_name(question): form})
