"""The demo marketplace is believable and large enough for a 17-seat panel and an appeal.

Its cases are checked in ``tests/test_demo_cases.py``, the whole demo as ``flask demo seed``
leaves it in ``tests/test_demo_history.py``."""

from sqlalchemy import func, select

from app.auth.models import Role, User
from app.auth.services import authenticate
from app.core.extensions import db
from app.demo import DEMO_PASSWORD
from app.demo.marketplace import seed_marketplace
from app.jury.eligibility import is_eligible
from app.orders.models import Order


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
