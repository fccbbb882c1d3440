"""Draws anyone can check, in the browser: a visitor reads the public draw log on a phone in
Chinese and follows it to a panel's entries and a draw's pool; the mediator finds a closed
panel's revealed seed on the case page; a reviewer finds their token on their seat."""

import json

import pytest

pytestmark = pytest.mark.browser

MEDIATOR = "mediator@example.com"
SCROLL_WIDTH = "document.documentElement.scrollWidth - window.innerWidth"


def test_a_visitor_reads_the_draw_log_on_a_phone_in_chinese(actors, site):
    [(panel_id, seed)] = site.sql(
        "SELECT p.id, p.seed FROM panels p JOIN draw_log_entries e ON e.panel_id = p.id"
        " WHERE e.kind = 'reveal' ORDER BY p.id DESC LIMIT 1"
    )
    visitor = actors("visitor@example.com", "zh-CN", log_in=False, phone=True)

    page = visitor.go("/transparency")
    page.get_by_role("link", name="抽选日志").click()
    page.wait_for_url("**/transparency/draws")
    assert page.get_by_role("heading", name="抽选日志", level=1).is_visible()
    assert page.locator("article.draw-entry").count() > 0
    assert page.evaluate(SCROLL_WIDTH) <= 0

    page = visitor.go(f"/transparency/draws?panel={panel_id}")
    assert page.get_by_text("种子已公布").first.is_visible()
    assert seed in page.content()
    assert page.evaluate(SCROLL_WIDTH) <= 0
    pool = _pool(page, page.get_by_role("link", name="候选池").first)
    assert pool["panel"] == panel_id and pool["algorithm"] == 2


def test_the_mediator_sees_a_closed_panels_seed_and_a_reviewer_their_token(actors, site):
    [(case_id, seed)] = site.sql(
        "SELECT p.case_id, p.seed FROM panels p JOIN cases c ON c.id = p.case_id"
        " JOIN draw_log_entries e ON e.panel_id = p.id"
        " WHERE e.kind = 'reveal' ORDER BY p.id DESC LIMIT 1"
    )
    reviewer, seat_id, draw_id = site.sql(
        "SELECT u.email, s.id, s.draw_id FROM seats s JOIN users u ON u.id = s.reviewer_id"
        " JOIN panels p ON p.id = s.panel_id"
        " WHERE p.status = 'open' AND s.status = 'open' ORDER BY s.id DESC LIMIT 1"
    )[0]

    page = actors(MEDIATOR, phone=True).go(f"/cases/{case_id}")
    assert page.get_by_text("The panel has closed; its seed is published:").first.is_visible()
    assert seed in page.content()
    assert page.evaluate(SCROLL_WIDTH) <= 0

    page = actors(reviewer).go(f"/review/seats/{seat_id}")
    token = page.locator(".draw-token code").inner_text()
    page.get_by_role("link", name="The draw log").click()
    page.wait_for_url("**/transparency/draws?panel=*")
    pool = _pool(page, page.locator(f'a[href="/transparency/draws/{draw_id}/snapshot.json"]'))
    assert token in [member[0] for member in pool["pool"]]


def _pool(page, link) -> dict:
    """The snapshot a link of the log points at, read as a program would."""
    response = page.request.get(page.url.split("/transparency")[0] + link.get_attribute("href"))
    assert response.ok
    return json.loads(response.body())
