"""Orders the marketplace sends, and whether a seller's selling is restricted."""

from flask import abort, current_app, jsonify
from sqlalchemy import select

from app.api.auth import token_required
from app.api.idempotency import writing
from app.api.models import Scope
from app.api.problems import INVALID_ORDERS, problem
from app.api.requests import json_body
from app.api.views.blueprint import bp
from app.auth.models import User
from app.core.extensions import db
from app.execution.ledger import active_restrictions, deposit_balance
from app.orders.importing import OrderRecordError, import_orders


@bp.post("/orders")
@token_required(Scope.ORDERS_WRITE)
@writing
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
    return jsonify(created=result.created, updated=result.updated, unchanged=result.unchanged)


@bp.get("/sellers/<marketplace_user_id>/selling-status")
@token_required(Scope.SELLERS_READ)
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


def _orders_in_body() -> list:
    body = json_body()
    if isinstance(body, dict) and isinstance(body.get("orders"), list):
        body = body["orders"]
    if not isinstance(body, list):
        abort(problem(400, 'The body must be a JSON array of orders, or {"orders": [...]}.'))
    limit = max_orders_per_request()
    if len(body) > limit:
        abort(problem(413, f"Send at most {limit} orders per request."))
    return body


def max_orders_per_request() -> int:
    return current_app.config["API_MAX_ORDERS_PER_REQUEST"]
