"""Cases over the API: open one for a buyer, read one, list them, read what happened."""

from flask import g, jsonify, url_for
from sqlalchemy import or_, select

from app.api import events
from app.api.access import visible_case, visible_cases
from app.api.auth import integration, token_required
from app.api.idempotency import writing
from app.api.models import Scope
from app.api.pagination import id_part, page_of, page_request, time_key, time_part
from app.api.problems import InvalidRequest, refused
from app.api.representations import represent_case, represent_cases, with_parties
from app.api.requests import Fields, body_fields, query_fields
from app.api.views.blueprint import bp
from app.cases.models import Case
from app.cases.services import Claim, open_case_for_buyer
from app.cases.states import (
    CLAIMABLE_REMEDIES,
    CaseState,
    ClaimType,
    Remedy,
    ResponsibleParty,
)
from app.cases.transitions import CaseRefused
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.orders.models import Order

CLAIM_FIELDS = {
    "order",
    "type",
    "responsible_party",
    "description",
    "remedy",
    "amount",
    "safety_or_fraud",
}
# the claim's fields as the cases feature names them, and as this API does
SERVICE_FIELDS = {"claim_type": "type", "remedy_amount": "amount"}


@bp.post("/cases")
@token_required(Scope.CASES_WRITE)
@writing
def open_case():
    """Open a case for the buyer of an imported order, with the web form's claim and rules."""
    fields = body_fields(CLAIM_FIELDS)
    order_id = fields.text("order")
    claim = _claim(fields)
    fields.check()
    order = db.session.scalar(select(Order).where(Order.marketplace_order_id == order_id))
    if order is None:
        raise InvalidRequest(422, [("order", "No order has this marketplace order id.")])
    try:
        case = open_case_for_buyer(order, claim, via=integration())
    except CaseRefused as error:
        return refused(error, SERVICE_FIELDS, default_field="order")
    response = jsonify(represent_case(case))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_case", case_id=case.id)
    return response


def _claim(fields: Fields) -> Claim | None:
    claim_type = fields.choice("type", ClaimType)
    responsible = fields.choice("responsible_party", ResponsibleParty)
    description = fields.text("description")
    remedy = fields.choice("remedy", Remedy, allowed=CLAIMABLE_REMEDIES)
    amount = fields.integer("amount")
    safety_or_fraud = fields.boolean("safety_or_fraud")
    if None in (claim_type, responsible, description, remedy):
        return None
    return Claim(
        claim_type=claim_type,
        responsible_party=responsible,
        description=description,
        remedy=remedy,
        remedy_amount_fen=amount,
        safety_or_fraud=safety_or_fraud,
    )


@bp.get("/cases/<int:case_id>")
@token_required(Scope.CASES_READ)
def get_case(case_id: int):
    case = visible_case(g.api_token, case_id)
    return jsonify(represent_case(case))


@bp.get("/cases")
@token_required(Scope.CASES_READ)
def list_cases():
    """The cases, least recently changed first, so that a client that keeps the last
    ``updated_at`` it read and asks ``updated_since`` it next time misses no change."""
    fields = query_fields({"order", "state", "updated_since", "limit", "cursor"})
    order_id = fields.text("order", required=False)
    state = fields.choice("state", CaseState, required=False)
    updated_since = fields.time("updated_since")
    page = page_request(fields, (time_part, id_part))
    fields.check()
    statement = with_parties(visible_cases(g.api_token))
    if order_id is not None:
        statement = statement.where(Order.marketplace_order_id == order_id)
    if state is not None:
        statement = statement.where(Case.state == state.value)
    if updated_since is not None:
        statement = statement.where(Case.updated_at >= updated_since)
    if page.after is not None:
        changed, case_id = page.after
        statement = statement.where(
            or_(
                Case.updated_at > changed,
                (Case.updated_at == changed) & (Case.id > case_id),
            )
        )
    rows = db.session.scalars(
        statement.order_by(Case.updated_at, Case.id).limit(page.limit + 1)
    ).all()
    result = page_of(list(rows), page.limit, lambda case: [time_key(case.updated_at), case.id])
    return jsonify(result.as_dict(represent_cases(result.items)))


@bp.get("/cases/<int:case_id>/events")
@token_required(Scope.CASES_READ)
def case_events(case_id: int):
    """What happened to the case that its parties may know of, oldest first."""
    case = visible_case(g.api_token, case_id)
    fields = query_fields({"limit", "cursor"})
    page = page_request(fields, (id_part,))
    fields.check()
    statement = events.case_events(case)
    if page.after is not None:
        statement = statement.where(AuditEvent.id > page.after[0])
    rows = db.session.scalars(statement.limit(page.limit + 1)).all()
    result = page_of(list(rows), page.limit, lambda event: [event.id])
    return jsonify(result.as_dict([events.represent_event(case, e) for e in result.items]))
