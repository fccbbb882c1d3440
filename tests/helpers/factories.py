"""Factories for the rows most tests need. Each returns a flushed, persistent object."""

import itertools
from datetime import timedelta

from app.auth.models import Role, User
from app.auth.passwords import hash_password
from app.auth.services import grant_role
from app.cases.models import Case
from app.core import clock
from app.core.extensions import db
from app.orders.models import Order, OrderItem, OrderStatus

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)
_password_hash: dict[str, str] = {}


def _hashed(password: str) -> str:
    # hashing is deliberately slow; one hash per distinct password is enough for tests
    if password not in _password_hash:
        _password_hash[password] = hash_password(password)
    return _password_hash[password]


def make_user(
    *,
    email: str | None = None,
    name: str | None = None,
    password: str | None = PASSWORD,
    roles: tuple[Role, ...] = (),
    age: timedelta = timedelta(0),
    verified: bool = True,
    shop_name: str | None = None,
) -> User:
    n = next(_sequence)
    created_at = clock.now() - age
    user = User(
        email=email or f"user{n}@example.com",
        display_name=name or f"User {n}",
        password_hash=_hashed(password) if password else None,
        created_at=created_at,
        email_verified_at=created_at if verified else None,
        marketplace_user_id=f"mkt-{n}",
        shop_name=shop_name,
    )
    db.session.add(user)
    db.session.flush()
    for role in roles:
        grant_role(user, role, granted_by=None)
    db.session.flush()
    return user


def make_order(
    buyer: User | None = None,
    seller: User | None = None,
    *,
    status: OrderStatus = OrderStatus.DELIVERED,
    amount_fen: int = 19900,
    category: str = "electronics",
    placed_ago: timedelta = timedelta(days=10),
) -> Order:
    n = next(_sequence)
    buyer = buyer or make_user()
    seller = seller or make_user(shop_name=f"Shop {n}")
    placed_at = clock.now() - placed_ago
    order = Order(
        marketplace_order_id=f"MO-{n:08d}",
        buyer=buyer,
        seller=seller,
        amount_fen=amount_fen,
        currency="CNY",
        status=status.value,
        placed_at=placed_at,
        shipped_at=placed_at + timedelta(days=1),
        delivered_at=placed_at + timedelta(days=3)
        if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
        else None,
        carrier="SF Express",
        tracking_number=f"SF{n:012d}",
        items=[
            OrderItem(
                position=1,
                title="Wireless earbuds",
                category=category,
                quantity=1,
                unit_price_fen=amount_fen,
            )
        ],
    )
    db.session.add(order)
    db.session.flush()
    return order


def make_case_row(order=None, *, state: str = "evidence", **fields) -> Case:
    """A case row built directly for an order, in ``state``, for tests of what happens
    inside a case (the transitions themselves are tested through the services)."""
    order = order or make_order()
    claim = {
        "claim_type": "damaged_in_transit",
        "responsible_party": "seller",
        "description": "The screen arrived cracked.",
        "remedy": "full_refund",
        "severity": "important",
    }
    case = Case(order=order, buyer=order.buyer, seller=order.seller, state=state, **claim | fields)
    db.session.add(case)
    db.session.flush()
    return case


def make_reviewers(count: int) -> list[User]:
    """Active reviewers: long-standing, verified, enrolled and past their practice."""
    from app.jury.models import Reviewer, ReviewerStatus

    reviewers = [make_user(age=timedelta(days=400)) for _ in range(count)]
    for user in reviewers:
        db.session.add(Reviewer(user_id=user.id, status=ReviewerStatus.ACTIVE.value))
    db.session.flush()
    return reviewers
