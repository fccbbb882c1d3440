"""How many cases were filed: over time, and by claim type, responsible party, order
category and assigned mediator."""

from sqlalchemy import ColumnElement, func, select

from app.analytics.models import CaseFact, CaseFactCategory
from app.analytics.scope import Scope, count_by
from app.core.extensions import db


def filed(scope: Scope, by: ColumnElement) -> dict:
    """Cases filed, per group: a grouping of ``app.analytics.scope``, or a column of the case
    (claim type, responsible party)."""
    return count_by(select(by.label("key")).where(*scope.cases()), "key")


def filed_by_category(scope: Scope) -> dict[str, int]:
    """Cases filed, per order category; an order with items in two categories counts in
    both. Without filters, the categories' own table answers alone."""
    query = (
        select(CaseFactCategory.category, func.count())
        .where(
            CaseFactCategory.filed_at >= scope.starts_at,
            CaseFactCategory.filed_at < scope.ends_before,
        )
        .group_by(CaseFactCategory.category)
    )
    if scope.claim_type or scope.category:
        query = query.join(CaseFact, CaseFact.case_id == CaseFactCategory.case_id).where(
            *scope.cases()
        )
    return dict(db.session.execute(query).all())
