"""POST /api/v1/cases and GET /api/v1/cases/{id}: a case opened for a buyer with the web
form's vocabulary and rules, and read back with its deadlines, amounts and obligations —
never a name, an e-mail address, a reviewer or an internal note."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.cases.forms import CLAIM_TYPE_LABELS, CLAIMABLE_REMEDY_LABELS, RESPONSIBLE_LABELS
from app.cases.models import Case
from app.cases.states import Party
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.urls import MAX_ID
from app.mediation import services as mediation
from app.orders.models import OrderStatus
from tests.helpers.api import assert_problem, bearer, claim_body, field_errors, new_token
from tests.helpers.case_factories import make_case
from tests.helpers.counts import table_count
from tests.helpers.factories import make_order, make_user
from tests.helpers.jury import open_seats, panel_of
from tests.helpers.orders import good_record


@pytest.fixture
def token() -> str:
    return new_token()


def open_case(client, token, body, **headers):
    return client.post("/api/v1/cases", json=body, headers=bearer(token, **headers))


def test_the_marketplace_opens_a_case_for_the_buyer_of_an_order_it_imported(client, token):
    clock.freeze(datetime(2026, 1, 20, 2, 0, tzinfo=UTC))  # within the order's filing window
    imported = client.post("/api/v1/orders", json=[good_record("TB-77")], headers=bearer(token))
    assert imported.status_code == 200

    response = client.post(
        "/api/v1/cases",
        json={
            "order": "TB-77",
            "type": "not_received",
            "responsible_party": "seller",
            "description": "The parcel never arrived.",
            "remedy": "full_refund",
        },
        headers=bearer(token),
    )

    assert response.status_code == 201
    body = response.get_json()
    case = db.session.get(Case, body["id"])
    assert response.headers["Location"] == f"/api/v1/cases/{case.id}"
    assert case.order.marketplace_order_id == "TB-77" and case.buyer == case.order.buyer
    assert case.buyer.is_claimed is False  # the buyer need not have claimed the account yet
    assert body["state"] == "filed" and body["order"] == "TB-77"
    assert body["buyer"] == case.buyer.marketplace_user_id
    assert body["deadline"] == {"name": "intake_review", "due_at": case.deadline_at.isoformat()}
    assert body["links"]["self"] == f"/api/v1/cases/{case.id}"
    assert body["links"]["page"].endswith(f"/cases/{case.id}")
    opened = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.opened"))
    assert opened.actor_id is None
    assert opened.after == {
        "state": "filed",
        "opened_by": "marketplace",
        "via": 'API token "marketplace"',
    }


def test_an_amount_comes_in_fen_where_the_remedy_takes_one(client, token):
    order = make_order(amount_fen=19900)

    response = open_case(
        client, token, claim_body(order, remedy="partial_refund", amount=5000, safety_or_fraud=True)
    )

    assert response.status_code == 201
    body = response.get_json()
    assert (body["remedy"], body["amount"], body["claimed_amount"]) == (
        "partial_refund",
        5000,
        5000,
    )
    assert body["severity"] == "urgent"  # food safety, injury or fraud come first


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"remedy": "partial_refund"}, "amount"),
        ({"remedy": "compensation", "amount": 0}, "amount"),
        ({"remedy": "partial_refund", "amount": 19901}, "amount"),
        ({"remedy": "full_refund", "amount": 100}, "amount"),
        ({"remedy": "partial_refund", "amount": "50.00"}, "amount"),
        ({"remedy": "partial_refund", "amount": True}, "amount"),
        ({"remedy": "partial_refund", "amount": 2**70}, "amount"),
        ({"remedy": "claim_rejected"}, "remedy"),
        ({"type": "broken"}, "type"),
        ({"responsible_party": "courier"}, "responsible_party"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"description": "null\x00byte"}, "description"),
        ({"description": 12}, "description"),
        ({"order": "NO-SUCH-ORDER"}, "order"),
        ({"order": None}, "order"),
        ({"colour": "red"}, "colour"),
        ({"safety_or_fraud": "yes"}, "safety_or_fraud"),
    ],
)
def test_a_claim_the_web_form_would_refuse_is_refused_naming_the_field(
    client, token, overrides, field
):
    order = make_order(amount_fen=19900)

    response = open_case(client, token, claim_body(order, **overrides))

    errors = field_errors(response)
    assert list(errors) == [field], errors
    assert table_count(Case) == 0


def test_every_missing_field_is_listed_at_once(client, token):
    errors = field_errors(open_case(client, token, {}))
    assert set(errors) == {"order", "type", "responsible_party", "description", "remedy"}
    assert set(errors.values()) == {"is required"}


def test_the_api_speaks_the_web_forms_vocabulary(client):
    """The one vocabulary: the API's choices are the claim form's, neither more nor less."""
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["NewCase"]
    choices = {name: set(schema["properties"][name]["enum"]) for name in ("type", "remedy")}
    choices["responsible_party"] = set(schema["properties"]["responsible_party"]["enum"])
    assert choices == {
        "type": {str(value) for value in CLAIM_TYPE_LABELS},
        "remedy": {str(value) for value in CLAIMABLE_REMEDY_LABELS},
        "responsible_party": {str(value) for value in RESPONSIBLE_LABELS},
    }


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.REFUNDED])
def test_a_cancelled_or_refunded_order_takes_no_case(client, token, status):
    errors = field_errors(open_case(client, token, claim_body(make_order(status=status))))
    assert "cancelled or refunded" in errors["order"]
    assert table_count(Case) == 0


def test_an_order_past_the_filing_window_takes_no_case(app, client, token):
    order = make_order()
    clock.freeze(order.delivered_at + app.config["CASE_FILING_WINDOW"] + timedelta(minutes=1))
    errors = field_errors(open_case(client, token, claim_body(order)))
    assert "days after delivery" in errors["order"]


def test_an_order_with_an_open_case_takes_no_second_one(client, token):
    order = make_order()
    assert open_case(client, token, claim_body(order)).status_code == 201

    errors = field_errors(open_case(client, token, claim_body(order, type="counterfeit")))

    assert errors == {"order": "This order already has an open case."}
    assert table_count(Case) == 1


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("[1, 2]", "application/json", 400),
        ('{"order": ', "application/json", 400),
        ("order=TB1", "application/x-www-form-urlencoded", 415),
    ],
)
def test_a_body_that_is_no_json_object_is_refused(client, token, data, content_type, status):
    response = client.post(
        "/api/v1/cases", data=data, content_type=content_type, headers=bearer(token)
    )
    assert_problem(response, status)
    assert table_count(Case) == 0


def test_reading_a_case_gives_its_deadlines_amounts_and_obligations(client, token):
    case = make_case("executing", amount_fen=25900)

    body = client.get(f"/api/v1/cases/{case.id}", headers=bearer(token)).get_json()

    assert body["state"] == "executing"
    assert body["decision"]["outcome"] == "for_buyer" and body["decision"]["kind"] == "mediator"
    assert body["decision"]["remedy"] == "full_refund" and body["decision"]["amount"] == 25900
    [refund] = body["obligations"]
    assert (refund["kind"], refund["debtor"], refund["amount"]) == ("refund", "seller", 25900)
    assert refund["status"] == "open" and refund["due_at"] == case.deadline_at.isoformat()
    assert body["deadline"] == {"name": "next_obligation", "due_at": refund["due_at"]}


def test_a_counter_offer_and_its_deadline_are_shown(client, token):
    case = make_case("counter_offer")

    body = client.get(f"/api/v1/cases/{case.id}", headers=bearer(token)).get_json()

    assert body["counter_offer"]["remedy"] == "partial_refund"
    assert body["counter_offer"]["amount"] == 9950 and body["counter_offer"]["accepted"] is None
    assert body["deadline"]["name"] == "counter_offer_answer"


def test_a_case_is_read_without_names_addresses_reviewers_or_internal_notes(client, token):
    mediator = make_user(name="Mediator Qian Mo", roles=(Role.MEDIATOR,))
    case = make_case("panel", mediator=mediator)
    reviewer = open_seats(panel_of(case))[0].reviewer
    mediation.add_note(case, mediator, "Internal: the seller has done this before.")
    mediation.ask_question(case, mediator, Party.SELLER, "Secret question text for the seller?", 48)
    people = [case.buyer, case.seller, mediator, reviewer]

    shown = json.dumps(
        [
            client.get(f"/api/v1/cases/{case.id}", headers=bearer(token)).get_json(),
            client.get(f"/api/v1/cases/{case.id}/events", headers=bearer(token)).get_json(),
        ],
        ensure_ascii=False,
    )

    assert "Internal: the seller" not in shown and "Secret question" not in shown
    for person in people:
        assert person.email not in shown and person.display_name not in shown
    assert "Earbud Shop" not in shown
    body = json.loads(shown)[0]
    assert body["state"] == "panel" and body["deadline"]["name"] == "panel_vote"
    assert [q["party"] for q in body["questions"]] == ["seller"]


def test_a_case_that_does_not_exist_is_a_404_problem(client, token):
    for case_id in (987654, MAX_ID):
        response = client.get(f"/api/v1/cases/{case_id}", headers=bearer(token))
        assert "no case" in assert_problem(response, 404)["detail"]
    assert_problem(client.get(f"/api/v1/cases/{MAX_ID + 1}", headers=bearer(token)), 404)
    assert_problem(client.get(f"/api/v1/cases/{2**64}/events", headers=bearer(token)), 404)
