"""The simulated reviewers: who they are, how often they are right, and what the counting
believes of them.

The pool holds ``POOL_SIZE`` reviewers. Each has a base accuracy drawn uniformly in
[accuracy − spread, accuracy + spread]; a share of them (``leaning_share``) mostly sell and
are ``leaning_bias`` likelier (absolute) to vote for the seller's side: their accuracy is
base − bias when the right option favours the buyer and base + bias when it favours the
seller (with two options, exactly ``bias`` more votes for the seller whatever the truth).
The rest are balanced. A reviewer's true accuracy is kept within [0, 1].

The counting weighs each vote by what it knows of its reviewer: the true accuracies, or,
with ``gold`` answers per reviewer, the estimate ``app.jury.calibration`` makes from them
(a Beta posterior per side, shrunk towards the reviewer's leaning group and the pool), and,
as the product's track record does, from their agreement with each verdict as the cases are
decided one after another (``World.learn``).

Every reviewer is built twice from the same random numbers: as the scenario says, and with
the bias off (a *world* each), so a case can be counted in both and any verdict that
differs was changed by the leaning alone.
"""

import functools
import random
from dataclasses import dataclass

from app.jury import calibration
from app.jury.calibration import Record, Tally
from app.jury.rules import Accuracy, Side

POOL_SIZE = 1000
SELLER, BALANCED = "seller", "balanced"
# a case's accuracy shift with --difficulty: half the cases easy, half close
DIFFICULTY_SHIFT = 0.1
# the balanced draw takes at most half of a panel from the leaning: enough others must exist
MAX_LEANING_SHARE = 0.9


@dataclass(frozen=True)
class Scenario:
    """Who the reviewers are and what the cases are like."""

    accuracy: float = 0.7
    spread: float = 0.0
    gold: int | None = None  # gold answers per reviewer; None: accuracies known
    leaning_share: float = 0.0
    leaning_bias: float = 0.0
    difficulty: bool = False
    no_show: float = 0.0
    options: int = 2

    def __post_init__(self):
        if not 0 <= self.accuracy - self.spread <= self.accuracy + self.spread <= 1:
            raise ValueError("accuracy ± spread must lie within 0 and 1")
        if not (0 <= self.leaning_share <= MAX_LEANING_SHARE and 0 <= self.leaning_bias <= 1):
            raise ValueError(
                f"the leaning's share is at most {MAX_LEANING_SHARE}, its bias at most 1"
            )
        if (
            not 0 <= self.no_show < 1
            or self.options < 2
            or (self.gold is not None and self.gold < 1)
        ):
            raise ValueError("need 0 <= no-show < 1, at least two options, gold answers > 0")

    @property
    def biased(self) -> bool:
        return self.leaning_share > 0 and self.leaning_bias > 0

    @functools.cached_property
    def sides(self) -> dict[str, Side]:
        """The ballot: options alternate between the buyer's side and the seller's (the
        buyer's request, the claim rejected, the mediator's proposal, the seller's offer,
        then further amounts)."""
        return {
            f"option {index + 1}": Side.BUYER if index % 2 == 0 else Side.SELLER
            for index in range(self.options)
        }


@dataclass(frozen=True)
class World:
    """The pool's reviewers as the votes come from them (``true``) and as the counting
    weighs them (``counted``), index by index; with gold answers, each reviewer's record
    and the prior their estimate is shrunk towards, which ``learn`` updates."""

    true: list[Accuracy]
    counted: list[Accuracy]
    records: list[Record] | None = None
    priors: list[Accuracy] | None = None

    def learn(self, ballots: list[tuple[int, str]], verdict: str, side: Side) -> None:
        """Count each vote of a decided case into its reviewer's record as the track record
        does (agreement with the verdict, on the verdict's side) and estimate them again;
        nothing when accuracies are known."""
        if self.records is None or self.priors is None:
            return
        for reviewer, option in ballots:
            answer = Tally(right=float(option == verdict), answered=1.0)
            record = self.records[reviewer] + (
                Record(buyer=answer) if side is Side.BUYER else Record(seller=answer)
            )
            self.records[reviewer] = record
            self.counted[reviewer] = calibration.estimate(record, self.priors[reviewer])


@dataclass(frozen=True)
class Pool:
    leanings: list[str]
    biased: World
    unbiased: World


@dataclass(frozen=True)
class _Reviewer:
    base: float
    leaning: str
    # each gold answer: the right option's side, the case's shift, the uniform drawn
    gold: list[tuple[Side, float, float]]


def build_pool(scenario: Scenario, seed: int) -> Pool:
    """The pool: the same reviewers for a seed whatever the gold answers (drawn apart)."""
    rng, gold = random.Random(f"{seed}:pool"), random.Random(f"{seed}:gold")
    low, high = scenario.accuracy - scenario.spread, scenario.accuracy + scenario.spread
    bases = [rng.uniform(low, high) for _ in range(POOL_SIZE)]
    leanings = [SELLER if rng.random() < scenario.leaning_share else BALANCED for _ in bases]
    sides = list(scenario.sides.values())
    reviewers = [
        _Reviewer(
            base=base,
            leaning=leaning,
            gold=[
                (gold.choice(sides), case_shift(scenario, gold), gold.random())
                for _ in range(scenario.gold or 0)
            ],
        )
        for base, leaning in zip(bases, leanings, strict=True)
    ]
    return Pool(
        leanings=leanings,
        biased=_world(scenario, reviewers, scenario.leaning_bias),
        unbiased=_world(scenario, reviewers, 0.0),
    )


def case_shift(scenario: Scenario, rng: random.Random) -> float:
    """How much easier (+) or closer (−) a case is than the reviewers' average."""
    if not scenario.difficulty:
        return 0.0
    return DIFFICULTY_SHIFT if rng.random() < 0.5 else -DIFFICULTY_SHIFT


def chance_right(accuracy: Accuracy, side: Side, shift: float) -> float:
    return min(1.0, max(0.0, accuracy.on(side) + shift))


def _world(scenario: Scenario, reviewers: list[_Reviewer], bias: float) -> World:
    true = [_true_accuracy(reviewer, bias) for reviewer in reviewers]
    if scenario.gold is None:
        return World(true=true, counted=true)
    records = [
        _gold_record(reviewer, accuracy) for reviewer, accuracy in zip(reviewers, true, strict=True)
    ]
    pool = calibration.pool_means(records)
    groups = {
        leaning: calibration.group_means(
            [
                r
                for r, reviewer in zip(records, reviewers, strict=True)
                if reviewer.leaning == leaning
            ],
            pool,
        )
        for leaning in (SELLER, BALANCED)
    }
    priors = [groups[reviewer.leaning] for reviewer in reviewers]
    counted = [
        calibration.estimate(record, prior) for record, prior in zip(records, priors, strict=True)
    ]
    return World(true=true, counted=counted, records=records, priors=priors)


def _true_accuracy(reviewer: _Reviewer, bias: float) -> Accuracy:
    if reviewer.leaning != SELLER:
        return Accuracy.even(reviewer.base)
    return Accuracy(buyer=max(0.0, reviewer.base - bias), seller=min(1.0, reviewer.base + bias))


def _gold_record(reviewer: _Reviewer, accuracy: Accuracy) -> Record:
    tallies = {Side.BUYER: Tally(), Side.SELLER: Tally()}
    for side, shift, drawn in reviewer.gold:
        right = drawn < chance_right(accuracy, side, shift)
        tallies[side] += Tally(right=float(right), answered=1.0)
    return Record(buyer=tallies[Side.BUYER], seller=tallies[Side.SELLER])
