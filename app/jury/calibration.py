"""A reviewer's calibrated accuracy: how often they pick the right option, estimated from
their answers to gold cases (known answers) and their agreement with final verdicts (design:
Beyond today's systems, Calibration).

Each side (the right option favouring the buyer, or the seller) is a Beta posterior: the
reviewer's right answers and all their answers, added to ``PRIOR_STRENGTH`` pseudo-answers
at the prior mean. The prior mean is the pool's own accuracy on that side for reviewers of
the same leaning, itself shrunk towards the whole pool's, so a newcomer starts where
reviewers like them stand, and a leaning counts only as far as the data shows one. Within a
category, a reviewer with at least ``CATEGORY_MIN_ANSWERS`` answers there is estimated from
them, shrunk towards their overall estimate.

Pure functions over counts; ``app.jury.track_record`` reads the counts from the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from app.jury.rules import Accuracy, Side

# pseudo-answers at the prior mean: how many answers a reviewer's record must hold before
# it counts for as much as the pool's
PRIOR_STRENGTH = 10.0
# the pool's mean when it has no answers yet: reviewers passed the practice (four in five)
DEFAULT_ACCURACY = 0.7
CATEGORY_MIN_ANSWERS = 10


@dataclass(frozen=True)
class Tally:
    """Answers with a known right option on one side: how many, and how many right."""

    right: float = 0.0
    answered: float = 0.0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.right + other.right, self.answered + other.answered)

    @property
    def rate(self) -> float | None:
        return self.right / self.answered if self.answered else None


@dataclass(frozen=True)
class Record:
    """A reviewer's answers on each side."""

    buyer: Tally = Tally()
    seller: Tally = Tally()

    def on(self, side: Side) -> Tally:
        return self.buyer if side is Side.BUYER else self.seller

    def __add__(self, other: "Record") -> "Record":
        return Record(self.buyer + other.buyer, self.seller + other.seller)

    @property
    def answered(self) -> float:
        return self.buyer.answered + self.seller.answered


def beta_mean(tally: Tally, prior_mean: float, strength: float = PRIOR_STRENGTH) -> float:
    """The posterior mean of a Beta(prior_mean·strength, (1 − prior_mean)·strength) prior
    after ``tally``'s answers."""
    return (tally.right + prior_mean * strength) / (tally.answered + strength)


def beta_interval(
    tally: Tally, prior_mean: float, strength: float = PRIOR_STRENGTH
) -> tuple[float, float]:
    """A rough 90 % interval around ``beta_mean``: ± 1.645 posterior standard deviations,
    kept within [0, 1]."""
    alpha = tally.right + prior_mean * strength
    beta = tally.answered - tally.right + (1 - prior_mean) * strength
    mean = alpha / (alpha + beta)
    spread = 1.645 * (alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))) ** 0.5
    return max(0.0, mean - spread), min(1.0, mean + spread)


def pool_means(records: Iterable[Record]) -> Accuracy:
    """The pool's accuracy on each side, over every answer in ``records``, shrunk towards
    ``DEFAULT_ACCURACY``."""
    total = sum(records, Record())
    return Accuracy(
        buyer=beta_mean(total.buyer, DEFAULT_ACCURACY),
        seller=beta_mean(total.seller, DEFAULT_ACCURACY),
    )


def group_means(records: Iterable[Record], pool: Accuracy) -> Accuracy:
    """The accuracy of a group of reviewers (those of one leaning) on each side, shrunk
    towards the whole pool's."""
    total = sum(records, Record())
    return Accuracy(
        buyer=beta_mean(total.buyer, pool.buyer),
        seller=beta_mean(total.seller, pool.seller),
    )


def estimate(record: Record, prior: Accuracy) -> Accuracy:
    """A reviewer's accuracy on each side from their ``record``, shrunk towards ``prior``
    (their group's means)."""
    return Accuracy(
        buyer=beta_mean(record.buyer, prior.buyer),
        seller=beta_mean(record.seller, prior.seller),
    )


def in_category(overall: Accuracy, record_in_category: Record) -> Accuracy:
    """A reviewer's accuracy within one category: their answers there, shrunk towards their
    ``overall`` estimate, once there are ``CATEGORY_MIN_ANSWERS`` of them."""
    if record_in_category.answered < CATEGORY_MIN_ANSWERS:
        return overall
    return estimate(record_in_category, overall)
