"""GET /api/v1/sellers/<id>/selling-status: what the marketplace reads to restrict a shop."""

from datetime import UTC, datetime, timedelta

import pytest

from app.api.auth import issue_token, revoke_token
from app.core import clock
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.ledger import lift_restriction, pay_in
from app.execution.models import SellingRestriction
from tests.helpers.api import assert_problem
from tests.helpers.factories import make_user
from tests.helpers.obligations import missed_obligation

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


@pytest.fixture
def token() -> str:
    _row, plaintext = issue_token("marketplace")
    return plaintext


def selling_status(client, marketplace_user_id: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/sellers/{marketplace_user_id}/selling-status", headers=headers)


def test_without_a_token_the_status_is_refused(client):
    seller = make_user()
    response = selling_status(client, seller.marketplace_user_id, None)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(client, token):
    revoke_token("marketplace")
    assert_problem(selling_status(client, make_user().marketplace_user_id, token), 401)


def test_an_unknown_seller_is_a_404_problem(client, token):
    body = assert_problem(selling_status(client, "no-such-user", token), 404)
    assert body["detail"] == "No seller has this marketplace user id."


def test_a_seller_in_good_standing_is_not_restricted(client, token):
    seller = make_user(shop_name="Honest Shop")
    pay_in(seller, 100000, "Deposit")

    response = selling_status(client, seller.marketplace_user_id, token)

    assert response.status_code == 200
    assert response.get_json() == {
        "marketplace_user_id": seller.marketplace_user_id,
        "restricted": False,
        "restrictions": [],
        "deposit_balance_fen": 100000,
    }


def test_a_restricted_seller_shows_each_active_restriction_and_the_balance(client, token):
    seller = make_user(shop_name="Earbud Shop")
    pay_in(seller, 10000, "Deposit")
    first = missed_obligation("refund", 19900, seller=seller)
    enforce_missed_obligation(first)
    clock.advance(timedelta(hours=5))
    second = missed_obligation("replacement_shipment", None, seller=seller)
    enforce_missed_obligation(second)
    lifted = missed_obligation("compensation", 300, seller=seller)
    enforce_missed_obligation(lifted)
    restriction = db.session.query(SellingRestriction).filter_by(obligation_id=lifted.id).one()
    lift_restriction(restriction, make_user(), "The refund was paid")

    response = selling_status(client, seller.marketplace_user_id, token)

    assert response.status_code == 200
    body = response.get_json()
    assert body["restricted"] is True
    assert body["deposit_balance_fen"] == 10000 - 19900 - 5000 - 300
    assert [(r["case"], r["since"]) for r in body["restrictions"]] == [
        (first.case_id, "2026-06-10T09:00:00+00:00"),
        (second.case_id, "2026-06-10T14:00:00+00:00"),
    ]
    assert "refund missed" in body["restrictions"][0]["reason"]
    assert "replacement shipment missed" in body["restrictions"][1]["reason"]


def test_the_openapi_document_describes_the_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()

    operation = document["paths"]["/sellers/{marketplace_user_id}/selling-status"]["get"]
    assert operation["operationId"] == "getSellingStatus"
    assert set(operation["responses"]) == {"200", "401", "403", "404", "429"}
    assert operation["security"] == [{"bearerToken": ["sellers:read"]}]
    schema = document["components"]["schemas"]["SellingStatus"]
    assert set(schema["required"]) == {
        "marketplace_user_id",
        "restricted",
        "restrictions",
        "deposit_balance_fen",
    }
