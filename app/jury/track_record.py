"""Each reviewer's track record, read from the database, and the calibrated accuracy the
counting sweep weighs their votes by (design: Beyond today's systems, Calibration;
docs/adaptive-panels.md).

A reviewer's record counts, on each side, the answers whose right option is known:

* their **gold answers** (``practice_answers``: the practice cases, and gold seats), on the
  side of the right option (``truth_side``);
* their **agreement with final verdicts**: each vote on a first-round or appeal panel that
  reached a verdict which stood — the panel's own, or after an appeal the final decision's
  option on that panel's ballot (a verdict still under appeal, or overturned into a
  settlement no option names, counts for nothing) — on the side of that verdict
  (``ballot.side``).

The estimate shrinks each reviewer's record towards the means of reviewers of their leaning
(the drawing's "mostly sells", "mostly buys", "balanced"), themselves shrunk towards the
pool's (``app.jury.calibration``), so a leaning is discounted only as far as the data shows
one. Within the categories of a case's order, a reviewer with enough answers there is
estimated from them.

The whole pool's records are read in four grouped queries whatever the number of reviewers
asked about (the pool and group means need them all): the counting sweep reads them once
per batch, and the record is taken as it stands at counting time.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import and_, case, func, null, or_, select

from app.cases.models import Case
from app.core.extensions import db
from app.jury import ballot, calibration
from app.jury.calibration import Record, Tally
from app.jury.drawing import BALANCED, leanings
from app.jury.models import (
    Appeal,
    Panel,
    PanelRound,
    PracticeAnswer,
    Reviewer,
    Seat,
    Vote,
)
from app.jury.models import Tally as PanelTally
from app.jury.rules import Accuracy, Side
from app.orders.models import OrderItem


@dataclass
class TrackRecords:
    """Every reviewer's record, overall and per category, with the pool's means."""

    records: dict[int, Record] = field(default_factory=dict)
    by_category: dict[int, dict[str, Record]] = field(default_factory=dict)
    leaning: dict[int, str] = field(default_factory=dict)

    # the means, computed once the records are read (a sweep asks for them per panel)
    _groups: dict[str, Accuracy] = field(default_factory=dict, repr=False)

    @cached_property
    def pool(self) -> Accuracy:
        return calibration.pool_means(self.records.values())

    def group(self, leaning: str) -> Accuracy:
        """The means of the reviewers of ``leaning``, shrunk towards the pool's."""
        if leaning not in self._groups:
            members = (r for uid, r in self.records.items() if self.leaning_of(uid) == leaning)
            self._groups[leaning] = calibration.group_means(members, self.pool)
        return self._groups[leaning]

    def leaning_of(self, user_id: int) -> str:
        return self.leaning.get(user_id, BALANCED)

    def record(self, user_id: int) -> Record:
        return self.records.get(user_id, Record())

    def prior(self, user_id: int) -> Accuracy:
        """Where the reviewer's estimate starts: the means of their leaning's group."""
        return self.group(self.leaning_of(user_id))

    def interval(self, user_id: int, side: Side) -> tuple[float, float]:
        """A rough 90 % interval around the reviewer's accuracy on ``side``."""
        return calibration.beta_interval(
            self.record(user_id).on(side), self.prior(user_id).on(side)
        )

    def accuracies(
        self, user_ids: Iterable[int], categories: Iterable[str] = ()
    ) -> dict[int, Accuracy]:
        """Each reviewer's calibrated accuracy, within ``categories`` where their answers
        there are enough."""
        categories = set(categories)
        result = {}
        for user_id in set(user_ids):
            overall = calibration.estimate(self.record(user_id), self.prior(user_id))
            mine = self.by_category.get(user_id, {})
            in_categories = sum((mine.get(c, Record()) for c in categories), Record())
            result[user_id] = calibration.in_category(overall, in_categories)
        return result


