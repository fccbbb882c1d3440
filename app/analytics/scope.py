"""Which cases a figure is about: the cases filed within a date range (UTC days, both ends
included), narrowed by claim type and order category. Every figure of the dashboard and of
the public page is about such a set of cases, so one range reads the same everywhere."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import wraps

from sqlalchemy import ColumnElement, Select, String, func, literal_column, select

from app.analytics.models import CaseFact, CaseFactCategory
from app.core.extensions import db

# the volume chart counts per day up to this many days, per month beyond
DAILY_UP_TO_DAYS = 92


@dataclass(frozen=True)
class Scope:
    start: date
    end: date  # included
    claim_type: str | None = None
    category: str | None = None  # an order is in the category of any of its items
    # what the measures read for this scope, so that figures sharing a measure read it once
    readings: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def cases(self) -> list[ColumnElement[bool]]:
        """The conditions on ``CaseFact`` that select the scope's cases."""
        conditions = [CaseFact.filed_at >= self.starts_at, CaseFact.filed_at < self.ends_before]
        if self.claim_type:
            conditions.append(CaseFact.claim_type == self.claim_type)
        if self.category:
            conditions.append(
                select(CaseFactCategory.case_id)
                .where(
                    CaseFactCategory.case_id == CaseFact.case_id,
                    CaseFactCategory.category == self.category,
                )
                .correlate(CaseFact)
                .exists()
            )
        return conditions


# Groupings: what a measure's figures are keyed by, an expression over the case's facts


# the key of the one group that is the whole scope
OVERALL = "all"


def overall() -> ColumnElement:
    """One group: the whole scope."""
    return literal_column(f"'{OVERALL}'", String)


def filing_month() -> ColumnElement:
    return CaseFact.filed_month


def filing_period(scope: Scope) -> ColumnElement:
    """The day of filing over short ranges, the month over long ones."""
    return CaseFact.filed_day if scope.days <= DAILY_UP_TO_DAYS else CaseFact.filed_month


def assigned_mediator() -> ColumnElement:
    return CaseFact.mediator_id


def count_by(rows: Select, *columns: str) -> dict:
    """Count the rows of ``rows`` (one per thing counted) by its columns named ``columns``;
    keyed by the value, or by the tuple of values when there are several. Grouping over a
    subquery's columns lets a grouping be a constant, which PostgreSQL refuses to group by."""
    source = rows.subquery()
    keys = [source.c[name] for name in columns]
    result = db.session.execute(select(*keys, func.count()).group_by(*keys))
    if len(columns) == 1:
        return {key: count for key, count in result}
    return {tuple(row[:-1]): row[-1] for row in result}


def read_once(measure: Callable) -> Callable:
    """A measure read once per scope (and grouping): the dashboard's figures share several."""

    @wraps(measure)
    def read(scope: Scope, *groupings):
        key = (measure.__qualname__, *map(str, groupings))
        if key not in scope.readings:
            scope.readings[key] = measure(scope, *groupings)
        return scope.readings[key]

    return read
