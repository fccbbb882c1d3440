"""Admin pages: accounts and their roles."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.admin.forms import RoleChangeForm
from app.auth.guards import role_required
from app.auth.models import Role, User
from app.auth.services import grant_role, revoke_role
from app.core.extensions import db
from app.core.pages import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    query = request.args.get("q", "").strip()
    statement = select(User).order_by(User.id)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    pagination = paginate(statement, PAGE_SIZE)
    return render_template(
        "admin/users.html", pagination=pagination, query=query, form=RoleChangeForm()
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
    return redirect(url_for("admin.users", q=request.args.get("q") or None))
