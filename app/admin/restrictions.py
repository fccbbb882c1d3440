"""The admins' list of active selling restrictions (``/admin/restrictions``), each with a
button to lift it once the seller has settled what they missed; a shop leaves the public
list of penalised shops with its last restriction."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.admin.tool_forms import LiftRestrictionForm
from app.auth.guards import role_required
from app.auth.models import Role, User
from app.core.errors import Refused
from app.core.extensions import db
from app.core.forms import apply_error
from app.core.pages import paginate
from app.execution.forms import missed_step_label
from app.execution.ledger import lift_restriction, missed_steps
from app.execution.models import SellingRestriction

bp = Blueprint("admin_restrictions", __name__, url_prefix="/admin/restrictions")

PAGE_SIZE = 50


def _page(refused: SellingRestriction | None = None, form: LiftRestrictionForm | None = None):
    """The active restrictions, newest first (of one seller with ``?seller=``); a lifting
    that was just refused shows its form with the message."""
    seller_id = request.args.get("seller", type=int)
    statement = (
        select(SellingRestriction)
        .options(joinedload(SellingRestriction.seller))
        .where(SellingRestriction.lifted_at.is_(None))
        .order_by(SellingRestriction.created_at.desc(), SellingRestriction.id.desc())
    )
    if seller_id is not None:
        statement = statement.where(SellingRestriction.seller_id == seller_id)
    pagination = paginate(statement, PAGE_SIZE)
    return render_template(
        "admin/restrictions.html",
        pagination=pagination,
        seller=db.session.get(User, seller_id) if seller_id is not None else None,
        missed=missed_steps(pagination.items),
        missed_step_label=missed_step_label,
        form=LiftRestrictionForm(formdata=None),
        refused=refused,
        refused_form=form,
    )


@bp.get("")
@role_required(Role.ADMIN)
def index():
    return _page()


@bp.post("/<int:restriction_id>/lift")
@role_required(Role.ADMIN)
def lift(restriction_id: int):
    restriction = db.session.get(SellingRestriction, restriction_id) or abort(404)
    form = LiftRestrictionForm()
    if not form.validate_on_submit():
        return _page(restriction, form)
    try:
        lifted = lift_restriction(restriction, current_user, form.reason.data)
    except Refused as refusal:
        apply_error(form, refusal)
        return _page(restriction, form)
    db.session.commit()
    shop = restriction.seller.shop_name or restriction.seller.display_name
    if lifted:
        flash(_("The restriction on %(shop)s is lifted.", shop=shop), "success")
    else:
        flash(_("This restriction was lifted already."), "info")
    return redirect(url_for("admin_restrictions.index", seller=request.args.get("seller")))
