"""How many cases were filed: over time, and by claim type, responsible party, order
category and assigned mediator."""

from sqlalchemy import ColumnElement, func, select

from app.analytics.models import CaseFact
from app.analytics.scope import Scope, count_by
from app.core.extensions import db
from app.orders.models import OrderItem


def filed(scope: Scope, by: ColumnElement) -> dict:
    """Cases filed, per group: a grouping of ``app.analytics.scope``, or a column of the case
    (claim type, responsible party)."""
    return count_by(select(by.label("key")).where(*scope.cases()), "key")


def filed_by_category(scope: Scope) -> dict[str, int]:
    """Cases filed, per order category; an order with items in two categories counts in
    both."""
    rows = db.session.execute(
        select(OrderItem.category, func.count(func.distinct(CaseFact.case_id)))
        .join(OrderItem, OrderItem.order_id == CaseFact.order_id)
        .where(*scope.cases())
        .group_by(OrderItem.category)
    )
    return dict(rows.all())
