"""The admins' audit log page (``/admin/audit``): filter by case, actor, action and time;
older events page by page. The reading is done by ``app.admin.audit_log``."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from app.admin.audit_log import (
    ACTION_LABELS,
    SYSTEM,
    AuditFilter,
    action_label,
    audit_page,
    subject_label,
)
from app.admin.tool_forms import AuditFilterForm
from app.auth.guards import role_required
from app.auth.models import Role
from app.auth.services import find_user_by_email
from app.core.urls import MAX_ID

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit")

PAGE_SIZE = 50


@bp.get("")
@role_required(Role.ADMIN)
def index():
    form = AuditFilterForm(request.args)
    form.set_actions(ACTION_LABELS)
    filters = _filters(form) if form.validate() else None
    before = request.args.get("before", type=int)
    page = None
    if filters is not None:
        page = audit_page(filters, before if before and before <= MAX_ID else None, PAGE_SIZE)
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        action_label=action_label,
        subject_label=subject_label,
        filter_args={
            name: value for name, value in request.args.items() if name != "before" and value
        },
    )


def _filters(form: AuditFilterForm) -> AuditFilter | None:
    """The form's filters; None, with the message beside the field, when they cannot be."""
    if form.since.data and form.until.data and form.since.data > form.until.data:
        form.until.errors.append(_l("The end of the range is before its start."))
        return None
    actor = (form.actor.data or "").strip()
    actor_id, system_only = None, False
    if actor.lower() == SYSTEM:
        system_only = True
    elif actor:
        user = find_user_by_email(actor)
        if user is None:
            form.actor.errors.append(_l("No account has this e-mail address."))
            return None
        actor_id = user.id
    return AuditFilter(
        case_id=form.case.data,
        actor_id=actor_id,
        system_only=system_only,
        action=form.action.data or None,
        since=form.since.data,
        until=form.until.data,
    )
