"""Journeys through the real site in a browser: each person logs in in their own context,
clicks through the pages and reads what they say. Timers are reached by moving the case's
deadline into the past in the database and waiting for the scheduler process to act.

Run: ``.venv/bin/pytest -q tests/browser -m browser -p no:cacheprovider``
"""

import re
import time

import pytest
from PIL import Image, ImageDraw

from tests.helpers.journeys import (
    BUYER,
    JOURNEY_ORDERS,
    MEDIATOR,
    SELLER,
    accept_at_intake,
    confirm,
    contest,
    expect_text,
    open_case,
    posting_to,
    to_mediation,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("files") / "earbud-case-cracked.jpg"
    image = Image.new("RGB", (640, 480), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((160, 120, 480, 360), fill=(40, 44, 52))
    draw.line((200, 140, 440, 340), fill=(250, 250, 250), width=6)
    image.save(path, "JPEG", quality=85)
    return path


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("files") / "quality-inspection.pdf"
    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 60), "Quality inspection report: passed, shipped intact", fill="black")
    image.save(path, "PDF")
    return path


def propose(mediator, case_id: int, outcome: str, amount: str | None, rationale: str) -> None:
    page = mediator.go(f"/cases/{case_id}")
    page.select_option("#proposal-outcome", outcome)
    if amount is not None:
        page.fill("#proposal-amount", amount)
    page.fill("#proposal-rationale", rationale)
    posting_to(page, f"/cases/{case_id}/mediation/proposal").locator("button").click()
    confirm(page)
    assert mediator.site.case_state(case_id) == "proposal", page.locator("main").inner_text()


def answer_proposal(party, case_id: int, answer: str) -> None:
    page = party.go(f"/cases/{case_id}")
    expect_text(page, "The mediator's settlement proposal")
    if answer == "reject":  # the reason's form is folded under "Reject the proposal…"
        page.locator("details.reject-proposal summary").click()
    posting_to(page, f"/cases/{case_id}/proposal/{answer}").locator("button").click()
    confirm(page)


def open_seat_from_inbox(reviewer, case_id: int, seat_id: int, timeout: float = 60):
    """The reviewer finds the seat's notice in the inbox (once the scheduler delivered it)
    and opens it. The notice is written in the reviewer's own language, whatever the
    browser's: it is found by the case's number and read as the scheduler wrote it."""
    end = time.monotonic() + timeout
    while True:
        page = reviewer.go("/inbox")
        notice = page.locator("article.inbox-item", has_text=re.compile(rf"#{case_id}\b"))
        if notice.count():
            break
        assert time.monotonic() < end, "the seat's notice never reached the inbox: " + repr(
            reviewer.site.sql(
                "SELECT channel, subject, sent_at, attempts, last_error FROM outbox_messages"
                " WHERE idempotency_key LIKE ?",
                (f"seat-{seat_id}:%",),
            )
        )
        time.sleep(0.5)
    [(subject, body)] = reviewer.site.sql(
        "SELECT subject, body FROM outbox_messages WHERE channel = 'inbox'"
        " AND idempotency_key LIKE ?",
        (f"seat-{seat_id}:%",),
    )
    expect_text(page, subject)
    expect_text(page, " ".join(body.split()[:3]))
    reviewer.shot("4-reviewer-inbox")
    notice.first.get_by_role("button", name="Open").click()
    page.wait_for_url(re.compile(rf"/review/seats/{seat_id}$"))
    return page


def journey(name: str):
    """Names the journey's screenshots: test-artifacts/screenshots/<name>-<step>.png."""

    def mark(test):
        test.journey = name
        return test

    return mark


@journey("default-judgment")
def test_silent_seller_loses_by_default_judgment(actors, site):
    buyer = actors(BUYER)
    case_id = open_case(
        buyer, JOURNEY_ORDERS["default_judgment"], "The earbuds stopped charging on day two."
    )
    expect_text(buyer.page, "Filed")
    mediator = actors(MEDIATOR)
    accept_at_intake(mediator, case_id)

    page = buyer.go(f"/cases/{case_id}")
    expect_text(page, "Waiting for the seller")
    expect_text(page, "The seller answers by")
    buyer.shot("1-awaiting-seller")

    site.expire_deadline(case_id)  # 72 hours of silence
    site.wait_for_state(case_id, "decided")  # executed once the appeal window closes

    page = buyer.go(f"/cases/{case_id}")
    expect_text(page, "Decided for the buyer")
    expect_text(page, "The seller did not answer in time (default judgment).")
    buyer.shot("2-decided-for-buyer")


