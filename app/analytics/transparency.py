"""The figures ``/transparency`` publishes, per month of filing and for the whole period:
cases, how they ended, the median time to a decision, appeals that overturned a panel,
selling restrictions, and the parties' average rating. The same measures as the staff
dashboard, through the rule of ``disclosure``; never a name, and no personal data at all.

The table is kept ``TRANSPARENCY_CACHE`` (ten minutes by default): the page is open to
anyone, and its queries read every case of the period.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app

from app.analytics import aftercare, outcomes, panels, timing, volume
from app.analytics.disclosure import Published, publish
from app.analytics.facts import facts_as_of
from app.analytics.scope import OVERALL as TOTAL
from app.analytics.scope import Scope, filing_month, overall
from app.analytics.sql import Spread
from app.cases.states import (
    AGREED_DECISIONS,
    DecisionKind,
)
from app.core import clock

# how a case ended, as the public reads it: both sides agreed, or who decided
ENDING_KEYS = (
    "agreement",
    DecisionKind.MEDIATOR.value,
    DecisionKind.PANEL.value,
    DecisionKind.DEFAULT_JUDGMENT.value,
)
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class PublicRow:
    period: str  # "2026-11", or TOTAL for the whole period
    cases: Published
    endings: dict[str, Published]
    median_days_to_decision: Published
    overturn_rate: Published  # percent of compared appeal verdicts
    restrictions: Published
    average_rating: Published


@dataclass(frozen=True)
class PublicTable:
    start: date
    end: date
    months: list[PublicRow]
    total: PublicRow
    as_of: datetime | None  # when the facts read were last brought up to date


# one thread of a worker reads the figures anew; the others wait for it, not do it again
_reading = threading.Lock()


def public_table() -> PublicTable:
    """The table as last read, or afresh when it is older than ``TRANSPARENCY_CACHE``."""
    with _reading:
        kept = current_app.extensions.get("transparency")
        now = clock.now()
        if kept and timedelta(0) <= now - kept[0] < current_app.config["TRANSPARENCY_CACHE"]:
            return kept[1]
        table = compute_public_table(now)
        current_app.extensions["transparency"] = (now, table)
        return table


def compute_public_table(now: datetime) -> PublicTable:
    today = now.date()
    months_back = current_app.config["TRANSPARENCY_MONTHS"] - 1
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    scope = Scope(start=date(year, month + 1, 1), end=today)
    months = _month_counts(scope)
    total = sum(months.values(), Counts())
    # a median does not add up over months: the whole period's is read on its own
    total.resolution = timing.resolution(scope, overall()).get(TOTAL)
    return PublicTable(
        start=scope.start,
        end=scope.end,
        months=[months[key].published(key) for key in sorted(months, reverse=True)],
        total=total.published(TOTAL),
        as_of=facts_as_of(),
    )


@dataclass
class Counts:
    """What a row is published from; the counts of months add up to the whole period's."""

    cases: int = 0
    endings: Counter = field(default_factory=Counter)
    resolution: Spread | None = None
    appeals_compared: int = 0
    overturned: int = 0
    restrictions: int = 0
    ratings: Counter = field(default_factory=Counter)  # score: how many

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            cases=self.cases + other.cases,
            endings=self.endings + other.endings,
            appeals_compared=self.appeals_compared + other.appeals_compared,
            overturned=self.overturned + other.overturned,
            restrictions=self.restrictions + other.restrictions,
            ratings=self.ratings + other.ratings,
        )

    def published(self, period: str) -> PublicRow:
        cases, resolution = self.cases, self.resolution
        rated = sum(self.ratings.values())
        return PublicRow(
            period=period,
            cases=publish(cases, cases),
            endings={
                key: publish(self.endings[key], self.endings[key], cases) for key in ENDING_KEYS
            },
            median_days_to_decision=publish(
                round(resolution.median / SECONDS_PER_DAY, 1) if resolution else None,
                resolution.count if resolution else 0,
                cases,
            ),
            overturn_rate=publish(
                round(100 * self.overturned / self.appeals_compared, 1)
                if self.appeals_compared
                else None,
                self.appeals_compared,
                cases,
            ),
            restrictions=publish(self.restrictions, self.restrictions, cases),
            average_rating=publish(
                round(sum(score * n for score, n in self.ratings.items()) / rated, 2)
                if rated
                else None,
                rated,
                cases,
            ),
        )


def _month_counts(scope: Scope) -> dict[str, Counts]:
    by = filing_month()
    months = {key: Counts(cases=cases) for key, cases in volume.filed(scope, by).items()}
    agreed = {kind.value for kind in AGREED_DECISIONS}
    for (key, kind), count in outcomes.decision_kinds(scope, by).items():
        months[key].endings["agreement" if kind in agreed else kind] += count
    for key, spread in timing.resolution(scope, by).items():
        months[key].resolution = spread
    for key, overturns in panels.overturns(scope, by).items():
        months[key].appeals_compared = overturns.compared
        months[key].overturned = overturns.overturned
    for (key, _standing), count in aftercare.restrictions(scope, by).items():
        months[key].restrictions += count
    for (key, score), count in aftercare.rating_scores(scope, by).items():
        months[key].ratings[score] += count
    return months
