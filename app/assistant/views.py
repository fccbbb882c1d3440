"""The assistant's pages: what happened, then the platform's answer and the way to the claim
form, pre-filled with the claim type and remedy chosen. Only the order's buyer reaches them:
a stranger gets 404 (they learn nothing), the seller 403. The pages change nothing, so
nothing is committed or audited; filing stays the claim form's."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.analytics.labels import SIMILAR_ENDING_LABELS
from app.analytics.similar import similar_cases
from app.assistant.advice import OrderRecord, Problem, advise, main_category
from app.assistant.forms import CHECK_LABELS, EVIDENCE_LABELS, ProblemForm, RemedyForm
from app.cases.services import open_case_for, open_case_refusal
from app.core import clock
from app.core.extensions import db
from app.orders.models import Order

bp = Blueprint("assistant", __name__, url_prefix="/orders/<int:order_id>/assistant")


def _buyers_order(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or not order.is_party(current_user):
        abort(404)
    if order.buyer_id != current_user.id:
        abort(403)
    return order


def _refused(order: Order, refusal):
    """Why no case can be opened on the order, with the way to its open case if it has one."""
    return render_template(
        "assistant/refused.html", order=order, refusal=refusal, open_case=open_case_for(order)
    ), 403


@bp.route("", methods=["GET", "POST"])
@login_required
def start(order_id: int):
    order = _buyers_order(order_id)
    refusal = open_case_refusal(order, current_user)
    if refusal is not None:
        return _refused(order, refusal)
    form = ProblemForm()
    if form.validate_on_submit():
        return redirect(url_for(".advice", order_id=order.id, problem=form.problem.data))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "assistant/start.html", order=order, record=OrderRecord.of(order), form=form
    ), status


@bp.route("/<problem>", methods=["GET", "POST"])
@login_required
def advice(order_id: int, problem: str):
    order = _buyers_order(order_id)
    if problem not in set(Problem):
        abort(404)
    refusal = open_case_refusal(order, current_user)
    if refusal is not None:
        return _refused(order, refusal)
    answer = advise(Problem(problem), OrderRecord.of(order))
    form = RemedyForm(answer)
    if form.validate_on_submit():
        chosen = {"remedy": form.remedy.data}
        if answer.claim_type is not None:
            chosen["claim_type"] = answer.claim_type.value
        return redirect(url_for("cases.new", order_id=order.id, **chosen))
    similar = None
    if answer.claim_type is not None:
        similar = similar_cases(answer.claim_type.value, main_category(order), clock.now())
    status = 400 if form.is_submitted() else 200
    return render_template(
        "assistant/advice.html",
        order=order,
        record=OrderRecord.of(order),
        advice=answer,
        form=form,
        similar=similar,
        check_labels=CHECK_LABELS,
        evidence_labels=EVIDENCE_LABELS,
        ending_labels=SIMILAR_ENDING_LABELS,
    ), status
