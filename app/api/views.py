"""The marketplace's JSON API, version 1. Every error is a problem details document."""

import json

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, InternalServerError

from app.api.auth import token_required
from app.api.openapi import openapi_document
from app.api.problems import INVALID_ORDERS, problem, problem_for
from app.auth.models import User
from app.core.extensions import db
from app.execution.ledger import active_restrictions, deposit_balance
from app.orders.importing import OrderRecordError, import_orders

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Defaults of limits an operator may set in the configuration


@bp.post("/orders")
@token_required
def post_orders():
    """Import a batch of orders: all of it, or (422, with every problem listed) none."""
    records = _orders_in_body()
    try:
        result = import_orders(records)
    except OrderRecordError as error:
        count = len(error.errors)
        return problem(
            422,
            f"{count} problem{'s' if count != 1 else ''} found; nothing was imported.",
            title="Invalid orders",
            type_uri=INVALID_ORDERS,
            errors=[entry.as_dict() for entry in error.errors],
        )
    db.session.commit()
    return jsonify(created=result.created, updated=result.updated, unchanged=result.unchanged)


@bp.get("/sellers/<marketplace_user_id>/selling-status")
@token_required
def selling_status(marketplace_user_id: str):
    """Whether the marketplace must restrict a seller's selling, and the deposit's balance."""
    seller = db.session.scalar(select(User).where(User.marketplace_user_id == marketplace_user_id))
    if seller is None:
        return problem(404, "No seller has this marketplace user id.")
    restrictions = active_restrictions(seller)
    return jsonify(
        marketplace_user_id=seller.marketplace_user_id,
        restricted=bool(restrictions),
        restrictions=[
            {
                "since": restriction.created_at.isoformat(),
                "reason": restriction.reason,
                "case": restriction.case_id,
            }
            for restriction in restrictions
        ],
        deposit_balance_fen=deposit_balance(seller),
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(_max_orders_per_request()))


def _orders_in_body() -> list:
    if not request.is_json:
        abort(problem(415, "Send the orders as JSON, with Content-Type: application/json."))
    request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError) as error:  # bad syntax or UTF-8, or nested too deep
        abort(problem(400, f"The body is not valid JSON: {error}"))
    if isinstance(body, dict) and isinstance(body.get("orders"), list):
        body = body["orders"]
    if not isinstance(body, list):
        abort(problem(400, 'The body must be a JSON array of orders, or {"orders": [...]}.'))
    limit = _max_orders_per_request()
    if len(body) > limit:
        abort(problem(413, f"Send at most {limit} orders per request."))
    return body


def _max_orders_per_request() -> int:
    return current_app.config["API_MAX_ORDERS_PER_REQUEST"]


# Errors raised inside the API's views
@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return problem_for(error)


@bp.errorhandler(InternalServerError)
def _server_error(_error: InternalServerError):
    return problem(500, "Something went wrong on our side; the request was not carried out.")


# A URL that matches no route (404) or not with this method (405) belongs to no blueprint,
# so these two are registered on the app and answer for paths under /api/ only.
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _routing_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return problem_for(error)
    return error
