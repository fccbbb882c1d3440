"""What the browser journeys share: the delivered orders from seller@example.com to
buyer@example.com, one per journey, imported through the marketplace import as production
receives them (the demo holds only one); and the steps a case goes through in a browser."""

import re
from datetime import UTC, datetime, timedelta

BUYER = "buyer@example.com"
SELLER = "seller@example.com"
MEDIATOR = "mediator@example.com"

JOURNEY_ORDERS = {
    "full": "TB2099000000001",
    "default_judgment": "TB2099000000002",
    "default_judgment_zh": "TB2099000000003",
    "settlement": "TB2099000000004",
    "appeal": "TB2099000000005",
    "assistant_delivered": "TB2099000000006",
    "assistant_damaged_zh": "TB2099000000007",
    "assistant_damaged": "TB2099000000008",
    "assistant_not_shipped": "TB2099000000009",
    # deciding with its confirmation step: English and Chinese, desktop and phone
    "confirm_en_desktop": "TB2099000001501",
    "confirm_zh_desktop": "TB2099000001502",
    "confirm_en_phone": "TB2099000001503",
    "confirm_zh_phone": "TB2099000001504",
    "contest_phone_zh": "TB2099000000010",
    # routing with a ballot of final offers: English on a desktop, Chinese on a phone
    "final_offers_en": "TB2099000001601",
    "final_offers_zh": "TB2099000001602",
    # a panel that sizes itself: English at a desktop, Chinese on a phone
    "adaptive_en_desktop": "TB2099000001603",
    "adaptive_zh_phone": "TB2099000001604",
}
# orders the seller never shipped: placed, with no shipping at all
NOT_SHIPPED = frozenset({JOURNEY_ORDERS["assistant_not_shipped"]})


def journey_orders() -> list[dict]:
    now = datetime.now(UTC)
    records = []
    for number, order_id in enumerate(JOURNEY_ORDERS.values()):
        records.append(
            {
                "marketplace_order_id": order_id,
                "buyer": {
                    "id": "mkt-00004",
                    "email": "buyer@example.com",
                    "name": "林晓雨 Lin Xiaoyu",
                },
                "seller": {
                    "id": "mkt-00006",
                    "email": "seller@example.com",
                    "name": "张伟 Zhang Wei",
                    "shop_name": "小张数码 Zhang's Digital",
                },
                "items": [
                    {
                        "title": f"蓝牙耳机 Bluetooth earbuds #{number + 1}",
                        "category": "electronics",
                        "quantity": 1,
                        "unit_price_fen": 29900,
                    }
                ],
                "amount_fen": 29900,
                "currency": "CNY",
                "status": "delivered",
                "placed_at": (now - timedelta(days=6, minutes=number)).isoformat(),
                "shipped_at": (now - timedelta(days=5)).isoformat(),
                "delivered_at": (now - timedelta(days=2)).isoformat(),
                "carrier": "SF Express",
                "tracking_number": f"SF20990000{number:04d}",
            }
        )
        if order_id in NOT_SHIPPED:
            records[-1] |= {"status": "placed", "shipped_at": None, "delivered_at": None}
            records[-1] |= {"carrier": None, "tracking_number": None}
    return records


# The steps of a case, as its people take them in a browser


def case_id_of(page) -> int:
    match = re.search(r"/cases/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def order_on_page(person, order_id: str, pages: int = 5):
    """The link to ``order_id`` on *My orders*, turning the list's pages until it shows (the
    journeys' orders fill more than one)."""
    for number in range(1, pages + 1):
        page = person.go(f"/orders?page={number}")
        link = page.get_by_role("link", name=order_id)
        if link.count():
            return link
    raise AssertionError(f"{order_id} is on none of the first {pages} pages of My orders")


def open_case(buyer, order_id: str, description: str, photo=None, remedy="full_refund") -> int:
    """My orders → the order → Open a case → past the assistant's questions to the claim
    form; returns the new case's id."""
    order_on_page(buyer, order_id).click()
    page = buyer.page
    page.locator("a[href$='/assistant']").click()
    page.locator("a[href$='/case/new']").click()
    page.select_option("#claim_type", "not_as_described")
    page.select_option("#responsible_party", "seller")
    page.fill("#description", description)
    page.select_option("#remedy", remedy)
    if photo is not None:
        page.set_input_files("#evidence_files", str(photo))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    return case_id_of(page)


def accept_at_intake(mediator, case_id: int, shot: str | None = None) -> None:
    page = mediator.go("/mediation/")
    waiting = page.locator(f"section[aria-labelledby='intake-title'] a[href='/cases/{case_id}']")
    assert waiting.count() == 1, "the new case is not waiting for intake on the mediator desk"
    if shot:
        mediator.shot(shot)
    page = mediator.go(f"/cases/{case_id}")
    page.select_option("#severity", "important")
    posting_to(page, f"/cases/{case_id}/intake/accept").locator("button").click()
    confirm(page)
    assert mediator.site.case_state(case_id) == "awaiting_seller"


def contest(seller, case_id: int, pdf=None) -> None:
    """The seller contests the claim, then adds a PDF to the seller's timeline."""
    page = seller.go(f"/cases/{case_id}")
    expect_text(page, "Answer the claim")
    page.fill("#statement", "The earbuds passed inspection and left our shop intact.")
    posting_to(page, f"/cases/{case_id}/answer/contest").locator("button").click()
    # the form may carry files, so the page sends it with its upload progress and then follows
    seller.site.wait_for_state(case_id, "evidence")
    page.wait_for_url(re.compile(rf"/cases/{case_id}(#.*)?$"))
    page.wait_for_load_state()
    if pdf is not None:
        page.select_option("#kind", "pdf")
        page.set_input_files("#file", str(pdf))
        posting_to(page, f"/cases/{case_id}/evidence").locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect_text(page, "PDF document")


def to_mediation(site, case_id: int) -> None:
    site.expire_deadline(case_id)  # the 72-hour evidence window closes
    site.wait_for_state(case_id, "mediation")


def posting_to(page, action: str):
    """The form posting to ``action``, whose address may end in the fragment that opens the
    form's error summary."""
    return page.locator(f"form:is([action='{action}'], [action^='{action}#'])")


def confirm(page) -> None:
    """An irreversible step (or one on a colleague's case) asks once more: confirm it."""
    page.wait_for_load_state()
    if page.locator("#confirmation-form").count():
        page.locator("#confirmation-form button[name=confirmed]").click()
        page.wait_for_load_state()


def expect_text(page, text: str) -> None:
    main = page.locator("main").inner_text()
    assert text in main, f"{text!r} not on {page.url}:\n{main[:1500]}"
