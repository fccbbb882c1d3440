"""The confirmation step on the case's actions (``app.core.confirm``): the case page's forms
and buttons that cannot be undone, or that would take a colleague's case, ask once more.

What is confirmed is the case as it was shown: its state, its mediator and when it last
changed (and whatever the action adds, such as the proposal answered). If any of it has
changed by the second post, the person is asked again."""

from collections.abc import Callable

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from app.auth.models import User
from app.cases.forms import REMEDY_LABELS, ConfirmForm, label
from app.cases.models import Case
from app.cases.page import back_to, render_case
from app.core.confirm import (
    Confirmation,
    Step,
    confirmation_page,
    confirmed_action,
    fingerprint,
)
from app.core.forms import apply_error
from app.core.money import format_amount


def case_fingerprint(case: Case, *more: object) -> str:
    return fingerprint(case.id, case.state, case.mediator_id, case.updated_at, *more)


def colleague_of(case: Case, mediator: User) -> User | None:
    """The other mediator whose case this is, if ``mediator`` would take it by acting."""
    if case.mediator_id is None or case.mediator_id == mediator.id:
        return None
    return case.mediator


def colleague_warnings(case: Case, mediator: User) -> list[str]:
    colleague = colleague_of(case, mediator)
    if colleague is None:
        return []
    return [
        _(
            "This case is %(name)s's. Acting on it moves it to you.",
            name=colleague.display_name,
        )
    ]


def ask(
    case: Case,
    title: str,
    consequences: list[str],
    confirm_label: str,
    *,
    anchor: str | None = None,
    warnings: list[str] | None = None,
) -> Confirmation:
    """A confirmation about ``case``, going back to the case page (at ``anchor``)."""
    return Confirmation(
        title=title,
        consequences=consequences,
        confirm_label=confirm_label,
        back_url=url_for("cases.show", case_id=case.id, _anchor=anchor),
        warnings=warnings or [],
    )


def confirmed_form_action(
    case: Case,
    name: str,
    form,
    transition: Callable[[], object],
    success: str,
    confirmation: Callable[[], Confirmation | None],
    *more_seen: object,
):
    """``form_action`` with the confirmation step; ``more_seen`` is what else the person
    confirms about, besides the case (such as the proposal they answer)."""
    if not form.validate_on_submit():
        return render_case(case, 400, **{name: form})

    def refused(error):
        apply_error(form, error)
        return render_case(case, 400, **{name: form})

    return confirmed_action(
        case_fingerprint(case, *more_seen),
        transition,
        confirmation,
        done=lambda: _done(case, success),
        refused=refused,
        back=lambda: render_case(case, 200, **{name: form}),
    )


def confirmed_button_action(
    case: Case,
    transition: Callable[[], object],
    success: str,
    confirmation: Confirmation,
    *more_seen: object,
):
    """A button with nothing to fill in, with the confirmation step (also opened by a link:
    a GET asks); a refusal is said above the case page."""
    seen = case_fingerprint(case, *more_seen)
    if request.method == "GET":
        return confirmation_page(confirmation, seen, Step.ASK)
    if not ConfirmForm().validate_on_submit():
        abort(400)

    def refused(error):
        flash(str(error), "error")
        return back_to(case)

    return confirmed_action(
        seen,
        transition,
        lambda: confirmation,
        done=lambda: _done(case, success),
        refused=refused,
        back=lambda: back_to(case),
    )


def _done(case: Case, success: str):
    flash(success, "success")
    return back_to(case)


# What the case's own actions ask


def claim_acceptance(case: Case) -> Confirmation:
    terms = str(label(REMEDY_LABELS, case.remedy))
    if case.remedy_amount_fen is not None:
        terms = _(
            "%(outcome)s: %(amount)s",
            outcome=terms,
            amount=format_amount(case.remedy_amount_fen, case.order.currency),
        )
    return ask(
        case,
        _("Accept the claim of case #%(id)d?", id=case.id),
        [
            _("Accept the buyer's claim as filed: %(terms)s.", terms=terms),
            _("The case is decided for the buyer and carried out at once."),
            _("You cannot appeal a claim you accepted."),
        ],
        _("Accept the claim"),
    )


def withdrawal(case: Case) -> Confirmation:
    return ask(
        case,
        _("Withdraw case #%(id)d?", id=case.id),
        [
            _("Withdraw your case: it is closed for good."),
            _("The seller and the mediator are told, and nothing more happens on it."),
            _("You cannot reopen it."),
        ],
        _("Yes, withdraw the case"),
    )


def on_colleagues_case(
    case: Case, mediator: User, action: str, anchor: str | None = None
) -> Confirmation | None:
    """The mediator's ``action`` in words, confirmed only on a colleague's case (acting on
    it makes the case theirs)."""
    warnings = colleague_warnings(case, mediator)
    if not warnings:
        return None
    return ask(
        case,
        _("Take over case #%(id)d?", id=case.id),
        [action, _("Take the case over: it becomes yours, and the change is recorded.")],
        _("Take it over and go on"),
        anchor=anchor,
        warnings=warnings,
    )


def intake_acceptance(case: Case, mediator: User) -> Confirmation | None:
    """Accepting at intake makes the case the mediator's: asked only on a colleague's."""
    return on_colleagues_case(
        case, mediator, _("Accept the case at intake and ask the seller to answer.")
    )
