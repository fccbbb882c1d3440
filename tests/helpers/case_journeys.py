"""Steps of a case that several browser journeys take the same way: the buyer opens it (past
the claim assistant's questions) and a mediator accepts it at intake."""

import re


def case_id_of(page) -> int:
    match = re.search(r"/cases/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def open_case(buyer, order_id: str, description: str, photo=None, remedy="full_refund") -> int:
    """My orders → the order → Open a case → past the assistant's questions to the claim
    form; returns the new case's id."""
    page = buyer.go("/orders")
    page.get_by_role("link", name=order_id).click()
    page.locator("a[href$='/assistant']").click()
    page.locator("a[href$='/case/new']").click()
    page.select_option("#claim_type", "not_as_described")
    page.select_option("#responsible_party", "seller")
    page.fill("#description", description)
    page.select_option("#remedy", remedy)
    if photo is not None:
        page.set_input_files("#evidence_files", str(photo))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    return case_id_of(page)


def accept_at_intake(mediator, case_id: int, shot: str | None = None) -> None:
    page = mediator.go("/mediation/")
    waiting = page.locator(f"section[aria-labelledby='intake-title'] a[href='/cases/{case_id}']")
    assert waiting.count() == 1, "the new case is not waiting for intake on the mediator desk"
    if shot:
        mediator.shot(shot)
    page = mediator.go(f"/cases/{case_id}")
    page.select_option("#severity", "important")
    page.locator(f"form[action='/cases/{case_id}/intake/accept'] button").click()
    page.wait_for_load_state()
    assert mediator.site.case_state(case_id) == "awaiting_seller"
