"""The appeal of every decision: a default judgment or a mediator's decision, appealed by the
side that lost it, once, within the window, with a reason — to a fresh panel, or (configured)
to a second mediator whose decision is final."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.auth.models import Role
from app.cases.models import Case
from app.cases.services import seller_accepts_claim
from app.cases.states import (
    CaseState,
    DecisionKind,
    Outcome,
    Remedy,
)
from app.core import clock
from app.core.config import PROJECT_ROOT
from app.core.extensions import db
from app.jury.appeals import can_appeal
from app.jury.counting import count_due_panels
from app.jury.models import Appeal, AppealHearing, PanelRound, PanelStatus
from app.jury.voting import JuryRefused
from app.mediation import services as mediation
from app.mediation.appeals import appeal
from app.mediation.assignment import choose_mediator
from app.mediation.models import MediatorProfile
from app.mediation.services import Settlement
from app.notifications.outbox import OutboxMessage
from app.scheduler.deadlines import remind_case_deadlines, sweep_case_deadlines
from tests.helpers.case_factories import make_case
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.jury import START, make_pool, panel_of, votes
from tests.helpers.webhooks import endpoint_for

REASON = "The seller's courier receipt shows the parcel left intact."
REJECTED = Settlement(Remedy.CLAIM_REJECTED, None, "The courier's photo shows it intact.")
HALF = Settlement(Remedy.PARTIAL_REFUND, 9950, "Half the price back is fair.")
GRANT, REJECT = "grant:full_refund:19900", "reject"


@pytest.fixture
def small_appeals(app, monkeypatch):
    clock.freeze(START)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_SEATS", 5)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_MAJORITY", 3)
    make_pool(5)


@pytest.fixture
def to_mediator(app, monkeypatch):
    clock.freeze(START)
    monkeypatch.setitem(app.config, "DECISION_APPEAL_TO", "mediator")


def default_judgment() -> Case:
    """The seller stayed silent: decided for the buyer by default."""
    case = make_case("awaiting_seller")
    clock.advance(current_app.config["SELLER_RESPONSE_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    db.session.refresh(case)
    assert case.decision_kind == DecisionKind.DEFAULT_JUDGMENT.value
    return case


def the_appeal(case: Case) -> Appeal:
    return db.session.scalar(select(Appeal).where(Appeal.case_id == case.id))


def outbox_keys(prefix: str) -> list[str]:
    return db.session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.startswith(prefix)
        )
    ).all()


# To a fresh panel


def test_the_seller_appeals_a_default_judgment_to_a_fresh_panel(small_appeals):
    case = default_judgment()
    assert can_appeal(case, case.seller)

    panel = appeal(case, case.seller, REASON)

    db.session.refresh(case)
    assert case.state == CaseState.PANEL.value
    assert case.outcome is None and case.decision_kind is None and case.decided_at is None
    assert case.deadline_at == clock.now() + current_app.config["PANEL_DEADLINE"]
    assert (panel.round, panel.seats, panel.majority) == (PanelRound.APPEAL.value, 5, 3)
    assert panel.options == [GRANT, REJECT]
    assert "decided for the buyer by default: full refund (¥199.00)" in panel.summary
    assert f"The seller appeals this decision: {REASON}" in panel.summary
    row = the_appeal(case)
    assert (row.party, row.decision_kind, row.heard_by) == ("seller", "default_judgment", "panel")
    assert (row.decision_outcome, row.decision_remedy, row.decision_amount_fen) == (
        "for_buyer",
        "full_refund",
        19900,
    )
    assert row.first_mediator_id == case.mediator_id and row.panel_id is None
    assert len(outbox_keys(f"panel-{panel.id}:appeal-opened")) == 3 * 2


def test_the_appeal_panels_verdict_on_a_mediators_decision_is_final(small_appeals):
    case = make_case("decided", settlement=REJECTED)
    panel = appeal(case, case.buyer, REASON)
    assert f"The mediator's reasons: {REJECTED.rationale}" in panel.summary

    votes(panel, GRANT, 3)
    assert count_due_panels() == 1

    db.session.refresh(case)
    assert case.state == CaseState.EXECUTING.value  # final: carried out at once
    assert case.appealed_at is not None
    assert (case.outcome, case.decision_kind) == (Outcome.FOR_BUYER.value, DecisionKind.PANEL)
    assert case.decision_remedy == case.remedy and case.decision_amount_fen == 19900
    # the seller lost now, but the case has had its one appeal
    assert not can_appeal(case, case.seller)
    with pytest.raises(JuryRefused, match="has had its appeal"):
        appeal(case, case.seller, REASON)
    assert panel_of(case, PanelRound.APPEAL).status == PanelStatus.DECIDED.value


ASKED_HALF = {"remedy": Remedy.PARTIAL_REFUND, "remedy_amount_fen": 5000}


@pytest.mark.parametrize(
    ("decision", "claim", "loser", "winner"),
    [
        ("default", {}, "seller", "buyer"),
        (REJECTED, {}, "buyer", "seller"),
        (Settlement(Remedy.FULL_REFUND, None, "The photos show it."), {}, "seller", "buyer"),
        (HALF, ASKED_HALF, "seller", "buyer"),  # more than the buyer asked
    ],
)
def test_only_the_losing_side_may_appeal(small_appeals, decision, claim, loser, winner):
    if decision == "default":
        case = default_judgment()
    else:
        case = make_case("decided", settlement=decision, **claim)
    stranger = make_user()
    other_mediator = make_user(roles=(Role.MEDIATOR,))
    assert can_appeal(case, getattr(case, loser))
    for user in (getattr(case, winner), case.mediator, other_mediator, stranger):
        assert not can_appeal(case, user)
        with pytest.raises(JuryRefused, match="Only the side that lost"):
            appeal(case, user, REASON)
    assert table_count(Appeal) == 0


def test_a_partial_decision_may_be_appealed_by_either_side_but_once(small_appeals):
    case = make_case("decided", settlement=HALF)
    assert can_appeal(case, case.buyer) and can_appeal(case, case.seller)

    appeal(case, case.buyer, REASON)

    db.session.refresh(case)
    for user in (case.buyer, case.seller):
        assert not can_appeal(case, user)
        with pytest.raises(JuryRefused):
            appeal(case, user, REASON)
    assert table_count(Appeal) == 1


def test_an_agreed_decision_has_no_appeal():
    case = make_case("awaiting_seller")
    seller_accepts_claim(case, case.seller)
    db.session.refresh(case)
    assert not can_appeal(case, case.buyer) and not can_appeal(case, case.seller)


def test_not_after_the_appeal_window(small_appeals):
    case = make_case("decided", settlement=REJECTED)
    clock.advance(current_app.config["APPEAL_WINDOW"] - timedelta(seconds=1))
    assert can_appeal(case, case.buyer)
    clock.advance(timedelta(seconds=1))

    with pytest.raises(JuryRefused, match="time to appeal has passed"):
        appeal(case, case.buyer, REASON)
    db.session.refresh(case)
    assert case.state == CaseState.DECIDED.value and table_count(Appeal) == 0


@pytest.mark.parametrize("reason", ["", "   ", "It is unfair.", "x" * 2001])
def test_the_reason_is_checked_as_a_panel_appeals_is(small_appeals, reason):
    case = default_judgment()
    with pytest.raises(JuryRefused) as refused:
        appeal(case, case.seller, reason)
    assert refused.value.field == "reason"
    db.session.refresh(case)
    assert case.state == CaseState.DECIDED.value and table_count(Appeal) == 0


# To a second mediator


def test_a_mediators_decision_goes_to_a_second_mediator(to_mediator):
    case = make_case("decided", settlement=REJECTED)
    first = case.mediator
    second = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    off_duty = make_user(roles=(Role.MEDIATOR,))
    db.session.add(MediatorProfile(user_id=off_duty.id, on_duty=False))
    db.session.flush()

    assert appeal(case, case.buyer, REASON) == second

    db.session.refresh(case)
    assert case.state == CaseState.MEDIATION.value and case.mediator_id == second.id
    assert case.outcome is None and case.decision_kind is None
    assert case.deadline_at == clock.now() + current_app.config["MEDIATION_SLA"]
    row = the_appeal(case)
    assert row.heard_by == AppealHearing.MEDIATOR.value
    assert (row.first_mediator_id, row.hearing_mediator_id) == (first.id, second.id)
    assert (row.decision_kind, row.decision_outcome) == ("mediator", "for_seller")
    keys = outbox_keys(f"case-{case.id}:appeal-to-mediator")
    recipients = {int(key.split(":")[2]) for key in keys}
    assert recipients == {case.buyer_id, case.seller_id, first.id, second.id}
    assert panel_of(case, PanelRound.APPEAL) is None


def test_the_first_mediator_stands_down_and_the_seconds_decision_is_final(to_mediator):
    case = make_case("decided", settlement=REJECTED)
    first = case.mediator
    second = make_user(roles=(Role.MEDIATOR,))
    appeal(case, case.buyer, REASON)
    db.session.refresh(case)

    full = Settlement(Remedy.FULL_REFUND, None, "The second look shows the damage.")
    with pytest.raises(mediation.CaseRefused):
        mediation.decide(case, first, full)
    with pytest.raises(mediation.CaseRefused):
        mediation.propose_settlement(case, first, HALF)
    mediation.decide(case, second, full)

    db.session.refresh(case)
    assert case.state == CaseState.EXECUTING.value and case.outcome == Outcome.FOR_BUYER.value
    assert not can_appeal(case, case.seller)
    with pytest.raises(JuryRefused, match="has had its appeal"):
        appeal(case, case.seller, REASON)


def test_a_default_judgment_goes_to_a_mediator_who_did_not_have_the_case(to_mediator):
    case = default_judgment()
    had_it = case.mediator_id
    other = make_user(roles=(Role.MEDIATOR,))

    appeal(case, case.seller, REASON)

    db.session.refresh(case)
    assert case.state == CaseState.MEDIATION.value and case.mediator_id == other.id
    assert the_appeal(case).first_mediator_id == had_it


def test_with_no_other_mediator_on_duty_the_appeal_waits(to_mediator):
    case = make_case("decided", settlement=REJECTED)

    with pytest.raises(JuryRefused, match="No other mediator"):
        appeal(case, case.buyer, REASON)

    db.session.refresh(case)
    assert case.state == CaseState.DECIDED.value and case.outcome == Outcome.FOR_SELLER.value
    assert table_count(Appeal) == 0
    assert can_appeal(case, case.buyer)  # may try again within the window


def test_a_panels_verdict_still_goes_to_a_panel(to_mediator, app, monkeypatch):
    monkeypatch.setitem(app.config, "PANEL_SEATS", 3)
    monkeypatch.setitem(app.config, "PANEL_MAJORITY", 2)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_SEATS", 5)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_MAJORITY", 3)
    make_pool(8)
    case = make_case("panel")
    votes(panel_of(case), REJECT, 2)
    count_due_panels()
    db.session.refresh(case)

    panel = appeal(case, case.buyer, REASON)

    assert panel.round == PanelRound.APPEAL.value
    assert the_appeal(case).heard_by == AppealHearing.PANEL.value
    assert the_appeal(case).panel_id == panel_of(case).id


def test_the_marketplace_hears_of_the_appeal_and_of_a_final_decision(to_mediator):
    endpoint_for("http://127.0.0.1:9/hook", "case.*")
    case = make_case("decided", settlement=REJECTED)
    second = make_user(roles=(Role.MEDIATOR,))
    appeal(case, case.buyer, REASON)
    db.session.refresh(case)
    mediation.decide(case, second, Settlement(Remedy.FULL_REFUND, None, "A second look."))

    events = [
        json.loads(body)
        for body in db.session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.channel == "webhook")
            .order_by(OutboxMessage.id)
        )
    ]
    moves = [
        (e["data"]["previous_state"], e["data"]["case"]["state"])
        for e in events
        if e["type"] == "case.state_changed"
    ]
    assert ("decided", "mediation") in moves
    decided = [e["data"]["decision"] for e in events if e["type"] == "case.decided"]
    assert [(d["kind"], d["final"], d["appeal_deadline_at"] is None) for d in decided] == [
        ("mediator", False, False),  # the first decision could be appealed
        ("mediator", True, True),  # the second mediator's is final
    ]


def test_an_unknown_hearing_for_appeals_stops_the_app_at_start():
    result = subprocess.run(
        [sys.executable, "-c", "import app.core.config"],
        env={**os.environ, "DECISION_APPEAL_TO": "jury"},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DECISION_APPEAL_TO must be one of panel, mediator, not 'jury'" in result.stderr


def test_the_mediator_who_stood_down_is_not_given_the_case_again(to_mediator):
    case = make_case("decided", settlement=REJECTED)
    first = case.mediator
    second = make_user(roles=(Role.MEDIATOR,))
    admin = make_user(roles=(Role.ADMIN,))
    appeal(case, case.buyer, REASON)
    db.session.refresh(case)

    # the assignment rule, however it is asked later (escalation, reassignment), skips them
    assert choose_mediator(case) == second
    db.session.add(MediatorProfile(user_id=second.id, on_duty=False))
    db.session.flush()
    assert choose_mediator(case) is None
    with pytest.raises(mediation.CaseRefused) as refused:
        mediation.reassign(case, admin, first)
    assert refused.value.field == "mediator"
    db.session.refresh(case)
    assert case.mediator_id == second.id


@pytest.mark.parametrize(
    ("decision", "reminded"),
    [("default", {"seller"}), (REJECTED, {"buyer"}), (HALF, {"buyer", "seller"})],
)
def test_whoever_may_appeal_is_reminded_before_the_window_closes(decision, reminded):
    clock.freeze(START)
    case = (
        default_judgment() if decision == "default" else make_case("decided", settlement=decision)
    )
    lead = current_app.config["REMINDER_BEFORE_DEADLINE"]
    clock.freeze(case.deadline_at - lead + timedelta(minutes=1))

    remind_case_deadlines()

    keys = outbox_keys(f"case-{case.id}:reminder")
    ids = {"buyer": case.buyer_id, "seller": case.seller_id}
    told = {
        side
        for side, user_id in ids.items()
        if any(key.endswith(f":{user_id}:inbox") for key in keys)
    }
    assert told == reminded
