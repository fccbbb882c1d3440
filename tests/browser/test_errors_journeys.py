"""Errors as a reader meets them, in headless Chromium: the missing page and the rate limit's
page in Chinese on a phone (390 px), a failed ballot that opens at its error summary, and the
character counter counting as the reason is typed.

The journeys' site runs without rate limits; the limit's page is met on a second server of
the same site and database, with its limits on and small.
"""

import re

import pytest

from tests.helpers.servers import same_site_with

PHONE = {"width": 390, "height": 844}
ZH = "zh-CN"


@pytest.fixture(scope="module")
def limited_site(site, tmp_path_factory):
    """The same site and database, served with small rate limits: three votes in three
    minutes per reviewer's address."""
    settings = {"RATELIMIT_ENABLED": "1", "VOTE_RATE_LIMIT": "2 per 3 minutes"}
    with same_site_with(site, tmp_path_factory.mktemp("limited-site"), settings) as limited:
        yield limited


def open_seat(site) -> tuple[int, str]:
    """A seat still to vote on a panel still open, and its reviewer's e-mail address."""
    rows = site.sql(
        "SELECT seats.id, users.email FROM seats JOIN panels ON panels.id = seats.panel_id "
        "JOIN users ON users.id = seats.reviewer_id "
        "WHERE panels.status = 'open' AND seats.status = 'open' ORDER BY seats.id LIMIT 1"
    )
    assert rows, "the demo holds a panel with open seats"
    return rows[0]


def assert_no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def in_view(page, selector: str) -> bool:
    """The element's top is on the screen as the page stands."""
    return page.evaluate(
        """selector => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight;
        }""",
        selector,
    )


def test_a_missing_page_in_chinese_on_a_phone_leads_home(actors, site):
    visitor = actors("nobody@example.com", ZH, log_in=False)
    visitor.page.set_viewport_size(PHONE)

    response = visitor.page.goto(site.url + "/orders/no-such-order")

    page = visitor.page
    assert response.status == 404
    assert page.locator("h1").inner_text() == "找不到页面"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("header nav").is_visible() and page.locator("#locale").is_visible()
    assert_no_sideways_scroll(page)
    visitor.shot("404-phone-zh")
    page.get_by_role("link", name="首页").click()
    page.wait_for_url(site.url + "/")


def test_too_many_votes_say_when_to_try_again_in_chinese_on_a_phone(actors, site, limited_site):
    seat_id, email = open_seat(site)
    reviewer = actors(email, ZH, log_in=False)
    reviewer.site = limited_site
    reviewer.login()
    page = reviewer.page
    page.set_viewport_size(PHONE)

    statuses = []
    for _ in range(3):  # with no option chosen: refused, and counted all the same
        reviewer.go(f"/review/seats/{seat_id}")
        with page.expect_navigation() as sent:
            page.locator("#ballot-form button[type=submit]").click()
        statuses.append(sent.value.status)

    assert statuses == [400, 400, 429]
    assert page.locator("h1").inner_text() == "尝试次数过多"
    wait = page.locator("main strong").inner_text()
    assert re.fullmatch(r"请等待 [23] 分钟后再试。", wait), wait
    assert "per" not in page.locator("main").inner_text()
    assert_no_sideways_scroll(page)
    reviewer.shot("429-phone-zh")


def test_a_failed_ballot_opens_at_its_error_summary_and_the_counter_counts(actors, site):
    seat_id, email = open_seat(site)
    reviewer = actors(email)
    page = reviewer.go(f"/review/seats/{seat_id}")

    reason = page.locator("#reason")
    reason.fill("Too short")
    counter = page.locator("#reason ~ .char-counter")
    assert counter.inner_text() == "9 / 2000"
    reason.press_sequentially(" still")
    assert counter.inner_text() == "15 / 2000"
    assert page.locator("#reason-hint").inner_text().endswith("Up to 2,000 characters.")

    with page.expect_navigation() as sent:
        page.locator("#ballot-form button[type=submit]").click()

    assert sent.value.status == 400
    assert page.url.endswith("#ballot-form-problems")
    assert page.evaluate("window.scrollY") > 0  # the ballot stands far below the top
    assert in_view(page, "#ballot-form-problems")
    assert page.evaluate("document.activeElement.id") == "ballot-form-problems"
    assert page.locator("#ballot-form-problems h2").inner_text() == "There is a problem"
    # the hint keeps its colour beside the error; only the error is red
    hint, error = (
        page.locator(selector).evaluate("e => getComputedStyle(e).color")
        for selector in ("#reason-hint", "#reason-errors")
    )
    assert hint != error
    reviewer.shot("ballot-error-summary")

    page.locator("#ballot-form-problems a[href='#option-0']").click()
    assert page.evaluate("document.activeElement.id") == "option-0"
