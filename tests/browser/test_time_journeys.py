"""Journeys of the reader's time zone: the browser's zone is taken at registration and
suggested on the account page; without the script, a Chinese reader gets Shanghai time;
the account page's zone works on a phone."""

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def browser_in(browser, zone: str, locale: str, *, script: bool = True, viewport=None):
    """A browser context whose clock says ``zone``, reading ``locale``."""
    context = browser.new_context(
        locale=locale,
        timezone_id=zone,
        java_script_enabled=script,
        extra_http_headers={"Accept-Language": locale},
        viewport=viewport or {"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    return context


def register(page, site, email: str, name: str) -> None:
    """Register through the form, then open the account through the e-mailed link."""
    page.goto(site.url + "/register")
    page.fill("#email", email)
    page.fill("#display_name", name)
    page.fill("#password", "a long passphrase")
    page.fill("#confirm", "a long passphrase")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(site.mail_link(email, "/verify/"))


def saved_zone(site, email: str) -> str | None:
    return site.sql("SELECT time_zone FROM users WHERE email = ?", (email,))[0][0]


def test_a_newcomer_s_times_follow_the_browser_s_zone(browser, site):
    context = browser_in(browser, "Asia/Tokyo", "en-GB")
    try:
        page = context.new_page()
        register(page, site, "tokyo@example.com", "Taro Tokyo")

        assert saved_zone(site, "tokyo@example.com") == "Asia/Tokyo"
        page.goto(site.url + "/account")
        assert page.locator("#time_zone").input_value() == "Asia/Tokyo"
        assert "JST" in page.locator("#time-zone-form").locator("xpath=..").inner_text()
    finally:
        context.close()


def test_a_chinese_reader_without_the_script_reads_shanghai_time_then_picks_berlin_on_a_phone(
    browser, site
):
    email = "berlin@example.com"
    without_script = browser_in(browser, "Europe/Berlin", "zh-CN", script=False)
    try:
        page = without_script.new_page()
        register(page, site, email, "Bettina Berlin")
        assert saved_zone(site, email) is None
        page.goto(site.url + "/account")
        section = page.locator("#time-zone-form").locator("xpath=..")
        assert "CST" in section.inner_text()  # Shanghai, as the language suggests
        assert page.locator("#time_zone").input_value() == ""
    finally:
        without_script.close()

    phone = browser_in(browser, "Europe/Berlin", "zh-CN", viewport=PHONE)
    try:
        page = phone.new_page()
        page.goto(site.url + "/login")
        page.fill("#email", email)
        page.fill("#password", "a long passphrase")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        page.goto(site.url + "/account")
        assert page.locator("#time_zone").input_value() == "Europe/Berlin"  # the suggestion
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

        page.locator("#time-zone-form button[type=submit]").click()
        page.wait_for_load_state()

        assert saved_zone(site, email) == "Europe/Berlin"
        text = page.locator("#time-zone-form").locator("xpath=..").inner_text()
        assert "CET" in text or "CEST" in text
        assert "时区" in text
    finally:
        phone.close()
