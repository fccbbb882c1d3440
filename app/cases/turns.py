"""Whose turn it is on a case: the step the case waits for, who takes it and by when
(design: Case lifecycle).

A turn waits on one or both parties, on the mediator, on a review panel, or on nobody. Each
state's rule belongs to the feature that owns the state: ``cases`` gives the rules of the
states it moves itself (``CASE_TURNS``), and each feature above registers its own with
``register_turns`` when its blueprint is registered, as it does its case page section. A rule
reads every listed case in its state at once (one query a feature, however long the list),
and the deadline reminders ask the same rules who must act (``parties_whose_turn``).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Party,
)


class Waiting(StrEnum):
    """Who, other than a party, a case can wait on."""

    MEDIATOR = "mediator"
    PANEL = "panel"
    NOBODY = "nobody"


@dataclass(frozen=True)
class Turn:
    """The case waits for ``step``: from ``parties`` if there are any, else from
    ``waiting`` (with no step when it waits on nobody). ``progress`` says how far the step
    has come (a panel's votes)."""

    step: str | None
    parties: frozenset[Party] = frozenset()
    waiting: Waiting | None = None
    deadline_at: datetime | None = None
    progress: str | None = None

    def is_for(self, party: Party | None) -> bool:
        return party in self.parties


NOBODY = Turn(None, waiting=Waiting.NOBODY)

TurnRule = Callable[[list[Case]], Mapping[int, Turn]]


def for_parties(case: Case, step: str, *parties: Party) -> Turn:
    return Turn(step, frozenset(parties), deadline_at=case.deadline_at)


def for_staff(case: Case, step: str, waiting: Waiting) -> Turn:
    return Turn(step, waiting=waiting, deadline_at=case.deadline_at)


def each_case(rule: Callable[[Case], Turn]) -> TurnRule:
    """A rule that needs nothing beyond the case row."""
    return lambda cases: {case.id: rule(case) for case in cases}


def _awaiting_seller(case: Case) -> Turn:
    if case.pending_counter_offer is not None:
        return for_parties(case, _l("answer the seller's offer"), Party.BUYER)
    return for_parties(case, _l("answer the claim"), Party.SELLER)


CASE_TURNS: dict[CaseState, TurnRule] = {
    CaseState.FILED: each_case(lambda c: for_staff(c, _l("review the claim"), Waiting.MEDIATOR)),
    CaseState.RETURNED: each_case(
        lambda c: for_parties(c, _l("complete and resubmit the claim"), Party.BUYER)
    ),
    CaseState.AWAITING_SELLER: each_case(_awaiting_seller),
    CaseState.EVIDENCE: each_case(
        lambda c: for_parties(c, _l("add evidence"), Party.BUYER, Party.SELLER)
    ),
    CaseState.MEDIATION: each_case(
        lambda c: for_staff(c, _l("propose a settlement or decide"), Waiting.MEDIATOR)
    ),
    CaseState.CLOSED: each_case(lambda c: NOBODY),
}


def register_turns(app: Flask, rules: Mapping[CaseState, TurnRule]) -> None:
    app.extensions.setdefault("case_turns", {}).update(rules)


def turns_of(cases: Iterable[Case]) -> dict[int, Turn]:
    """Each case's turn, by case id: each state's rule reads its cases together."""
    by_state: dict[CaseState, list[Case]] = defaultdict(list)
    for case in cases:
        by_state[case.current_state].append(case)
    rules = current_app.extensions.get("case_turns", {})
    turns: dict[int, Turn] = {}
    for state, listed in by_state.items():
        rule = rules.get(state) or CASE_TURNS.get(state) or each_case(lambda c: NOBODY)
        turns.update(rule(listed))
    return turns


def turn_of(case: Case) -> Turn:
    return turns_of([case])[case.id]


def parties_whose_turn(case: Case) -> list[User]:
    """The parties who must act on ``case`` now (reminded before its deadline)."""
    turn = turn_of(case)
    sides = ((Party.BUYER, case.buyer), (Party.SELLER, case.seller))
    return [user for party, user in sides if turn.is_for(party)]


def readers_turns_first(cases: list[Case], turns: Mapping[int, Turn], user: User) -> list[Case]:
    """``cases`` with those waiting on ``user`` first, nearest deadline first; the rest keep
    their order."""

    def waits_on_reader(case: Case) -> bool:
        return turns[case.id].is_for(case.party_of(user))

    mine = sorted(
        (c for c in cases if waits_on_reader(c)),
        key=lambda c: (turns[c.id].deadline_at is None, turns[c.id].deadline_at or c.filed_at),
    )
    return mine + [c for c in cases if not waits_on_reader(c)]
