"""The panel rules, as pure functions the counting sweep and the simulator share (design:
Crowd review, Counting; Beyond today's systems, Panels that size themselves).

* The **majority** rule (Xianyu's 17/9, Taobao's 31/16): an option with ``majority`` votes
  wins at once; at the deadline the sole leader wins if at least ``majority`` votes were
  cast (``decide_from_counts``).
* The **adaptive** rule: each vote is evidence weighed by its reviewer's calibrated
  accuracy, and the verdict falls as soon as the leading option's posterior reaches the
  configured confidence (``adaptive_verdict``). It is Wald's sequential probability ratio
  test: with every reviewer of accuracy *p* and two options it stops when one option leads
  by a margin of ⌈ln(c / (1 − c)) / ln(p / (1 − p))⌉ votes.

The model behind the posterior is a confusion matrix per reviewer with one accuracy per
side: when the right option is on the buyer's side (any option that gives the buyer
something) the reviewer picks it with probability ``accuracy.buyer``, and each other option
with an equal share of the rest; likewise ``accuracy.seller`` when the right option rejects
the claim or is the seller's own offer. A reviewer whose leaning shows in the data (mostly
sellers vote for sellers more often, Kwan, Yang & Zhang 2024) gets two different accuracies,
so a vote in the direction of their leaning counts for less. Every option starts equally
likely.

The posterior is a sum of logarithms added with ``math.fsum``, which is exactly rounded: the
same votes give the same posterior in any order.
"""

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

# no estimate is trusted beyond this: one reviewer never decides a case alone
MAX_ACCURACY = 0.99


class Side(StrEnum):
    """Which party an option favours."""

    BUYER = "buyer"
    SELLER = "seller"


@dataclass(frozen=True)
class Accuracy:
    """How often a reviewer picks the right option, when it favours each side."""

    buyer: float
    seller: float

    @classmethod
    def even(cls, accuracy: float) -> "Accuracy":
        return cls(accuracy, accuracy)

    def on(self, side: Side) -> float:
        return self.buyer if side is Side.BUYER else self.seller


@dataclass(frozen=True)
class WeighedVote:
    """A counted vote: the option chosen and its reviewer's calibrated accuracy."""

    option: str
    accuracy: Accuracy


# The majority rule ------------------------------------------------------------------------


def decide_from_counts(counts: Mapping[str, int], majority: int, at_deadline: bool) -> str | None:
    """The winning option, or None. An option with ``majority`` votes wins at any time; at
    the deadline the sole leader wins if at least ``majority`` votes were cast."""
    reached = [option for option, votes in counts.items() if votes >= majority]
    if len(reached) == 1:
        return reached[0]
    if not at_deadline or sum(counts.values()) < majority:
        return None
    most = max(counts.values(), default=0)
    leaders = [option for option, votes in counts.items() if votes == most]
    return leaders[0] if len(leaders) == 1 else None


# The adaptive rule ------------------------------------------------------------------------


