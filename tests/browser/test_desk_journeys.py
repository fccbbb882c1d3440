"""The mediator desk on a phone (390 px wide), in Chinese: the page never scrolls sideways,
the filters stay folded under the search box, each case is a card; a case is found by its
number typed in full-width digits, a count opens its list, and that list is saved under a
name and opened again from its link."""

import pytest

pytestmark = pytest.mark.browser

MEDIATOR = "mediator@example.com"
PHONE = {"width": 390, "height": 844}


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_mediator_works_the_desk_on_a_phone(actors):
    mediator = actors(MEDIATOR, locale="zh-CN")
    mediator.page.set_viewport_size(PHONE)
    page = mediator.go("/mediation/")
    assert not scrolls_sideways(page)
    assert not page.locator("details.more-filters").evaluate("details => details.open")
    assert page.locator("table.queue-table thead").is_hidden()  # a card per case
    mediator.shot("desk-phone")

    page.fill("#q", "＃５")
    page.locator("form.queue-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("tr[id^='queue-case-']").count() == 1
    assert page.locator("#queue-case-5").is_visible()

    page = mediator.go("/mediation/")
    page.locator("#count-mine").click()
    page.wait_for_load_state()
    mine = page.locator("tr[id^='queue-case-']").count()
    assert mine > 0 and f"共 {mine} 个案件符合条件" in page.content()
    assert page.locator("details.more-filters").evaluate("details => details.open")
    assert not scrolls_sideways(page)

    page.fill("#name", "我的案件")
    page.locator("form.save-filter-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "筛选条件已保存" in page.content()
    page = mediator.go("/mediation/")
    page.locator(".saved-filters a", has_text="我的案件").click()
    page.wait_for_load_state()
    assert "assigned=mine" in page.url
    assert page.locator("tr[id^='queue-case-']").count() == mine
    mediator.shot("desk-phone-saved")
