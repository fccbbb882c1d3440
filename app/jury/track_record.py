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

    @property
    def pool(self) -> Accuracy:
        return calibration.pool_means(self.records.values())

    def group(self, leaning: str) -> Accuracy:
        """The means of the reviewers of ``leaning``, shrunk towards the pool's."""
        members = (r for uid, r in self.records.items() if self.leaning_of(uid) == leaning)
        return calibration.group_means(members, self.pool)

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
        there are enough; the group means are computed once."""
        user_ids, categories = set(user_ids), set(categories)
        groups = {
            leaning: self.group(leaning) for leaning in {self.leaning_of(u) for u in user_ids}
        }
        result = {}
        for user_id in user_ids:
            overall = calibration.estimate(self.record(user_id), groups[self.leaning_of(user_id)])
            mine = self.by_category.get(user_id, {})
            in_categories = sum((mine.get(c, Record()) for c in categories), Record())
            result[user_id] = calibration.in_category(overall, in_categories)
        return result


def track_records() -> TrackRecords:
    """Every reviewer's record from their gold answers and the verdicts that stood."""
    records = TrackRecords()
    for user_id, side, category, right, answered in _gold_answers():
        _add(records, user_id, Side(side), category, right, answered)
    sides: dict[str, Side] = {}
    for user_id, verdict, category, right, answered in _verdict_agreement():
        side = sides.setdefault(verdict, ballot.side(verdict))
        _add(records, user_id, side, category, right, answered)
    records.leaning = leanings(select(Reviewer.user_id))
    return records


def _add(records: TrackRecords, user_id, side: Side, category, right, answered) -> None:
    tally = Tally(float(right), float(answered))
    one = Record(buyer=tally) if side is Side.BUYER else Record(seller=tally)
    if category is None:  # the answer's overall row
        records.records[user_id] = records.record(user_id) + one
        return
    mine = records.by_category.setdefault(user_id, defaultdict(Record))
    mine[category] = mine[category] + one


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
