"""GET /api/v1/cases and GET /api/v1/cases/{id}/events: filters, cursor pages that stay
stable while cases come in and change, and only what the parties may know of."""

import base64
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from app.api.events import VISIBLE_FACTS
from app.auth.models import Role
from app.cases import services
from app.cases.states import Severity
from app.core import clock
from app.core.extensions import db
from app.mediation import services as mediation
from app.mediation.models import CaseNote
from tests.helpers.api import bearer, claim_body, field_errors, new_token
from tests.helpers.case_factories import add_statement, make_case
from tests.helpers.counts import statements_issued
from tests.helpers.factories import make_order, make_user
from tests.helpers.jury import open_seats, panel_of, vote


@pytest.fixture
def token() -> str:
    return new_token()


def get(client, token, path, **params):
    response = client.get(path, query_string=params, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def cases_opened(client, token, count: int) -> list[int]:
    """``count`` cases opened through the API, one second apart."""
    ids = []
    for _ in range(count):
        clock.advance(timedelta(seconds=1))
        response = client.post(
            "/api/v1/cases", json=claim_body(make_order()), headers=bearer(token)
        )
        ids.append(response.get_json()["id"])
    return ids


def every_page(client, token, path, cursor=None, **params) -> list[dict]:
    items = []
    while True:
        page = get(client, token, path, **params, **({"cursor": cursor} if cursor else {}))
        items += page["data"]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            return items
        cursor = page["next_cursor"]


def test_cases_come_least_recently_changed_first_a_page_at_a_time(client, token):
    clock.freeze(clock.now())
    ids = cases_opened(client, token, 5)

    first = get(client, token, "/api/v1/cases", limit=2)

    assert [case["id"] for case in first["data"]] == ids[:2]
    assert first["has_more"] is True and first["next_cursor"]
    assert [case["id"] for case in every_page(client, token, "/api/v1/cases", limit=2)] == ids


def test_pages_stay_stable_while_cases_come_in_and_change(client, token, app):
    """A case opened while a client pages is given once, at the end; a case that changes
    moves to the end, so a client that pages through misses no change."""
    clock.freeze(clock.now())
    ids = cases_opened(client, token, 4)
    first = get(client, token, "/api/v1/cases", limit=2)
    newcomer = cases_opened(client, token, 1)[0]
    clock.advance(timedelta(seconds=1))
    changed = db.session.get(services.Case, ids[0])  # on the first page, now moved on
    services.accept_intake(changed, make_user(roles=(Role.MEDIATOR,)), Severity.GENERAL)

    rest = every_page(client, token, "/api/v1/cases", limit=2, cursor=first["next_cursor"])

    assert [case["id"] for case in rest] == [ids[2], ids[3], newcomer, ids[0]]
    assert rest[-1]["state"] == "awaiting_seller"


def test_filters_by_order_state_and_time_of_change(client, token):
    clock.freeze(clock.now())
    ids = cases_opened(client, token, 3)
    order = db.session.get(services.Case, ids[1]).order.marketplace_order_id
    since = clock.now()
    clock.advance(timedelta(minutes=5))
    withdrawn = db.session.get(services.Case, ids[2])
    services.withdraw_case(withdrawn, withdrawn.buyer)
    clock.advance(timedelta(seconds=1))
    moved = db.session.get(services.Case, ids[0])
    services.accept_intake(moved, make_user(roles=(Role.MEDIATOR,)), Severity.GENERAL)

    def listed(**params) -> list[int]:
        return [case["id"] for case in every_page(client, token, "/api/v1/cases", **params)]

    assert listed(order=order) == [ids[1]]
    assert listed(state="awaiting_seller") == [ids[0]]
    assert listed(state="closed") == [ids[2]]
    after_opening = since + timedelta(seconds=1)
    assert listed(updated_since=after_opening.isoformat()) == [ids[2], ids[0]]
    in_beijing = after_opening.astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    assert listed(updated_since=in_beijing) == [ids[2], ids[0]]
    assert listed(updated_since=clock.now().isoformat()) == [ids[0]]
    assert listed(order="NO-SUCH-ORDER") == []


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5", ""])
def test_a_limit_outside_1_to_100_is_a_400_naming_it(client, token, limit):
    response = client.get("/api/v1/cases", query_string={"limit": limit}, headers=bearer(token))
    assert list(field_errors(response, 400)) == ["limit"]


def test_the_largest_limit_is_100(client, token):
    assert get(client, token, "/api/v1/cases", limit=100)["data"] == []


def _cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _cursor({"after": 1}),
        _cursor(["2026-01-01T00:00:00+00:00"]),
        _cursor(["yesterday", 1]),
        _cursor(["2026-01-01T00:00:00", 1]),
        _cursor(["2026-01-01T00:00:00+00:00", -1]),
        _cursor(["2026-01-01T00:00:00+00:00", 2**40]),
        _cursor(["2026-01-01T00:00:00+00:00", True]),
        _cursor(["0001-01-01T00:00:00+14:00", 1]),
        "x" * 1000,
    ],
)
def test_a_cursor_the_list_did_not_give_is_a_400_naming_it(client, token, cursor):
    response = client.get("/api/v1/cases", query_string={"cursor": cursor}, headers=bearer(token))
    assert list(field_errors(response, 400)) == ["cursor"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "lost"}, "state"),
        ({"updated_since": "last week"}, "updated_since"),
        ({"updated_since": "2026-01-05T10:00:00"}, "updated_since"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_wrong_filter_is_a_400_naming_it(client, token, params, field):
    response = client.get("/api/v1/cases", query_string=params, headers=bearer(token))
    assert list(field_errors(response, 400)) == [field]


def test_a_parameter_given_twice_is_refused(client, token):
    response = client.get("/api/v1/cases?state=filed&state=closed", headers=bearer(token))
    assert "more than once" in field_errors(response, 400)["state"]


# Events


def test_events_tell_what_happened_in_order_and_as_whom(client, token):
    mediator = make_user(roles=(Role.MEDIATOR,))
    case = make_case("evidence", mediator=mediator)
    add_statement(case, case.buyer, "It arrived broken.")

    events = every_page(client, token, f"/api/v1/cases/{case.id}/events", limit=2)

    assert [(e["type"], e["actor"]) for e in events] == [
        ("case.opened", "buyer"),
        ("case.intake_accepted", "staff"),
        ("case.contested", "seller"),
        ("evidence.added", "seller"),
        ("evidence.added", "buyer"),
    ]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    accepted = events[1]["data"]
    assert accepted["previous_state"] == "filed" and accepted["state"] == "awaiting_seller"
    assert accepted["severity"] == "important" and "mediator_id" not in accepted
    assert events[4]["data"] == {"party": "buyer", "kind": "statement", "late": False} | {
        "entry": events[4]["data"]["entry"]
    }


def test_events_leave_out_notes_staff_work_reviewers_and_their_votes(client, token):
    mediator = make_user(name="Mediator Qian Mo", roles=(Role.MEDIATOR,))
    case = make_case("panel", mediator=mediator)
    seats = open_seats(panel_of(case))

    panel = panel_of(case)
    vote(seats[0], panel.options[0], "The photo of the crushed box settles it for me.")
    mediation.add_note(case, mediator, "Internal: the seller has done this before.")
    reviewer = seats[0].reviewer

    events = every_page(client, token, f"/api/v1/cases/{case.id}/events")
    shown = json.dumps(events, ensure_ascii=False)

    assert db.session.query(CaseNote).count() == 1
    types = {event["type"] for event in events}
    assert "case.note_added" not in types and "case.routed_to_panel" in types
    assert not types & {"jury.vote_cast", "panel.drawn", "case.reassigned"}
    assert "Internal" not in shown and "crushed box" not in shown
    for person in (reviewer, mediator, case.buyer, case.seller):
        assert person.display_name not in shown and person.email not in shown
    assert {name for e in events for name in e["data"]} <= VISIBLE_FACTS | {"previous_state"}


def test_events_of_a_case_opened_by_the_marketplace_name_it(client, token):
    response = client.post("/api/v1/cases", json=claim_body(make_order()), headers=bearer(token))
    case_id = response.get_json()["id"]

    [opened] = get(client, token, f"/api/v1/cases/{case_id}/events")["data"]

    assert opened["type"] == "case.opened" and opened["actor"] == "marketplace"
    assert opened["data"] == {"state": "filed"}  # the token's name stays inside


def test_an_events_cursor_must_be_one_the_list_gave(client, token):
    case = make_case("filed")
    response = client.get(
        f"/api/v1/cases/{case.id}/events",
        query_string={"cursor": _cursor(["1"])},
        headers=bearer(token),
    )
    assert list(field_errors(response, 400)) == ["cursor"]


def test_a_page_of_cases_costs_as_many_statements_with_many_cases_as_with_two(client, token):
    """No statement per case: orders, parties, offers, proposals, questions and obligations
    are read for the whole page at once."""
    states = ["executing", "counter_offer", "proposal", "decided", "filed", "closed_completed"]
    make_case(states[0])
    make_case(states[1])

    def statements_for_a_page() -> tuple[int, int]:
        get(client, token, "/api/v1/cases")  # the token's last use is written here, if due
        db.session.flush()
        with statements_issued() as issued:
            listed = get(client, token, "/api/v1/cases", limit=100)["data"]
        return len(issued), len(listed)

    few = statements_for_a_page()
    for state in states * 2:
        make_case(state)
    many = statements_for_a_page()

    assert few[1] == 2 and many[1] >= 14
    assert many[0] == few[0]
