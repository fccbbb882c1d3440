"""The reviewer pool as it stands: active reviewers by reputation level and by leaning.

The level is the one the reputation gives (thresholds ``REPUTATION_LEVELS``, 0 below the
first); the leaning is the one the drawing balances panels by (``app.jury.drawing``): mostly
sells or mostly buys when at least two orders in three are on that side, balanced otherwise.
"""

from fractions import Fraction

from flask import current_app
from sqlalchemy import and_, case, func, literal, select

from app.analytics.scope import count_by
from app.jury.drawing import BALANCED, BUYER, MOSTLY, SELLER
from app.jury.models import Reviewer, ReviewerStatus
from app.orders.models import Order

# the drawing's share as a fraction, so SQL compares whole numbers: side·q >= total·p
_MOSTLY = Fraction(MOSTLY).limit_denominator(100)


def pool_by_level_and_leaning() -> dict[tuple[int, str], int]:
    """Active reviewers per (level, leaning)."""
    level = sum(
        (
            case((Reviewer.score >= threshold, 1), else_=0)
            for threshold in current_app.config["REPUTATION_LEVELS"]
        ),
        literal(0),
    )
    sells, buys = _orders_as(Order.seller_id), _orders_as(Order.buyer_id)
    total = sells + buys
    leaning = case(
        (and_(total > 0, sells * _MOSTLY.denominator >= total * _MOSTLY.numerator), SELLER),
        (and_(total > 0, buys * _MOSTLY.denominator >= total * _MOSTLY.numerator), BUYER),
        else_=BALANCED,
    )
    rows = select(level.label("level"), leaning.label("leaning")).where(
        Reviewer.status == ReviewerStatus.ACTIVE.value
    )
    return count_by(rows, "level", "leaning")


def _orders_as(side):
    return select(func.count(Order.id)).where(side == Reviewer.user_id).scalar_subquery()
