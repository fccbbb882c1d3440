"""The admins' page of the marketplace's API tokens: what each may do, when it was last used.

It lives with the API it describes (``admin`` may not import ``api``; both sit in one layer),
under the admin area's address."""

from flask import Blueprint, render_template

from app.api.auth import LAST_USE_PRECISION, all_tokens
from app.auth.guards import role_required
from app.auth.models import Role

bp = Blueprint("api_admin", __name__, url_prefix="/admin")


@bp.get("/api-tokens")
@role_required(Role.ADMIN)
def tokens():
    return render_template(
        "api/tokens.html",
        tokens=all_tokens(),
        precision_minutes=int(LAST_USE_PRECISION.total_seconds() // 60),
    )
