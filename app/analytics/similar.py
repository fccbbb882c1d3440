"""Cases like yours: how the cases of one claim type about goods of one category ended, and
how long they took to decide, as the claim assistant shows them to a buyer before filing.

Read from the facts of the cases filed over ``SIMILAR_CASES_HISTORY``, under the rule of ten
of ``disclosure``: when fewer than ten such cases have ended, no figure is shown; the median
time to a decision is shown only when ten or more of them were decided.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import case, literal, or_, select

from app.analytics import timing
from app.analytics.disclosure import Published, publish
from app.analytics.models import CaseFact
from app.analytics.scope import OVERALL, Scope, count_by, overall
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Outcome,
)

# how a case ended, as a buyer reads it: a decision's outcome, or withdrawn before one
WITHDRAWN = "withdrawn"
ENDINGS = (Outcome.FOR_BUYER.value, Outcome.SETTLED.value, Outcome.FOR_SELLER.value, WITHDRAWN)
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class SimilarCases:
    ended: Published  # how many similar cases ended
    shares: dict[str, Published]  # percent of the ended cases, per ending of ``ENDINGS``
    median_days: Published  # filing to the decision in force, over the decided ones

    @property
    def shown(self) -> bool:
        return not self.ended.hidden


def similar_cases(claim_type: str, category: str | None, now: datetime) -> SimilarCases:
    """The cases of ``claim_type`` about an order in ``category`` (any category when None)
    filed over the history up to ``now``."""
    since = now - current_app.config["SIMILAR_CASES_HISTORY"]
    scope = Scope(start=since.date(), end=now.date(), claim_type=claim_type, category=category)
    ending = case((Case.outcome.is_not(None), Case.outcome), else_=literal(WITHDRAWN))
    ended_cases = (
        select(ending.label("ending"))
        .select_from(CaseFact)
        .join(Case, Case.id == CaseFact.case_id)
        .where(
            *scope.cases(),
            or_(Case.outcome.is_not(None), Case.state == CaseState.CLOSED.value),
        )
    )
    endings = count_by(ended_cases, "ending")
    ended = sum(endings.values())
    resolution = timing.resolution(scope, overall()).get(OVERALL)
    return SimilarCases(
        ended=publish(ended, ended),
        shares={
            key: publish(round(100 * endings.get(key, 0) / ended) if ended else None, ended)
            for key in ENDINGS
        },
        median_days=publish(
            round(resolution.median / SECONDS_PER_DAY, 1) if resolution else None,
            ended,
            resolution.count if resolution else 0,
        ),
    )
