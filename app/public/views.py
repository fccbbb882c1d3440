"""Public pages, open without an account (design: Analytics and transparency): the front
page and the list of penalised shops. They show aggregates and shop names only, never
personal data."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.execution.forms import missed_step_label
from app.execution.ledger import penalised_shops as list_penalised_shops

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("orders.my_orders"))
    return render_template("public/index.html")


@bp.get("/penalised-shops")
def penalised_shops():
    return render_template(
        "public/penalised_shops.html",
        shops=list_penalised_shops(),
        missed_step_label=missed_step_label,
    )
