"""The claim assistant before the claim form: the platform's answer for each path, the
figures of cases like the buyer's only from groups of ten, and the steps through to a claim
form filled in with what the buyer chose."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.analytics.facts import fill_case_facts
from app.analytics.similar import similar_cases
from app.assistant.advice import (
    Advice,
    Check,
    Evidence,
    OrderRecord,
    Problem,
    Situation,
    advise,
)
from app.cases.states import (
    CLAIMABLE_REMEDIES,
    ClaimType,
    Remedy,
)
from app.core import clock
from app.orders.models import OrderStatus
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page, signed_in

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
SHIPPED = NOW - timedelta(days=5)
DELIVERED = NOW - timedelta(days=3)


# The platform's answer, path by path


def test_an_order_never_shipped_is_owed_a_full_refund():
    advice = advise(Problem.NOT_RECEIVED, OrderRecord(None, None, None, None))

    assert advice == Advice(
        Situation.NOT_SHIPPED,
        ClaimType.NOT_RECEIVED,
        (Remedy.FULL_REFUND,),
        Remedy.FULL_REFUND,
        evidence=(Evidence.CHAT_WITH_SELLER,),
    )


def test_a_parcel_the_tracking_says_delivered_is_looked_for_before_filing():
    record = OrderRecord(SHIPPED, DELIVERED, "SF Express", "SF1234567890")

    advice = advise(Problem.NOT_RECEIVED, record)

    assert advice.situation is Situation.DELIVERED_BUT_MISSING
    assert advice.checks == (Check.NEIGHBOURS, Check.LOCKER, Check.SIGN_OFF_PHOTO)
    assert advice.claim_type is ClaimType.NOT_RECEIVED
    assert advice.suggested is Remedy.FULL_REFUND
    assert Evidence.TRACKING_PAGE in advice.evidence


def test_a_parcel_shipped_and_not_delivered_is_in_transit_with_nothing_to_check_at_home():
    advice = advise(Problem.NOT_RECEIVED, OrderRecord(SHIPPED, None, "SF Express", None))

    assert advice.situation is Situation.IN_TRANSIT
    assert advice.checks == ()
    assert advice.claim_type is ClaimType.NOT_RECEIVED


def test_damage_asks_for_photos_of_parcel_item_and_packaging_and_suggests_a_replacement():
    advice = advise(Problem.DAMAGED, OrderRecord(SHIPPED, DELIVERED, None, None))

    assert advice.situation is Situation.DAMAGED
    assert advice.claim_type is ClaimType.DAMAGED_IN_TRANSIT
    assert advice.remedies[0] is advice.suggested is Remedy.REPLACEMENT
    assert Remedy.RETURN_AND_REFUND in advice.remedies
    assert {Evidence.PARCEL_PHOTOS, Evidence.ITEM_PHOTOS, Evidence.PACKAGING} <= set(
        advice.evidence
    )


def test_not_as_described_suggests_a_return_with_the_listing_as_evidence():
    advice = advise(Problem.NOT_AS_DESCRIBED, OrderRecord(SHIPPED, DELIVERED, None, None))

    assert advice.claim_type is ClaimType.NOT_AS_DESCRIBED
    assert advice.suggested is Remedy.RETURN_AND_REFUND
    assert Evidence.LISTING in advice.evidence


def test_something_else_has_no_ready_answer_and_leaves_every_choice_to_the_buyer():
    advice = advise(Problem.OTHER, OrderRecord(None, None, None, None))

    assert advice.situation is Situation.OTHER
    assert advice.claim_type is None and advice.suggested is None
    assert advice.remedies == CLAIMABLE_REMEDIES


# Cases like yours: the rule of ten


def ended_cases(count: int, *, claim_type="damaged_in_transit", category="electronics", **fields):
    """``count`` cases filed ten days ago about an order in ``category``, decided for the
    buyer four days after filing and closed, unless ``fields`` say otherwise."""
    filed_at = NOW - timedelta(days=10)
    ending = {
        "state": "closed",
        "outcome": "for_buyer",
        "decision_kind": "mediator",
        "decision_remedy": "full_refund",
        "decided_at": filed_at + timedelta(days=4),
        "closed_reason": "completed",
        "closed_at": filed_at + timedelta(days=6),
    }
    for _ in range(count):
        order = make_order(category=category)
        make_case_row(order, claim_type=claim_type, filed_at=filed_at, **(ending | fields))


@pytest.fixture
def frozen(app):
    clock.freeze(NOW)


def test_nine_similar_cases_show_nothing(frozen):
    ended_cases(9)
    ended_cases(5, category="books")  # another category
    ended_cases(5, claim_type="counterfeit")  # another claim type
    ended_cases(
        3,
        state="evidence",
        outcome=None,
        decision_kind=None,
        decided_at=None,
        closed_reason=None,
        closed_at=None,
    )  # not ended yet
    fill_case_facts()

    similar = similar_cases("damaged_in_transit", "electronics", NOW)

    assert not similar.shown
    assert similar.ended.value is None
    assert all(share.hidden and share.value is None for share in similar.shares.values())
    assert similar.median_days.hidden


def test_ten_similar_cases_show_how_they_ended_and_how_long_they_took(frozen):
    ended_cases(6)
    ended_cases(2, outcome="settled", decision_kind="proposal_accepted")
    ended_cases(1, outcome="for_seller")
    ended_cases(
        1,
        outcome=None,
        decision_kind=None,
        decision_remedy=None,
        decided_at=None,
        closed_reason="withdrawn",
    )
    fill_case_facts()

    similar = similar_cases("damaged_in_transit", "electronics", NOW)

    assert similar.shown and similar.ended.value == 10
    shares = {key: share.value for key, share in similar.shares.items()}
    assert shares == {"for_buyer": 60, "settled": 20, "for_seller": 10, "withdrawn": 10}
    # only nine were decided: a median over fewer than ten is not shown
    assert similar.median_days.hidden


def test_the_median_shows_once_ten_similar_cases_were_decided(frozen):
    ended_cases(10)
    fill_case_facts()

    similar = similar_cases("damaged_in_transit", "electronics", NOW)

    assert similar.median_days.value == 4.0


def test_cases_filed_before_the_history_are_not_like_yours(app, frozen):
    ended_cases(10)
    fill_case_facts()
    later = NOW + app.config["SIMILAR_CASES_HISTORY"]

    assert not similar_cases("damaged_in_transit", "electronics", later).shown


# Through the pages, with CSRF on, to the claim form filled in


SELECTED = re.compile(r'<option selected value="([^"]*)"')


def chosen(html: str, name: str) -> str | None:
    """The option chosen in the form's select ``name``."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    match = SELECTED.search(select.group(1))
    return match.group(1) if match else None


