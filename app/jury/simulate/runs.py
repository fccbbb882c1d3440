"""Running rules over many simulated cases, and what the operator reads of it."""

import math
from dataclasses import dataclass

from app.jury.simulate.cases import SimulatedCase, simulated_case
from app.jury.simulate.panels import (
    AdaptiveRule,
    KlerosRule,
    MajorityRule,
    Outcome,
    Sitting,
    Timing,
)
from app.jury.simulate.reviewers import Scenario, World, build_pool

Rule = MajorityRule | AdaptiveRule | KlerosRule


@dataclass(frozen=True)
class Result:
    cases: int
    correct_rate: float  # verdicts for the right option, over all cases
    undecided_rate: float  # cases returned to the mediator
    mean_votes_used: float  # votes cast when the verdict fell (or by the deadline)
    p90_votes_used: int
    mean_hours: float | None  # to the verdict, over the cases decided (None: none was)
    p90_hours: float | None
    changed_by_leaning: float  # verdicts that differ with the leaning's bias off


def simulate(
    rules: list[Rule], scenario: Scenario, cases: int, seed: int, timing: Timing | None = None
) -> list[Result]:
    """Each rule's result on the same ``cases`` simulated cases, deterministic for a
    ``seed``. When the scenario has a biased leaning, every case is counted again with the
    bias off, with the same random numbers, to find the verdicts the leaning changed."""
    if cases < 1:
        raise ValueError("simulate at least one case")
    timing = timing or Timing()
    # each rule learns from its own verdicts, so each has a pool of its own (the same
    # reviewers: the pool depends on the seed alone)
    pools = [build_pool(scenario, seed) for _ in rules]
    runs = [_Run() for _ in rules]
    for number in range(cases):
        case = simulated_case(scenario, seed, number)
        for rule, run, pool in zip(rules, runs, pools, strict=True):
            outcome = _sit(rule, case, pool.biased, pool.leanings, timing)
            unbiased = (
                _sit(rule, case, pool.unbiased, pool.leanings, timing)
                if scenario.biased
                else outcome
            )
            run.add(case, outcome, changed=unbiased.verdict != outcome.verdict)
    return [run.result() for run in runs]


def _sit(rule: Rule, case: SimulatedCase, world: World, leanings: list[str], timing: Timing):
    """The rule's outcome for the case in ``world``, whose reviewers then learn from it."""
    sitting = Sitting(case, world, leanings, timing)
    outcome = rule.run(sitting)
    if outcome.verdict is not None:
        verdict = list(case.scenario.sides)[outcome.verdict]
        world.learn(sitting.ballots, verdict, case.scenario.sides[verdict])
    return outcome


class _Run:
    def __init__(self):
        self.correct = self.undecided = self.changed = 0
        self.votes: list[int] = []
        self.hours: list[float] = []

    def add(self, case: SimulatedCase, outcome: Outcome, changed: bool) -> None:
        self.votes.append(outcome.votes)
        self.correct += outcome.verdict == case.truth
        self.undecided += outcome.verdict is None
        self.changed += changed
        if outcome.verdict is not None:
            self.hours.append(outcome.hours)

    def result(self) -> Result:
        cases = len(self.votes)
        return Result(
            cases=cases,
            correct_rate=self.correct / cases,
            undecided_rate=self.undecided / cases,
            mean_votes_used=sum(self.votes) / cases,
            p90_votes_used=percentile_90(self.votes),
            mean_hours=sum(self.hours) / len(self.hours) if self.hours else None,
            p90_hours=percentile_90(self.hours) if self.hours else None,
            changed_by_leaning=self.changed / cases,
        )


def percentile_90(values: list):
    """The nearest-rank 90th percentile: the smallest value at least 90 % of ``values``
    do not exceed."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]
