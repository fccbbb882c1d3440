"""What a reviewer is told of their own calibrated standing (design: Crowd review; issue
"Reviewers can tell they matter"): the accuracy the counting weighs their votes by, with
its interval, on each side when the two differ, in the categories where they have answered
enough, and their coherence — compared only with the whole pool's mean, never with another
reviewer."""

from dataclasses import astuple, dataclass

from app.jury import calibration
from app.jury.calibration import CATEGORY_MIN_ANSWERS, Record
from app.jury.models import Reviewer
from app.jury.rules import Accuracy, Side
from app.jury.track_record import track_records

# sides this far apart are shown apart
SIDES_DIFFER_BY = 0.05


@dataclass(frozen=True)
class Estimate:
    """An accuracy, its rough 90 % interval, and the pool's mean beside it."""

    accuracy: float
    low: float
    high: float
    pool: float


@dataclass(frozen=True)
class CalibratedStanding:
    overall: Estimate
    answered: int  # gold answers and votes on verdicts that stood
    by_side: dict[Side, Estimate] | None  # None while the sides agree
    by_category: dict[str, float]
    coherence: float | None  # share of votes with the final verdict; None before any


def calibrated_standing(reviewer: Reviewer) -> CalibratedStanding:
    records = track_records()
    user_id = reviewer.user_id
    record, pool = records.record(user_id), records.pool
    accuracy = records.accuracies([user_id])[user_id]
    sides = {
        side: Estimate(accuracy.on(side), *records.interval(user_id, side), pool.on(side))
        for side in Side
    }
    buyer, seller = sides[Side.BUYER], sides[Side.SELLER]
    overall = Estimate(*((a + b) / 2 for a, b in zip(astuple(buyer), astuple(seller), strict=True)))
    differ = abs(buyer.accuracy - seller.accuracy) >= SIDES_DIFFER_BY
    return CalibratedStanding(
        overall=overall,
        answered=int(record.answered),
        by_side=sides if differ else None,
        by_category=_by_category(records.by_category.get(user_id, {}), accuracy),
        coherence=reviewer.coherent / reviewer.resolved if reviewer.resolved else None,
    )


def _by_category(mine: dict[str, Record], overall: Accuracy) -> dict[str, float]:
    """The categories where the reviewer has enough answers, with their accuracy there
    (the mean of its two sides)."""
    shown = {}
    for category in sorted(mine):
        if mine[category].answered >= CATEGORY_MIN_ANSWERS:
            within = calibration.in_category(overall, mine[category])
            shown[category] = (within.buyer + within.seller) / 2
    return shown
