"""Closing a case: the parties rate how it was handled (design: Closing).

A party rates once, between 1 and 5 with an optional comment, while the survey is open:
``SURVEY_WINDOW`` (7 days) from the moment a decided case closed after its execution ended.
The unique (case, party) constraint has the last word when two ratings race.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    ClosedReason,
    Party,
)
from app.closing.models import Rating
from app.core import clock
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.core.text import checked_text
from app.core.zones import format_zoned

SCORES = range(1, 6)
# a case closed this way was decided and carried out: there is a handling to rate
RATABLE_CLOSINGS = frozenset({ClosedReason.COMPLETED, ClosedReason.CLAIM_LAPSED})


class ClosingRefused(Refused):
    """A rating (or an export) that cannot be done; ``field`` names the form field at fault
    ("score", "comment"), or None."""


@dataclass(frozen=True)
class RatingsSummary:
    count: int
    average: float | None  # None when nothing was rated


# --- rating ---------------------------------------------------------------------------------


def comment_limit() -> int:
    return current_app.config["RATING_COMMENT_MAX_CHARS"]


def survey_closes_at(case: Case) -> datetime | None:
    """When the parties can no longer rate ``case``; None if it is not a case to rate."""
    if not _closed_after_execution(case) or case.closed_at is None:
        return None
    return case.closed_at + current_app.config["SURVEY_WINDOW"]


def can_rate(case: Case, user: User) -> bool:
    """Whether ``user`` may rate ``case`` now: a party, the survey open, not yet rated."""
    party = case.party_of(user)
    closes_at = survey_closes_at(case)
    return (
        party is not None
        and closes_at is not None
        and clock.now() <= closes_at
        and rating_of(case, party) is None
    )


def rate_case(case: Case, user: User, score: int, comment: str | None) -> Rating:
    """Record ``user``'s rating of how ``case`` was handled; the caller commits."""
    party = case.party_of(user)
    if party is None:
        raise ClosingRefused(_l("Only the buyer and the seller of a case can rate it."))
    closes_at = survey_closes_at(case)
    if closes_at is None:
        raise ClosingRefused(
            _l("A case can be rated once it is closed, after its decision was carried out.")
        )
    if clock.now() > closes_at:
        raise ClosingRefused(
            _l(
                "The survey for this case closed on %(date)s; ratings are no longer taken.",
                date=format_zoned(closes_at),
            )
        )
    if rating_of(case, party) is not None:
        raise _already_rated()
    rating = Rating(
        case_id=case.id,
        party=party.value,
        score=_checked_score(score),
        comment=_checked_comment(comment),
        created_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError as error:  # the other request of the same party came first
        raise _already_rated() from error
    record_event(
        user,
        "case.rated",
        case,
        after={"rating": rating.id, "party": party.value, "score": rating.score},
    )
    return rating


def _already_rated() -> ClosingRefused:
    return ClosingRefused(_l("You have already rated this case; a rating cannot be changed."))


def _checked_score(score) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise ClosingRefused(_l("Choose a score from 1 (very poor) to 5 (very good)."), "score")
    return score


def _checked_comment(comment: str | None) -> str | None:
    return checked_text(comment, "comment", maximum=comment_limit(), refusal=ClosingRefused) or None


def _closed_after_execution(case: Case) -> bool:
    return case.current_state is CaseState.CLOSED and case.closed_reason in RATABLE_CLOSINGS


# --- reading --------------------------------------------------------------------------------


def rating_of(case: Case, party: Party) -> Rating | None:
    return db.session.scalars(
        select(Rating).where(Rating.case_id == case.id, Rating.party == Party(party).value)
    ).first()


def ratings_of(case: Case) -> list[Rating]:
    """The case's ratings, the buyer's first."""
    return list(
        db.session.scalars(
            select(Rating).where(Rating.case_id == case.id).order_by(Rating.party, Rating.id)
        )
    )


def ratings_summary(*, party: Party | None = None, since: datetime | None = None) -> RatingsSummary:
    """How many ratings there are and their average score, for the dashboards: every rating,
    or one side's only, or those given since a moment."""
    query = select(func.count(Rating.id), func.avg(Rating.score))
    if party is not None:
        query = query.where(Rating.party == Party(party).value)
    if since is not None:
        query = query.where(Rating.created_at >= since)
    count, average = db.session.execute(query).one()
    return RatingsSummary(count=count, average=float(average) if count else None)


def can_download_dossier(case: Case, user: User) -> bool:
    """Parties and staff may take the dossier of a closed case (design: Closing)."""
    return case.can_view(user) and case.current_state is CaseState.CLOSED
