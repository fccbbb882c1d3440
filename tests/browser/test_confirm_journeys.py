"""The mediator decides a case through its confirmation step, in English and Chinese, at
desktop and phone sizes: the case's next steps are within the first screen, "Decide" jumps
to the binding decision's form, the first click only asks (restating the decision), going
back keeps what was typed, and Confirm decides."""

import pytest

from tests.helpers.journeys import (
    BUYER,
    JOURNEY_ORDERS,
    MEDIATOR,
    SELLER,
    accept_at_intake,
    contest,
    open_case,
    to_mediation,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WORDS = {
    "en-GB": {"next": "Next steps", "undone": "This cannot be undone.", "decided": "Decided"},
    "zh-CN": {"next": "下一步", "undone": "此操作无法撤销。", "decided": "裁决"},
}


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize(
    ("locale", "size"),
    [("en-GB", "desktop"), ("zh-CN", "desktop"), ("en-GB", "phone"), ("zh-CN", "phone")],
)
def test_the_mediator_decides_after_confirming(actors, site, locale, size):
    journey = f"confirm-{locale[:2]}-{size}"
    buyer = actors(BUYER, name=journey)
    order = JOURNEY_ORDERS[f"confirm_{locale[:2]}_{size}"]
    case_id = open_case(buyer, order, "The left earbud crackles at any volume.")
    mediator = actors(MEDIATOR, name=journey)
    accept_at_intake(mediator, case_id)
    contest(actors(SELLER, name=journey), case_id)
    to_mediation(site, case_id)

    mediator = actors(MEDIATOR, locale=locale, name=journey)
    viewport = DESKTOP if size == "desktop" else PHONE
    mediator.page.set_viewport_size(viewport)
    page = mediator.go(f"/cases/{case_id}")
    words = WORDS[locale]
    steps = page.locator("section.next-steps")
    assert words["next"] in steps.inner_text()
    first_action = steps.locator("a").first
    assert first_action.get_attribute("href") == "#decide"
    top = first_action.evaluate("link => link.getBoundingClientRect().top")
    assert 0 <= top < viewport["height"], f"the first action starts {top:.0f} px down"
    assert not scrolls_sideways(page)
    mediator.shot("1-case-first-screen")

    first_action.click()
    assert page.url.endswith("#decide")
    page.select_option("#decision-outcome", "partial_refund")
    page.fill("#decision-amount", "120.00")
    page.fill("#decision-rationale", "The crackle is on the seller's own inspection video.")
    page.locator("#decision-form button[type=submit]").click()
    page.wait_for_load_state()
    confirmation = page.locator("article.confirmation")
    assert words["undone"] in confirmation.inner_text()
    assert "¥120.00" in confirmation.inner_text()
    assert site.case_state(case_id) == "mediation"  # asking changed nothing
    assert not scrolls_sideways(page)
    mediator.shot("2-confirm-decision")

    page.locator("#confirmation-form button[name=go_back]").click()
    page.wait_for_load_state()
    assert page.input_value("#decision-amount") == "120.00"
    assert site.case_state(case_id) == "mediation"
    page.locator("#decision-form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#confirmation-form button[name=confirmed]").click()
    page.wait_for_load_state()

    assert site.case_state(case_id) == "decided"
    assert words["decided"] in page.locator("main").inner_text()
    mediator.shot("3-decided")
