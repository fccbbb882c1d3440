"""Admin pages: accounts, their roles and locks, and the staff's two-factor requirement."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.admin.forms import AccountLockForm, RoleChangeForm, StaffTwoFactorForm
from app.auth.errors import AccountError
from app.auth.guards import role_required
from app.auth.locks import lock_account, unlock_account
from app.auth.models import Role, User
from app.auth.services import grant_role, revoke_role
from app.auth.two_factor import require_staff_two_factor, staff_two_factor_required
from app.core.extensions import db
from app.core.pages import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    query = request.args.get("q", "").strip()
    statement = select(User).options(selectinload(User.two_factor)).order_by(User.id)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    pagination = paginate(statement, PAGE_SIZE)
    required = staff_two_factor_required()
    return render_template(
        "admin/users.html",
        pagination=pagination,
        query=query,
        form=RoleChangeForm(),
        lock_form=AccountLockForm(),
        two_factor_form=StaffTwoFactorForm(required="1" if required else "0"),
        two_factor_required=required,
    )


@bp.post("/users/<int:user_id>/roles")
@role_required(Role.ADMIN)
def change_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleChangeForm()
    if not form.validate_on_submit():
        flash(_("That role change was not understood."), "error")
        return redirect(url_for("admin.users"))
    role = Role(form.role.data)
    if form.action.data == "grant":
        changed = grant_role(user, role, granted_by=current_user)
    elif user.id == current_user.id and role is Role.ADMIN:
        flash(_("You cannot take the admin role from yourself."), "error")
        return redirect(url_for("admin.users"))
    else:
        changed = revoke_role(user, role, revoked_by=current_user)
    db.session.commit()
    if changed:
        flash(_("Roles of %(name)s updated.", name=user.display_name), "success")
    return _back_to_users(user)


def _back_to_users(user: User | None = None):
    """Back to the list (and its search), or to the account's own page it was changed on."""
    if user is not None and request.args.get("back") == "account":
        return redirect(url_for("admin_accounts.show", user_id=user.id))
    return redirect(url_for("admin.users", q=request.args.get("q") or None))


@bp.post("/users/<int:user_id>/lock")
@role_required(Role.ADMIN)
def lock_user(user_id: int):
    """Lock the account: its owner cannot log in, and every login it holds ends now."""
    user = db.session.get(User, user_id) or abort(404)
    if AccountLockForm().validate_on_submit():
        try:
            locked = lock_account(user, locked_by=current_user)
        except AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            if locked:
                flash(
                    _("%(name)s is locked and logged out everywhere.", name=user.display_name),
                    "success",
                )
    return _back_to_users(user)


@bp.post("/users/<int:user_id>/unlock")
@role_required(Role.ADMIN)
def unlock_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if AccountLockForm().validate_on_submit() and unlock_account(user, unlocked_by=current_user):
        db.session.commit()
        flash(_("%(name)s can log in again.", name=user.display_name), "success")
    return _back_to_users(user)


@bp.post("/staff-two-factor")
@role_required(Role.ADMIN)
def staff_two_factor():
    """Require two-factor login of every mediator and admin, or stop requiring it."""
    form = StaffTwoFactorForm()
    if form.validate_on_submit():
        required = form.required.data == "1"
        if require_staff_two_factor(required, admin=current_user):
            db.session.commit()
            if required:
                flash(_("Mediators and admins now need two-factor login."), "success")
            else:
                flash(_("Two-factor login is no longer required of staff."), "info")
    return _back_to_users()
