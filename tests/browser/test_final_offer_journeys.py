"""The mediator sends a case to a panel with a ballot of final offers, in English on a
desktop and in Chinese on a phone: the seller's refused counter-offer and the mediator's
rejected proposal are on the ballot the routing form shows; choosing final offers shows that
ballot and hides the claim's (and its partial amount); the panel is drawn with it, and a
reviewer reads the offers on their seat."""

import json

import pytest

from tests.helpers.journeys import (
    BUYER,
    JOURNEY_ORDERS,
    MEDIATOR,
    SELLER,
    accept_at_intake,
    confirm,
    open_case,
    posting_to,
    to_mediation,
)

pytestmark = pytest.mark.browser

WORDS = {
    "en-GB": [
        "The buyer's request: full refund of ¥299.00",
        "The seller's offer: partial refund of ¥120.00",
        "The mediator's proposal: compensation of ¥80.00",
        "Decide for the seller: reject the claim",
    ],
    "zh-CN": [
        "买家的诉求：全额退款 ¥299.00",
        "卖家的反报价：部分退款 ¥120.00",
        "调解员的和解方案：赔偿 ¥80.00",
        "支持卖家：驳回买家的诉求",
    ],
}
KEYS = [
    "offer:buyer:full_refund:29900",
    "offer:seller:partial_refund:12000",
    "offer:mediator:compensation:8000",
    "reject",
]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def counter_offer(seller, case_id: int) -> None:
    page = seller.go(f"/cases/{case_id}")
    page.select_option("#remedy", "partial_refund")
    page.fill("#amount", "120.00")
    page.fill("#message", "We refund ¥120 and you keep the earbuds.")
    posting_to(page, f"/cases/{case_id}/answer/counter-offer").locator("button").click()
    page.wait_for_load_state()


def refuse_counter_offer(buyer, case_id: int) -> None:
    page = buyer.go(f"/cases/{case_id}")
    posting_to(page, f"/cases/{case_id}/counter-offer/refuse").locator("button").click()
    confirm(page)
    assert buyer.site.case_state(case_id) == "evidence"


def propose_and_reject(mediator, buyer, case_id: int) -> None:
    page = mediator.go(f"/cases/{case_id}")
    page.select_option("#proposal-outcome", "compensation")
    page.fill("#proposal-amount", "80.00")
    page.fill("#proposal-rationale", "Compensation for the crackle; the earbuds stay.")
    posting_to(page, f"/cases/{case_id}/mediation/proposal").locator("button").click()
    confirm(page)
    page = buyer.go(f"/cases/{case_id}")
    page.locator("details.reject-proposal summary").click()  # the reason's form is folded
    posting_to(page, f"/cases/{case_id}/proposal/reject").locator("button").click()
    confirm(page)
    assert buyer.site.case_state(case_id) == "mediation"


@pytest.mark.parametrize(("locale", "phone"), [("en-GB", False), ("zh-CN", True)])
def test_the_mediator_routes_a_case_with_the_final_offers(actors, site, locale, phone):
    journey = f"final-offers-{locale[:2]}"
    buyer = actors(BUYER, name=journey)
    case_id = open_case(
        buyer, JOURNEY_ORDERS[f"final_offers_{locale[:2]}"], "The left earbud crackles."
    )
    mediator = actors(MEDIATOR, name=journey)
    accept_at_intake(mediator, case_id)
    counter_offer(actors(SELLER, name=journey), case_id)
    refuse_counter_offer(buyer, case_id)
    to_mediation(site, case_id)
    propose_and_reject(mediator, buyer, case_id)

    mediator = actors(MEDIATOR, locale=locale, name=journey, phone=phone)
    page = mediator.go(f"/cases/{case_id}#route-to-panel")
    offers = page.locator("ul.final-offers li")
    partial = page.locator("#panel-partial_amount")
    assert not offers.first.is_visible() and partial.is_visible()  # the claim's ballot first
    page.select_option("#panel-ballot", "final_offers")
    assert offers.all_inner_texts() == WORDS[locale]
    assert offers.first.is_visible() and not partial.is_visible()
    assert not scrolls_sideways(page)
    mediator.shot("1-final-offers-ballot")

    page.fill("#panel-summary", "The buyer hears a crackle; the seller says it left intact.")
    page.fill("#panel-question", "Which offer is fair?")
    posting_to(page, f"/cases/{case_id}/mediation/panel").locator("button").click()
    confirm(page)
    site.wait_for_state(case_id, "panel")
    [[options]] = site.sql("SELECT options FROM panels WHERE case_id = ?", (case_id,))
    assert json.loads(options) == KEYS

    [[email, seat_id]] = site.sql(
        "SELECT users.email, seats.id FROM seats JOIN panels ON panels.id = seats.panel_id "
        "JOIN users ON users.id = seats.reviewer_id WHERE panels.case_id = ? "
        "AND seats.status = 'open' ORDER BY seats.id LIMIT 1",
        (case_id,),
    )
    reviewer = actors(email, locale=locale, name=journey, phone=phone)
    seat = reviewer.go(f"/review/seats/{seat_id}").locator("main").inner_text()
    for label in WORDS[locale]:
        assert label in seat
    assert not scrolls_sideways(reviewer.page)
    reviewer.shot("2-reviewer-reads-the-offers")
