"""Reviewer panels of the scope's cases: how they ended, by how much, how many votes they
needed, the seats whose reviewers did not vote, replacement rounds, and appeals that
overturned a verdict. Gold panels (``CASE_PANEL``) are no case's: they count nowhere.

* **Margin** of a decided panel: votes for the verdict minus votes for the runner-up option
  (all its votes when no other option had any).
* **Votes used**: votes cast when the panel was decided (the count stops at the majority).
* **No-shows**: seats replaced because their reviewer did not vote in time, over all seats.
* **By rule**: closed panels of each rule (majority, or adaptive: seats drawn in waves), with
  the votes and the seats drawn a verdict took.
* **Overturn rate**: of the appeal panels that reached a verdict on a case whose first panel
  had reached one, the share whose verdict differs from the first panel's.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import aliased

from app.analytics.models import CaseFact
from app.analytics.scope import Scope, count_by
from app.core.extensions import db
from app.jury.models import CASE_PANEL, Panel, PanelRound, Seat, Tally, Vote


def statuses(scope: Scope) -> dict[tuple[str, str], int]:
    """Panels per (round, status)."""
    rows = (
        select(Panel.round.label("round"), Panel.status.label("status"))
        .join(CaseFact, CaseFact.case_id == Panel.case_id)
        .where(*scope.cases(), CASE_PANEL)
    )
    return count_by(rows, "round", "status")


def margins(scope: Scope) -> dict[int, int]:
    """Decided panels per margin."""
    per_option = (
        select(Vote.panel_id, func.count(Vote.id).label("votes"))
        .join(Panel, Panel.id == Vote.panel_id)
        .join(CaseFact, CaseFact.case_id == Panel.case_id)
        # a decided panel is one whose tally has a verdict (the status index would lead the
        # database through every decided panel ever)
        .join(Tally, and_(Tally.panel_id == Panel.id, Tally.verdict.is_not(None)))
        .where(*scope.cases(), CASE_PANEL)
        .group_by(Vote.panel_id, Vote.option)
        .subquery()
    )
    ranked = select(
        per_option.c.panel_id,
        per_option.c.votes,
        func.row_number()
        .over(partition_by=per_option.c.panel_id, order_by=per_option.c.votes.desc())
        .label("place"),
    ).subquery()
    per_panel = select(
        (
            func.max(case((ranked.c.place == 1, ranked.c.votes), else_=0))
            - func.max(case((ranked.c.place == 2, ranked.c.votes), else_=0))
        ).label("margin")
    ).group_by(ranked.c.panel_id)
    return count_by(per_panel, "margin")


@dataclass(frozen=True)
class VotesUsed:
    panels: int
    average_votes: float | None
    average_seats: float | None


def votes_used(scope: Scope) -> VotesUsed:
    panels, votes, seats = db.session.execute(
        select(func.count(Tally.id), func.avg(Tally.votes_cast), func.avg(Panel.seats))
        .join(Panel, Panel.id == Tally.panel_id)
        .join(CaseFact, CaseFact.case_id == Panel.case_id)
        .where(*scope.cases(), CASE_PANEL, Tally.verdict.is_not(None))
    ).one()
    return VotesUsed(panels, _float(votes), _float(seats))


@dataclass(frozen=True)
class RuleFigures:
    decided: int
    returned: int
    average_votes: float | None  # per verdict
    average_seats_drawn: float | None  # per verdict: an adaptive panel's waves


def by_rule(scope: Scope) -> dict[str, RuleFigures]:
    """Closed panels per rule (majority or adaptive): verdicts, returns, and what a verdict
    took."""
    decided = Tally.verdict.is_not(None)
    rows = db.session.execute(
        select(
            Panel.rule,
            func.count(Tally.verdict),
            func.count(Tally.id) - func.count(Tally.verdict),
            func.avg(case((decided, Tally.votes_cast))),
            func.avg(case((decided, Panel.seats_drawn))),
        )
        .join(Tally, Tally.panel_id == Panel.id)
        .join(CaseFact, CaseFact.case_id == Panel.case_id)
        .where(*scope.cases(), CASE_PANEL)
        .group_by(Panel.rule)
    )
    return {
        rule: RuleFigures(verdicts, returned, _float(votes), _float(seats))
        for rule, verdicts, returned, votes, seats in rows
    }


def seat_statuses(scope: Scope) -> dict[str, int]:
    rows = (
        select(Seat.status.label("status"))
        .join(Panel, Panel.id == Seat.panel_id)
        .join(CaseFact, CaseFact.case_id == Panel.case_id)
        .where(*scope.cases(), CASE_PANEL)
    )
    return count_by(rows, "status")


def replacement_rounds(scope: Scope) -> dict[int, int]:
    """Panels per number of rounds of replacement seats drawn."""
    rows = (
        select(Panel.replacement_rounds.label("rounds"))
        .join(CaseFact, CaseFact.case_id == Panel.case_id)
        .where(*scope.cases(), CASE_PANEL)
    )
    return count_by(rows, "rounds")


@dataclass(frozen=True)
class Overturns:
    compared: int
    overturned: int


def overturns(scope: Scope, by: ColumnElement) -> dict:
    """Per group: appeal verdicts compared with their first panel's, and those that differ."""
    first_panel, first_tally = aliased(Panel), aliased(Tally)
    appeal_verdicts = (
        select(
            by.label("key"),
            case((Tally.verdict != first_tally.verdict, 1), else_=0).label("overturned"),
        )
        .select_from(CaseFact)
        .join(
            Panel, and_(Panel.case_id == CaseFact.case_id, Panel.round == PanelRound.APPEAL.value)
        )
        .join(Tally, and_(Tally.panel_id == Panel.id, Tally.verdict.is_not(None)))
        .join(
            first_panel,
            and_(
                first_panel.case_id == CaseFact.case_id, first_panel.round == PanelRound.FIRST.value
            ),
        )
        .join(
            first_tally,
            and_(first_tally.panel_id == first_panel.id, first_tally.verdict.is_not(None)),
        )
        .where(*scope.cases())
        .subquery()
    )
    rows = db.session.execute(
        select(
            appeal_verdicts.c.key,
            func.count(),
            func.sum(appeal_verdicts.c.overturned),
        ).group_by(appeal_verdicts.c.key)
    )
    return {key: Overturns(compared, int(overturned or 0)) for key, compared, overturned in rows}


def _float(value) -> float | None:
    return None if value is None else float(value)
