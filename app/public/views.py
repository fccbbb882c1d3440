"""Public pages, open without an account (design: Analytics and transparency): the front
page, the published figures and the list of penalised shops. They show aggregates and shop
names only, never personal data."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.analytics.disclosure import MIN_GROUP
from app.analytics.labels import ENDING_LABELS
from app.analytics.transparency import ENDING_KEYS, public_table
from app.execution.forms import missed_step_label
from app.execution.ledger import penalised_shops as list_penalised_shops
from app.jury.voting import has_votable_seat

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(_where_work_is(current_user))
    return render_template("public/index.html")


def _where_work_is(user) -> str:
    """Where a signed-in person lands (after login, too, when no page was asked for): staff
    on the mediator desk, a reviewer with a seat awaiting their vote on their seats, everyone
    else on their orders."""
    if user.is_staff:
        return url_for("mediation.desk")
    if has_votable_seat(user):
        return url_for("jury_seats.my_seats")
    return url_for("orders.my_orders")


@bp.get("/penalised-shops")
def penalised_shops():
    return render_template(
        "public/penalised_shops.html",
        shops=list_penalised_shops(),
        missed_step_label=missed_step_label,
    )


@bp.get("/transparency")
def transparency():
    return render_template(
        "public/transparency.html",
        table=public_table(),
        endings=[(key, ENDING_LABELS[key]) for key in ENDING_KEYS],
        min_group=MIN_GROUP,
    )