@pytest.mark.usefixtures("csrf_enabled")
def test_the_order_page_leads_through_the_steps_to_a_claim_form_filled_in(client):
    buyer = make_user()
    order = make_order(buyer)
    login_with_token(client, buyer)
    start = f"/orders/{order.id}/assistant"
    assert f'href="{start}"' in page(client, f"/orders/{order.id}")

    assert client.post(start, data={"problem": "damaged"}).status_code == 400  # no token
    token = csrf_token_from(page(client, start))
    response = client.post(start, data={"problem": "damaged", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{start}/damaged"

    advice = page(client, f"{start}/damaged")
    assert "Photos of the parcel" in advice and "padding" in advice
    assert re.search(r'checked[^>]*value="replacement"|value="replacement"[^>]*checked', advice)
    assert client.post(f"{start}/damaged", data={"remedy": "return_and_refund"}).status_code == 400
    token = csrf_token_from(advice)
    response = client.post(
        f"{start}/damaged", data={"remedy": "return_and_refund", "csrf_token": token}
    )
    assert response.status_code == 302

    form = page(client, response.headers["Location"])
    assert response.headers["Location"].startswith(f"/orders/{order.id}/case/new?")
    assert chosen(form, "claim_type") == "damaged_in_transit"
    assert chosen(form, "remedy") == "return_and_refund"


def test_a_question_left_unanswered_is_asked_again_beside_it(client):
    buyer = make_user()
    order = make_order(buyer)
    signed_in(client, buyer)

    response = client.post(f"/orders/{order.id}/assistant", data={})

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "problem") == "Choose what happened."


def test_an_order_never_shipped_offers_the_refund_path_and_files_as_not_received(client):
    buyer = make_user()
    order = make_order(buyer, status=OrderStatus.PLACED)
    order.shipped_at = None
    signed_in(client, buyer)
    url = f"/orders/{order.id}/assistant/not_received"

    html = page(client, url)
    assert "Not shipped: the seller has not sent it." in html
    assert "The seller never shipped this order" in html
    response = client.post(url, data={"remedy": "full_refund"})

    form = page(client, response.headers["Location"])
    assert chosen(form, "claim_type") == "not_received"
    assert chosen(form, "remedy") == "full_refund"


def test_delivered_but_missing_lists_what_to_check_first(client):
    buyer = make_user()
    order = make_order(buyer)
    signed_in(client, buyer)

    html = page(client, f"/orders/{order.id}/assistant/not_received")

    assert "The tracking says the parcel was delivered" in html
    assert "parcel locker" in html and "sign-off photo" in html


def test_something_else_lets_the_buyer_choose_the_claim_type_on_the_form(client):
    buyer = make_user()
    order = make_order(buyer)
    signed_in(client, buyer)
    url = f"/orders/{order.id}/assistant/other"

    html = page(client, url)
    assert "Cases like yours" not in html
    assert client.post(url, data={}).status_code == 400  # no remedy is suggested
    response = client.post(url, data={"remedy": "replacement"})

    assert "claim_type" not in response.headers["Location"]
    assert chosen(page(client, response.headers["Location"]), "remedy") == "replacement"


def test_the_page_shows_cases_like_yours_only_from_ten(client, frozen):
    buyer = make_user()
    order = make_order(buyer, category="electronics")
    signed_in(client, buyer)
    url = f"/orders/{order.id}/assistant/damaged"
    ended_cases(9)
    fill_case_facts()

    assert "Not enough similar cases yet" in page(client, url)

    ended_cases(1)
    fill_case_facts()
    html = page(client, url)
    assert "10 cases of the same kind (Damaged in transit)" in html
    assert "100%" in html and "within 4.0 days" in html


def test_the_claim_form_ignores_what_it_does_not_offer_in_its_address(client):
    buyer = make_user()
    order = make_order(buyer)
    signed_in(client, buyer)

    form = page(client, f"/orders/{order.id}/case/new?claim_type=bribery&remedy=claim_rejected")

    assert chosen(form, "claim_type") is None and chosen(form, "remedy") is None


def test_only_the_buyer_is_helped_and_an_unknown_problem_is_not_found(client):
    buyer = make_user()
    order = make_order(buyer)
    url = f"/orders/{order.id}/assistant"

    assert signed_in(client, make_user()).get(url).status_code == 404
    assert signed_in(client, order.seller).get(url).status_code == 403
    assert signed_in(client, buyer).get(f"{url}/lost_temper").status_code == 404


def test_an_order_with_an_open_case_is_sent_to_it_not_helped_again(client):
    case = make_case_row(make_order())
    signed_in(client, case.buyer)

    html = page(client, f"/orders/{case.order_id}/assistant/damaged", 403)

    assert "This order already has an open case." in html
    assert f'href="/cases/{case.id}"' in html


def test_my_orders_offers_help_on_the_orders_bought_not_on_those_sold(client):
    buyer = make_user()
    bought, sold = make_order(buyer), make_order(seller=buyer)
    signed_in(client, buyer)

    html = page(client, "/orders")

    assert f'href="/orders/{bought.id}/assistant"' in html
    assert f"/orders/{sold.id}/assistant" not in html
