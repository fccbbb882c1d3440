"""An admin adds a closed case a panel decided to the gold bank, in English on a desktop and
in Chinese on a phone: the case page offers it, the form has the panel's verdict chosen, the
first post only asks, Confirm adds it, and the gold bank lists it; no page scrolls sideways."""

import pytest

pytestmark = pytest.mark.browser

ADMIN = "admin@example.com"
WORDS = {
    "en-GB": {"offer": "Add to the gold bank…", "added": "is in the gold bank."},
    "zh-CN": {"offer": "加入金标准案例库…", "added": "已加入金标准案例库。"},
}
CLOSED_PANEL_CASE = (
    "SELECT cases.id FROM cases JOIN panels ON panels.case_id = cases.id "
    "JOIN tallies ON tallies.panel_id = panels.id "
    "WHERE cases.state = 'closed' AND cases.outcome IS NOT NULL "
    "AND panels.round = 'first' AND tallies.verdict IS NOT NULL "
    "AND cases.id NOT IN (SELECT case_id FROM gold_cases WHERE case_id IS NOT NULL) "
    "ORDER BY cases.id LIMIT 1"
)

LAST_VERDICT = (
    "SELECT tallies.verdict FROM tallies JOIN panels ON panels.id = tallies.panel_id "
    "WHERE panels.case_id = ? AND panels.round != 'gold' ORDER BY panels.id DESC LIMIT 1"
)


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize(("locale", "phone"), [("en-GB", False), ("zh-CN", True)])
def test_an_admin_adds_a_closed_case_to_the_gold_bank(actors, site, locale, phone):
    rows = site.sql(CLOSED_PANEL_CASE)
    assert rows, "the demo holds a closed case a panel decided"
    [(case_id,)] = rows
    words = WORDS[locale]
    admin = actors(ADMIN, locale=locale, phone=phone, name=f"gold-{locale[:2]}")

    page = admin.go(f"/cases/{case_id}")
    offer = page.locator("#gold-offer a")
    assert words["offer"] in offer.inner_text()
    assert not scrolls_sideways(page)
    offer.click()
    page.wait_for_load_state()
    assert page.locator("#gold-answer-form input[name=answer]:checked").count() == 1
    assert not scrolls_sideways(page)
    admin.shot("1-choose-the-right-option")

    page.locator("#gold-answer-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("article.confirmation").count() == 1
    assert site.sql("SELECT id FROM gold_cases WHERE case_id = ?", (case_id,)) == []
    assert not scrolls_sideways(page)
    admin.shot("2-confirm")

    page.locator("#confirmation-form button[name=confirmed]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/gold-bank")
    assert words["added"] in page.inner_text("main")
    assert page.locator(f"a[href='/cases/{case_id}']").count() == 1
    assert not scrolls_sideways(page)
    admin.shot("3-gold-bank")
    [(answer,)] = site.sql("SELECT answer FROM gold_cases WHERE case_id = ?", (case_id,))
    # the option chosen for the admin: the verdict of the last panel that heard the case
    # (an appeal panel's, when there was one)
    assert answer == site.sql(LAST_VERDICT, (case_id,))[0][0]
