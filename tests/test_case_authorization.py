"""Who may reach every route of the cases blueprint, in one explicit table.

Anonymous visitors are sent to log in; people who may not even view a case (or the order)
get 404; people who may view it but not do this get 403; the one who may act gets through.
A route added to the blueprint without a row here fails ``test_every_route_has_a_row``.
"""

from dataclasses import dataclass, field

import pytest

from app.auth.models import Role
from tests.case_factories import RETURN_REASON, add_photo, make_case
from tests.conftest import login
from tests.factories import make_order, make_user

ROLES = ("anonymous", "buyer", "seller", "other_buyer", "other_seller", "mediator", "admin")
STRANGERS = {"other_buyer": 404, "other_seller": 404}

CLAIM = {
    "claim_type": "not_as_described",
    "responsible_party": "seller",
    "description": "The colour is not the one in the listing.",
    "remedy": "return_and_refund",
}


@dataclass(frozen=True)
class Row:
    """A route, the case state it is tried in (None: an order without a case), what is sent
    (None: a GET), and the status each role gets (strangers 404 unless said otherwise)."""

    state: str | None
    url: str
    data: dict | None
    status: dict[str, int] = field(default_factory=dict)

    def expected(self, role: str) -> int:
        if role == "anonymous":
            return 302
        return {**STRANGERS, **self.status}[role]


def everyone(status: int) -> dict[str, int]:
    return {role: status for role in ROLES if role != "anonymous"}


def only(role: str, status: int, others: int = 403, staff: int = 403) -> dict[str, int]:
    table = {"buyer": others, "seller": others, "mediator": staff, "admin": staff}
    return table | {role: status}


VIEWERS = {"buyer": 200, "seller": 200, "mediator": 200, "admin": 200}

TABLE: dict[tuple[str, str], Row] = {
    ("cases.my_cases", "GET"): Row(None, "/cases", None, everyone(200)),
    # the order's parties see the form (the seller with why not); staff cannot see orders
    ("cases.new", "GET"): Row(
        None, "/orders/{order}/case/new", None, only("buyer", 200, staff=404)
    ),
    ("cases.new", "POST"): Row(
        None, "/orders/{order}/case/new", CLAIM, only("buyer", 302, staff=404)
    ),
    ("cases.show", "GET"): Row("filed", "/cases/{case}", None, VIEWERS),
    ("cases.add_evidence", "POST"): Row(
        "filed",
        "/cases/{case}/evidence",
        {"kind": "statement", "text": "Here is what happened."},
        {"buyer": 302, "seller": 302, "mediator": 403, "admin": 403},
    ),
    ("cases.evidence_file", "GET"): Row(
        "filed", "/cases/{case}/evidence/{entry}/file", None, VIEWERS
    ),
    ("cases.evidence_thumbnail", "GET"): Row(
        "filed", "/cases/{case}/evidence/{entry}/thumbnail", None, VIEWERS
    ),
    ("cases.withdraw", "GET"): Row("filed", "/cases/{case}/withdraw", None, only("buyer", 200)),
    ("cases.withdraw", "POST"): Row("filed", "/cases/{case}/withdraw", {}, only("buyer", 302)),
    ("cases.resubmit", "GET"): Row("returned", "/cases/{case}/resubmit", None, only("buyer", 200)),
    ("cases.resubmit", "POST"): Row(
        "returned", "/cases/{case}/resubmit", CLAIM, only("buyer", 302)
    ),
    ("cases.accept_intake", "POST"): Row(
        "filed", "/cases/{case}/intake/accept", {"severity": "important"}, only("mediator", 302)
    ),
    ("cases.return_case", "POST"): Row(
        "filed", "/cases/{case}/intake/return", {"reason": RETURN_REASON}, only("mediator", 302)
    ),
    ("cases.accept_claim", "POST"): Row(
        "awaiting_seller", "/cases/{case}/answer/accept", {}, only("seller", 302)
    ),
    ("cases.counter_offer", "POST"): Row(
        "awaiting_seller",
        "/cases/{case}/answer/counter-offer",
        {"remedy": "partial_refund", "amount": "50", "message": "Half back, keep the item."},
        only("seller", 302),
    ),
    ("cases.contest", "POST"): Row(
        "awaiting_seller",
        "/cases/{case}/answer/contest",
        {"statement": "It matches the listing."},
        only("seller", 302),
    ),
    ("cases.accept_counter_offer", "POST"): Row(
        "counter_offer", "/cases/{case}/counter-offer/accept", {}, only("buyer", 302)
    ),
    ("cases.refuse_counter_offer", "POST"): Row(
        "counter_offer", "/cases/{case}/counter-offer/refuse", {}, only("buyer", 302)
    ),
}


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("cases.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(TABLE)


@pytest.fixture
def people():
    other_buyer, other_seller = make_user(), make_user(shop_name="Another shop")
    make_order(other_buyer, other_seller)  # they buy and sell, only not on this order
    return {
        "buyer": make_user(),
        "seller": make_user(shop_name="Earbud Shop"),
        "other_buyer": other_buyer,
        "other_seller": other_seller,
        "mediator": make_user(roles=(Role.MEDIATOR,)),
        "admin": make_user(roles=(Role.ADMIN,)),
    }


def url_for_row(row: Row, people) -> str:
    buyer, seller = people["buyer"], people["seller"]
    if row.state is None:
        return row.url.format(order=make_order(buyer, seller).id)
    case = make_case(row.state, buyer=buyer, seller=seller, mediator=people["mediator"])
    entry = add_photo(case, buyer) if "{entry}" in row.url else None
    return row.url.format(case=case.id, entry=entry.id if entry else None)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(TABLE), ids="-".join)
def test_who_may_reach_each_route(client, people, route, role):
    row = TABLE[route]
    url = url_for_row(row, people)
    if role != "anonymous":
        login(client, people[role])

    response = client.get(url) if row.data is None else client.post(url, data=row.data)

    expected = row.expected(role)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected == 302:
        went_to_login = "/login" in response.headers["Location"]
        assert went_to_login == (role == "anonymous")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_a_case_that_does_not_exist_is_not_found(client, people, role):
    login(client, people[role])
    assert client.get("/cases/999999").status_code == 404
    assert client.post("/cases/999999/withdraw").status_code == 404
    assert client.get("/cases/999999/evidence/1/file").status_code == 404


def test_an_unverified_buyer_cannot_see_their_own_case(client, people):
    case = make_case("filed", buyer=people["buyer"], seller=people["seller"])
    people["buyer"].email_verified_at = None
    login(client, people["buyer"])
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert f"/cases/{case.id}" not in client.get("/cases").get_data(as_text=True)
