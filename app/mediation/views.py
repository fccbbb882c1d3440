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
from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import Role, User
from app.cases import releases
from app.cases.models import SEVERITY_RANK, Case, CaseState, EvidenceEntry
from app.cases.page import (
    CaseSection,
    Placement,
    attempt,
    back_to,
    button_action,
    form_action,
    register_case_section,
    render_case,
    require,
    viewable_case,
)
from app.cases.wording import entry_reference
from app.core import clock
from app.core.extensions import db
from app.core.forms import apply_error
from app.core.pages import paginate
from app.mediation import appeals, services
from app.mediation.assignment import on_duty_mediators
from app.mediation.forms import (
    AnswerQuestionForm,
    DecisionForm,
    NoteForm,
    PanelForm,
    QuestionForm,
    QueueFilterForm,
    ReassignForm,
    ReviewerReleaseForm,
    SettlementForm,
)
from app.mediation.models import CaseQuestion
from app.mediation.section import answer_form_name, may_answer_proposal, mediation_panel

bp = Blueprint("mediation", __name__)


@bp.record_once
def _add_to_the_case_page(state) -> None:
    """The appeal under the decision, the open proposal and the questions beside the
    negotiation; the mediator's tools."""
    placements = (
        Placement("outcome", 20, "mediation/_appeal.html"),
        Placement("negotiation", 10, "mediation/_proposal.html"),
        Placement("negotiation", 20, "mediation/_questions.html"),
        Placement("staff", 10, "mediation/_mediator.html"),
    )
    register_case_section(state.app, CaseSection("mediation", placements, mediation_panel))


QUEUE_PAGE_SIZE = 25
OPEN_STATES = [state.value for state in CaseState if state is not CaseState.CLOSED]
# a passed deadline in these states is the mediators' own SLA missed; in the others, a timer
# the scheduler has yet to act on
SLA_STATES = frozenset({CaseState.FILED.value, CaseState.MEDIATION.value})
# urgent first, then important, then general (design: Claims)
SEVERITY_ORDER = sql_case(
    {severity.value: rank for severity, rank in SEVERITY_RANK.items()},
    value=Case.severity,
    else_=len(SEVERITY_RANK),
)


# The desk


@bp.get("/mediation/")
@login_required
def desk():
    require(current_user.is_staff)
    filters = QueueFilterForm(formdata=request.args)
    if not filters.validate():
        filters = QueueFilterForm(formdata=None)
    queue = paginate(_queue(filters), QUEUE_PAGE_SIZE)
    may_reassign = current_user.has_role(Role.ADMIN)
    return render_template(
        "mediation/desk.html",
        intake=db.paginate(_waiting_for_intake(), page=1, per_page=QUEUE_PAGE_SIZE),
        filters=filters,
        filter_args=_filter_args(filters),
        queue=queue,
        sla_states=SLA_STATES,
        mediators=on_duty_mediators() if may_reassign else [],
        may_reassign=may_reassign,
    )


def _waiting_for_intake():
    """Filed cases, most urgent and oldest first; the desk shows the top of the list."""
    return (
        select(Case)
        .where(Case.state == CaseState.FILED.value)
        .options(selectinload(Case.order))
        .order_by(SEVERITY_ORDER, Case.filed_at, Case.id)
    )


def _queue(filters: QueueFilterForm):
    """Every open case, urgent first, then the nearest deadline; narrowed by the filters."""
    statement = (
        select(Case)
        .where(Case.state.in_(OPEN_STATES))
        .options(
            selectinload(Case.order),
            selectinload(Case.mediator),
            # the deadline's label asks each case for a counter-offer waiting for an answer
            selectinload(Case.counter_offers),
        )
        .order_by(SEVERITY_ORDER, Case.deadline_at.is_(None), Case.deadline_at, Case.id)
    )
    if filters.assigned.data == "mine":
        statement = statement.where(Case.mediator_id == current_user.id)
    elif filters.assigned.data == "unassigned":
        statement = statement.where(Case.mediator_id.is_(None))
    if filters.claim_type.data:
        statement = statement.where(Case.claim_type == filters.claim_type.data)
    if filters.overdue.data:
        statement = statement.where(Case.deadline_at <= clock.now())
    return statement


def _filter_args(filters: QueueFilterForm) -> dict[str, str]:
    """The filters as query parameters, for the page links."""
    args = {"assigned": filters.assigned.data, "claim_type": filters.claim_type.data}
    if filters.overdue.data:
        args["overdue"] = "y"
    return {key: value for key, value in args.items() if value}


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
    return form_action(
        case,
        "question_form",
        form,
        lambda: services.ask_question(
            case, current_user, form.chosen_party, form.text.data or "", form.hours.data
        ),
        _("Your question is sent. The answer will appear on that side's timeline."),
    )


@bp.post("/cases/<int:case_id>/mediation/reopen-evidence")
@login_required
def reopen_evidence(case_id: int):
    case = viewable_case(case_id)
    require(case.can_reopen_evidence(current_user))
    return button_action(
        case,
        lambda: services.reopen_evidence_window(case, current_user),
        _("The evidence window is open again: both sides can add evidence."),
    )


@bp.post("/cases/<int:case_id>/mediation/proposal")
@login_required
def propose(case_id: int):
    case = viewable_case(case_id)
    require(appeals.may_propose(case, current_user))
    form = SettlementForm()
    return form_action(
        case,
        "proposal_form",
        form,
        lambda: services.propose_settlement(case, current_user, form.settlement()),
        _("Your proposal is sent to both sides."),
    )


@bp.post("/cases/<int:case_id>/mediation/decision")
@login_required
def decide(case_id: int):
    case = viewable_case(case_id)
    require(appeals.may_decide(case, current_user))
    form = DecisionForm()
    return form_action(
        case,
        "decision_form",
        form,
        lambda: services.decide(case, current_user, form.settlement()),
        _("The case is decided. Both sides are told, with your reasons."),
    )


@bp.post("/cases/<int:case_id>/mediation/panel")
@login_required
def route_to_panel(case_id: int):
    case = viewable_case(case_id)
    require(appeals.may_decide(case, current_user))
    form = PanelForm()
    return form_action(
        case,
        "panel_form",
        form,
        lambda: services.route_to_panel(
            case, current_user, form.summary.data or "", form.question.data or "", form.ballot()
        ),
        _("The case goes to a reviewer panel."),
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
    return _answer_proposal(case_id, True, _("You accepted the proposal."))


@bp.post("/cases/<int:case_id>/proposal/reject")
@login_required
def reject_proposal(case_id: int):
    return _answer_proposal(
        case_id, False, _("You rejected the proposal: the case goes back to the mediator.")
    )


def _answer_proposal(case_id: int, accept: bool, success: str):
    case = viewable_case(case_id)
    require(may_answer_proposal(services.open_proposal(case), current_user))
    return button_action(
        case, lambda: services.answer_proposal(case, current_user, accept), success
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
