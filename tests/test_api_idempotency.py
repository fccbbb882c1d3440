"""Idempotency-Key: a retried request gets its first answer instead of doing it twice, the
same key with another request is refused, a refused request keeps nothing, two requests at
once with one key do it once, and keys are forgotten after 24 hours."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api.models import ApiToken
from app.cases.models import Case
from app.core import clock
from app.core.extensions import db
from app.core.idempotency import IdempotencyKey, sweep_idempotency_keys
from app.orders.models import Order
from tests.helpers.api import assert_problem, bearer, claim_body, field_errors, new_token
from tests.helpers.concurrency import run_at_once
from tests.helpers.counts import table_count
from tests.helpers.factories import make_order
from tests.helpers.orders import good_record


@pytest.fixture
def token() -> str:
    return new_token()


def open_case(client, token, body, key: str | None = "key-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/v1/cases", json=body, headers=bearer(token, **headers))


def test_a_retry_with_the_same_key_gets_the_first_answer(client, token):
    body = claim_body(make_order())
    first = open_case(client, token, body)

    again = open_case(client, token, body)

    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert table_count(Case) == 1


def test_the_same_key_with_another_request_is_refused(client, token):
    order = make_order()
    open_case(client, token, claim_body(order))

    response = open_case(client, token, claim_body(order, description="Something else."))

    assert "another request" in assert_problem(response, 422)["detail"]
    assert table_count(Case) == 1


def test_a_refused_request_keeps_no_key_so_the_corrected_one_goes_through(client, token):
    order = make_order()
    refused = open_case(client, token, claim_body(order, remedy="partial_refund"))
    assert "amount" in field_errors(refused)

    corrected = open_case(client, token, claim_body(order, remedy="partial_refund", amount=900))

    assert corrected.status_code == 201
    assert table_count(IdempotencyKey) == 1


def test_keys_belong_to_their_token(client, token):
    other = new_token("another integration")
    open_case(client, token, claim_body(make_order()))

    response = open_case(client, other, claim_body(make_order()))

    assert response.status_code == 201 and table_count(Case) == 2


def test_without_a_key_a_retry_is_a_new_request(client, token):
    order = make_order()
    assert open_case(client, token, claim_body(order), key=None).status_code == 201
    assert (
        "open case" in field_errors(open_case(client, token, claim_body(order), key=None))["order"]
    )


@pytest.mark.parametrize("key", ["", "k" * 256, "clé", "tab\there"])
def test_a_key_must_be_1_to_255_printable_ascii_characters(client, token, key):
    response = open_case(client, token, claim_body(make_order()), key=key)
    assert list(field_errors(response, 400)) == ["Idempotency-Key"]
    assert table_count(Case) == 0


def test_an_order_import_is_replayed_too(client, token):
    headers = bearer(token, **{"Idempotency-Key": "import-1"})
    first = client.post("/api/v1/orders", json=[good_record("TB1")], headers=headers)
    again = client.post("/api/v1/orders", json=[good_record("TB1")], headers=headers)
    assert first.get_json() == again.get_json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert table_count(Order) == 1


def test_keys_are_forgotten_after_24_hours(app, client, token):
    clock.freeze(clock.now())
    open_case(client, token, claim_body(make_order()), key="old")
    clock.advance(app.config["IDEMPOTENCY_KEY_TTL"] - timedelta(seconds=1))
    open_case(client, token, claim_body(make_order()), key="young")
    clock.advance(timedelta(seconds=2))

    assert sweep_idempotency_keys() == 1
    assert db.session.scalars(select(IdempotencyKey.key)).all() == ["young"]
    assert sweep_idempotency_keys() == 0  # a second sweep at once finds nothing


@pytest.mark.committing
def test_the_same_request_sent_eight_times_at_once_opens_one_case(app):
    """Every copy answers 201 with the same case: the first to claim the key opens it, and
    the others wait for it to commit and give its answer back."""
    with app.app_context():
        token = new_token()
        order = make_order()
        body = claim_body(order)
        db.session.commit()

    def post(_n):
        client = app.test_client()
        headers = bearer(token, **{"Idempotency-Key": "at-once"})
        response = client.post("/api/v1/cases", json=body, headers=headers)
        return response.status_code, response.get_data()

    outcomes = run_at_once(app, post, 8)

    assert {status for status, _body in outcomes} == {201}, outcomes
    assert len({data for _status, data in outcomes}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1
