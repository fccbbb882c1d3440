"""The inbox page and its two actions; the page where a person chooses their e-mails."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.extensions import db
from app.core.pages import paginate
from app.notifications.forms import MailChoicesForm, MarkAllReadForm, MarkReadForm, kinds_for
from app.notifications.services import (
    InboxItemNotFound,
    choose_mail,
    inbox_items,
    mail_choices,
    mark_all_read,
    mark_read,
    unread_count,
)

bp = Blueprint("notifications", __name__)

PAGE_SIZE = 20


@bp.app_context_processor
def _unread_count() -> dict:
    """The header's badge, on every page."""
    return {"unread_count": unread_count(current_user) if current_user.is_authenticated else 0}


@bp.get("/inbox")
@login_required
def inbox():
    pagination = paginate(inbox_items(current_user), PAGE_SIZE)
    return render_template("notifications/inbox.html", pagination=pagination)


@bp.post("/inbox/<int:item_id>/read")
@login_required
def read(item_id: int):
    if not MarkReadForm().validate_on_submit():
        abort(400)
    try:
        item = mark_read(current_user, item_id)
    except InboxItemNotFound:
        abort(404)
    db.session.commit()
    return redirect(item.local_link or url_for("notifications.inbox"))


@bp.post("/inbox/read-all")
@login_required
def read_all():
    if not MarkAllReadForm().validate_on_submit():
        abort(400)
    if mark_all_read(current_user):
        flash(_("All notifications are marked as read."), "success")
    db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.route("/account/e-mails", methods=["GET", "POST"])
@login_required
def mail():
    form, kinds = MailChoicesForm(), kinds_for(current_user)
    if form.validate_on_submit():
        choose_mail(current_user, form.choices(kinds))
        db.session.commit()
        flash(_("Your e-mail choices are saved."), "success")
        return redirect(url_for("notifications.mail"))
    if not form.is_submitted():
        for kind, wanted in mail_choices(current_user).items():
            form[kind.value].data = wanted
    return render_template("notifications/mail.html", form=form, kinds=kinds)
