"""The parties' journey on a phone, in Chinese: the seller finds on My cases that the next
step is theirs and how long is left, and contests the claim with a statement and a PDF in
one form; the PDF follows the statement on the seller's timeline."""

import re

import pytest
from PIL import Image, ImageDraw

from tests.helpers.journeys import JOURNEY_ORDERS, accept_at_intake, open_case

pytestmark = pytest.mark.browser

BUYER = "buyer@example.com"
SELLER = "seller@example.com"
MEDIATOR = "mediator@example.com"
PHONE = {"width": 390, "height": 844}
STATEMENT = "耳机出库前经过质检，包装完好，详见所附质检报告。"


@pytest.fixture(scope="module")
def inspection_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("files") / "质检报告.pdf"
    image = Image.new("RGB", (595, 842), "white")
    ImageDraw.Draw(image).text((60, 60), "Quality inspection: passed", fill="black")
    image.save(path, "PDF")
    return path


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_a_seller_contests_with_a_pdf_on_a_phone_in_chinese(actors, site, inspection_pdf):
    buyer = actors(BUYER, name="contest-phone-zh-buyer")
    case_id = open_case(buyer, JOURNEY_ORDERS["contest_phone_zh"], "左耳机没有声音。")
    accept_at_intake(actors(MEDIATOR, name="contest-phone-zh-mediator"), case_id)

    seller = actors(SELLER, locale="zh-CN", name="contest-phone-zh")
    seller.page.set_viewport_size(PHONE)
    page = seller.go("/cases")
    mine = page.locator("tbody tr", has=page.locator(f"a[href='/cases/{case_id}']"))
    turn = mine.inner_text()
    assert "轮到您：答复投诉" in turn and "剩余 2 天 23 小时" in turn, turn
    assert page.locator("tbody tr").first.locator("strong", has_text="轮到您").count() == 1
    seller.shot("1-my-cases-your-turn")

    mine.get_by_role("link", name=f"案件 #{case_id}").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "轮到您：答复投诉" in page.locator(".case-turn").inner_text()
    form = page.locator("#contest-form")
    form.locator("#statement").fill(STATEMENT)
    form.locator("#evidence_files").set_input_files(str(inspection_pdf))
    form.scroll_into_view_if_needed()
    seller.shot("2-contest-form")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    assert site.case_state(case_id) == "evidence"
    main = page.locator("main").inner_text()
    assert "双方现在可以补充证据" in main, main[:1500]
    entries = page.locator(".timeline .side-seller article.entry")
    assert entries.count() == 2
    assert STATEMENT in entries.nth(0).inner_text()
    assert "质检报告.pdf" in entries.nth(1).inner_text()
    assert "轮到您：补充证据" in page.locator(".case-turn").inner_text()
    no_sideways_scroll(page)
    seller.shot("3-contested-with-pdf")
