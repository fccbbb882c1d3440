from flask import Blueprint
from flask_login import login_required

bp = Blueprint("notifications", __name__)


@bp.get("/inbox")
@login_required
def inbox():
    return "inbox"
