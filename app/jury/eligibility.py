"""Who may apply to become a reviewer (design: Crowd review, Enrolment)."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.auth.models import User
from app.core import clock
from app.core.extensions import db
from app.orders.models import Order, OrderStatus


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool


def completed_orders(user: User) -> int:
    return db.session.scalar(
        select(func.count(Order.id)).where(
            or_(Order.buyer_id == user.id, Order.seller_id == user.id),
            Order.status == OrderStatus.COMPLETED.value,
        )
    )


def reviewer_requirements(user: User) -> list[Requirement]:
    """Each enrolment rule with whether ``user`` meets it, in the order the page shows them."""
    config = current_app.config
    min_age_days = config["REVIEWER_MIN_ACCOUNT_AGE"].days
    min_orders = config["REVIEWER_MIN_COMPLETED_ORDERS"]
    age = clock.now() - user.created_at
    return [
        Requirement(
            _l("Account at least %(days)d days old", days=min_age_days),
            age >= config["REVIEWER_MIN_ACCOUNT_AGE"],
        ),
        Requirement(_l("E-mail address confirmed"), user.email_verified_at is not None),
        Requirement(
            _l("At least %(count)d completed orders", count=min_orders),
            completed_orders(user) >= min_orders,
        ),
        Requirement(_l("No sanction on the account"), user.is_active),
    ]


def is_eligible(user: User) -> bool:
    return all(requirement.met for requirement in reviewer_requirements(user))
