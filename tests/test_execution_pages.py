"""Carrying out a decision on the case page: each step in words, the debtor marks it done,
the other side confirms or disputes it; the wrong side gets 403, a stranger 404."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.auth.models import Role
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Remedy,
)
from app.core import clock
from app.execution.services import obligations_of
from app.mediation.services import Settlement
from tests.helpers.case_factories import DECISION_REASONS, make_case
from tests.helpers.factories import make_user
from tests.helpers.pages import as_user, field_error, login, page, reload

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
PROOF = "Refunded through the marketplace, reference RF-77."
RETURN_AND_REFUND = Settlement(Remedy.RETURN_AND_REFUND, None, DECISION_REASONS)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def step_html(html: str, obligation) -> str:
    match = re.search(rf'id="step-{obligation.id}".*?</li>', html, re.S)
    assert match, f"step {obligation.id} is not on the page"
    return match.group(0)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def urls(case: Case, obligation) -> dict[str, str]:
    base = f"/cases/{case.id}/obligations/{obligation.id}"
    return {"done": f"{base}/done", "confirm": f"{base}/confirm", "dispute": f"{base}/dispute"}


def test_a_refund_is_marked_done_by_the_seller_and_confirmed_by_the_buyer(client):
    case = make_case("executing")
    [refund] = obligations_of(case)
    url = urls(case, refund)
    login(client, case.buyer)
    step = text_of(step_html(page(client, f"/cases/{case.id}"), refund))
    assert "Refund the buyer To do" in step and "Owed by Seller" in step
    assert "Amount ¥199.00" in step and "(2 days left)" in step
    assert url["done"] not in step

    as_user(client, case.seller)
    html = page(client, f"/cases/{case.id}")
    assert f'action="{url["done"]}#' in step_html(html, refund)
    assert "tracking_number" not in step_html(html, refund)  # only for a return parcel
    response = client.post(url["done"], data={f"done-{refund.id}-proof": PROOF})

    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    html = page(client, f"/cases/{case.id}")
    assert "The step is marked done." in html
    assert url["confirm"] not in html  # not the seller's to confirm
    as_user(client, case.buyer)
    step = step_html(page(client, f"/cases/{case.id}"), refund)
    assert PROOF in step and "Can be disputed until" in step
    assert f'action="{url["confirm"]}"' in step and f'action="{url["dispute"]}#' in step
    assert client.post(url["confirm"]).status_code == 302

    case = reload(case)
    assert case.current_state is CaseState.CLOSED and case.closed_reason == "completed"
    html = page(client, f"/cases/{case.id}")
    assert "Everything decided was carried out." in html
    assert "Confirmed" in step_html(html, refund) and url["dispute"] not in html


def test_the_buyer_disputes_a_refund_and_the_case_goes_back_to_the_mediator(client):
    case = make_case("executing")
    [refund] = obligations_of(case)
    url = urls(case, refund)
    login(client, case.seller)
    client.post(url["done"], data={f"done-{refund.id}-proof": PROOF})
    as_user(client, case.buyer)

    empty = client.post(url["dispute"], data={f"dispute-{refund.id}-reason": " "})
    assert empty.status_code == 400
    assert field_error(empty.get_data(as_text=True), f"dispute-{refund.id}-reason") == (
        "Say what is wrong."
    )
    response = client.post(
        url["dispute"], data={f"dispute-{refund.id}-reason": "Nothing reached my account."}
    )

    assert response.status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.MEDIATION
    step = text_of(step_html(page(client, f"/cases/{case.id}"), refund))
    assert "Disputed" in step and "Disputed because Nothing reached my account." in step
    assert client.post(url["confirm"]).status_code == 403  # the case moved on


def test_return_and_refund_needs_a_tracking_number_then_opens_the_receipt_step(client):
    case = make_case("executing", settlement=RETURN_AND_REFUND)
    ship, receipt, refund = obligations_of(case)
    login(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    steps = html.split('id="obligations-title"', 1)[1]
    positions = [steps.index(f'id="step-{o.id}"') for o in (ship, receipt, refund)]
    assert positions == sorted(positions)
    assert "Ship the goods back, with a tracking number" in step_html(html, ship)
    assert "Waiting for the step before" in step_html(html, receipt)
    assert f'name="done-{ship.id}-tracking_number"' in step_html(html, ship)
    proof = {f"done-{ship.id}-proof": "Sent back by SF Express."}

    without = client.post(urls(case, ship)["done"], data=proof)

    assert without.status_code == 400
    assert field_error(without.get_data(as_text=True), f"done-{ship.id}-tracking_number") == (
        "Give the tracking number of the return parcel."
    )
    response = client.post(
        urls(case, ship)["done"],
        data=proof | {f"done-{ship.id}-tracking_number": "SF1234567890"},
    )
    assert response.status_code == 302
    step = step_html(page(client, f"/cases/{case.id}"), ship)
    assert "<code>SF1234567890</code>" in step
    assert urls(case, receipt)["done"] not in page(client, f"/cases/{case.id}")

    as_user(client, case.seller)
    html = page(client, f"/cases/{case.id}")
    receipt_step = step_html(html, receipt)
    assert "Confirm the returned goods arrived" in receipt_step and "To do" in receipt_step
    assert f'action="{urls(case, receipt)["done"]}#' in receipt_step
    assert f'action="{urls(case, ship)["confirm"]}"' in step_html(html, ship)


def test_a_step_needs_to_say_what_was_done(client):
    case = make_case("executing")
    [refund] = obligations_of(case)
    login(client, case.seller)
    response = client.post(urls(case, refund)["done"], data={f"done-{refund.id}-proof": ""})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), f"done-{refund.id}-proof") == (
        "Say what you did, with a reference if you have one."
    )


def test_after_its_deadline_a_step_can_no_longer_be_marked_done(client):
    case = make_case("executing")
    [refund] = obligations_of(case)
    clock.advance(48 * HOUR)  # the sweep has not run yet
    login(client, case.seller)
    step = step_html(page(client, f"/cases/{case.id}"), refund)
    assert "overdue" in step and urls(case, refund)["done"] not in step
    data = {f"done-{refund.id}-proof": PROOF}
    assert client.post(urls(case, refund)["done"], data=data).status_code == 403


@pytest.mark.parametrize("action", ["done", "confirm", "dispute"])
def test_the_wrong_side_gets_403_and_a_stranger_404(client, action):
    case = make_case("executing")
    [refund] = obligations_of(case)
    if action != "done":  # confirm and dispute need a step marked done
        login(client, case.seller)
        client.post(urls(case, refund)["done"], data={f"done-{refund.id}-proof": PROOF})
        client.post("/logout")
    url = urls(case, refund)[action]
    data = {f"done-{refund.id}-proof": PROOF, f"dispute-{refund.id}-reason": "Not paid."}
    wrong_side = case.buyer if action == "done" else case.seller

    for user, status in [
        (wrong_side, 403),
        (make_user(roles=(Role.MEDIATOR,)), 403),
        (make_user(roles=(Role.ADMIN,)), 403),
        (make_user(), 404),
    ]:
        as_user(client, user)
        assert client.post(url, data=data).status_code == status, user


def test_a_step_of_another_case_is_not_found(client):
    case, other = make_case("executing"), make_case("executing")
    [refund] = obligations_of(other)
    login(client, case.seller)
    url = f"/cases/{case.id}/obligations/{refund.id}/done"
    assert client.post(url, data={f"done-{refund.id}-proof": PROOF}).status_code == 404
    assert client.post(f"/cases/{case.id}/obligations/999999/confirm").status_code == 404


def test_the_steps_page_has_no_inline_script_or_style(client):
    case = make_case("executing", settlement=RETURN_AND_REFUND)
    login(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert " onclick=" not in html