class Evidence:
    """The log-likelihood of each option of a ballot (``sides``' keys, in ballot order) being
    the right one, one term per vote: the posterior's running sums. A count can grow one vote
    at a time (the simulator adds each vote as it arrives) and gives exactly what counting
    every vote afresh gives."""

    def __init__(self, sides: Mapping[str, Side], votes: Iterable[WeighedVote] = ()):
        if len(sides) < 2:
            raise ValueError("a ballot needs at least two options")
        self.sides = dict(sides)
        self._ballot = tuple(self.sides.items())
        self._ranks = {option: rank for rank, option in enumerate(self.sides)}
        self._terms: list[list[float]] = [[] for _ in self._ballot]
        for vote in votes:
            self.add(vote)

    def add(self, vote: WeighedVote) -> None:
        for terms, term in zip(
            self._terms, self._log_chances(vote.option, vote.accuracy), strict=True
        ):
            terms.append(term)

    def posterior(self, pending: list[tuple[float, ...]] = ()) -> dict[str, float]:
        """The posterior, with the log-chances of ``pending`` votes added to the votes'."""
        log_likelihood = [
            math.fsum([*terms, *(chances[truth] for chances in pending)])
            for truth, terms in enumerate(self._terms)
        ]
        top = max(log_likelihood)
        weights = [math.exp(value - top) for value in log_likelihood]
        total = math.fsum(weights)
        return {option: weight / total for option, weight in zip(self.sides, weights, strict=True)}

    def verdict(self, confidence: float, pending: list[tuple[float, ...]] = ()) -> str | None:
        """The option whose posterior has reached ``confidence``, or None while undecided."""
        if not 0.5 <= confidence < 1:
            raise ValueError("the confidence is a probability of at least one half, below one")
        probabilities = self.posterior(pending)
        ranks = self._ranks
        leader = max(probabilities, key=lambda option: (probabilities[option], -ranks[option]))
        return leader if probabilities[leader] >= confidence else None

    def could_decide_with(self, pending: Iterable[Accuracy], confidence: float) -> bool:
        """Whether seats still open (their reviewers' accuracies in ``pending``) could yet
        give a verdict: True if, were each of them to vote for the same option, some option
        would reach ``confidence``."""
        pending = list(pending)
        return any(
            self.verdict(confidence, [self._log_chances(option, a) for a in pending]) == option
            for option in self.sides
        )

    def needs_wave(self, pending: list[Accuracy], confidence: float) -> bool:
        """Whether to draw the next wave: when the first half (rounded up) of the seats
        still open, in the order they were seated, could not give a verdict even all voting
        alike. On a close panel about half the open seats' votes go each way, so waiting for
        every one of them before drawing more would spend the deadline for nothing."""
        return not self.could_decide_with(pending[: (len(pending) + 1) // 2], confidence)

    def _log_chances(self, option: str, accuracy: Accuracy) -> tuple[float, ...]:
        if option not in self.sides:
            raise ValueError(f"{option!r} is not on the ballot")
        return _log_chances(option, accuracy, self._ballot)


def posterior(votes: Iterable[WeighedVote], sides: Mapping[str, Side]) -> dict[str, float]:
    """The probability that each option of the ballot (``sides``' keys, in ballot order) is
    the right one, given ``votes``."""
    return Evidence(sides, votes).posterior()


def adaptive_verdict(
    votes: Iterable[WeighedVote], sides: Mapping[str, Side], confidence: float
) -> str | None:
    """The option whose posterior has reached ``confidence``, or None while undecided."""
    return Evidence(sides, votes).verdict(confidence)


def needs_wave(
    votes: list[WeighedVote],
    pending: list[Accuracy],
    sides: Mapping[str, Side],
    confidence: float,
) -> bool:
    """``Evidence.needs_wave`` for ``votes`` cast and the open seats' ``pending`` accuracies
    in the order seated: the counting sweep draws the next wave when it says so."""
    return Evidence(sides, votes).needs_wave(pending, confidence)


def fallback_verdict(
    probabilities: Mapping[str, float], votes_cast: int, majority: int
) -> str | None:
    """An adaptive panel at its cap with every seat voted, or at its deadline, without a
    verdict: the option most likely right wins if at least ``majority`` votes were cast and
    it leads alone (the majority rule's deadline, with the votes weighed rather than
    counted, so a known leaning stays discounted); otherwise none, and the case returns to
    the mediator."""
    if votes_cast < majority:
        return None
    best = max(probabilities.values())
    leaders = [option for option, probability in probabilities.items() if probability == best]
    return leaders[0] if len(leaders) == 1 else None


def margin_for(accuracy: float, confidence: float) -> int:
    """The lead in votes that two-option panels of reviewers of equal ``accuracy`` need to
    reach ``confidence``: the SPRT's boundary in votes."""
    if not 0.5 < accuracy < 1:
        raise ValueError("the accuracy must lie strictly between one half and one")
    return math.ceil(
        math.log(confidence / (1 - confidence)) / math.log(accuracy / (1 - accuracy)) - 1e-12
    )


def _bounded(accuracy: float, options: int) -> float:
    """An accuracy between chance (one option in ``options``) and ``MAX_ACCURACY``."""
    return min(MAX_ACCURACY, max(1 / options, accuracy))


@functools.lru_cache(maxsize=4096)
def _log_chances(
    option: str, accuracy: Accuracy, ballot: tuple[tuple[str, Side], ...]
) -> tuple[float, ...]:
    """The logarithm of the chance of a vote for ``option`` were each option of the
    ``ballot`` the right one (in ballot order). Cached: a panel's reviewers vote on the same
    ballot again and again."""
    options = len(ballot)
    chances = []
    for truth, side in ballot:
        right = _bounded(accuracy.on(side), options)
        chances.append(math.log(right if option == truth else (1 - right) / (options - 1)))
    return tuple(chances)
