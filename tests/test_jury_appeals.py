"""The appeal: the losing side, once, within 48 hours, to a fresh 35-seat panel whose
verdict is final."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.cases.states import (
    CaseState,
    DecisionKind,
    Outcome,
)
from app.core import clock
from app.core.extensions import db
from app.jury.appeals import can_appeal
from app.jury.counting import count_due_panels
from app.jury.models import Appeal, Panel, PanelRound, PanelStatus, Seat
from app.jury.voting import JuryRefused
from app.mediation.appeals import appeal
from app.notifications.outbox import OutboxMessage
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.jury import (
    FOR_BUYER,
    case_decided_for_seller,
    panel_of,
    votes,
)
from tests.helpers.pages import login, post_confirmed

REASON = "The panel overlooked the courier's photo of the crushed box."


@pytest.fixture
def decided_for_seller():
    """A case a first panel decided for the seller; a pool large enough for an appeal."""
    return case_decided_for_seller()


def test_the_losing_buyer_appeals_to_a_fresh_panel_of_35(decided_for_seller):
    case = decided_for_seller
    first = panel_of(case)
    assert can_appeal(case, case.buyer)

    panel = appeal(case, case.buyer, "  " + REASON)

    db.session.refresh(case)
    assert case.state == CaseState.PANEL.value
    assert case.outcome is None and case.decision_kind is None
    assert panel.round == PanelRound.APPEAL.value and panel.status == PanelStatus.OPEN.value
    assert (panel.seats, panel.majority) == (35, 18)
    assert panel.options == first.options and panel.question == first.question
    reviewers = set(db.session.scalars(select(Seat.reviewer_id).where(Seat.panel_id == panel.id)))
    first_reviewers = {seat.reviewer_id for seat in first.seat_rows}
    assert len(reviewers) == 35 and not reviewers & first_reviewers
    row = db.session.scalar(select(Appeal).where(Appeal.case_id == case.id))
    assert row.party == "buyer" and row.reason == REASON
    keys = db.session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.startswith(f"panel-{panel.id}:appeal-opened")
        )
    ).all()
    assert len(keys) == 3 * 2  # both parties and the mediator
    assert not can_appeal(case, case.buyer)


def test_only_the_losing_side_may_appeal(decided_for_seller):
    case = decided_for_seller
    for user in (case.seller, case.mediator, make_user()):
        assert not can_appeal(case, user)
        with pytest.raises(JuryRefused):
            appeal(case, user, REASON)
    assert table_count(Appeal) == 0


def test_the_appeal_window_is_48_hours(decided_for_seller):
    case = decided_for_seller
    clock.advance(current_app.config["APPEAL_WINDOW"] - timedelta(seconds=1))
    assert can_appeal(case, case.buyer)
    clock.advance(timedelta(seconds=1))

    assert not can_appeal(case, case.buyer)
    with pytest.raises(JuryRefused):
        appeal(case, case.buyer, REASON)
    db.session.refresh(case)
    assert case.state == CaseState.DECIDED.value


def test_a_reason_is_needed(decided_for_seller):
    case = decided_for_seller
    with pytest.raises(JuryRefused) as refused:
        appeal(case, case.buyer, "They were wrong.")
    assert refused.value.field == "reason"
    assert table_count(Appeal) == 0


def test_a_pool_too_small_refuses_and_changes_nothing(decided_for_seller, app, monkeypatch):
    case = decided_for_seller
    monkeypatch.setitem(app.config, "APPEAL_PANEL_SEATS", 500)

    with pytest.raises(JuryRefused) as refused:
        appeal(case, case.buyer, REASON)

    assert "Too few eligible reviewers" in str(refused.value)
    db.session.refresh(case)
    assert case.state == CaseState.DECIDED.value
    assert case.outcome == Outcome.FOR_SELLER.value
    assert table_count(Appeal) == 0
    assert panel_of(case, PanelRound.APPEAL) is None
    assert can_appeal(case, case.buyer)  # may try again once the pool has grown


def test_the_appeal_panels_verdict_is_final(decided_for_seller):
    case = decided_for_seller
    panel = appeal(case, case.buyer, REASON)
    votes(panel, FOR_BUYER, 18)

    assert count_due_panels() == 1

    db.session.refresh(case)
    # final: carried out at once, with no appeal window to wait for
    assert case.state == CaseState.EXECUTING.value
    assert case.decision_kind == DecisionKind.PANEL.value
    assert case.outcome == Outcome.FOR_BUYER.value
    assert db.session.get(Panel, panel.id).status == PanelStatus.DECIDED.value
    for user in (case.buyer, case.seller):
        assert not can_appeal(case, user)
        with pytest.raises(JuryRefused, match="has had its appeal"):
            appeal(case, user, REASON)
    assert table_count(Appeal) == 1


def test_the_buyer_appeals_from_the_case_page(client, decided_for_seller):
    case = decided_for_seller
    login(client, case.buyer)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Appeal the verdict" in html
    response = client.post(f"/cases/{case.id}/appeal", data={"reason": "too short"})
    assert response.status_code == 400  # the case page again, the reason kept beside its error
    assert "too short" in response.get_data(as_text=True)
    assert table_count(Appeal) == 0
    post_confirmed(client, f"/cases/{case.id}/appeal", {"reason": REASON})
    db.session.expire_all()
    assert db.session.get(type(case), case.id).current_state is CaseState.PANEL
    assert table_count(Appeal) == 1
    client.post("/logout")
    login(client, case.seller)
    assert "Appeal the verdict" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
