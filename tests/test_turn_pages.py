"""Whose turn it is and the time left, as the parties read them on My cases, My orders and
the case page; and a sitting panel's progress, which the parties and the mediator see
(votes cast out of those needed, the deadline) and nobody else, never naming a reviewer."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app

from app.auth.models import Role
from app.core import clock
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_order, make_user
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, REASON, make_panel, open_seats, vote
from tests.helpers.pages import as_user, login, page

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def text(html: str) -> str:
    """The page's words, tags dropped and spaces folded, as a reader meets them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def rows(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [text(row) for row in body.split("<tr")[1:]]


def test_my_cases_says_whose_turn_with_the_time_left_and_puts_mine_first(client):
    seller = make_user()
    waits_on_me = make_case("awaiting_seller", seller=seller)
    clock.advance(timedelta(hours=1))
    waits_on_mediator = make_case("filed", buyer=seller)  # newer, but not my turn
    clock.advance(timedelta(hours=19))  # the seller's 72 hours: 2 days 4 hours left
    login(client, seller)

    first, second = rows(page(client, "/cases"))

    assert f"Case #{waits_on_me.id}" in first and f"Case #{waits_on_mediator.id}" in second
    assert "Your turn: answer the claim — 2 days 4 hours left" in first
    assert "Waiting for the mediator: review the claim" in second and "Your turn" not in second

    clock.advance(timedelta(days=2))
    login(client, seller)
    assert "Your turn: answer the claim — 4 hours left" in rows(page(client, "/cases"))[0]


def test_the_other_side_reads_whom_the_case_waits_on(client):
    case = make_case("awaiting_seller")
    login(client, case.buyer)

    [row] = rows(page(client, "/cases"))

    assert "Waiting for the seller: answer the claim — 3 days left" in row


def test_my_cases_speaks_chinese(client):
    case = make_case("counter_offer")
    clock.advance(timedelta(hours=5))
    login(client, case.buyer)
    client.post("/language", data={"locale": "zh_Hans"})

    [row] = rows(page(client, "/cases"))

    assert "轮到您：答复卖家的反报价 — 剩余 2 天 19 小时" in row


def test_my_orders_puts_the_orders_waiting_on_me_first_with_their_turn(client):
    me = make_user()
    waiting = make_case("awaiting_seller", seller=me)  # the oldest order
    clock.advance(timedelta(hours=20))
    theirs = make_case("counter_offer", seller=me)  # the buyer answers my offer
    quiet = make_order(buyer=me, placed_ago=timedelta(days=1))  # the newest, no case
    login(client, me)

    listed = rows(page(client, "/orders"))

    assert waiting.order.marketplace_order_id in listed[0]
    assert f"Case #{waiting.id}" in listed[0]
    assert "Your turn: answer the claim — 2 days 4 hours left" in listed[0]
    assert quiet.marketplace_order_id in listed[1] and "No open case" in listed[1]
    [their_row] = [row for row in listed if theirs.order.marketplace_order_id in row]
    assert "Waiting for the buyer: answer the seller's offer" in their_row


def test_the_case_page_says_whose_turn_to_each_reader(client):
    case = make_case("proposal")
    clock.advance(timedelta(hours=1))
    login(client, case.seller)
    assert "Your turn: answer the proposal — 1 day 23 hours left" in text(
        page(client, f"/cases/{case.id}")
    )
    as_user(client, case.mediator)
    assert "Waiting for both sides: answer the proposal" in text(page(client, f"/cases/{case.id}"))


def panel_with_votes(cast: int):
    panel = make_panel()
    options = [FOR_BUYER, FOR_SELLER] * cast
    seats = open_seats(panel)
    for seat, option in zip(seats[:cast], options, strict=False):
        vote(seat, option)
    return panel, seats


def test_the_parties_and_the_mediator_see_the_panels_progress_never_its_voters(client):
    panel, seats = panel_with_votes(4)
    case = panel.case
    clock.advance(timedelta(hours=2))
    needed = panel.majority
    progress = f"Waiting for a review panel: 4 of {needed} needed votes cast"

    for reader in (case.buyer, case.seller, case.mediator):
        as_user(client, reader)
        html = page(client, f"/cases/{case.id}")
        words = text(html)
        assert progress in words and "2 days 22 hours left" in words
        assert "deadline" in words and panel.deadline_at.isoformat() in html
        for seat in seats:
            assert seat.reviewer.display_name not in html and seat.reviewer.email not in html
        assert REASON not in html
        if reader is not case.mediator:  # who routed it, and wrote the ballot
            assert FOR_SELLER not in html and FOR_BUYER not in html


def test_the_desk_row_shows_the_panels_progress(client):
    panel, _seats = panel_with_votes(3)
    login(client, panel.case.mediator)

    html = page(client, "/mediation/?state=panel")

    row = html[html.index(f'id="queue-case-{panel.case.id}"') :]
    assert f"3 of {panel.majority} needed votes cast" in text(row[: row.index("</tr>")])


def test_outsiders_and_the_panels_own_reviewers_do_not_get_the_progress(client):
    panel, seats = panel_with_votes(2)
    case = panel.case
    for outsider in (make_user(), seats[0].reviewer, seats[5].reviewer):
        as_user(client, outsider)
        assert client.get(f"/cases/{case.id}").status_code == 404
        assert "needed votes cast" not in page(client, "/cases")
    other_mediator = make_user(roles=(Role.MEDIATOR,))
    as_user(client, other_mediator)  # staff read every case, as they do today
    assert current_app.config["PANEL_SEATS"] > panel.majority
    assert f"2 of {panel.majority} needed votes cast" in text(page(client, f"/cases/{case.id}"))
