"""The negotiation thread in the browser: buyer and seller, each on a phone (390 px wide) in
Chinese, exchange two messages on a live case; each is told of the other's; then the
case's mediator, on a desktop in English, reads both in the order they were written."""

import pytest

pytestmark = pytest.mark.browser

BUYER = "buyer@example.com"
SELLER = "seller@example.com"
MEDIATOR = "mediator@example.com"
PHONE = {"width": 390, "height": 844}
FIRST = "耳机左边充不进电，可以换一副新的吗？"
ANSWER = "可以，我们今天就寄出新的一副，请保留原包装。"


def live_case(site) -> int:
    """A case of the buyer and the seller that mediator@example.com handles, still live."""
    rows = site.sql(
        "SELECT cases.id FROM cases"
        " JOIN users AS buyer ON buyer.id = cases.buyer_id"
        " JOIN users AS seller ON seller.id = cases.seller_id"
        " JOIN users AS mediator ON mediator.id = cases.mediator_id"
        " WHERE buyer.email = ? AND seller.email = ? AND mediator.email = ?"
        " AND cases.state IN ('awaiting_seller', 'evidence', 'mediation') ORDER BY cases.id",
        (BUYER, SELLER, MEDIATOR),
    )
    assert rows, "the demo holds no live case of the buyer and the seller"
    return rows[0][0]


def fits_the_phone(page, selector: str) -> bool:
    """The element scrolls nothing sideways and stands inside the phone's width."""
    return page.eval_on_selector(
        selector,
        "el => el.scrollWidth <= el.clientWidth + 1"
        " && el.getBoundingClientRect().right <= window.innerWidth + 1",
    )


def write(actor, case_id: int, text: str) -> None:
    """Write in the thread through its form on the case page, as a person on a phone does."""
    page = actor.go(f"/cases/{case_id}")
    page.locator("#thread-text").fill(text)
    page.locator("#thread-form button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case_id}#thread")
    assert "留言已发到协商记录" in page.locator("main").inner_text()


def told_of_thread(site, case_id: int, address: str) -> list[str]:
    rows = site.sql(
        "SELECT subject FROM outbox_messages WHERE recipient_address = ? AND channel = 'inbox'"
        " AND idempotency_key LIKE ? ORDER BY id",
        (address, f"case-{case_id}:thread-%"),
    )
    return [subject for (subject,) in rows]


def test_buyer_and_seller_talk_on_phones_in_chinese_and_the_mediator_reads(site, actors):
    case_id = live_case(site)
    told_before = {
        who: len(told_of_thread(site, case_id, who)) for who in (BUYER, SELLER, MEDIATOR)
    }
    buyer = actors(BUYER, locale="zh-CN", name="thread-buyer-phone-zh")
    seller = actors(SELLER, locale="zh-CN", name="thread-seller-phone-zh")
    for phone in (buyer, seller):
        phone.page.set_viewport_size(PHONE)

    write(buyer, case_id, FIRST)
    told_seller = told_of_thread(site, case_id, SELLER)[told_before[SELLER] :]
    assert told_seller == [f"案件 #{case_id}：协商记录中有新留言"]

    page = seller.go(f"/cases/{case_id}")
    thread = page.locator("#thread")
    assert "协商记录" in thread.locator("h2").inner_text()
    newest = thread.locator(".thread-post").last
    assert FIRST in newest.inner_text() and "买家" in newest.inner_text()
    write(seller, case_id, ANSWER)
    assert len(told_of_thread(site, case_id, BUYER)) == told_before[BUYER] + 1

    page = buyer.go(f"/cases/{case_id}")
    posts = page.locator("#thread .thread-post")
    mine, theirs = posts.nth(posts.count() - 2), posts.nth(posts.count() - 1)
    assert FIRST in mine.inner_text() and "（您）" in mine.inner_text()
    assert ANSWER in theirs.inner_text() and "卖家" in theirs.inner_text()
    assert "（您）" not in theirs.inner_text()
    assert fits_the_phone(page, "#thread")
    page.locator("#thread").scroll_into_view_if_needed()
    buyer.shot("thread")

    mediator = actors(MEDIATOR, name="thread-mediator")
    page = mediator.go(f"/cases/{case_id}")
    text = page.locator("#thread").inner_text()
    assert "Negotiation thread" in text
    assert text.index(FIRST) < text.index(ANSWER)
    assert page.locator("#thread-form").count() == 1  # the case's mediator may write too
    assert len(told_of_thread(site, case_id, MEDIATOR)) == told_before[MEDIATOR] + 2
