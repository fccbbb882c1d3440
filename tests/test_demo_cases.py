"""The demo's fifteen current cases, in every state so far with real evidence: seeded once for
the module (the marketplace and its cases, without the months of history, which
``tests/test_demo_history.py`` seeds and checks whole), each test reading them in a
transaction of its own.

One of them was decided by a panel that sized itself on a ballot of final offers: a second
wave drawn, the verdict for the buyer's request when the posterior reached the confidence,
before every seat voted; the case page says how it decided."""

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.cases.chains import verify_chains
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.releases import is_released_to_reviewers
from app.cases.states import CaseState
from app.closing.models import Rating
from app.core import clock
from app.core.extensions import db
from app.demo import DEMO_PASSWORD, waiting_seats
from app.demo.cases import seed_cases
from app.demo.marketplace import seed_marketplace
from app.execution.ledger import penalised_shops
from app.jury import ballot
from app.jury.ballot import Stance
from app.jury.models import Panel, PanelRule, PanelStatus, Tally, Vote
from app.orders.models import Order
from tests.helpers.demo import demo_case_id
from tests.helpers.pages import login, page


@pytest.fixture(scope="module")
def present_demo(app, module_rows) -> dict[str, int]:
    """The marketplace and its current cases, committed once; what the seeding counted."""
    with app.app_context():
        counts = seed_marketplace()
        counts["cases"] = seed_cases()
        db.session.commit()
        db.session.remove()
    return counts


def test_demo_cases_cover_every_state_so_far_with_real_evidence(present_demo):
    counts = present_demo
    states = set(db.session.scalars(select(Case.state)))
    assert states >= {
        "filed",
        "returned",
        "awaiting_seller",
        "evidence",
        "mediation",
        "proposal",
        "panel",
        "decided",
        "executing",
        "closed",
    }
    closed_reasons = set(db.session.scalars(select(Case.closed_reason)))
    assert {"withdrawn", "completed"} <= closed_reasons
    assert counts["cases"] == db.session.scalar(select(func.count(Case.id)))
    kinds = {(e.party, e.kind) for e in db.session.scalars(select(EvidenceEntry))}
    assert {
        ("buyer", "image"),
        ("buyer", "statement"),
        ("seller", "pdf"),
        ("seller", "statement"),
    } <= kinds
    assert any(e.is_late for e in db.session.scalars(select(EvidenceEntry)))
    assert verify_chains() == []
    # the demo buyer still has a delivered order without a case, to open one
    buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
    delivered = db.session.scalars(
        select(Order).where(Order.buyer_id == buyer.id, Order.status == "delivered")
    ).all()
    cased = set(db.session.scalars(select(Case.order_id)))
    assert any(order.id not in cased for order in delivered)


def test_the_demo_has_rated_cases_and_a_penalised_shop(present_demo):
    assert db.session.scalar(select(func.count(Rating.id))) >= 2
    assert [shop.shop_name for shop in penalised_shops()] == ["娜娜美妆 Nana Beauty"]


def test_the_demo_panel_waits_for_its_deciding_vote(present_demo):
    panel = db.session.scalar(select(Panel).where(Panel.case_id == demo_case_id(12)))
    assert db.session.scalar(select(func.count(Vote.id)).where(Vote.panel_id == panel.id)) == 8
    waiting = waiting_seats()
    assert len(waiting) == panel.seats - 8
    assert all(seat.vote_due_at > clock.now() for seat in waiting)


def test_the_demo_panel_sees_a_released_document_and_video(present_demo, client):
    # the demo's panel still sitting (the adaptive case's panel has decided)
    panel = db.session.scalar(select(Panel).where(Panel.status == "open"))
    files = db.session.scalars(
        select(EvidenceEntry).where(
            EvidenceEntry.case_id == panel.case_id, EvidenceEntry.stored_name.is_not(None)
        )
    ).all()
    assert sorted(entry.kind for entry in files) == ["image", "pdf", "video"]
    assert all(is_released_to_reviewers(entry) for entry in files)

    seat = waiting_seats()[0]
    login(client, seat.reviewer, DEMO_PASSWORD)
    html = page(client, f"/review/seats/{seat.id}")
    assert "/pages/1" in html and "<video" in html
    assert "released this file" not in html


def test_the_demo_has_a_case_decided_by_an_adaptive_panel(app, present_demo, client):
    assert app.config["PANEL_RULE"] == "majority"  # the demo's panel is adaptive regardless

    panel = db.session.scalar(select(Panel).where(Panel.rule == PanelRule.ADAPTIVE.value))
    tally = db.session.scalar(select(Tally).where(Tally.panel_id == panel.id))
    assert panel.status == PanelStatus.DECIDED.value
    config = app.config
    assert (panel.waves, panel.seats_drawn) == (
        1,
        config["ADAPTIVE_FIRST_WAVE"] + config["ADAPTIVE_WAVE"],
    )
    assert [ballot.parse(key).stance for key in panel.options] == [
        Stance.OFFER,
        Stance.OFFER,
        Stance.REJECT,
    ]
    assert tally.verdict == panel.options[0]  # the buyer's request
    assert config["ADAPTIVE_FIRST_WAVE"] < tally.votes_cast < panel.seats_drawn
    assert tally.posterior[tally.verdict] >= panel.confidence
    case = panel.case
    assert case.state == CaseState.DECIDED.value

    login(client, case.buyer, DEMO_PASSWORD)
    html = page(client, f"/cases/{case.id}")
    assert "This panel sized itself" in html
    assert "the verdict is right with a probability of" in html
