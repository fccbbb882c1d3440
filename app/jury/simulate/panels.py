"""The rules, sitting on simulated cases: a panel's seats, its votes as they arrive, and the
counting sweep's decision after each vote, with the rules of ``app.jury.rules`` themselves.

* ``MajorityRule`` (Xianyu's 17/9, Taobao's 31/16): every seat drawn at once; an option
  with ``majority`` votes wins; at the deadline the sole leader wins if at least
  ``majority`` votes were cast (``decide_from_counts``).
* ``AdaptiveRule``: ``first_wave`` seats, then ``wave`` more whenever the first half of the
  seats still open could not give a verdict (``needs_wave``), up to ``cap``; the verdict
  falls when the leader's posterior reaches ``confidence`` (``adaptive_verdict``); at the cap
  or the deadline the option most likely right wins if ``cap // 2 + 1`` votes were cast
  (``fallback_verdict``).
* ``KlerosRule``: 3 seats, majority 2; the losing side appeals to a fresh panel of 2n + 1
  seats (7, 15, 31), at most three times: always when the verdict was wrong, with
  probability ``appeal_if_right`` when it was right. An appeal opens as the verdict falls.

Seats unvoted after the vote window are replaced in at most ``replacement_rounds`` rounds
(the seats of one draw expire together: one round); no more than half of a panel's seats
(``seats // 2``) go to reviewers who mostly sell; nobody sits twice on a case.
"""

import heapq
from dataclasses import dataclass, field

from app.jury.rules import Evidence, WeighedVote, decide_from_counts, fallback_verdict
from app.jury.simulate.cases import MAX_APPEALS, SimulatedCase
from app.jury.simulate.reviewers import SELLER, World, chance_right


@dataclass(frozen=True)
class Timing:
    vote_window_hours: float = 24.0
    deadline_hours: float = 72.0
    replacement_rounds: int = 2


@dataclass(frozen=True)
class Outcome:
    verdict: int | None  # the option's index on the ballot; None: back to the mediator
    votes: int  # votes cast when the verdict fell (all panels of the case)
    hours: float  # from the first panel's opening to the verdict (or the deadline)


@dataclass
class Sitting:
    """One case in one world: what every panel of the case shares."""

    case: SimulatedCase
    world: World
    leanings: list[str]
    timing: Timing
    seated: set[int] = field(default_factory=set)  # nobody sits twice on a case
    ballots: list[tuple[int, str]] = field(default_factory=list)  # (reviewer, option) cast
    next_seat: int = 0
    next_candidate: int = 0


VOTE, EXPIRY = 0, 1


class _Panel:
    """One panel: its seats, the events still to come, and the votes counted so far."""

    def __init__(self, sitting: Sitting, seats: int, opened: float):
        self.sitting = sitting
        self.options = list(sitting.case.scenario.sides)
        self.seats, self.opened = seats, opened
        self.deadline = opened + sitting.timing.deadline_hours
        self.counts = dict.fromkeys(self.options, 0)
        self.events: list[tuple[float, int, int, int]] = []  # (time, seat, kind, reviewer)
        self.open: dict[int, int] = {}  # seat → reviewer
        self.sellers = 0
        self.rounds = 0

    @property
    def votes_cast(self) -> int:
        return sum(self.counts.values())

    @property
    def live(self) -> int:
        """Seats open or voted: what ``seats`` bounds."""
        return len(self.open) + self.votes_cast

    def draw(self, count: int, now: float) -> None:
        sitting = self.sitting
        for _ in range(count):
            reviewer = self._candidate()
            seat = sitting.next_seat
            sitting.next_seat += 1
            sitting.seated.add(reviewer)
            self.sellers += sitting.leanings[reviewer] == SELLER
            self.open[seat] = reviewer
            delay = sitting.case.seat(seat).delay_hours
            window = sitting.timing.vote_window_hours
            if delay is not None and delay <= window:
                heapq.heappush(self.events, (now + delay, seat, VOTE, reviewer))
            else:
                heapq.heappush(self.events, (now + window, seat, EXPIRY, reviewer))

    def _candidate(self) -> int:
        sitting = self.sitting
        while True:
            reviewer = sitting.case.candidate(sitting.next_candidate)
            sitting.next_candidate += 1
            full = sitting.leanings[reviewer] == SELLER and self.sellers >= self.seats // 2
            if reviewer not in sitting.seated and not full:
                return reviewer

    def next_event(self) -> tuple[float, list[tuple[int, int, int]]] | None:
        """The next moment something happens before the deadline, and what: one vote, or
        every seat of one draw expiring."""
        if not self.events or self.events[0][0] > self.deadline:
            return None
        time, seat, kind, reviewer = heapq.heappop(self.events)
        happened = [(seat, kind, reviewer)]
        while kind == EXPIRY and self.events and self.events[0][::2] == (time, EXPIRY):
            _time, seat, _kind, reviewer = heapq.heappop(self.events)
            happened.append((seat, EXPIRY, reviewer))
        return time, happened

    def vote(self, seat: int, reviewer: int) -> WeighedVote:
        del self.open[seat]
        case, world = self.sitting.case, self.sitting.world
        draw = case.seat(seat)
        sides = case.scenario.sides
        right = self.options[case.truth]
        if draw.vote < chance_right(world.true[reviewer], sides[right], case.shift):
            option = right
        else:
            others = [option for option in self.options if option != right]
            option = others[int(draw.wrong * len(others))]
        self.counts[option] += 1
        self.sitting.ballots.append((reviewer, option))
        return WeighedVote(option, world.counted[reviewer])

    def expire(self, seats: list[int], now: float) -> None:
        for seat in seats:
            reviewer = self.open.pop(seat)
            self.sellers -= self.sitting.leanings[reviewer] == SELLER
        if self.rounds < self.sitting.timing.replacement_rounds:
            self.rounds += 1
            self.draw(min(len(seats), self.seats - self.live), now)

    def outcome(self, verdict: str | None, now: float) -> Outcome:
        index = None if verdict is None else self.options.index(verdict)
        return Outcome(index, self.votes_cast, now)


