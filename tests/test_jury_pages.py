"""A reviewer's seat pages: who may see them, the ballot, recusal, and what shows once the
panel has closed; and the panel's outcome as the parties see it (design: Crowd review)."""

import pytest

from app.core.extensions import db
from app.jury.models import Seat, Vote
from tests.helpers.factories import make_case_row, make_user
from tests.helpers.pages import as_user, login, page, post_confirmed
from tests.helpers.panel_rows import (
    OPTIONS,
    close_panel,
    make_panel,
    outcome_html,
    seat_for,
    vote_on,
)

REASON = "The photos show the crack was there before delivery."


@pytest.fixture
def seated():
    case = make_case_row(state="panel")
    panel = make_panel(case)
    reviewer = make_user(name="Reviewer Rosa")
    return case, panel, seat_for(panel, reviewer), reviewer


# Who sees a seat


def test_the_seat_page_is_for_its_reviewer_only(client, seated):
    case, panel, seat, reviewer = seated
    url = f"/review/seats/{seat.id}"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert "/login" in client.get(url).headers["Location"]

    login(client, reviewer)
    html = page(client, url)
    assert f"Case #{case.id} for review" in html
    assert "Should the buyer get a full refund?" in html

    other = make_user()
    seat_for(panel, other)
    as_user(client, other)
    page(client, url, 404)
    page(client, f"/review/seats/{seat.id}/evidence/1/thumbnail", 404)
    as_user(client, case.buyer)
    page(client, url, 404)
    page(client, "/review/seats/999999", 404)


def test_my_seats_lists_open_and_past_seats(client, seated):
    case, panel, seat, reviewer = seated
    older = make_case_row(state="panel")
    past = seat_for(make_panel(older, question="Was the parcel lost?"), reviewer)
    vote_on(past, OPTIONS[1], REASON)
    login(client, reviewer)
    html = page(client, "/review/seats")
    waiting, _, done = html.partition("Past seats")
    assert f"Case #{case.id}" in waiting and "left" in waiting
    assert f"Case #{older.id}" in done and "You voted" in done


# The ballot


def test_vote_through_the_form(client, seated):
    _case, _panel, seat, reviewer = seated
    login(client, reviewer)
    url = f"/review/seats/{seat.id}"
    html = page(client, url)
    assert 'name="option"' in html and 'name="reason"' in html

    response = client.post(f"{url}/vote", data={"option": "0", "reason": "Too short."})
    assert response.status_code == 400
    assert "Give a reason of at least 20 characters." in response.get_data(as_text=True)
    assert db.session.get(Seat, seat.id).status == "open"

    response = client.post(f"{url}/vote", data={"reason": REASON})
    assert response.status_code == 400

    response = post_confirmed(client, f"{url}/vote", {"option": "0", "reason": REASON})
    assert response.status_code == 302
    vote = db.session.query(Vote).filter_by(seat_id=seat.id).one()
    assert (vote.option, vote.reason) == (OPTIONS[0], REASON)

    html = page(client, url)
    assert 'name="reason"' not in html and "Recuse" not in html  # the ballot is gone
    assert "You voted:" in html and REASON in html

    # final once cast
    client.post(f"{url}/vote", data={"option": "1", "reason": REASON + " Changed."})
    assert db.session.query(Vote).filter_by(seat_id=seat.id).one().option == OPTIONS[0]


def test_recuse(client, seated):
    _case, _panel, seat, reviewer = seated
    login(client, reviewer)
    response = client.post(f"/review/seats/{seat.id}/recuse")
    assert response.status_code == 302
    assert db.session.get(Seat, seat.id).status == "recused"
    html = page(client, f"/review/seats/{seat.id}")
    assert 'name="reason"' not in html and "You stepped down" in html


def test_other_votes_stay_hidden_until_the_panel_closes(client, seated):
    _case, panel, seat, reviewer = seated
    colleague = make_user(name="Colleague Carl", email="carl.colleague@example.com")
    vote_on(seat_for(panel, colleague), OPTIONS[1], "The seller's packing video shows it intact.")
    login(client, reviewer)
    url = f"/review/seats/{seat.id}"
    html = page(client, url)
    assert "packing video" not in html and "hidden until the panel closes" in html

    close_panel(panel)
    html = page(client, url)
    assert "packing video" in html
    assert "Colleague" not in html and "carl.colleague" not in html
    assert "Verdict:" in html


# What the parties see


def test_the_parties_see_counts_and_reasons_without_reviewers(seated):
    case, panel, seat, reviewer = seated
    colleague = make_user(name="Colleague Carl", email="carl.colleague@example.com")
    vote_on(seat, OPTIONS[0], REASON)
    vote_on(seat_for(panel, colleague), OPTIONS[1], "The seller's packing video shows it intact.")
    assert outcome_html(case, case.buyer).strip() == ""  # nothing while open

    close_panel(panel)
    for viewer in (case.buyer, case.seller):
        html = outcome_html(case, viewer)
        assert "Verdict:" in html and "Decide for the buyer: full refund of ¥199.00" in html
        assert REASON in html and "packing video" in html
        assert "2 votes were cast." in html
        for hidden in ("Reviewer Rosa", reviewer.email, "Colleague Carl", colleague.email):
            assert hidden not in html
    assert outcome_html(case, make_user()).strip() == ""  # strangers: nothing


def test_a_returned_panel_is_advice_to_the_mediator(seated):
    case, panel, seat, _reviewer = seated
    vote_on(seat, OPTIONS[1], REASON)
    close_panel(panel, status="returned", verdict=None)
    html = outcome_html(case, case.buyer)
    assert "Too few reviewers voted" in html and "as advice" in html
    assert "Verdict:" not in html
    assert REASON in html
