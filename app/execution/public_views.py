"""Public pages, open without an account (design: Analytics and transparency). They show
aggregates and shop names only, never personal data."""

from flask import Blueprint, render_template

from app.execution.ledger import penalised_shops as list_penalised_shops

bp = Blueprint("public", __name__)


@bp.get("/penalised-shops")
def penalised_shops():
    return render_template("public/penalised_shops.html", shops=list_penalised_shops())
