"""Gold cases built the real way: a case a panel decided, carried to its close, and
confirmed as clear-cut by an admin."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.auth.models import Role
from app.cases.states import CaseState
from app.core import clock
from app.core.extensions import db
from app.jury.counting import count_due_panels
from app.jury.gold.bank import add_case_to_bank
from app.jury.gold.models import GoldCase
from app.jury.models import Panel, PanelRound, Seat
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.factories import make_user
from tests.helpers.jury import FOR_SELLER, make_panel, votes


def closed_panel_case():
    """A case a first panel decided for the seller, closed once its appeal window passed."""
    panel = make_panel()
    votes(panel, FOR_SELLER, 9)
    assert count_due_panels() == 1
    clock.advance(current_app.config["APPEAL_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    case = panel.case
    db.session.refresh(case)
    assert case.state == CaseState.CLOSED.value
    return case


def gold_case_of(answer: str = FOR_SELLER) -> GoldCase:
    """A closed case confirmed as gold by an admin, ``answer`` being right."""
    case = closed_panel_case()
    return add_case_to_bank(case, make_user(roles=(Role.ADMIN,)), answer)


def gold_seats(gold: GoldCase) -> list[Seat]:
    return db.session.scalars(
        select(Seat)
        .join(Panel, Panel.id == Seat.panel_id)
        .where(Panel.case_id == gold.case_id, Panel.round == PanelRound.GOLD.value)
        .order_by(Seat.id)
    ).all()
