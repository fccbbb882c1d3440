"""The gold bank through the pages: staff confirm a closed case as clear-cut in two steps
(with CSRF on, as in production), its own mediator and any case not closed are refused,
a gold case is retired; a reviewer reads how their panels fell and their gold grades."""

import random

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.gold.bank import practice_keys
from app.jury.gold.grading import grade_gold_seats
from app.jury.gold.models import GoldCase, GoldSource
from app.jury.gold.seats import place_gold_seat
from app.jury.models import Seat
from tests.helpers.case_factories import make_case
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.gold import closed_panel_case, gold_case_of
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, make_pool, vote
from tests.helpers.pages import (
    confirmed,
    csrf_token_from,
    is_confirmation,
    login_with_token,
    page,
)

pytestmark = pytest.mark.usefixtures("csrf_enabled")


def staff(role: Role = Role.MEDIATOR):
    return make_user(roles=(role,))


def test_another_mediator_confirms_a_closed_case_as_gold_in_two_steps(client):
    case = closed_panel_case()
    mediator = staff()
    login_with_token(client, mediator)
    assert "Add to the gold bank…" in page(client, f"/cases/{case.id}")
    html = page(client, f"/gold-bank/cases/{case.id}")
    assert 'value="1" checked' in html or 'checked id="answer-1"' in html  # the verdict
    token = csrf_token_from(html)
    url = f"/gold-bank/cases/{case.id}/add"
    asked = client.post(url, data={"csrf_token": token, "answer": "0"})
    assert is_confirmation(asked)
    assert "Decide for the buyer" in asked.get_data(as_text=True)
    assert table_count(GoldCase) == len(practice_keys())  # nothing added yet
    done = confirmed(client, url, asked)
    assert done.status_code == 302 and done.headers["Location"].endswith("/gold-bank")
    gold = db.session.scalar(select(GoldCase).where(GoldCase.case_id == case.id))
    assert (gold.source, gold.answer, gold.truth_side) == (
        GoldSource.CASE.value,
        FOR_BUYER,
        "buyer",
    )
    assert gold.added_by_id == mediator.id and gold.category is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "gold_case.added"))
    assert (event.actor_id, event.after["case_id"]) == (mediator.id, case.id)
    assert f"/cases/{case.id}" in page(client, "/gold-bank")
    assert "Add to the gold bank…" not in page(client, f"/cases/{case.id}")  # in it already


def test_a_post_without_its_token_adds_nothing(client):
    case = closed_panel_case()
    login_with_token(client, staff())
    response = client.post(f"/gold-bank/cases/{case.id}/add", data={"answer": "1"})
    assert response.status_code == 400
    assert db.session.scalar(select(GoldCase).where(GoldCase.case_id == case.id)) is None


def test_the_cases_own_mediator_may_not_confirm_it(client):
    case = closed_panel_case()
    login_with_token(client, case.mediator)
    assert "Add to the gold bank…" not in page(client, f"/cases/{case.id}")
    html = page(client, f"/gold-bank/cases/{case.id}")
    assert "Another mediator must confirm your own case as clear-cut." in html
    assert 'name="answer"' not in html
    token = csrf_token_from(html)
    response = client.post(
        f"/gold-bank/cases/{case.id}/add", data={"csrf_token": token, "answer": "1"}
    )
    assert response.status_code == 400
    assert "Another mediator must confirm" in response.get_data(as_text=True)
    assert db.session.scalar(select(GoldCase).where(GoldCase.case_id == case.id)) is None


@pytest.mark.parametrize("state", ["panel", "closed"])  # still open; withdrawn, no panel
def test_only_a_closed_case_a_panel_heard_may_join(client, state):
    case = make_case(state)
    login_with_token(client, staff(Role.ADMIN))
    html = page(client, f"/gold-bank/cases/{case.id}")
    assert "can join the gold bank" in html
    token = csrf_token_from(html)
    response = client.post(
        f"/gold-bank/cases/{case.id}/add", data={"csrf_token": token, "answer": "0"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(GoldCase).where(GoldCase.case_id == case.id)) is None


def test_parties_and_reviewers_are_kept_out(client):
    case = closed_panel_case()
    for person in (case.buyer, make_pool(1)[0]):
        client.get("/logout")
        login_with_token(client, person)
        assert "Add to the gold bank" not in page(
            client, f"/cases/{case.id}", 200 if person is case.buyer else 404
        )
        assert client.get(f"/gold-bank/cases/{case.id}").status_code == 403
        assert client.get("/gold-bank").status_code == 403


def test_staff_retire_a_gold_case_but_keep_a_full_practice_set(client, app):
    login_with_token(client, staff())
    html = page(client, "/gold-bank")
    golds = db.session.scalars(select(GoldCase).order_by(GoldCase.id)).all()
    url = f"/gold-bank/{golds[0].id}/retire"
    asked = client.post(url, data={"csrf_token": csrf_token_from(html)})
    assert is_confirmation(asked)
    done = confirmed(client, url, asked)
    assert done.status_code == 302
    db.session.refresh(golds[0])
    assert golds[0].retired_at is not None
    assert golds[0].key not in practice_keys()
    for gold in golds[1 : -app.config["PRACTICE_CASES"]]:
        gold.retired_at = golds[0].retired_at
    db.session.flush()
    last = golds[-1]
    html = page(client, "/gold-bank")
    asked = client.post(f"/gold-bank/{last.id}/retire", data={"csrf_token": csrf_token_from(html)})
    follow = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Keep at least a full practice set of practice cases." in follow
    db.session.refresh(last)
    assert last.retired_at is None


def test_a_reviewer_reads_how_their_panels_fell_and_their_gold_grade(client):
    gold = gold_case_of(FOR_SELLER)
    reviewer = make_pool(1)[0]
    seat = place_gold_seat(reviewer.id, random.Random(1))
    login_with_token(client, reviewer)
    assert "How your panels fell" in page(client, "/review/")
    vote(seat, FOR_BUYER)
    grade_gold_seats()
    html = page(client, "/review/")
    assert "Gold case" in html
    assert "You were not right: the right option was Decide for the seller" in html
    seat_page = page(client, f"/review/seats/{seat.id}")
    assert "This was a gold case." in seat_page and "You were not right." in seat_page
    heard = db.session.scalars(select(Seat).where(Seat.panel_id == gold.panel_id)).all()
    voter = next(s for s in heard if s.vote is not None and s.vote.option == FOR_SELLER)
    client.get("/logout")
    login_with_token(client, voter.reviewer)
    html = page(client, "/review/")
    assert "You voted with the verdict." in html
    assert "9 votes" in html
    assert "Gold case</mark>" not in html
