"""After the decision: how the parties rated the handling, and what enforcement took.

* **Satisfaction**: the parties' ratings (1–5) of the scope's cases; the comments are shown
  to staff only, with the rating, the side and the date, never a name or a case number.
* **Enforcement**: deductions from sellers' deposits for missed steps of the scope's cases
  (how many, how much) and the selling restrictions they brought (imposed, since lifted).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select, union_all

from app.analytics.models import CaseFact
from app.analytics.scope import Scope, count_by
from app.closing.models import Rating
from app.core.extensions import db
from app.execution.models import DepositEntry, Obligation, SellingRestriction


def rating_scores(scope: Scope, by: ColumnElement) -> dict[tuple, int]:
    """Ratings per (group, score): the buyers' and the sellers' together."""
    scores = union_all(
        *(
            select(by.label("key"), score.label("score")).where(*scope.cases(), score.is_not(None))
            for score in (CaseFact.buyer_score, CaseFact.seller_score)
        )
    )
    return count_by(select(scores.subquery()), "key", "score")


@dataclass(frozen=True)
class Comment:
    party: str
    score: int
    text: str
    written_at: datetime


def recent_comments(scope: Scope, limit: int) -> list[Comment]:
    rows = db.session.execute(
        select(Rating.party, Rating.score, Rating.comment, Rating.created_at)
        .join(CaseFact, CaseFact.case_id == Rating.case_id)
        .where(*scope.cases(), Rating.comment.is_not(None), Rating.comment != "")
        .order_by(Rating.created_at.desc(), Rating.id.desc())
        .limit(limit)
    )
    return [Comment(*row) for row in rows]


@dataclass(frozen=True)
class Deductions:
    count: int
    amount_fen: int


def deductions(scope: Scope) -> Deductions:
    """Deductions for missed steps (a deduction is a negative ledger entry)."""
    count, total = db.session.execute(
        select(func.count(DepositEntry.id), func.coalesce(func.sum(DepositEntry.amount_fen), 0))
        .join(Obligation, Obligation.id == DepositEntry.obligation_id)
        .join(CaseFact, CaseFact.case_id == Obligation.case_id)
        .where(*scope.cases(), DepositEntry.amount_fen < 0)
    ).one()
    return Deductions(count, -int(total))


def restrictions(scope: Scope, by: ColumnElement) -> dict[tuple, int]:
    """Selling restrictions per (group, "lifted" or "in_force")."""
    rows = (
        select(
            by.label("key"),
            case((SellingRestriction.lifted_at.is_(None), "in_force"), else_="lifted").label(
                "standing"
            ),
        )
        .select_from(CaseFact)
        .join(SellingRestriction, SellingRestriction.case_id == CaseFact.case_id)
        .where(*scope.cases())
    )
    return count_by(rows, "key", "standing")
