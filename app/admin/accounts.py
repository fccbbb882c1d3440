"""An account's admin page (``/admin/users/<id>``): its roles and lock, its reviewer
standing, its mediator profile, and as a seller its deposit and restrictions — each with the
tool that changes it. The work is done by each feature's service; this maps forms to them
and their refusals back beside the field."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import exists, func, select

from app.admin.forms import AccountLockForm, RoleChangeForm
from app.admin.tool_forms import (
    MediatorProfileForm,
    PayInForm,
    ReviewerStandingForm,
)
from app.auth.guards import role_required
from app.auth.models import Role, User
from app.core.errors import Refused
from app.core.extensions import db
from app.core.forms import apply_error
from app.core.money import format_amount
from app.execution.forms import missed_step_label
from app.execution.ledger import (
    active_restrictions,
    deposit_balance,
    deposit_entries,
    missed_steps,
    pay_in,
)
from app.execution.models import DepositEntry
from app.jury.models import Panel, PanelStatus, Reviewer, Seat, SeatStatus
from app.jury.reputation import level
from app.jury.standing import reinstate_reviewer, suspend_reviewer
from app.mediation.profiles import known_categories, profile_of, set_mediator_profile
from app.orders.models import Order

bp = Blueprint("admin_accounts", __name__, url_prefix="/admin/users")


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _page(user: User, **forms):
    """The account's page, with ``forms`` (a form that was just refused) over fresh ones."""
    reviewer = db.session.get(Reviewer, user.id)
    restrictions = active_restrictions(user)
    profile_form = forms.get("profile_form")
    if profile_form is None and user.has_role(Role.MEDIATOR):
        profile = profile_of(user)
        profile_form = MediatorProfileForm(
            formdata=None, on_duty=profile.on_duty, skills=profile.skills
        )
    if profile_form is not None:
        profile_form.set_categories(
            sorted({*known_categories(), *(profile_form.skills.data or [])})
        )
    return render_template(
        "admin/user.html",
        user=user,
        role_form=RoleChangeForm(),
        lock_form=AccountLockForm(),
        reviewer=reviewer,
        reviewer_level=level(reviewer.score) if reviewer is not None else None,
        open_seats=_open_seats(user) if reviewer is not None else 0,
        standing_form=forms.get("standing_form") or ReviewerStandingForm(formdata=None),
        profile_form=profile_form,
        sells=_sells(user),
        balance=deposit_balance(user),
        entries=deposit_entries(user),
        restrictions=restrictions,
        missed=missed_steps(restrictions),
        missed_step_label=missed_step_label,
        pay_in_form=forms.get("pay_in_form") or PayInForm(formdata=None),
    )


def _open_seats(user: User) -> int:
    return db.session.scalar(
        select(func.count(Seat.id))
        .join(Panel, Panel.id == Seat.panel_id)
        .where(
            Seat.reviewer_id == user.id,
            Seat.status == SeatStatus.OPEN.value,
            Panel.status == PanelStatus.OPEN.value,
        )
    )


def _sells(user: User) -> bool:
    """A shop, an order sold, or a deposit: the account is a seller's."""
    if user.shop_name:
        return True
    sold = exists().where(Order.seller_id == user.id)
    ledger = exists().where(DepositEntry.seller_id == user.id)
    return bool(db.session.scalar(select(sold | ledger)))


def _to_page(user: User, anchor: str):
    return redirect(url_for("admin_accounts.show", user_id=user.id, _anchor=anchor))


@bp.get("/<int:user_id>")
@role_required(Role.ADMIN)
def show(user_id: int):
    return _page(_user(user_id))


@bp.post("/<int:user_id>/reviewer/<any(suspend, reinstate):change>")
@role_required(Role.ADMIN)
def reviewer_standing(user_id: int, change: str):
    """Suspend the reviewer (their open seats are withdrawn), or reinstate them."""
    user = _user(user_id)
    form = ReviewerStandingForm()
    if not form.validate_on_submit():
        return _page(user, standing_form=form)
    try:
        if change == "suspend":
            withdrawn = suspend_reviewer(user, current_user, form.reason.data)
        else:
            reinstate_reviewer(user, current_user, form.reason.data)
    except Refused as refusal:
        apply_error(form, refusal)
        return _page(user, standing_form=form)
    db.session.commit()
    if change == "suspend":
        flash(
            ngettext(
                "%(name)s is suspended as a reviewer; %(num)d open seat was withdrawn.",
                "%(name)s is suspended as a reviewer; %(num)d open seats were withdrawn.",
                withdrawn,
                name=user.display_name,
            ),
            "success",
        )
    else:
        flash(_("%(name)s is reinstated as a reviewer.", name=user.display_name), "success")
    return _to_page(user, "reviewer")


@bp.post("/<int:user_id>/mediator")
@role_required(Role.ADMIN)
def mediator_profile(user_id: int):
    user = _user(user_id)
    form = MediatorProfileForm()
    form.set_categories(known_categories())
    if not form.validate_on_submit():
        return _page(user, profile_form=form)
    try:
        changed = set_mediator_profile(user, form.on_duty.data, form.skills.data, current_user)
    except Refused as refusal:
        apply_error(form, refusal)
        return _page(user, profile_form=form)
    db.session.commit()
    if changed:
        flash(_("%(name)s's duty and skills are saved.", name=user.display_name), "success")
    return _to_page(user, "mediator")


@bp.post("/<int:user_id>/deposit")
@role_required(Role.ADMIN)
def record_pay_in(user_id: int):
    user = _user(user_id)
    form = PayInForm()
    if not form.validate_on_submit():
        return _page(user, pay_in_form=form)
    try:
        entry = pay_in(user, form.amount.fen, form.reason.data, recorded_by=current_user)
    except Refused as refusal:
        apply_error(form, refusal)
        return _page(user, pay_in_form=form)
    db.session.commit()
    flash(
        _("The pay-in of %(amount)s is recorded.", amount=format_amount(entry.amount_fen)),
        "success",
    )
    return _to_page(user, "deposit")
