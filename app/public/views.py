"""Public pages, open without an account (design: Analytics and transparency): the front
page, the published figures, the list of penalised shops and the draw log. They show
aggregates, shop names and reviewers' pseudonymous tokens only, never personal data."""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.analytics.disclosure import MIN_GROUP
from app.analytics.labels import ENDING_LABELS
from app.analytics.transparency import ENDING_KEYS, public_table
from app.core.extensions import db
from app.core.pages import paginate
from app.execution.forms import missed_step_label
from app.execution.ledger import penalised_shops as list_penalised_shops
from app.jury.draw_log import log_entries, published_snapshot
from app.jury.draw_rules import canonical
from app.jury.models import PanelDraw
from app.jury.voting import has_votable_seat

bp = Blueprint("public", __name__)

DRAW_LOG_PAGE_SIZE = 50


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


@bp.get("/transparency/draws")
def draw_log():
    panel = request.args.get("panel", type=int)
    pagination = paginate(log_entries(panel), DRAW_LOG_PAGE_SIZE)
    return render_template("public/draw_log.html", pagination=pagination, panel=panel)


@bp.get("/transparency/draws.json")
def draw_log_json():
    """The same page of the log for programs: each entry's body exactly as it is hashed."""
    panel = request.args.get("panel", type=int)
    pagination = paginate(log_entries(panel), DRAW_LOG_PAGE_SIZE)

    def page_url(page):
        return page and url_for("public.draw_log_json", page=page, panel=panel, _external=True)

    return jsonify(
        entries=[
            {
                "id": entry.id,
                "kind": entry.kind,
                "panel": entry.panel_id,
                "body": entry.body,
                "previous_sha256": entry.previous_sha256,
                "entry_sha256": entry.entry_sha256,
                "snapshot": entry.draw_id
                and url_for("public.draw_snapshot", draw_id=entry.draw_id, _external=True),
            }
            for entry in pagination.items
        ],
        page=pagination.page,
        pages=pagination.pages,
        newer=page_url(pagination.prev_num),
        older=page_url(pagination.next_num),
    )


@bp.get("/transparency/draws/<int:draw_id>/snapshot.json")
def draw_snapshot(draw_id: int):
    """A committed draw's pool snapshot, as the exact bytes whose SHA-256 was committed."""
    document = published_snapshot(db.session.get(PanelDraw, draw_id))
    if document is None:
        abort(404)
    return Response(canonical(document), mimetype="application/json")
