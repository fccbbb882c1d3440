"""Journeys of an account in a browser: a newcomer registers and opens the account through
the e-mailed link, forgets the password and sets a new one; a mediator turns on two-factor
login and logs in with it. The links are read from the mails the site queued."""

import re

import pyotp
import pytest

pytestmark = pytest.mark.browser

NEWCOMER = "newcomer@example.com"
MEDIATOR2 = "mediator2@example.com"
PASSWORD = "tribunal-demo"  # every demo account's password


def submit(page):
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_newcomer_registers_then_resets_a_forgotten_password(actors, site):
    person = actors(NEWCOMER, log_in=False)
    page = person.go("/register")
    page.fill("#email", NEWCOMER)
    page.fill("#display_name", "Nadia Newcomer")
    page.fill("#password", "my first passphrase")
    page.fill("#confirm", "my first passphrase")
    submit(page)
    assert f"We sent a message to {NEWCOMER}" in page.content()
    assert page.get_by_role("link", name="Log in").is_visible()  # not logged in yet
    person.shot("check-your-mail")

    page.goto(site.mail_link(NEWCOMER, "/verify/"))
    assert "your e-mail address is confirmed" in page.content()
    assert page.get_by_role("link", name="Nadia Newcomer").is_visible()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page = person.go("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.fill("#email", NEWCOMER)
    submit(page)
    assert f"If {NEWCOMER} belongs to a Tribunal account" in page.content()

    page.goto(site.mail_link(NEWCOMER, "/password/reset/"))
    page.fill("#password", "my second passphrase")
    page.fill("#confirm", "my second passphrase")
    submit(page)
    assert "/login" in page.url and "Your new password is set" in page.content()
    page.fill("#email", NEWCOMER)
    page.fill("#password", "my second passphrase")
    submit(page)
    assert page.get_by_role("link", name="Nadia Newcomer").is_visible()


def test_a_mediator_turns_on_two_factor_login_and_logs_in_with_it(actors, site):
    mediator = actors(MEDIATOR2)
    page = mediator.go("/account")
    page.get_by_role("link", name="Set up two-factor login").click()
    page.get_by_role("button", name="Begin").click()
    page.wait_for_load_state()
    assert page.locator(".qr-code svg").is_visible()
    mediator.shot("scan-the-qr-code")
    page.get_by_text("Cannot scan it? Enter the key by hand").click()
    secret = page.locator("code.secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    submit(page)
    codes = re.findall(r"[a-z2-9]{5}-[a-z2-9]{5}", page.locator(".recovery-codes").inner_text())
    assert len(codes) == 10
    mediator.shot("recovery-codes")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page = mediator.go("/login")
    page.fill("#email", MEDIATOR2)
    page.fill("#password", PASSWORD)
    submit(page)
    assert "/login/two-factor" in page.url  # the password alone does not log in
    page.fill("#code", codes[0])  # the app's code of this half minute was used to confirm
    submit(page)
    assert page.get_by_role("link", name="Mediator desk").is_visible()
