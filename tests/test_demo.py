"""The demo marketplace is believable and large enough for a 17-seat panel and an appeal."""

from sqlalchemy import func, select

from app.auth.models import Role, User
from app.auth.services import authenticate
from app.cases.models import Case
from app.core import clock
from app.core.extensions import db
from app.demo import DEMO_PASSWORD
from app.demo.cases import seed_cases
from app.demo.marketplace import seed_marketplace
from app.jury.eligibility import is_eligible
from app.orders.models import Order
from tests.helpers.demo import demo_case_id


def _seed_present() -> dict[str, int]:
    """The marketplace and its fifteen current cases, without the months of history (which
    ``tests/test_demo_history.py`` seeds and checks whole, and the CLI test below seeds)."""
    counts = seed_marketplace()
    counts["cases"] = seed_cases()
    return counts


def test_seed_builds_the_demo_marketplace():
    counts = seed_marketplace()
    users = db.session.scalars(select(User)).all()
    assert counts["users"] == len(users) >= 80
    orders = db.session.scalar(select(func.count(Order.id)))
    assert counts["orders"] == orders >= 50
    statuses = set(db.session.scalars(select(Order.status).distinct()))
    assert statuses >= {"placed", "shipped", "delivered", "completed", "cancelled", "refunded"}
    assert sum(user.has_role(Role.MEDIATOR) for user in users) == 2
    assert sum(user.has_role(Role.ADMIN) for user in users) == 1
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in user.display_name) for user in users)
    assert any(user.display_name.isascii() for user in users)


def test_enough_reviewers_qualify_for_a_panel_and_an_appeal_panel():
    seed_marketplace()
    buyer = db.session.scalar(select(User).where(User.email == "buyer@example.com"))
    seller = db.session.scalar(select(User).where(User.email == "seller@example.com"))
    traded_with_parties = set(
        db.session.scalars(select(Order.buyer_id).where(Order.seller_id.in_([buyer.id, seller.id])))
    ) | set(
        db.session.scalars(select(Order.seller_id).where(Order.buyer_id.in_([buyer.id, seller.id])))
    )
    staff_or_parties = {buyer.id, seller.id} | traded_with_parties
    eligible = [
        user
        for user in db.session.scalars(select(User))
        if user.id not in staff_or_parties and not user.is_staff and is_eligible(user)
    ]
    assert len(eligible) >= 17 + 35


def test_demo_logins_work():
    seed_marketplace()
    for email in (
        "admin@example.com",
        "mediator@example.com",
        "buyer@example.com",
        "seller@example.com",
        "reviewer01@example.com",
    ):
        assert authenticate(email, DEMO_PASSWORD) is not None, email


def test_cli_seeds_only_an_empty_database(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0 and "accounts" in result.output
    before = [db.session.scalar(select(func.count(table.id))) for table in (User, Case, Order)]
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0 and "nothing to do" in result.output
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    after = [db.session.scalar(select(func.count(table.id))) for table in (User, Case, Order)]
    assert after == before


def test_demo_cases_cover_every_state_so_far_with_real_evidence(app, tmp_path, monkeypatch):
    from app.cases.chains import verify_chains
    from app.cases.models import EvidenceEntry

    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    counts = _seed_present()
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


def test_the_demo_has_rated_cases_and_a_penalised_shop(app, tmp_path, monkeypatch):
    from app.closing.models import Rating
    from app.execution.ledger import penalised_shops

    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    _seed_present()
    assert db.session.scalar(select(func.count(Rating.id))) >= 2
    assert [shop.shop_name for shop in penalised_shops()] == ["娜娜美妆 Nana Beauty"]


def test_the_demo_panel_waits_for_its_deciding_vote(app, tmp_path, monkeypatch):
    from app.demo import waiting_seats
    from app.jury.models import Panel, Vote

    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    _seed_present()
    panel = db.session.scalar(select(Panel).where(Panel.case_id == demo_case_id(12)))
    assert db.session.scalar(select(func.count(Vote.id)).where(Vote.panel_id == panel.id)) == 8
    waiting = waiting_seats()
    assert len(waiting) == panel.seats - 8
    assert all(seat.vote_due_at > clock.now() for seat in waiting)


def test_the_demo_panel_sees_a_released_document_and_video(app, client, tmp_path, monkeypatch):
    from app.cases.models import EvidenceEntry
    from app.cases.releases import is_released_to_reviewers
    from app.demo import waiting_seats
    from app.jury.models import Panel
    from tests.helpers.pages import login, page

    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    _seed_present()
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