def track_records() -> TrackRecords:
    """Every reviewer's record from their gold answers and the verdicts that stood; read
    it again for records that changed since."""
    # (user, category or None) → [buyer's right, answered, seller's right, answered], summed
    # before any Record is made
    counts: dict[tuple[int, str | None], list[float]] = defaultdict(lambda: [0.0] * 4)
    for user_id, side, category, right, answered in _gold_answers():
        _add(counts[user_id, category], side, right, answered)
    sides: dict[str, str] = {}
    for user_id, verdict, category, right, answered in _verdict_agreement():
        if verdict not in sides:
            sides[verdict] = ballot.side(verdict).value
        _add(counts[user_id, category], sides[verdict], right, answered)
    records = TrackRecords(leaning=leanings(select(Reviewer.user_id)))
    for (user_id, category), (buyer_right, buyer, seller_right, seller) in counts.items():
        record = Record(Tally(buyer_right, buyer), Tally(seller_right, seller))
        if category is None:  # the answers' overall row
            records.records[user_id] = record
        else:
            records.by_category.setdefault(user_id, {})[category] = record
    return records


def _add(tally: list[float], side: str, right, answered) -> None:
    at = 0 if side == Side.BUYER.value else 2
    tally[at] += float(right)
    tally[at + 1] += float(answered)


def _gold_answers():
    """(user, side, category or None, right, answered): overall rows, then per category."""
    right = func.sum(case((PracticeAnswer.correct, 1), else_=0))
    known = PracticeAnswer.truth_side.is_not(None)
    overall = db.session.execute(
        select(PracticeAnswer.user_id, PracticeAnswer.truth_side, null(), right, func.count())
        .where(known)
        .group_by(PracticeAnswer.user_id, PracticeAnswer.truth_side)
    ).all()
    per_category = db.session.execute(
        select(
            PracticeAnswer.user_id,
            PracticeAnswer.truth_side,
            PracticeAnswer.category,
            right,
            func.count(),
        )
        .where(known, PracticeAnswer.category.is_not(None))
        .group_by(PracticeAnswer.user_id, PracticeAnswer.truth_side, PracticeAnswer.category)
    ).all()
    return [*overall, *per_category]


def _verdict_agreement():
    """(user, final verdict, category or None, with it, votes): each voter's votes on
    panels whose verdict stood, overall, then per category of the case's order."""
    final = case((Appeal.id.is_(None), PanelTally.verdict), else_=Appeal.final_verdict)
    stood = (
        select(Seat.reviewer_id.label("user_id"), Vote.id.label("vote_id"), Panel.case_id)
        .add_columns(final.label("verdict"), (Vote.option == final).label("agreed"))
        .join(Vote, Vote.seat_id == Seat.id)
        .join(Panel, Panel.id == Seat.panel_id)
        .join(PanelTally, PanelTally.panel_id == Panel.id)
        .outerjoin(Appeal, Appeal.panel_id == Panel.id)
        .where(
            Panel.round.in_([PanelRound.FIRST.value, PanelRound.APPEAL.value]),
            PanelTally.verdict.is_not(None),
            or_(
                Appeal.id.is_(None),
                and_(Appeal.reputation_revised_at.is_not(None), Appeal.final_verdict.is_not(None)),
            ),
        )
        .subquery()
    )
    agreed = func.sum(case((stood.c.agreed, 1), else_=0))
    overall = db.session.execute(
        select(stood.c.user_id, stood.c.verdict, null(), agreed, func.count()).group_by(
            stood.c.user_id, stood.c.verdict
        )
    ).all()
    categories = (
        select(stood.c.user_id, stood.c.verdict, stood.c.vote_id, stood.c.agreed)
        .add_columns(OrderItem.category)
        .join(Case, Case.id == stood.c.case_id)
        .join(OrderItem, OrderItem.order_id == Case.order_id)
        .distinct()
        .subquery()
    )
    per_category = db.session.execute(
        select(
            categories.c.user_id,
            categories.c.verdict,
            categories.c.category,
            func.sum(case((categories.c.agreed, 1), else_=0)),
            func.count(),
        ).group_by(categories.c.user_id, categories.c.verdict, categories.c.category)
    ).all()
    return [*overall, *per_category]


def case_categories(case_ids: Iterable[int]) -> dict[int, list[str]]:
    """The categories of each case's order, by case id, in one query."""
    rows = db.session.execute(
        select(Case.id, OrderItem.category)
        .join(OrderItem, OrderItem.order_id == Case.order_id)
        .where(Case.id.in_(list(case_ids)))
        .distinct()
    )
    categories = defaultdict(list)
    for case_id, category in rows:
        categories[case_id].append(category)
    return categories
