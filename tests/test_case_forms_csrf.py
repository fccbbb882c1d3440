"""With CSRF protection on, as in production: the case forms work with the token the page
gives, and are refused without it."""

import io

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import CaseState
from app.core.extensions import db
from tests.helpers.case_factories import jpeg_bytes, make_case
from tests.helpers.factories import make_order, make_user
from tests.helpers.pages import confirmed, csrf_token_from, login_with_token

pytestmark = pytest.mark.usefixtures("csrf_enabled")

CLAIM = {
    "claim_type": "not_received",
    "responsible_party": "logistics",
    "description": "Tracking says delivered, but nothing came.",
    "remedy": "full_refund",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_opening_a_case_needs_the_token_from_the_form(client):
    buyer = make_user()
    order = make_order(buyer)
    login_with_token(client, buyer)
    url = f"/orders/{order.id}/case/new"

    assert client.post(url, data=CLAIM).status_code == 400
    assert count(Case) == 0

    token = csrf_token_from(client.get(url).get_data(as_text=True))
    files = {"evidence_files": [(io.BytesIO(jpeg_bytes()), "parcel.jpg")]}
    response = client.post(url, data={**CLAIM, **files, "csrf_token": token})

    assert response.status_code == 302
    case = db.session.scalars(select(Case).where(Case.order_id == order.id)).one()
    assert len(case.evidence) == 1


def test_adding_evidence_needs_the_token_from_the_case_page(client):
    case = make_case("evidence")
    login_with_token(client, case.buyer)
    url = f"/cases/{case.id}/evidence"
    before = count(EvidenceEntry)

    without = client.post(url, data={"kind": "statement", "text": "No token."})
    assert without.status_code == 400 and count(EvidenceEntry) == before

    token = csrf_token_from(client.get(f"/cases/{case.id}").get_data(as_text=True))
    data = {"kind": "image", "file": (io.BytesIO(jpeg_bytes()), "box.jpg"), "csrf_token": token}
    assert client.post(url, data=data).status_code == 302
    assert count(EvidenceEntry) == before + 1


def test_a_token_from_another_session_is_refused(app, client):
    case = make_case("awaiting_seller")
    stranger = app.test_client()
    foreign = csrf_token_from(stranger.get("/login").get_data(as_text=True))
    login_with_token(client, case.seller)
    response = client.post(f"/cases/{case.id}/answer/accept", data={"csrf_token": foreign})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Case, case.id).current_state is CaseState.AWAITING_SELLER


@pytest.mark.parametrize(
    ("state", "who", "path", "data", "moved_to"),
    [
        ("filed", "buyer", "withdraw", {}, "closed"),
        ("returned", "buyer", "resubmit", CLAIM, "filed"),
        ("filed", "mediator", "intake/accept", {"severity": "general"}, "awaiting_seller"),
        ("filed", "mediator", "intake/return", {"reason": "Which item?"}, "returned"),
        # agreed at once: the full refund is carried out straight away
        ("awaiting_seller", "seller", "answer/accept", {}, "executing"),
        # the case waits on, now for the buyer's answer to the offer
        (
            "awaiting_seller",
            "seller",
            "answer/counter-offer",
            {"remedy": "replacement", "amount": "0", "message": "A new pair."},
            "awaiting_seller",
        ),
        (
            "awaiting_seller",
            "seller",
            "answer/contest",
            {"statement": "It was delivered."},
            "evidence",
        ),
        ("counter_offer", "buyer", "counter-offer/accept", {}, "executing"),
        ("counter_offer", "buyer", "counter-offer/refuse", {}, "evidence"),
    ],
)
def test_every_action_needs_the_token(client, state, who, path, data, moved_to):
    case = make_case(state)
    before = case.state
    actor = make_user(roles=(Role.MEDIATOR,)) if who == "mediator" else getattr(case, who)
    login_with_token(client, actor)
    url = f"/cases/{case.id}/{path}"

    assert client.post(url, data=data).status_code == 400
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == before

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    response = client.post(url, data={**data, "csrf_token": csrf_token_from(page)})
    response = confirmed(client, url, response)  # the confirmation carries its own token
    assert response.status_code == 302
    db.session.expire_all()
    after = db.session.get(Case, case.id)
    assert after.state == moved_to
    assert (after.pending_counter_offer is not None) == (path == "answer/counter-offer")
