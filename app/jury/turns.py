"""Whose turn it is while a panel sits (the panel's, with its progress: votes cast out of
those needed, never whose or which) and while a decision may be appealed (the side that
may appeal it) — ``app.cases.turns``."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from app.cases.models import Case
from app.cases.turns import NOBODY, Turn, Waiting
from app.core.extensions import db
from app.jury.appeals import sides_that_may_appeal
from app.jury.models import CASE_PANEL, Appeal, Panel, PanelRule, PanelStatus, Vote


@dataclass(frozen=True)
class PanelProgress:
    votes_cast: int
    votes_needed: int  # the panel's majority: as many votes for one option decide
    deadline_at: datetime
    rule: str
    seats: int  # an adaptive panel's cap

    @property
    def in_words(self) -> str:
        if self.rule == PanelRule.ADAPTIVE.value:
            return lazy_ngettext(
                "%(num)d vote cast. The panel decides as soon as the reviewers' agreement is "
                "strong enough, with up to %(cap)d reviewers.",
                "%(num)d votes cast. The panel decides as soon as the reviewers' agreement is "
                "strong enough, with up to %(cap)d reviewers.",
                self.votes_cast,
                cap=self.seats,
            )
        return lazy_ngettext(
            "%(cast)d of %(num)d needed vote cast",
            "%(cast)d of %(num)d needed votes cast",
            self.votes_needed,
            cast=self.votes_cast,
        )


def panel_progress(case_ids: list[int]) -> dict[int, PanelProgress]:
    """The progress of each case's sitting panel, by case id: counts only."""
    columns = (Panel.majority, Panel.deadline_at, Panel.rule, Panel.seats)
    rows = db.session.execute(
        select(Panel.case_id, func.count(Vote.id), *columns)
        .outerjoin(Vote, Vote.panel_id == Panel.id)
        .where(Panel.case_id.in_(case_ids), CASE_PANEL, Panel.status == PanelStatus.OPEN.value)
        .group_by(Panel.id, Panel.case_id, *columns)
    )
    return {case_id: PanelProgress(*counts) for case_id, *counts in rows}


def panel_turns(cases: list[Case]) -> Mapping[int, Turn]:
    progress = panel_progress([case.id for case in cases])
    return {case.id: _panel_turn(progress.get(case.id)) for case in cases}


def _panel_turn(progress: PanelProgress | None) -> Turn:
    if progress is None:  # a panel closed in this very request
        return NOBODY
    return Turn(
        _l("vote"),
        waiting=Waiting.PANEL,
        deadline_at=progress.deadline_at,
        progress=progress.in_words,
    )


def appeal_turns(cases: list[Case]) -> Mapping[int, Turn]:
    ids = [case.id for case in cases]
    appealed = set(db.session.scalars(select(Appeal.case_id).where(Appeal.case_id.in_(ids))))
    return {case.id: _appeal_turn(case, case.id in appealed) for case in cases}


def _appeal_turn(case: Case, appealed: bool) -> Turn:
    parties = sides_that_may_appeal(case, appealed)
    if not parties:
        return Turn(
            _l("the decision to take effect"), waiting=Waiting.NOBODY, deadline_at=case.deadline_at
        )
    return Turn(_l("accept the decision or appeal it"), parties, deadline_at=case.deadline_at)