@journey("default-judgment-zh")
def test_silent_seller_loses_by_default_judgment_in_chinese(actors, site):
    buyer = actors(BUYER, locale="zh-CN")
    case_id = open_case(buyer, JOURNEY_ORDERS["default_judgment_zh"], "耳机第二天就无法充电了。")
    mediator = actors(MEDIATOR)
    accept_at_intake(mediator, case_id)
    site.expire_deadline(case_id)
    site.wait_for_state(case_id, "decided")  # executed once the appeal window closes

    page = buyer.go(f"/cases/{case_id}")
    assert page.locator("html").get_attribute("lang", timeout=1000) == "zh-Hans"
    main = page.locator("main").inner_text()
    assert re.search(r"[\u4e00-\u9fff]", main), main[:500]
    assert "裁决买家胜诉" in main, main[:1500]  # "Decided for the buyer"
    assert "Decided for the buyer" not in main, "the page is still in English"
    buyer.shot("1-decided-for-buyer")


@journey("settlement")
def test_settlement_accepted_by_both_sides(actors, site, pdf):
    buyer = actors(BUYER)
    case_id = open_case(buyer, JOURNEY_ORDERS["settlement"], "One earbud is much quieter.")
    mediator = actors(MEDIATOR)
    accept_at_intake(mediator, case_id)
    seller = actors(SELLER)
    contest(seller, case_id, pdf)
    to_mediation(site, case_id)

    propose(mediator, case_id, "partial_refund", "80.00", "A partial refund for the weak earbud.")
    mediator.shot("1-proposal-sent")
    answer_proposal(buyer, case_id, "accept")
    expect_text(buyer.page, "Accepted")
    answer_proposal(seller, case_id, "accept")
    site.wait_for_state(case_id, "executing")

    for party in (buyer, seller):
        page = party.go(f"/cases/{case_id}")
        expect_text(page, "Settled")
        expect_text(page, "Both sides accepted the mediator's proposal.")
        expect_text(page, "Carrying out the decision")
        expect_text(page, "¥80.00")
    buyer.shot("2-settled-executing")


@journey("full-path")
def test_full_path_from_claim_through_panel_to_closed_and_rated(actors, site, photo, pdf):
    # the buyer opens a case with a photo, from My orders
    buyer = actors(BUYER)
    case_id = open_case(
        buyer,
        JOURNEY_ORDERS["full"],
        "The charging case arrived cracked and the left earbud does not pair.",
        photo=photo,
    )
    expect_text(buyer.page, "Filed")
    assert buyer.page.locator("main img").count() >= 1, "the photo is not on the timeline"

    # the mediator accepts it at intake, from the desk
    mediator = actors(MEDIATOR)
    accept_at_intake(mediator, case_id, shot="1-mediator-desk")

    # the seller contests with a PDF; the evidence window closes
    seller = actors(SELLER)
    contest(seller, case_id, pdf)
    seller.shot("2-case-both-timelines")
    to_mediation(site, case_id)

    # a partial refund is proposed and the buyer rejects it
    propose(mediator, case_id, "partial_refund", "100.00", "Half back: the damage is disputed.")
    answer_proposal(buyer, case_id, "reject")
    assert site.case_state(case_id) == "mediation"

    # the mediator routes the case to a panel
    page = mediator.go(f"/cases/{case_id}")
    page.fill(
        "#panel-summary",
        "The buyer says the case arrived cracked; the seller shows a passed inspection.",
    )
    page.fill("#panel-question", "Should the buyer get a full refund?")
    # the ballot is made from the claim: a full refund, or the claim rejected
    posting_to(page, f"/cases/{case_id}/mediation/panel").locator("button").click()
    page.wait_for_load_state()
    assert site.case_state(case_id) == "panel", page.locator("main").inner_text()[:1500]
    mediator.shot("3-sent-to-panel")

    # nine seated reviewers vote for the buyer
    seats = site.sql(
        "SELECT seats.id, users.email FROM seats JOIN panels ON panels.id = seats.panel_id "
        "JOIN users ON users.id = seats.reviewer_id "
        "WHERE panels.case_id = ? AND seats.status = 'open' ORDER BY seats.id LIMIT 9",
        (case_id,),
    )
    assert len(seats) == 9, seats
    for number, (seat_id, email) in enumerate(seats):
        reviewer = actors(email)
        if number == 0:  # logged in, the first lands on their seats and reads the inbox
            assert reviewer.page.url.endswith("/review/seats"), reviewer.page.url
            page = open_seat_from_inbox(reviewer, case_id, seat_id)
        else:
            page = reviewer.go("/review/seats")
            page.locator(f"a[href='/review/seats/{seat_id}']").first.click()
            page.wait_for_load_state()
        expect_text(page, "get a full refund?")
        main = page.locator("main").inner_text()
        assert "林晓雨" not in main and "Zhang Wei" not in main, "a name reached the reviewer"
        page.locator("input[name=option]").first.check()
        page.fill("#reason", "The photo shows a crack the inspection report cannot explain.")
        if number == 0:
            reviewer.shot("4-reviewer-ballot")
        posting_to(page, f"/review/seats/{seat_id}/vote").locator("button").click()
        confirm(page)
        expect_text(page, "You voted:")
        reviewer.close()

    # the scheduler counts; both parties see the verdict
    site.wait_for_state(case_id, "decided")
    for party in (buyer, seller):
        page = party.go(f"/cases/{case_id}")
        expect_text(page, "Decided for the buyer")
        expect_text(page, "A panel of reviewers decided.")
    buyer.shot("5-panel-verdict")

    # the appeal window closes; the seller refunds, the buyer confirms
    site.expire_deadline(case_id)
    site.wait_for_state(case_id, "executing")
    page = seller.go(f"/cases/{case_id}")
    expect_text(page, "Carrying out the decision")
    page.locator("textarea[id$='-proof']").first.fill(
        "Refunded through Alipay, reference 2099112300001."
    )
    page.locator(f"form[action^='/cases/{case_id}/obligations/'][action*='/done#'] button").click()
    page.wait_for_load_state()
    page = buyer.go(f"/cases/{case_id}")
    expect_text(page, "Refunded through Alipay")
    page.locator(
        f"form[action^='/cases/{case_id}/obligations/'][action$='/confirm'] button"
    ).click()
    page.wait_for_load_state()
    site.wait_for_state(case_id, "closed")

    # both rate how the case was handled
    for party, score in ((buyer, "5"), (seller, "3")):
        page = party.go(f"/cases/{case_id}")
        expect_text(page, "Everything decided was carried out.")
        page.locator(f"input[name=score][value='{score}']").check()
        page.fill("#comment", "Clear steps and quick answers.")
        page.locator(f"form[action^='/cases/{case_id}/rating#'] button").click()
        page.wait_for_load_state()
        expect_text(page, "You rated how this case was handled. Thank you.")
    buyer.shot("6-closed-and-rated")


