"""A panel simulator: how often does a panel of given size and majority get it right?

Each simulated reviewer votes for the right option with probability ``accuracy``; votes
arrive one at a time and the counting sweep's own rule (``decide_from_counts``) decides,
stopping as soon as a verdict falls. If every seat has voted without one, the deadline rule
applies. The run is deterministic for a given ``seed``.
"""

import random
from dataclasses import dataclass

from app.jury.rules import decide_from_counts

RIGHT, WRONG = "right", "wrong"


@dataclass(frozen=True)
class SimulationResult:
    seats: int
    majority: int
    accuracy: float
    cases: int
    correct_rate: float  # verdicts for the right option, over all cases
    mean_votes_used: float  # votes cast before the verdict fell (or all, if none fell)
    undecided_rate: float  # cases returned to the mediator


def simulate(seats: int, majority: int, accuracy: float, cases: int, seed: int) -> SimulationResult:
    if not (0 < majority <= seats and 0.0 <= accuracy <= 1.0 and cases > 0):
        raise ValueError("need 0 < majority <= seats, 0 <= accuracy <= 1 and cases > 0")
    rng = random.Random(seed)
    correct = undecided = votes_used = 0
    for _ in range(cases):
        verdict, used = _one_panel(rng, seats, majority, accuracy)
        votes_used += used
        correct += verdict == RIGHT
        undecided += verdict is None
    return SimulationResult(
        seats=seats,
        majority=majority,
        accuracy=accuracy,
        cases=cases,
        correct_rate=correct / cases,
        mean_votes_used=votes_used / cases,
        undecided_rate=undecided / cases,
    )


def _one_panel(rng: random.Random, seats: int, majority: int, accuracy: float):
    counts = {RIGHT: 0, WRONG: 0}
    for cast in range(1, seats + 1):
        counts[RIGHT if rng.random() < accuracy else WRONG] += 1
        verdict = decide_from_counts(counts, majority, at_deadline=False)
        if verdict is not None:
            return verdict, cast
    return decide_from_counts(counts, majority, at_deadline=True), seats


def format_result(result: SimulationResult) -> str:
    return (
        f"{result.cases} cases, {result.seats} seats, majority {result.majority}, "
        f"reviewer accuracy {result.accuracy:.2f}\n"
        f"  correct verdicts:   {result.correct_rate:.1%}\n"
        f"  undecided:          {result.undecided_rate:.1%}\n"
        f"  mean votes used:    {result.mean_votes_used:.2f}"
    )
