"""Crowd review: who may review, and (later) seats, ballots and the reviewer's record."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.jury.eligibility import reviewer_requirements

bp = Blueprint("jury", __name__, url_prefix="/review")


@bp.get("/")
@login_required
def index():
    requirements = reviewer_requirements(current_user)
    return render_template(
        "jury/index.html",
        requirements=requirements,
        eligible=all(r.met for r in requirements),
    )
