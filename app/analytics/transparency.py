"""The figures ``/transparency`` publishes, per month of filing and for the whole period:
cases, how they ended, the median time to a decision, appeals that overturned a panel,
selling restrictions, and the parties' average rating. The same measures as the staff
dashboard, through the rule of ``disclosure``; never a name, and no personal data at all.

The table is kept ``TRANSPARENCY_CACHE`` (ten minutes by default): the page is open to
anyone, and its queries read every case of the period.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

from app.analytics import aftercare, outcomes, panels, timing, volume
from app.analytics.disclosure import Published, publish
from app.analytics.scope import Scope, filing_month, overall
from app.cases.models import AGREED_DECISIONS, DecisionKind
from app.core import clock

# how a case ended, as the public reads it: both sides agreed, or who decided
ENDINGS = ("agreement", DecisionKind.MEDIATOR, DecisionKind.PANEL, DecisionKind.DEFAULT_JUDGMENT)
ENDING_KEYS = tuple(str(ending) for ending in ENDINGS)
TOTAL = "all"
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


def public_table() -> PublicTable:
    """The table as last computed, or afresh when it is older than ``TRANSPARENCY_CACHE``."""
    kept = current_app.extensions.get("transparency")
    now = clock.now()
    if kept and now - kept[0] < current_app.config["TRANSPARENCY_CACHE"]:
        return kept[1]
    table = compute_public_table(now)
    current_app.extensions["transparency"] = (now, table)
    return table


def compute_public_table(now: datetime) -> PublicTable:
    today = now.date()
    months_back = current_app.config["TRANSPARENCY_MONTHS"] - 1
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    scope = Scope(start=date(year, month + 1, 1), end=today)
    by_month = _rows(scope, filing_month())
    return PublicTable(
        start=scope.start,
        end=scope.end,
        months=[by_month[key] for key in sorted(by_month, reverse=True)],
        total=_rows(scope, overall()).get(TOTAL) or _empty_row(TOTAL),
    )


def _rows(scope: Scope, by) -> dict[str, PublicRow]:
    filed = volume.filed(scope, by)
    kinds = outcomes.decision_kinds(scope, by)
    resolutions = timing.resolution(scope, by)
    overturns = panels.overturns(scope, by)
    restrictions = aftercare.restrictions(scope, by)
    ratings = aftercare.rating_scores(scope, by)
    rows = {}
    for key, cases in filed.items():
        ending_counts = {
            "agreement": sum(kinds.get((key, kind.value), 0) for kind in AGREED_DECISIONS)
        } | {kind.value: kinds.get((key, kind.value), 0) for kind in ENDINGS[1:]}
        resolution = resolutions.get(key)
        overturn = overturns.get(key)
        rated = {score: n for (group, score), n in ratings.items() if group == key}
        rating_count = sum(rated.values())
        restricted = sum(n for (group, _standing), n in restrictions.items() if group == key)
        rows[key] = PublicRow(
            period=key,
            cases=publish(cases, cases),
            endings={
                ending: publish(count, count, cases) for ending, count in ending_counts.items()
            },
            median_days_to_decision=publish(
                round(resolution.median / SECONDS_PER_DAY, 1) if resolution else None,
                resolution.count if resolution else 0,
                cases,
            ),
            overturn_rate=publish(
                round(100 * overturn.overturned / overturn.compared, 1) if overturn else None,
                overturn.compared if overturn else 0,
                cases,
            ),
            restrictions=publish(restricted, restricted, cases),
            average_rating=publish(
                round(sum(s * n for s, n in rated.items()) / rating_count, 2)
                if rating_count
                else None,
                rating_count,
                cases,
            ),
        )
    return rows


def _empty_row(period: str) -> PublicRow:
    nothing = publish(None, 0)
    return PublicRow(period, nothing, dict.fromkeys(ENDING_KEYS, nothing), *[nothing] * 4)