@journey("appeal")
def test_the_losing_buyer_appeals_to_a_larger_panel(actors, site, pdf):
    buyer, seller, mediator = actors(BUYER), actors(SELLER), actors(MEDIATOR)
    case_id = open_case(buyer, JOURNEY_ORDERS["appeal"], "The earbuds stopped charging.")
    accept_at_intake(mediator, case_id)
    contest(seller, case_id, pdf)
    to_mediation(site, case_id)
    page = mediator.go(f"/cases/{case_id}")
    page.fill(
        "#panel-summary", "The buyer says the earbuds stopped charging; the seller disagrees."
    )
    page.fill("#panel-question", "Should the buyer get a full refund?")
    # the ballot is made from the claim: a full refund, or the claim rejected
    posting_to(page, f"/cases/{case_id}/mediation/panel").locator("button").click()
    page.wait_for_load_state()
    assert site.case_state(case_id) == "panel"

    # nine reviewers reject the claim
    seats = site.sql(
        "SELECT seats.id, users.email FROM seats JOIN panels ON panels.id = seats.panel_id "
        "JOIN users ON users.id = seats.reviewer_id "
        "WHERE panels.case_id = ? AND seats.status = 'open' ORDER BY seats.id LIMIT 9",
        (case_id,),
    )
    for seat_id, email in seats:
        reviewer = actors(email)
        page = reviewer.go(f"/review/seats/{seat_id}")
        page.locator("input[name=option]").nth(1).check()
        page.fill("#reason", "The charging fault is not shown in any of the evidence.")
        posting_to(page, f"/review/seats/{seat_id}/vote").locator("button").click()
        confirm(page)
        reviewer.close()
    site.wait_for_state(case_id, "decided")

    # the buyer lost, and appeals from the case page; the seller may not
    page = seller.go(f"/cases/{case_id}")
    assert "Appeal the verdict" not in page.locator("main").inner_text()
    page = buyer.go(f"/cases/{case_id}")
    expect_text(page, "Appeal the verdict")
    buyer.shot("1-appeal-form")
    page.fill("#reason", "The panel did not see the charging log I added; it shows the fault.")
    posting_to(page, f"/cases/{case_id}/appeal").locator("button").click()
    confirm(page)
    expect_text(page, "Your appeal is in")
    assert site.case_state(case_id) == "panel"
    [(seats_on_appeal,)] = site.sql(
        "SELECT COUNT(*) FROM seats JOIN panels ON panels.id = seats.panel_id "
        "WHERE panels.case_id = ? AND panels.round = 'appeal'",
        (case_id,),
    )
    assert seats_on_appeal == 35
    buyer.shot("2-appealed")
