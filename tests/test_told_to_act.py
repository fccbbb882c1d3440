"""Everyone who must act is told: a reviewer of each seat they are given (first draw,
replacement rounds, appeal panels), with its deadline and a link; a mediator of each case
given to them; and each person lands where their work is after logging in."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.auth.models import Role
from app.core import clock
from app.core.extensions import db
from app.core.zones import format_zoned
from app.jury.counting import count_due_panels
from app.jury.models import PanelRound, Seat, SeatStatus
from app.mediation.appeals import appeal
from app.mediation.services import reassign, route_to_panel
from app.notifications.outbox import OutboxMessage
from tests.helpers.accounts import log_in
from tests.helpers.case_factories import PANEL_QUESTION, PANEL_SUMMARY, make_case
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.jury import (
    FOR_SELLER,
    START,
    make_panel,
    make_pool,
    open_seats,
    panel_of,
    vote,
    votes,
)
from tests.helpers.pages import page, signed_in

APPEAL_REASON = "The panel overlooked the courier's photo of the crushed box."


def seat_notices(seats) -> dict[int, OutboxMessage]:
    """The inbox copy of each seat's notice, by seat id."""
    rows = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.channel == "inbox", OutboxMessage.idempotency_key.contains(":seated:")
        )
    )
    by_key = {row.idempotency_key: row for row in rows}
    return {seat.id: by_key.get(f"seat-{seat.id}:seated:inbox") for seat in seats}


def all_seats(panel) -> list[Seat]:
    return db.session.scalars(select(Seat).where(Seat.panel_id == panel.id)).all()


# Reviewers


def test_each_reviewer_drawn_is_told_of_the_seat_with_its_deadline_and_link():
    clock.freeze(START)
    panel = make_panel()
    seats = all_seats(panel)
    notices = seat_notices(seats)
    assert len(seats) == current_app.config["PANEL_SEATS"]
    for seat in seats:
        notice = notices[seat.id]
        assert notice.recipient_id == seat.reviewer_id
        assert notice.link == f"/review/seats/{seat.id}"
        assert f"case #{panel.case_id}" in notice.subject
        assert format_zoned(seat.vote_due_at) in notice.body and "UTC" in notice.body
    emails = db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.channel == "email", OutboxMessage.idempotency_key.contains(":seated:")
        )
    ).all()
    assert len(emails) == len(seats)


def test_a_reviewer_is_told_in_their_own_language():
    clock.freeze(START)
    case = make_case("mediation")
    for reviewer in make_pool(current_app.config["PANEL_SEATS"]):
        reviewer.locale = "zh_Hans"
    route_to_panel(case, case.mediator, PANEL_SUMMARY, PANEL_QUESTION)
    panel = panel_of(case)
    for notice in seat_notices(all_seats(panel)).values():
        assert notice.subject == f"您被选入评审团：案件 #{panel.case_id}"
        assert "请在" in notice.body


def test_reviewers_seated_by_a_replacement_round_are_told():
    clock.freeze(START)
    panel = make_panel()
    make_pool(current_app.config["PANEL_SEATS"])
    votes(panel, FOR_SELLER, 4)
    clock.advance(current_app.config["SEAT_VOTE_WINDOW"])
    count_due_panels()
    replacements = open_seats(panel)
    assert len(replacements) == current_app.config["PANEL_SEATS"] - 4
    notices = seat_notices(replacements)
    assert all(notices[seat.id] is not None for seat in replacements)
    assert all(str(seat.id) in notices[seat.id].link for seat in replacements)


def test_reviewers_of_an_appeal_panel_are_told():
    clock.freeze(START)
    panel = make_panel()
    votes(panel, FOR_SELLER, 9)
    count_due_panels()
    make_pool(current_app.config["APPEAL_PANEL_SEATS"])
    case = panel.case
    db.session.refresh(case)
    appeal(case, case.buyer, APPEAL_REASON)
    seats = all_seats(panel_of(case, PanelRound.APPEAL))
    assert len(seats) == current_app.config["APPEAL_PANEL_SEATS"]
    assert None not in seat_notices(seats).values()


def test_the_review_page_lists_open_seats_as_links_with_their_deadlines(client):
    clock.freeze(START)
    panel = make_panel()
    first, second = open_seats(panel)[:2]
    vote(first, FOR_SELLER)
    reviewer = second.reviewer

    html = page(signed_in(client, reviewer), "/review/")

    assert f'href="/review/seats/{second.id}"' in html
    assert f'datetime="{second.vote_due_at.isoformat()}"' in html
    voter_html = page(signed_in(client, first.reviewer), "/review/")
    open_section = voter_html.split('id="open-seats"')[1].split("</section>")[0]
    assert "/review/seats/" not in open_section  # voted: no longer open
    assert f'href="/review/seats/{first.id}"' in voter_html  # but linked from their panels


def test_a_seat_past_its_time_is_not_listed_as_open(client):
    clock.freeze(START)
    seat = open_seats(make_panel())[0]
    clock.freeze(seat.vote_due_at + timedelta(seconds=1))
    html = page(signed_in(client, seat.reviewer), "/review/")
    open_section = html.split('id="open-seats"')[1].split("</section>")[0]
    assert "/review/seats/" not in open_section


# Mediators


def assignment_notices(mediator) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.recipient_id == mediator.id,
            OutboxMessage.channel == "inbox",
            OutboxMessage.idempotency_key.endswith(":assigned:" + str(mediator.id) + ":inbox"),
        )
    ).all()


def test_the_mediator_assigned_at_filing_is_told_with_a_link_to_the_case():
    mediator = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    case = make_case("filed", mediator=mediator)
    assert case.mediator_id == mediator.id
    [notice] = assignment_notices(mediator)
    assert notice.link == f"/cases/{case.id}"
    assert f"Case #{case.id} is assigned to you" == notice.subject


def test_a_reassigned_case_tells_its_new_mediator():
    case = make_case("awaiting_seller")
    admin = make_user(roles=(Role.ADMIN,))
    other = make_user(name="Mediator Sun", roles=(Role.MEDIATOR,))
    reassign(case, admin, other)
    [notice] = assignment_notices(other)
    assert notice.link == f"/cases/{case.id}"


# Landing after login


def landing(client, user) -> str:
    return log_in(client, user).headers["Location"]


def followed(client, location: str) -> str:
    return client.get(location).headers.get("Location", location)


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.ADMIN])
def test_a_mediator_and_an_admin_land_on_the_desk(client, role):
    staff = make_user(roles=(role,))
    assert followed(client, landing(client, staff)) == "/mediation/"


def test_a_reviewer_with_an_open_seat_lands_on_their_seats(client):
    clock.freeze(START)
    seat = open_seats(make_panel())[0]
    assert followed(client, landing(client, seat.reviewer)) == "/review/seats"


def test_a_reviewer_whose_seats_are_done_lands_on_their_orders(client):
    clock.freeze(START)
    seat = open_seats(make_panel())[0]
    vote(seat, FOR_SELLER)
    assert seat.status == SeatStatus.VOTED.value
    assert followed(client, landing(client, seat.reviewer)) == "/orders"


def test_everyone_else_lands_on_their_orders(client):
    assert followed(client, landing(client, make_user())) == "/orders"


def test_a_safe_next_page_wins_over_the_landing(client):
    mediator = make_user(roles=(Role.MEDIATOR,))
    response = client.post(
        "/login", data={"email": mediator.email, "password": PASSWORD, "next": "/inbox"}
    )
    assert response.headers["Location"] == "/inbox"
