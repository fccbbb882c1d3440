"""The public list of penalised shops: open to anyone, shop names only."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.core import clock
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.ledger import lift_restriction
from app.execution.models import SellingRestriction
from tests.helpers.factories import make_user
from tests.helpers.obligations import missed_obligation
from tests.helpers.pages import login

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


def penalise(**kwargs):
    obligation = missed_obligation(**kwargs)
    enforce_missed_obligation(obligation)
    return obligation


def page(client) -> str:
    response = client.get("/penalised-shops")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_each_restriction_of_a_shop_is_a_line_with_why_since_when_and_what_was_deducted(client):
    seller = make_user(name="Wang Wei", shop_name="Earbud Shop")
    penalise(seller=seller)
    clock.advance(timedelta(days=3))
    penalise(seller=seller, kind="replacement_shipment", amount_fen=None)

    html = page(client)

    first, second = rows(html)
    assert "Earbud Shop" in first and "Earbud Shop" not in second  # one cell spans both
    assert "Did not refund the buyer in time" in first
    assert "2026-06-10" in first and "¥199.00" in first
    assert re.search(r'<td[^>]*rowspan="2">2</td>', first)  # two cases
    assert "Did not ship a replacement in time" in second
    assert "2026-06-13" in second and "¥50.00" in second
    assert "an administrator lifts" in html


def test_the_reasons_are_in_the_reader_s_language(client):
    penalise(shop_name="Earbud Shop")
    client.post("/language", data={"locale": "zh_Hans"})

    [row] = rows(page(client))

    assert "Earbud Shop" in row and "未按时向买家退款" in row
    assert "Did not refund" not in row


def test_shops_without_an_active_restriction_are_not_listed(client):
    penalise(shop_name="Penalised Shop")
    make_user(shop_name="Honest Shop")
    lifted = penalise(shop_name="Reformed Shop")
    restriction = db.session.query(SellingRestriction).filter_by(obligation_id=lifted.id).one()
    lift_restriction(restriction, make_user(), "The refund was paid")

    html = page(client)

    assert [("Penalised Shop" in row) for row in rows(html)] == [True]
    assert "Honest Shop" not in html and "Reformed Shop" not in html


def test_the_page_shows_no_personal_data(client):
    seller = make_user(name="Wang Wei", email="wang.wei@example.com", shop_name="Earbud Shop")
    obligation = penalise(seller=seller)
    buyer = obligation.case.buyer

    html = page(client)

    assert "Earbud Shop" in html
    for personal in (
        seller.display_name,
        seller.email,
        seller.marketplace_user_id,
        buyer.display_name,
        buyer.email,
        buyer.marketplace_user_id,
        obligation.case.order.marketplace_order_id,
        obligation.case.description,
    ):
        assert personal not in html
    assert f"#{obligation.case_id}" not in html
    stored = db.session.query(SellingRestriction).filter_by(obligation_id=obligation.id).one()
    assert stored.reason not in html  # the stored reason names the case: it stays inside


def test_a_shop_without_a_name_is_listed_without_naming_its_seller(client):
    seller = make_user(name="Zhang San", email="zhang@example.com", shop_name=None)
    penalise(seller=seller)

    html = page(client)

    [row] = rows(html)
    assert "A shop without a name" in row
    assert "Zhang San" not in html and "zhang@example.com" not in html


def test_with_no_penalised_shop_the_page_says_so(client):
    html = page(client)
    assert rows(html) == []
    assert "No shop is penalised at the moment." in html


def test_the_page_keeps_to_the_content_security_policy(client):
    penalise()
    response = client.get("/penalised-shops")
    html = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "style=" not in html
    assert "<style" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_a_logged_in_visitor_sees_the_same_list(client):
    penalise(shop_name="Earbud Shop")
    login(client, make_user())
    assert "Earbud Shop" in page(client)
