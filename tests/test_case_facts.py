"""The facts the analytics read, kept by the sweep that follows the audit trail: written for
new cases, worked out again after a transition, the watermark moved on once events have
settled, and the same rows when two sweeps run at once."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.analytics.facts import WATERMARK, facts_of, refresh_case_facts
from app.analytics.models import CaseFact, FactWatermark
from app.auth.models import Role
from app.cases.models import Case
from app.cases.states import (
    ClaimType,
    Remedy,
)
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.mediation import services as mediation
from app.mediation.services import Settlement
from app.scheduler.jobs import SWEEPS
from tests.helpers.case_factories import PROPOSAL_RATIONALE, make_case
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_user
from tests.helpers.pages import login

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def fact(case: Case) -> CaseFact:
    db.session.expire_all()
    return db.session.get(CaseFact, case.id)


def watermark() -> FactWatermark:
    db.session.expire_all()
    return db.session.get(FactWatermark, WATERMARK)


def last_event_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id)))


def settle() -> None:
    clock.advance(current_app.config["ANALYTICS_FACTS_SETTLE"] + timedelta(seconds=1))


def test_the_first_run_fills_every_case_and_sets_the_watermark(app):
    clock.freeze(START)
    filed = make_case("filed", claim_type=ClaimType.COUNTERFEIT)
    accepted = make_case("awaiting_seller")
    refresh_case_facts()
    assert fact(filed).claim_type == "counterfeit"
    assert fact(filed).filed_day == "2026-05-04"
    assert fact(filed).filed_month == "2026-05"
    assert fact(filed).intake_seconds is None
    assert fact(accepted).intake_seconds == 0.0
    assert fact(accepted).mediator_id == accepted.mediator_id
    assert watermark().event_id == last_event_id()
    assert watermark().moved_at == START


def test_a_new_case_and_a_transition_reach_the_facts_at_the_next_run(app):
    clock.freeze(START)
    refresh_case_facts()
    case = make_case("mediation")
    refresh_case_facts()
    assert fact(case).first_action_seconds is None
    assert fact(case).decision_kind is None

    clock.advance(timedelta(hours=5))
    mediation.decide(case, case.mediator, Settlement(Remedy.FULL_REFUND, None, PROPOSAL_RATIONALE))
    db.session.flush()
    refresh_case_facts()
    assert fact(case).first_action_seconds == 5 * 3600
    assert fact(case).decision_kind == "mediator"
    assert fact(case).resolution_seconds == pytest.approx(
        (case.decided_at - case.filed_at).total_seconds(), abs=0.001
    )


def test_the_watermark_waits_for_events_to_settle_then_moves_on(app):
    clock.freeze(START)
    refresh_case_facts()
    before = watermark().event_id
    case = make_case("filed")
    refresh_case_facts()
    assert fact(case) is not None  # read at once,
    assert watermark().event_id == before  # but read again until it has settled
    settle()
    refresh_case_facts()
    assert watermark().event_id == last_event_id() > before
    assert watermark().moved_at == clock.now()


def test_a_run_reads_at_most_its_batch_of_events(app, monkeypatch):
    clock.freeze(START)
    refresh_case_facts()
    first, second = make_case("filed"), make_case("filed")
    settle()
    monkeypatch.setitem(current_app.config, "ANALYTICS_FACTS_BATCH", 1)
    assert refresh_case_facts() == 1
    assert fact(first) is not None and fact(second) is None
    assert refresh_case_facts() == 1
    assert fact(second) is not None


def test_the_staff_dashboard_and_the_public_page_say_how_fresh_the_figures_are(app):
    clock.freeze(START)
    client = app.test_client()
    login(client, make_user(roles=(Role.MEDIATOR,)))
    not_yet = "The figures have not been worked out yet"
    assert not_yet in client.get("/analytics/").get_data(as_text=True)
    refresh_case_facts()
    as_of = "every change up to 2026-05-04 09:00 (UTC)"
    assert as_of in client.get("/analytics/").get_data(as_text=True)
    assert as_of in app.test_client().get("/transparency").get_data(as_text=True)


@pytest.mark.committing
def test_two_sweeps_at_once_write_the_same_facts(app):
    clock.freeze(START)
    refresh_case_facts()
    cases = [make_case(state) for state in ("filed", "mediation", "decided", "proposal")]
    ids = [case.id for case in cases]
    settle()
    db.session.commit()
    db.session.remove()

    outcomes = run_at_once(app, lambda _n: refresh_case_facts(), 2)

    assert errors_in(outcomes) == []
    stored = db.session.execute(
        select(CaseFact.__table__).where(CaseFact.case_id.in_(ids)).order_by(CaseFact.case_id)
    ).all()
    expected = db.session.execute(facts_of(Case.id.in_(ids)).order_by(Case.id)).all()
    assert [tuple(row) for row in stored] == [tuple(row) for row in expected]
    assert len(stored) == len(ids)
    assert watermark().event_id == last_event_id()


def test_the_scheduler_runs_the_facts_sweep_at_its_own_interval():
    [sweep] = [sweep for sweep in SWEEPS if sweep.func is refresh_case_facts]
    assert (sweep.id, sweep.seconds_setting) == ("analytics-facts", "SCHEDULER_FACTS_SECONDS")
