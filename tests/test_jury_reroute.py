"""A case can go before a panel again after a returned one, and a panel's verdict replaces
the steps of an execution that was disputed."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.cases.states import CaseState
from app.core import clock
from app.core.extensions import db
from app.execution import services as execution
from app.jury.counting import count_due_panels
from app.jury.models import Panel
from app.mediation import services as mediation
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.case_factories import make_case
from tests.helpers.jury import FOR_BUYER, START, make_pool, panel_of, votes


def test_a_case_goes_before_a_new_panel_after_a_returned_one():
    clock.freeze(START)
    make_pool(current_app.config["PANEL_SEATS"] * 2)
    case = make_case("panel")
    clock.advance(current_app.config["PANEL_DEADLINE"])
    assert count_due_panels() == 1  # no votes: back to the mediator
    db.session.refresh(case)
    assert case.current_state is CaseState.MEDIATION
    mediation.route_to_panel(case, case.mediator, "Again.", "Who is right?")
    assert case.current_state is CaseState.PANEL
    assert len(db.session.scalars(select(Panel).where(Panel.case_id == case.id)).all()) == 2


def test_a_panel_verdict_after_a_disputed_refund_replaces_the_old_steps():
    clock.freeze(START)
    make_pool(current_app.config["PANEL_SEATS"])
    case = make_case("executing")
    [refund] = execution.obligations_of(case)
    execution.mark_done(refund, case.seller, "Paid, ref 1.", None)
    execution.dispute(refund, case.buyer, "Nothing arrived.")
    db.session.refresh(case)
    assert case.current_state is CaseState.MEDIATION
    mediation.route_to_panel(case, case.mediator, "Refund disputed.", "Refund again?")
    votes(panel_of(case), FOR_BUYER, current_app.config["PANEL_MAJORITY"])
    assert count_due_panels() == 1
    db.session.refresh(refund)
    assert refund.status == "cancelled"
    clock.advance(current_app.config["APPEAL_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    db.session.refresh(case)
    assert case.current_state is CaseState.EXECUTING
    steps = sorted((o.status, o.kind) for o in execution.obligations_of(case))
    assert steps == [("cancelled", "refund"), ("open", "refund")]  # a fresh refund is due