def _sit(panel: _Panel, counting: "_Counting") -> Outcome:
    """Count after each vote and each expiry, as the sweep does, until a verdict or the
    deadline."""
    counting.top_up(panel, panel.opened)
    while (event := panel.next_event()) is not None:
        now, happened = event
        seat, kind, reviewer = happened[0]
        if kind == VOTE:
            counting.add(panel.vote(seat, reviewer))
        else:
            panel.expire([seat for seat, _kind, _reviewer in happened], now)
        verdict = counting.verdict(panel, at_deadline=False)
        if verdict is not None:
            return panel.outcome(verdict, now)
        counting.top_up(panel, now)
    return panel.outcome(counting.verdict(panel, at_deadline=True), panel.deadline)


class _Counting:
    """The majority rule's count: the votes per option, nothing more."""

    def __init__(self, majority: int):
        self.majority = majority

    def add(self, vote: WeighedVote) -> None:
        """The panel counts the votes per option already."""

    def verdict(self, panel: _Panel, at_deadline: bool) -> str | None:
        return decide_from_counts(panel.counts, self.majority, at_deadline)

    def top_up(self, panel: _Panel, now: float) -> None:
        """Every seat is drawn at the opening."""


class _AdaptiveCounting(_Counting):
    def __init__(self, rule: "AdaptiveRule", panel: _Panel):
        super().__init__(rule.majority)
        self.rule = rule
        self.evidence = Evidence(panel.sitting.case.scenario.sides)

    def add(self, vote: WeighedVote) -> None:
        self.evidence.add(vote)

    def verdict(self, panel: _Panel, at_deadline: bool) -> str | None:
        verdict = self.evidence.verdict(self.rule.confidence)
        if verdict is not None or not (at_deadline or panel.votes_cast >= self.rule.cap):
            return verdict
        return fallback_verdict(self.evidence.posterior(), panel.votes_cast, self.majority)

    def top_up(self, panel: _Panel, now: float) -> None:
        """Draw waves while the seats open are not enough (``Evidence.needs_wave``), up to
        the cap."""
        counted = panel.sitting.world.counted
        while panel.live < self.rule.cap and self.evidence.needs_wave(
            [counted[reviewer] for reviewer in panel.open.values()], self.rule.confidence
        ):
            panel.draw(min(self.rule.wave, self.rule.cap - panel.live), now)


@dataclass(frozen=True)
class MajorityRule:
    seats: int
    majority: int

    def __post_init__(self):
        if not 0 < self.majority <= self.seats:
            raise ValueError("need 0 < majority <= seats")

    def run(self, sitting: Sitting, opened: float = 0.0) -> Outcome:
        panel = _Panel(sitting, self.seats, opened)
        panel.draw(self.seats, opened)
        return _sit(panel, _Counting(self.majority))


@dataclass(frozen=True)
class AdaptiveRule:
    first_wave: int
    wave: int
    cap: int
    confidence: float

    def __post_init__(self):
        if not (0 < self.first_wave <= self.cap and self.wave > 0):
            raise ValueError("need waves of at least one seat and a first wave within the cap")
        if not 0.5 <= self.confidence < 1:
            raise ValueError("the confidence is a probability of at least one half, below one")

    @property
    def majority(self) -> int:
        """The fallback at the cap or the deadline."""
        return self.cap // 2 + 1

    def run(self, sitting: Sitting) -> Outcome:
        panel = _Panel(sitting, self.cap, 0.0)
        panel.draw(self.first_wave, 0.0)
        return _sit(panel, _AdaptiveCounting(self, panel))


@dataclass(frozen=True)
class KlerosRule:
    seats: int = 3
    appeals: int = MAX_APPEALS
    appeal_if_right: float = 0.1

    def __post_init__(self):
        if not (self.seats > 0 and 0 <= self.appeals <= MAX_APPEALS):
            raise ValueError(f"need seats and at most {MAX_APPEALS} appeals")

    def run(self, sitting: Sitting) -> Outcome:
        seats, opened, votes = self.seats, 0.0, 0
        for appeal in range(self.appeals + 1):
            outcome = MajorityRule(seats, seats // 2 + 1).run(sitting, opened)
            votes += outcome.votes
            if (
                outcome.verdict is None
                or appeal == self.appeals
                or not self._appealed(sitting.case, outcome.verdict, appeal)
            ):
                break
            seats, opened = 2 * seats + 1, outcome.hours
        return Outcome(outcome.verdict, votes, outcome.hours)

    def _appealed(self, case: SimulatedCase, verdict: int, appeal: int) -> bool:
        """The losing side appeals a wrong verdict always, a right one now and then."""
        return verdict != case.truth or case.appeals[appeal] < self.appeal_if_right
