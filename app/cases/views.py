"""The case pages: opening a case, the case itself with both timelines, and each action.

Every route loads the case and asks one predicate of it: someone who may not even view the
case gets 404 (they learn nothing), someone who may view it but not act gets 403. Each action
calls exactly one service function and commits once.
"""

from flask import Blueprint, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app.cases import confirming, downloads, evidence, lists, services
from app.cases.attachments import few_enough_files, max_files, renamed, undo, with_files
from app.cases.confirming import confirmed_button_action, confirmed_form_action
from app.cases.evidence import NewEvidence
from app.cases.files import EvidenceRejected
from app.cases.forms import (
    ClaimForm,
    ContestForm,
    CounterOfferForm,
    IntakeAcceptForm,
    OpenCaseForm,
    ReturnCaseForm,
)
from app.cases.models import (
    Case,
    EvidenceEntry,
    EvidenceKind,
)
from app.cases.page import (
    attempt,
    back_to,
    button_action,
    evidence_form,
    render_case,
    require,
    viewable_case,
)
from app.cases.states import (
    CLAIMABLE_REMEDIES,
    REMEDIES_WITH_AMOUNT,
    ClaimType,
    Remedy,
    Severity,
)
from app.cases.wording import case_helpers, entry_reference
from app.core.extensions import db
from app.core.forms import apply_error
from app.orders.models import Order
from app.orders.views import (
    OrderListColumn,
    OrderPageSection,
    register_order_list_column,
    register_order_page_section,
)

bp = Blueprint("cases", __name__)


@bp.record_once
def _add_to_the_order_page(state) -> None:
    """The order page shows the cases on the order, and how to open one; My orders, each
    order's open case and whose turn it is, the orders waiting on the reader first."""
    section = OrderPageSection("cases/_order_cases.html", stylesheet="css/cases.css")
    register_order_page_section(state.app, section)
    column = OrderListColumn(
        _l("Case"),
        "cases/_order_list_case.html",
        lists.open_case_notes,
        stylesheet="css/parties.css",
    )
    register_order_list_column(state.app, column)


# EvidenceRejected names "filename" when the file's name is at fault: shown beside the file
EVIDENCE_FIELD_ALIASES = {"filename": "file"}


@bp.app_context_processor
def _case_template_helpers() -> dict:
    """For every template, not only this blueprint's: the mediator desk lists cases, and the
    order page is the entry point to them."""
    return {
        **case_helpers(),
        "order_cases": order_cases,
        "open_case_refusal": services.open_case_refusal,
    }


def order_cases(order: Order) -> list[Case]:
    return db.session.scalars(
        select(Case).where(Case.order_id == order.id).order_by(Case.filed_at.desc(), Case.id.desc())
    ).all()


# My cases


@bp.get("/cases")
@login_required
def my_cases():
    cases, turns = lists.cases_of(current_user)
    return render_template("cases/my_cases.html", cases=cases, turns=turns)


# Opening a case


@bp.route("/orders/<int:order_id>/case/new", methods=["GET", "POST"])
@login_required
def new(order_id: int):
    order = db.session.get(Order, order_id)
    if order is None or not order.is_party(current_user):
        abort(404)
    form = OpenCaseForm() if request.method == "POST" else OpenCaseForm(data=_suggested_claim())
    refusal = services.open_case_refusal(order, current_user)
    if refusal is not None:
        return _render_new(order, form, refusal), 403
    if form.validate_on_submit() and few_enough_files(form):
        case = with_files(form, lambda: services.open_case(order, current_user, form.claim()))
        if case is not None:
            flash(_("Your case is open. A mediator will review it soon."), "success")
            return back_to(case)
    status = 400 if form.is_submitted() else 200
    return _render_new(order, form, None), status


def _suggested_claim() -> dict:
    """The claim type and remedy the claim assistant led to, carried in the query string:
    the form opens with them chosen (anything else there is ignored)."""
    choices = {
        "claim_type": {claim_type.value for claim_type in ClaimType},
        "remedy": {remedy.value for remedy in CLAIMABLE_REMEDIES},
    }
    return {name: request.args[name] for name in choices if request.args.get(name) in choices[name]}


def _render_new(order: Order, form: OpenCaseForm, refusal):
    return render_template(
        "cases/new.html",
        order=order,
        form=form,
        refusal=refusal,
        open_case=services.open_case_for(order),
        filing_deadline=services.filing_deadline(order),
        remedies_with_amount=REMEDIES_WITH_AMOUNT,
        max_files=max_files(),
    )


# The case page, and its files


@bp.get("/cases/<int:case_id>")
@login_required
def show(case_id: int):
    return render_case(viewable_case(case_id))


bp.add_url_rule(
    "/cases/<int:case_id>/evidence/<int:entry_id>/file", view_func=downloads.evidence_file
)
bp.add_url_rule(
    "/cases/<int:case_id>/evidence/<int:entry_id>/thumbnail",
    view_func=downloads.evidence_thumbnail,
)
bp.add_app_template_global(entry_reference)


# Evidence


