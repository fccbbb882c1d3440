"""Calling the API and reading its answers."""

from app.api.auth import issue_token
from app.api.models import Scope
from app.orders.models import Order


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["type"]
    return body


def field_errors(response, status: int = 422) -> dict[str, str]:
    """The fields a problem names, each with its message."""
    body = assert_problem(response, status)
    return {error["field"]: error["message"] for error in body["errors"]}


def new_token(name: str = "marketplace", scopes=tuple(Scope)) -> str:
    _row, plaintext = issue_token(name, scopes)
    return plaintext


def bearer(token: str, **headers: str) -> dict:
    return {"Authorization": f"Bearer {token}", **headers}


def claim_body(order: Order, /, **overrides) -> dict:
    """The smallest claim the API takes, on ``order``."""
    body = {
        "order": order.marketplace_order_id,
        "type": "not_received",
        "responsible_party": "seller",
        "description": "The parcel never arrived; the tracking stopped in Shenzhen.",
        "remedy": "full_refund",
    }
    return body | overrides
