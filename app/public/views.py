"""Public pages, open without an account (design: Analytics and transparency): the front
page, the published figures and the list of penalised shops. They show aggregates and shop
names only, never personal data."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.analytics.disclosure import MIN_GROUP
from app.analytics.labels import ENDING_LABELS
from app.analytics.transparency import ENDING_KEYS, public_table
from app.execution.ledger import penalised_shops as list_penalised_shops

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("orders.my_orders"))
    return render_template("public/index.html")


@bp.get("/penalised-shops")
def penalised_shops():
    return render_template("public/penalised_shops.html", shops=list_penalised_shops())


@bp.get("/transparency")
def transparency():
    return render_template(
        "public/transparency.html",
        table=public_table(),
        endings=[(key, ENDING_LABELS[key]) for key in ENDING_KEYS],
        min_group=MIN_GROUP,
    )
