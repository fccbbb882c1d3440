"""Input no person would send gets a clear answer, never a server error: ids past what a
database column holds, and page numbers past any list."""

import re

import pytest

from app.auth.models import Role
from app.core.urls import MAX_ID
from app.notifications.delivery import deliver_outbox
from app.notifications.outbox import queue_message
from tests.helpers.api import assert_problem, bearer, new_token
from tests.helpers.factories import make_order, make_user
from tests.helpers.pages import csrf_token_from, login

OUT_OF_RANGE = (MAX_ID + 1, 2**63, 2**64, 10**29)
INT_PART = re.compile(r"<int:(\w+)>")


def _routes_with_ids(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every route with an integer in its path: a new route is
    covered as soon as it exists."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if INT_PART.search(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


def _with(rule: str, number: int) -> str:
    return INT_PART.sub(str(number), rule)


def test_the_url_map_has_routes_with_ids(app):
    assert len(_routes_with_ids(app)) >= 30


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_an_id_past_any_column_matches_no_route(app, client, number):
    login(client, make_user(roles=(Role.ADMIN, Role.MEDIATOR)))
    answers = {
        (endpoint, method): client.open(_with(rule, number), method=method).status_code
        for endpoint, method, rule in _routes_with_ids(app)
    }

    assert {route: status for route, status in answers.items() if status != 404} == {}


def test_the_largest_id_a_column_holds_reaches_the_view_and_finds_nothing(app, client):
    user = make_user()
    login(client, user)

    for path in (f"/cases/{MAX_ID}", f"/orders/{MAX_ID}", f"/review/seats/{MAX_ID}"):
        assert client.get(path).status_code == 404, path
    token = csrf_token_from(client.get("/inbox").get_data(as_text=True))
    assert client.post(f"/inbox/{MAX_ID}/read", data={"csrf_token": token}).status_code == 404


def test_the_largest_id_reaches_the_apis_views_and_finds_nothing(client):
    headers = bearer(new_token())
    for path in (f"/api/v1/cases/{MAX_ID}", f"/api/v1/cases/{MAX_ID}/events"):
        assert_problem(client.get(path, headers=headers), 404)
    evidence = {"party": "buyer", "kind": "chat_transcript", "text": "Hello"}
    response = client.post(f"/api/v1/cases/{MAX_ID}/evidence", json=evidence, headers=headers)
    assert_problem(response, 404)


def _inbox_of(user, messages: int) -> None:
    for number in range(messages):
        queue_message(user, f"note:{number}", f"Note {number}", "Body", channels=("inbox",))
    deliver_outbox()


@pytest.mark.parametrize("asked", ["99999999999999999999", "1000001", "3"])
def test_a_page_past_the_last_shows_the_last_page(client, asked):
    user = make_user()
    _inbox_of(user, 25)  # two pages of 20
    login(client, user)

    response = client.get(f"/inbox?page={asked}")

    assert response.status_code == 200
    assert "Page 2 of 2" in response.get_data(as_text=True)


@pytest.mark.parametrize("asked", ["0", "-5", "two", ""])
def test_a_page_that_is_not_a_page_number_shows_the_first(client, asked):
    user = make_user()
    _inbox_of(user, 25)
    login(client, user)

    response = client.get(f"/inbox?page={asked}")

    assert response.status_code == 200
    assert "Page 1 of 2" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("roles", "path"),
    [
        ((), "/orders"),
        ((Role.MEDIATOR,), "/mediation/"),
        ((Role.ADMIN,), "/admin/users"),
    ],
)
def test_every_paged_list_answers_a_huge_page_number(client, roles, path):
    user = make_user(roles=roles)
    make_order(buyer=user)
    login(client, user)

    response = client.get(f"{path}?page=99999999999999999999")

    assert response.status_code == 200