@bp.post("/cases/<int:case_id>/evidence")
@login_required
def add_evidence(case_id: int):
    case = viewable_case(case_id)
    require(case.can_add_evidence(current_user))
    form = evidence_form(case)
    if form.validate_on_submit():
        upload = form.file.data
        new = NewEvidence(
            kind=EvidenceKind(form.kind.data),
            text=form.text.data or None,
            upload=upload.stream if upload else None,
            filename=upload.filename if upload else None,
            refers_to_id=form.refers_to.data,
        )
        stored: list[EvidenceEntry] = []
        try:
            stored.append(evidence.add_evidence(case, current_user, new))
            db.session.commit()
        except EvidenceRejected as error:
            undo(stored)
            apply_error(form, renamed(error, EVIDENCE_FIELD_ALIASES))
        except BaseException:
            undo(stored)
            raise
        else:
            flash(_("Your evidence is added to your timeline."), "success")
            return back_to(case)
    return render_case(case, 400, evidence_form=form)


# Buyer: withdraw, resubmit, answer a counter-offer


@bp.route("/cases/<int:case_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(case_id: int):
    case = viewable_case(case_id)
    require(case.can_withdraw(current_user))
    return confirmed_button_action(
        case,
        lambda: services.withdraw_case(case, current_user),
        _("Your case is withdrawn and closed."),
        confirming.withdrawal(case),
    )


@bp.route("/cases/<int:case_id>/resubmit", methods=["GET", "POST"])
@login_required
def resubmit(case_id: int):
    case = viewable_case(case_id)
    require(case.can_resubmit(current_user))
    form = ClaimForm() if request.method == "POST" else ClaimForm(data=ClaimForm.data_of(case))
    if form.validate_on_submit():
        error = attempt(lambda: services.resubmit_case(case, current_user, form.claim()))
        if error is None:
            flash(_("Your case is resubmitted for review."), "success")
            return back_to(case)
        apply_error(form, error)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "cases/resubmit.html", case=case, form=form, remedies_with_amount=REMEDIES_WITH_AMOUNT
    ), status


@bp.post("/cases/<int:case_id>/counter-offer/accept")
@login_required
def accept_counter_offer(case_id: int):
    return _button_action(
        case_id,
        Case.can_answer_counter_offer,
        services.buyer_accepts_counter_offer,
        _("You accepted the offer: the case is settled."),
    )


@bp.post("/cases/<int:case_id>/counter-offer/refuse")
@login_required
def refuse_counter_offer(case_id: int):
    return _button_action(
        case_id,
        Case.can_answer_counter_offer,
        services.buyer_refuses_counter_offer,
        _("You refused the offer: both sides can now add evidence."),
    )


# Seller: accept, counter-offer, contest


@bp.post("/cases/<int:case_id>/answer/accept")
@login_required
def accept_claim(case_id: int):
    case = viewable_case(case_id)
    require(case.can_answer_claim(current_user))
    return confirmed_button_action(
        case,
        lambda: services.seller_accepts_claim(case, current_user),
        _("You accepted the claim: the case is decided for the buyer."),
        confirming.claim_acceptance(case),
    )


@bp.post("/cases/<int:case_id>/answer/counter-offer")
@login_required
def counter_offer(case_id: int):
    case = viewable_case(case_id)
    require(case.can_answer_claim(current_user))
    form = CounterOfferForm()
    if form.validate_on_submit():
        remedy, amount, message = Remedy(form.remedy.data), form.amount.fen, form.message.data
        error = attempt(
            lambda: services.seller_counter_offers(
                case, current_user, remedy, amount, message or ""
            )
        )
        if error is None:
            flash(_("Your offer is sent to the buyer."), "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, counter_offer_form=form)


@bp.post("/cases/<int:case_id>/answer/contest")
@login_required
def contest(case_id: int):
    """The seller's statement and files, in one step: the statement opens their timeline,
    the files follow it."""
    case = viewable_case(case_id)
    require(case.can_answer_claim(current_user))
    form = ContestForm()
    if form.validate_on_submit() and few_enough_files(form):
        statement = form.statement.data or ""

        def contest_claim() -> Case:
            services.seller_contests(case, current_user, statement)
            return case

        if with_files(form, contest_claim, {"text": "statement"}) is not None:
            flash(_("You contested the claim: both sides can now add evidence."), "success")
            return back_to(case)
    return render_case(case, 400, contest_form=form)


# Mediator: intake


@bp.post("/cases/<int:case_id>/intake/accept")
@login_required
def accept_intake(case_id: int):
    case = viewable_case(case_id)
    require(case.can_review_intake(current_user))
    form = IntakeAcceptForm()
    return confirmed_form_action(
        case,
        "intake_form",
        form,
        lambda: services.accept_intake(case, current_user, Severity(form.severity.data)),
        _("The case is accepted; the seller is asked to answer."),
        lambda: confirming.intake_acceptance(case, current_user),
    )


@bp.post("/cases/<int:case_id>/intake/return")
@login_required
def return_case(case_id: int):
    case = viewable_case(case_id)
    require(case.can_review_intake(current_user))
    form = ReturnCaseForm()
    if form.validate_on_submit():
        reason = form.reason.data or ""
        error = attempt(lambda: services.return_case(case, current_user, reason))
        if error is None:
            flash(_("The case is returned to the buyer."), "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, return_form=form)


def _button_action(case_id: int, predicate, transition, success: str):
    case = viewable_case(case_id)
    require(predicate(case, current_user))
    return button_action(case, lambda: transition(case, current_user), success)
