"""Who may reach every route of a case, in one explicit table: the cases blueprint, and
every route under /cases/ or /mediation/ whichever blueprint it is in (mediation, execution,
closing).

Anonymous visitors are sent to log in; people who may not even view a case (or the order)
get 404; people who may view it but not do this get 403; the one who may act gets through.
A route added without a row here fails ``test_every_route_has_a_row``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from app.auth.models import Role
from tests.helpers.case_factories import RETURN_REASON, add_photo, make_case
from tests.helpers.factories import make_order, make_user
from tests.helpers.pages import confirmed, login, signed_in
from tests.helpers.routes import (
    CLAIM,
    DECISION,
    PANEL,
    SAVED_FILTER,
    SETTLEMENT,
    question_to_buyer,
    refund_marked_done,
    refund_step,
    reviewer_pool,
    saved_filter_of_mediator,
)

ROLES = ("anonymous", "buyer", "seller", "other_buyer", "other_seller", "mediator", "admin")
STRANGERS = {"other_buyer": 404, "other_seller": 404}


@dataclass(frozen=True)
class Row:
    """A route, the case state it is tried in (None: an order without a case), what is sent
    (None: a GET), and the status each role gets (strangers 404 unless said otherwise).
    ``setup`` prepares what the route acts on (a question, a step) and names it for the URL."""

    state: str | None
    url: str
    data: dict | None
    status: dict[str, int] = field(default_factory=dict)
    setup: Callable | None = None

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
PARTIES = {"buyer": 302, "seller": 302, "mediator": 403, "admin": 403}
STAFF = {"buyer": 403, "seller": 403, "mediator": 302, "admin": 302}


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
    # the mediator's desk: staff only, whoever's case it is
    ("mediation.desk", "GET"): Row(
        None, "/mediation/", None, everyone(403) | {"mediator": 200, "admin": 200}
    ),
    # a saved filter is its owner's alone: anyone else's request finds nothing
    ("mediation.save_filter", "POST"): Row(
        None, "/mediation/saved-filters", SAVED_FILTER, everyone(403) | STAFF
    ),
    ("mediation.delete_saved_filter", "POST"): Row(
        "filed",
        "/mediation/saved-filters/{saved}/delete",
        {},
        everyone(403) | {"mediator": 302, "admin": 404},  # the mediator's own
        setup=saved_filter_of_mediator,
    ),
    ("mediation.reassign", "POST"): Row(
        "mediation",
        "/mediation/cases/{case}/reassign",
        {"mediator": "{mediator}"},
        only("admin", 302),
    ),
    # the mediator's work on a case; notes are for all staff
    ("mediation.add_note", "POST"): Row(
        "mediation", "/cases/{case}/mediation/notes", {"note-text": "Check the courier."}, STAFF
    ),
    ("mediation.ask_question", "POST"): Row(
        "mediation",
        "/cases/{case}/mediation/questions",
        {"question-party": "buyer", "question-text": "When?", "question-hours": "48"},
        only("mediator", 302),
    ),
    ("mediation.reopen_evidence", "POST"): Row(
        "mediation", "/cases/{case}/mediation/reopen-evidence", {}, only("mediator", 302)
    ),
    ("mediation.propose", "POST"): Row(
        "mediation", "/cases/{case}/mediation/proposal", SETTLEMENT, only("mediator", 302)
    ),
    ("mediation.decide", "POST"): Row(
        "mediation", "/cases/{case}/mediation/decision", DECISION, only("mediator", 302)
    ),
    # only the losing side appeals: the mediator granted the claim in full, so the seller
    ("appeals.appeal", "POST"): Row(
        "decided",
        "/cases/{case}/appeal",
        {"reason": "The mediator misread the courier's report entirely."},
        {"buyer": 403, "seller": 302, "mediator": 403, "admin": 403},
    ),
    ("mediation.route_to_panel", "POST"): Row(
        "mediation",
        "/cases/{case}/mediation/panel",
        PANEL,
        only("mediator", 302),
        setup=reviewer_pool,
    ),
    # what the reviewers see: the case's own mediator decides, file by file (a photo here)
    ("mediation.release_to_reviewers", "POST"): Row(
        "mediation",
        "/cases/{case}/mediation/evidence/{entry}/reviewers",
        {"released": "no"},
        only("mediator", 302),
    ),
    # the parties' answers
    ("mediation.accept_proposal", "POST"): Row(
        "proposal", "/cases/{case}/proposal/accept", {}, PARTIES
    ),
    ("mediation.reject_proposal", "POST"): Row(
        "proposal", "/cases/{case}/proposal/reject", {}, PARTIES
    ),
    ("mediation.answer_question", "POST"): Row(
        "mediation",
        "/cases/{case}/questions/{question}/answer",
        {"answer-{question}-text": "On Monday."},
        only("buyer", 302),
        setup=question_to_buyer,
    ),
    # carrying out a full refund: the seller pays, the buyer confirms or disputes
    ("execution.mark_done", "POST"): Row(
        "executing",
        "/cases/{case}/obligations/{obligation}/done",
        {"done-{obligation}-proof": "Refunded, ref. RF-1."},
        only("seller", 302),
        setup=refund_step,
    ),
    ("execution.confirm", "POST"): Row(
        "executing",
        "/cases/{case}/obligations/{obligation}/confirm",
        {},
        only("buyer", 302),
        setup=refund_marked_done,
    ),
    ("execution.dispute", "POST"): Row(
        "executing",
        "/cases/{case}/obligations/{obligation}/dispute",
        {"dispute-{obligation}-reason": "Nothing arrived."},
        only("buyer", 302),
        setup=refund_marked_done,
    ),
    # after closing: the parties rate, parties and staff take the dossier
    ("closing.rate", "POST"): Row(
        "closed_completed", "/cases/{case}/rating", {"score": "4"}, PARTIES
    ),
    ("closing.dossier", "GET"): Row("closed_completed", "/cases/{case}/dossier.zip", None, VIEWERS),
    # the negotiation thread: the parties and the case's own mediator write in it
    ("thread.post", "POST"): Row(
        "evidence",
        "/cases/{case}/thread",
        {"thread-text": "Could you send a replacement?"},
        {"buyer": 302, "seller": 302, "mediator": 302, "admin": 403},
    ),
}


def test_every_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("cases.") or rule.rule.startswith(("/cases/", "/mediation/"))
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


def request_for_row(row: Row, people) -> tuple[str, dict | None]:
    """The row's URL and data, for a case made for it."""
    buyer, seller = people["buyer"], people["seller"]
    names = {"mediator": people["mediator"].id}
    if row.state is None:
        names["order"] = make_order(buyer, seller).id
    else:
        case = make_case(row.state, buyer=buyer, seller=seller, mediator=people["mediator"])
        names["case"] = case.id
        if "{entry}" in row.url:
            names["entry"] = add_photo(case, buyer).id
        if row.setup is not None:
            names |= row.setup(case, people)
    data = None
    if row.data is not None:
        data = {key.format(**names): str(value).format(**names) for key, value in row.data.items()}
    return row.url.format(**names), data


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(TABLE), ids="-".join)
def test_who_may_reach_each_route(client, people, route, role):
    row = TABLE[route]
    url, data = request_for_row(row, people)
    if role != "anonymous":
        login(client, people[role])

    if data is None:
        response = client.get(url)
    else:  # a route that asks first is confirmed, as a person would
        response = confirmed(client, url, client.post(url, data=data))

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
    assert client.post("/cases/999999/mediation/notes").status_code == 404
    assert client.post("/cases/999999/proposal/accept").status_code == 404
    assert client.post("/cases/999999/obligations/1/done").status_code == 404


def test_an_unverified_buyer_cannot_see_their_own_case(client, people):
    case = make_case("filed", buyer=people["buyer"], seller=people["seller"])
    people["buyer"].email_verified_at = None
    signed_in(client, people["buyer"])  # a login from before the address had to be proven
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert f"/cases/{case.id}" not in client.get("/cases").get_data(as_text=True)
