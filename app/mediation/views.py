"""The mediator's desk. The case queue arrives with the cases themselves."""

from flask import Blueprint, render_template

from app.auth.models import Role
from app.authz import role_required

bp = Blueprint("mediation", __name__, url_prefix="/mediation")


@bp.get("/")
@role_required(Role.MEDIATOR)
def desk():
    return render_template("mediation/desk.html")
