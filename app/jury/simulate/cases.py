"""The simulated cases, each with its own random numbers (common random numbers): every
rule, and the run with the leaning's bias off, meets the same right option, the same
difficulty and the same seat after seat.

Seat ``n`` of a case (the n-th seat any panel of it fills, replacements and waves
included) always gets the same candidate reviewers, the same chance of voting right, the
same delay and the same no-show, whichever rule asks for it and whenever; the draws are
made on demand, in seat order, from streams seeded by the run's seed and the case number.

The arrival model: a seated reviewer votes after an exponential delay (mean
``MEAN_DELAY_HOURS``), unless a no-show (probability ``no_show``); a seat not voted within
the vote window is replaced, as the counting sweep does.
"""

import random
from dataclasses import dataclass, field

from app.jury.simulate.reviewers import POOL_SIZE, Scenario, case_shift

MEAN_DELAY_HOURS = 8.0
# the most appeals any simulated rule allows (the Kleros-style rule's three)
MAX_APPEALS = 3


@dataclass(frozen=True)
class SeatDraw:
    vote: float  # below the reviewer's chance of being right: votes for the right option
    wrong: float  # otherwise, which of the other options (uniformly)
    delay_hours: float | None  # None: a no-show


@dataclass
class SimulatedCase:
    scenario: Scenario
    truth: int  # the right option's index on the ballot
    shift: float  # easier (+) or closer (−) than the reviewers' average
    appeals: list[float]  # one uniform per possible appeal (the Kleros-style rule)
    _seats: random.Random
    _candidates: random.Random
    _seat_draws: list[SeatDraw] = field(default_factory=list)
    _candidate_draws: list[int] = field(default_factory=list)

    def seat(self, index: int) -> SeatDraw:
        while len(self._seat_draws) <= index:
            rng = self._seats
            shows = rng.random() >= self.scenario.no_show
            self._seat_draws.append(
                SeatDraw(rng.random(), rng.random(), rng.expovariate(1 / MEAN_DELAY_HOURS))
                if shows
                else SeatDraw(rng.random(), rng.random(), None)
            )
        return self._seat_draws[index]

    def candidate(self, index: int) -> int:
        """The ``index``-th reviewer the draws of this case consider (a pool index)."""
        while len(self._candidate_draws) <= index:
            self._candidate_draws.append(self._candidates.randrange(POOL_SIZE))
        return self._candidate_draws[index]


def simulated_case(scenario: Scenario, seed: int, number: int) -> SimulatedCase:
    rng = random.Random(f"{seed}:case {number}")
    return SimulatedCase(
        scenario=scenario,
        truth=rng.randrange(scenario.options),
        shift=case_shift(scenario, rng),
        appeals=[rng.random() for _ in range(MAX_APPEALS)],
        _seats=random.Random(f"{seed}:case {number}:seats"),
        _candidates=random.Random(f"{seed}:case {number}:candidates"),
    )
