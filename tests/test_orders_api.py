"""POST /api/v1/orders: bearer tokens, problem details, and the OpenAPI document."""

import json

import pytest
from sqlalchemy import select

from app.api.auth import issue_token, revoke_token
from app.api.models import ApiToken
from app.core import clock
from app.core.extensions import db
from app.orders.models import Order
from tests.helpers.api import assert_problem
from tests.helpers.counts import table_count
from tests.helpers.orders import good_record


@pytest.fixture
def token() -> str:
    _row, plaintext = issue_token("marketplace")
    return plaintext


def post_orders(client, body, token: str | None = None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if not isinstance(body, str | bytes):
        kwargs["json"] = body
    else:
        kwargs["data"] = body
    return client.post("/api/v1/orders", headers=headers, **kwargs)


def test_a_good_token_imports_the_orders(client, token):
    response = post_orders(client, [good_record("TB1"), good_record("TB2")], token)

    assert response.status_code == 200
    assert response.get_json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert table_count(Order) == 2
    again = post_orders(client, {"orders": [good_record("TB1")]}, token)
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 1}


def test_using_a_token_records_when(client, token):
    clock.freeze(clock.now())
    post_orders(client, [], token)
    used = db.session.scalar(select(ApiToken).where(ApiToken.name == "marketplace"))
    assert used.last_used_at == clock.now()


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "trb_not-even-a-scheme"],
)
def test_a_request_without_a_bearer_token_is_refused(client, token, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.post("/api/v1/orders", json=[good_record()], headers=headers)

    body = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in body["detail"]
    assert table_count(Order) == 0


def test_a_wrong_token_is_refused(client, token):
    response = post_orders(client, [good_record()], token + "x")

    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert table_count(Order) == 0


def test_a_revoked_token_is_refused(client, token):
    revoke_token("marketplace")

    response = post_orders(client, [good_record()], token)

    assert_problem(response, 401)
    assert "revoked" in response.get_json(force=True)["detail"]
    assert table_count(Order) == 0


def test_invalid_records_get_422_listing_every_problem(client, token):
    bad = good_record("TB2")
    bad["items"][0]["quantity"] = 0
    worse = good_record("TB3", currency="yuan")

    response = post_orders(client, [good_record("TB1"), bad, worse], token)

    body = assert_problem(response, 422)
    assert body["title"] == "Invalid orders"
    assert body["detail"] == "2 problems found; nothing was imported."
    assert body["errors"] == [
        {
            "record": 1,
            "marketplace_order_id": "TB2",
            "field": "items[0].quantity",
            "message": "must be a whole number above 0",
        },
        {
            "record": 2,
            "marketplace_order_id": "TB3",
            "field": "currency",
            "message": "must be three capital letters, such as CNY",
        },
    ]
    assert table_count(Order) == 0


def test_a_body_that_is_not_json_gets_415(client, token):
    response = post_orders(client, "orders=TB1", token, content_type="text/plain")
    assert "application/json" in assert_problem(response, 415)["detail"]
    response = client.post(
        "/api/v1/orders", data={"orders": "TB1"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert_problem(response, 415)
    assert table_count(Order) == 0


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ('[{"marketplace_order_id": "TB1",', "not valid JSON"),
        ("", "not valid JSON"),
        (b"\xff\xfe\xfa", "not valid JSON"),
        ('{"order": []}', "must be a JSON array of orders"),
        ('"TB1"', "must be a JSON array of orders"),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_a_malformed_body_gets_400(client, token, body, detail):
    response = post_orders(client, body, token, content_type="application/json")
    assert detail in assert_problem(response, 400)["detail"]


def test_too_many_orders_in_one_request_get_413(app, client, token, monkeypatch):
    monkeypatch.setitem(app.config, "API_MAX_ORDERS_PER_REQUEST", 2)
    records = [good_record(f"TB{n}") for n in range(3)]

    response = post_orders(client, records, token)

    assert "at most 2 orders" in assert_problem(response, 413)["detail"]
    assert table_count(Order) == 0


def test_too_large_a_body_gets_413(app, client, token, monkeypatch):
    monkeypatch.setitem(app.config, "API_MAX_BODY_BYTES", 100)
    response = post_orders(client, [good_record()], token)
    assert_problem(response, 413)


def test_unknown_paths_and_methods_under_the_api_are_problems_too(client):
    assert_problem(client.get("/api/v1/disputes"), 404)
    response = client.get("/api/v1/orders")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]
    assert client.get("/no-such-page").content_type.startswith("text/html")


def test_an_unexpected_failure_is_a_problem_too(app, client, token, monkeypatch):
    def broken(_records):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("app.api.views.orders.import_orders", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    response = post_orders(client, [good_record()], token)

    body = assert_problem(response, 500)
    assert "fire" not in response.get_data(as_text=True)  # no internals leak out
    assert body["detail"].startswith("Something went wrong on our side")


def test_the_openapi_document_describes_the_endpoint_without_a_token(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/orders"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "401", "415", "422"}
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    order = document["components"]["schemas"]["Order"]
    assert order["properties"]["marketplace_order_id"]["maxLength"] == 64
    assert "refunded" in order["properties"]["status"]["enum"]
    json.dumps(document)  # plain JSON all the way down


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("placed_at", "0001-01-01T00:00:00+14:00"),
        ("shipped_at", "9999-12-31T23:59:59-14:00"),
    ],
)
def test_a_time_past_the_edge_of_the_calendar_is_a_problem_naming_the_field(
    client, token, field, value
):
    response = post_orders(client, [good_record("TB9", **{field: value})], token)

    body = assert_problem(response, 422)
    assert body["errors"] == [
        {
            "record": 0,
            "marketplace_order_id": "TB9",
            "field": field,
            "message": "must be a time within years 1 to 9999 in UTC, "
            "such as 2026-01-05T10:00:00+08:00",
        }
    ]
    assert table_count(Order) == 0
