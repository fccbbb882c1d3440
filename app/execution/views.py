"""Carrying out a decision on the case page: each step, and the parties' actions on it
(design: Execution and enforcement).

The side that owes an open step marks it done; the other side confirms it, or disputes it
while the dispute window is open. Someone who may not view the case, or asks for a step of
another case, gets 404; someone who may view it but is not the right side gets 403.
"""

from types import SimpleNamespace

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.models import User
from app.cases.forms import label
from app.cases.models import Case
from app.cases.page import (
    CaseSection,
    Placement,
    button_action,
    form_action,
    page_form,
    register_case_section,
    require,
    viewable_case,
)
from app.cases.states import CaseState
from app.cases.turns import register_turns
from app.core.extensions import db
from app.execution import services
from app.execution.forms import (
    OBLIGATION_KIND_LABELS,
    OBLIGATION_STATUS_LABELS,
    DisputeForm,
    MarkDoneForm,
)
from app.execution.models import Obligation, ObligationKind
from app.execution.turns import execution_turns

bp = Blueprint("execution", __name__)


@bp.record_once
def _add_to_the_case_page(state) -> None:
    """The decision's steps, under the decision."""
    placement = Placement("outcome", 30, "execution/_steps.html")
    register_case_section(state.app, CaseSection("execution", (placement,), execution_panel))
    register_turns(state.app, {CaseState.EXECUTING: execution_turns})


def needs_tracking_number(obligation: Obligation) -> bool:
    return obligation.kind == ObligationKind.RETURN_SHIPMENT.value


def _case_obligation(case_id: int, obligation_id: int) -> tuple[Case, Obligation]:
    case = viewable_case(case_id)
    obligation = db.session.get(Obligation, obligation_id)
    if obligation is None or obligation.case_id != case.id:
        abort(404)
    return case, obligation


# The parties' actions


@bp.post("/cases/<int:case_id>/obligations/<int:obligation_id>/done")
@login_required
def mark_done(case_id: int, obligation_id: int):
    case, obligation = _case_obligation(case_id, obligation_id)
    require(obligation.can_mark_done(current_user))
    form = MarkDoneForm(obligation.id)
    return form_action(
        case,
        _done_form_name(obligation),
        form,
        lambda: services.mark_done(
            obligation, current_user, form.proof.data or "", form.tracking_number.data
        ),
        _("The step is marked done. The other side can confirm it or say what is wrong."),
    )


@bp.post("/cases/<int:case_id>/obligations/<int:obligation_id>/confirm")
@login_required
def confirm(case_id: int, obligation_id: int):
    case, obligation = _case_obligation(case_id, obligation_id)
    require(obligation.can_check(current_user))
    return button_action(
        case,
        lambda: services.confirm(obligation, current_user),
        _("You confirmed the step was done."),
    )


@bp.post("/cases/<int:case_id>/obligations/<int:obligation_id>/dispute")
@login_required
def dispute(case_id: int, obligation_id: int):
    case, obligation = _case_obligation(case_id, obligation_id)
    require(obligation.can_check(current_user))
    form = DisputeForm(obligation.id)
    return form_action(
        case,
        _dispute_form_name(obligation),
        form,
        lambda: services.dispute(obligation, current_user, form.reason.data or ""),
        _("You disputed the step: the case goes back to the mediator."),
    )


def _done_form_name(obligation: Obligation) -> str:
    return f"done_form_{obligation.id}"


def _dispute_form_name(obligation: Obligation) -> str:
    return f"dispute_form_{obligation.id}"


# What the case page shows of execution


def execution_panel(case: Case, viewer: User, posted: dict) -> SimpleNamespace:
    """The decision's steps in order, each with the forms the viewer may use on it. Takes
    from ``posted`` the forms it shows."""
    steps = []
    for obligation in services.obligations_of(case):
        may_check = obligation.can_check(viewer)
        steps.append(
            SimpleNamespace(
                obligation=obligation,
                needs_tracking_number=needs_tracking_number(obligation),
                done_form=page_form(
                    posted,
                    _done_form_name(obligation),
                    obligation.can_mark_done(viewer),
                    lambda o=obligation: MarkDoneForm(o.id, formdata=None),
                ),
                may_confirm=may_check,
                dispute_form=page_form(
                    posted,
                    _dispute_form_name(obligation),
                    may_check,
                    lambda o=obligation: DisputeForm(o.id, formdata=None),
                ),
            )
        )
    return SimpleNamespace(
        steps=steps,
        kind_label=lambda kind: label(OBLIGATION_KIND_LABELS, kind),
        status_label=lambda status: label(OBLIGATION_STATUS_LABELS, status),
    )
