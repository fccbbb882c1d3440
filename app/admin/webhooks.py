"""The admins' page of webhook endpoints (``/admin/webhooks``): add one (its secret shown
once), rotate its secret, disable and enable it, read its delivery log and send a message
again. The work is done by ``app.notifications.webhooks.endpoints``."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin.webhook_forms import WebhookButtonForm, WebhookEndpointForm
from app.auth.guards import role_required
from app.auth.models import Role
from app.core.errors import Refused
from app.core.extensions import db
from app.core.forms import apply_error
from app.core.pages import paginate
from app.notifications.webhooks import endpoints
from app.notifications.webhooks.catalogue import EVENT_TYPES
from app.notifications.webhooks.models import WebhookEndpoint

bp = Blueprint("admin_webhooks", __name__, url_prefix="/admin/webhooks")

LOG_PAGE_SIZE = 20


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    return db.session.get(WebhookEndpoint, endpoint_id) or abort(404)


def _index(form: WebhookEndpointForm):
    listed = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    return render_template(
        "admin/webhooks.html", endpoints=listed, form=form, event_types=list(EVENT_TYPES)
    )


@bp.get("")
@role_required(Role.ADMIN)
def index():
    return _index(WebhookEndpointForm())


@bp.post("")
@role_required(Role.ADMIN)
def add():
    form = WebhookEndpointForm()
    if not form.validate_on_submit():
        return _index(form)
    try:
        endpoint, secret = endpoints.add_endpoint(
            form.url.data, form.events.data, current_user, form.description.data
        )
    except Refused as refusal:
        apply_error(form, refusal)
        return _index(form)
    db.session.commit()
    return render_template("admin/webhook_secret.html", endpoint=endpoint, secret=secret)


@bp.get("/<int:endpoint_id>")
@role_required(Role.ADMIN)
def show(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    pagination = paginate(endpoints.delivery_log(endpoint), LOG_PAGE_SIZE)
    return render_template(
        "admin/webhook.html",
        endpoint=endpoint,
        pagination=pagination,
        attempts=endpoints.attempts_of(pagination.items),
        form=WebhookButtonForm(),
    )


@bp.post("/<int:endpoint_id>/rotate")
@role_required(Role.ADMIN)
def rotate(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    if WebhookButtonForm().validate_on_submit():
        try:
            secret = endpoints.rotate_secret(endpoint, current_user)
        except Refused as refusal:
            flash(str(refusal), "error")
        else:
            db.session.commit()
            return render_template("admin/webhook_secret.html", endpoint=endpoint, secret=secret)
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/disable")
@role_required(Role.ADMIN)
def disable(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    if WebhookButtonForm().validate_on_submit() and endpoints.disable_endpoint(
        endpoint, current_user
    ):
        db.session.commit()
        flash(_("Endpoint %(id)d is disabled: nothing is sent to it.", id=endpoint_id), "info")
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/enable")
@role_required(Role.ADMIN)
def enable(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    if WebhookButtonForm().validate_on_submit() and endpoints.enable_endpoint(
        endpoint, current_user
    ):
        db.session.commit()
        flash(
            _("Endpoint %(id)d is enabled: new events are sent to it.", id=endpoint_id), "success"
        )
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/messages/<int:message_id>/send-again")
@role_required(Role.ADMIN)
def send_again(endpoint_id: int, message_id: int):
    endpoint = _endpoint(endpoint_id)
    if WebhookButtonForm().validate_on_submit():
        try:
            endpoints.send_again(endpoint, message_id, current_user)
        except endpoints.MessageNotFound:
            abort(404)
        except Refused as refusal:
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("The message is queued again; it leaves within seconds."), "success")
    page = request.args.get("page", type=int)
    return redirect(url_for("admin_webhooks.show", endpoint_id=endpoint_id, page=page))
