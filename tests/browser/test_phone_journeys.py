"""The main pages at a phone's width (390 px), in English and in Chinese: nothing scrolls
sideways, the navigation folds into a menu that opens and closes from the keyboard, tables
read as cards, states carry their name, photos open large. axe-core checks every page on
the way (see conftest.py). The last journey takes the README's screenshots."""

import pytest

pytestmark = pytest.mark.browser

BUYER = "buyer@example.com"
MEDIATOR = "mediator@example.com"
SCROLL_WIDTH = "document.documentElement.scrollWidth - window.innerWidth"


def demo_ids(site) -> dict[str, int | str]:
    """The demo's buyer's case with its evidence window open, its order, and a seat waiting
    for its vote on an open panel, with the reviewer who holds it."""
    (case_id, order_id) = site.sql(
        "SELECT c.id, c.order_id FROM cases c JOIN users u ON u.id = c.buyer_id"
        " WHERE u.email = ? AND c.state = 'evidence' ORDER BY c.id LIMIT 1",
        (BUYER,),
    )[0]
    reviewer, seat_id = site.sql(
        "SELECT u.email, s.id FROM seats s JOIN users u ON u.id = s.reviewer_id"
        " JOIN panels p ON p.id = s.panel_id"
        " WHERE p.status = 'open' AND s.status = 'open' ORDER BY s.id DESC LIMIT 1"
    )[0]
    return {"case": case_id, "order": order_id, "reviewer": reviewer, "seat": seat_id}


def pages_of(site) -> dict[str, list[str]]:
    """Each person's main pages ("" is a visitor who has not logged in)."""
    ids = demo_ids(site)
    return {
        "": ["/", "/transparency", "/penalised-shops", "/login", "/register"],
        BUYER: [
            "/orders",
            f"/orders/{ids['order']}",
            "/cases",
            f"/cases/{ids['case']}",
            "/inbox",
            "/account",
            "/review/",
        ],
        MEDIATOR: ["/mediation/", f"/cases/{ids['case']}", "/analytics/"],
        "admin@example.com": ["/admin/users", "/admin/audit", "/admin/restrictions"],
        ids["reviewer"]: ["/review/", "/review/seats", f"/review/seats/{ids['seat']}"],
    }


def use_the_menu(page, first_link: str) -> None:
    """The header shows one button; the keyboard opens it onto the links and Escape closes it,
    leaving the focus on the button."""
    assert page.locator(".nav-wide").is_hidden()
    summary = page.locator("details.site-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    link = page.locator("details.site-menu").get_by_role("link", name=first_link)
    link.wait_for(state="visible")
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    page.keyboard.press("Escape")
    assert link.is_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


@pytest.mark.parametrize(
    ("locale", "orders"), [("en-GB", "My orders"), ("zh-CN", "我的订单")], ids=["en", "zh"]
)
def test_every_main_page_fits_a_phone_and_the_menu_folds(actors, site, locale, orders):
    sideways = {}
    for email, paths in pages_of(site).items():
        person = actors(email or "visitor@example.com", locale, log_in=bool(email), phone=True)
        for path in paths:
            overflow = person.go(path).evaluate(SCROLL_WIDTH)
            if overflow > 0:
                sideways[path] = overflow
        if email:
            use_the_menu(person.page, orders)
    assert not sideways, f"pages that scroll sideways at 390 px in {locale} (px): {sideways}"


def test_tables_become_cards_with_each_value_named_and_states_keep_their_text(actors, site):
    buyer = actors(BUYER, "zh-CN", phone=True)
    page = buyer.go("/orders")
    first_row = page.locator("main table tbody tr").first
    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"
    label = first_row.locator("td").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label == '"订单："', label

    page = buyer.go("/cases")
    badges = page.locator("main mark.state")
    assert badges.count() >= 1
    for badge in badges.all():
        assert badge.inner_text().strip(), "a state shown by colour alone"
    colours = {
        badge.evaluate("mark => getComputedStyle(mark).backgroundColor") for badge in badges.all()
    }
    states = {badge.get_attribute("class") for badge in badges.all()}
    assert len(colours) > 1 or len(states) == 1, (colours, states)


def test_a_photo_opens_large_and_escape_returns_to_it(actors, site):
    buyer = actors(BUYER, phone=True)
    page = buyer.go(f"/cases/{demo_ids(site)['case']}")
    thumbnail = page.locator("a[data-lightbox]").first
    full_image = thumbnail.get_attribute("href")
    thumbnail.click()
    dialog = page.locator("dialog.lightbox")
    dialog.locator("img").wait_for(state="visible")
    assert dialog.locator("img").get_attribute("src").endswith(full_image)
    assert page.evaluate("document.activeElement.className") == "lightbox-close"
    page.keyboard.press("Escape")
    assert not dialog.evaluate("dialog => dialog.open")
    assert page.evaluate("document.activeElement.getAttribute('href')") == full_image


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"], ids=["en", "zh"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_readme_screenshots(actors, site, locale, size):
    """The README's pictures: the case page, orders, the desk and a seat, on a desktop and on
    a phone, in English and in Chinese (test-artifacts/screenshots/readme-*)."""
    ids = demo_ids(site)
    language = locale[:2]
    people = {
        "case": (BUYER, f"/cases/{ids['case']}"),
        "orders": (BUYER, "/orders"),
        "desk": (MEDIATOR, "/mediation/"),
        "seat": (ids["reviewer"], f"/review/seats/{ids['seat']}"),
    }
    for name, (email, path) in people.items():
        person = actors(email, locale, name="readme", phone=size == "phone")
        person.go(path)
        person.shot(f"{name}-{size}-{language}", full_page=False)
