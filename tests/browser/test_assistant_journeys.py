"""The claim assistant in a browser: a buyer takes each of its three answered paths (an order
never shipped, a parcel the tracking says delivered, a damaged one) on a phone in Chinese and
on a desktop in English, and files the damaged one's case from the claim form it fills in.
No page scrolls sideways at 390 px."""

import re

import pytest

from tests.helpers.journeys import JOURNEY_ORDERS

pytestmark = pytest.mark.browser

BUYER = "buyer@example.com"
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1


def main_text(page) -> str:
    return page.locator("main").inner_text()


def ask(buyer, journey: str, problem: str, step: str):
    """From the order page's Open a case, answer what happened with ``problem``."""
    page = buyer.go("/orders")
    page.get_by_role("link", name=JOURNEY_ORDERS[journey]).click()
    page.locator("a[href$='/assistant']").click()
    page.wait_for_url(re.compile(r"/assistant$"))
    assert no_sideways_scroll(page)
    buyer.shot(f"{step}-question")
    page.locator(f"input[name=problem][value={problem}]").check()
    page.locator("#assistant-problem button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/assistant/{problem}$"))
    assert no_sideways_scroll(page)
    buyer.shot(f"{step}-answer")
    return page


@pytest.mark.parametrize(
    ("locale", "viewport", "journey", "words"),
    [
        (
            "zh-CN",
            PHONE,
            "assistant_damaged_zh",
            {
                "not_shipped": ("未发货：卖家尚未寄出。", "卖家始终没有发货"),
                "delivered": ("物流显示已于", "快递柜"),
                "damaged": ("包裹外观的照片", "与您类似的案件"),
            },
        ),
        (
            "en-GB",
            {"width": 1280, "height": 900},
            "assistant_damaged",
            {
                "not_shipped": ("Not shipped: the seller has not sent it.", "never shipped"),
                "delivered": ("The tracking says delivered on", "parcel locker"),
                "damaged": ("Photos of the parcel", "Cases like yours"),
            },
        ),
    ],
    ids=["phone-zh", "desktop-en"],
)
def test_the_assistant_answers_each_path_and_files_the_damaged_case(
    actors, site, locale, viewport, journey, words
):
    buyer = actors(BUYER, locale=locale, name=f"assistant-{locale}")
    buyer.page.set_viewport_size(viewport)

    page = ask(buyer, "assistant_not_shipped", "not_received", "1-not-shipped")
    record, answer = words["not_shipped"]
    assert record in main_text(page) and answer in main_text(page)
    assert page.locator("input[name=remedy][value=full_refund]").is_checked()

    page = ask(buyer, "assistant_delivered", "not_received", "2-delivered")
    record, answer = words["delivered"]
    assert record in main_text(page) and answer in main_text(page)
    assert page.locator("ol.assistant-checks li").count() == 3

    page = ask(buyer, journey, "damaged", "3-damaged")
    evidence, similar = words["damaged"]
    assert evidence in main_text(page) and similar in main_text(page)
    assert page.locator("input[name=remedy][value=replacement]").is_checked()
    if locale != "en-GB":
        return  # the phone only reads; the desktop files

    page.locator("input[name=remedy][value=return_and_refund]").check()
    page.locator("#assistant-remedy button[type=submit]").click()
    page.wait_for_url(re.compile(r"/case/new\?"))
    assert page.locator("#claim_type").input_value() == "damaged_in_transit"
    assert page.locator("#remedy").input_value() == "return_and_refund"
    page.select_option("#responsible_party", "logistics")
    page.fill("#description", "The box came crushed and the earbuds' case is cracked.")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    buyer.shot("4-filed")
    case_id = int(re.search(r"/cases/(\d+)$", page.url).group(1))
    assert site.sql("SELECT state, claim_type, remedy FROM cases WHERE id = ?", (case_id,)) == [
        ("filed", "damaged_in_transit", "return_and_refund")
    ]
