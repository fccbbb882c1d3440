"""The mediator's desk: filed cases waiting for intake, and the cases this mediator handles."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from app.auth.models import Role
from app.authz import role_required
from app.cases.models import SEVERITY_RANK, Case, CaseState
from app.extensions import db

bp = Blueprint("mediation", __name__, url_prefix="/mediation")

# urgent first, then important, then general (design: Claims)
SEVERITY_ORDER = case(
    {severity.value: rank for severity, rank in SEVERITY_RANK.items()},
    value=Case.severity,
    else_=len(SEVERITY_RANK),
)


@bp.get("/")
@role_required(Role.MEDIATOR)
def desk():
    waiting_for_intake = db.session.scalars(
        select(Case)
        .where(Case.state == CaseState.FILED.value)
        .options(selectinload(Case.order))
        .order_by(SEVERITY_ORDER, Case.filed_at, Case.id)
    ).all()
    handled = db.session.scalars(
        select(Case)
        .where(Case.mediator_id == current_user.id, Case.state != CaseState.CLOSED.value)
        .options(selectinload(Case.order))
        .order_by(SEVERITY_ORDER, Case.deadline_at.is_(None), Case.deadline_at, Case.id)
    ).all()
    return render_template(
        "mediation/desk.html",
        waiting_for_intake=waiting_for_intake,
        handled=handled,
    )
