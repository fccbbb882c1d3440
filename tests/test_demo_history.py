"""The whole demo as ``flask demo seed`` leaves it, seeded once for the module (it carries
about 210 cases through the real transitions): the command seeds only an empty database; the
months of closed cases are spread like a marketplace's, end every way a case ends, and are
written as the transitions write them; and the demo tells one story
(``tests/helpers/demo_story.py``)."""

import re
from collections import Counter, defaultdict
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.cases.chains import verify_chains
from app.cases.models import Case
from app.cases.signals import case_filing
from app.cases.states import (
    ALLOWED_TRANSITIONS,
    CaseState,
    ClaimType,
    ResponsibleParty,
    Severity,
)
from app.closing.models import Rating
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.demo import waiting_seats
from app.demo.history import HISTORY_MONTHS, history_months
from app.execution.ledger import penalised_shops
from app.execution.models import DepositEntry, SellingRestriction
from app.jury.models import Appeal, Panel, PanelRound, Seat, SeatStatus, Tally
from app.mediation.models import ProposalStatus, SettlementProposal
from app.notifications.models import InboxItem
from app.notifications.outbox import OutboxMessage
from app.orders.models import Order, OrderItem
from tests.helpers.demo import demo_case_id
from tests.helpers.demo_story import assert_one_story

# the demo is make run's, on SQLite, and seeding its history through the real transitions
# takes minutes on PostgreSQL: make test runs it once, on SQLite
pytestmark = pytest.mark.one_pass


def _history(counts) -> list[Case]:
    """The history's cases: the last ``counts["history"]`` opened."""
    return db.session.scalars(select(Case).order_by(Case.id.desc()).limit(counts["history"])).all()


def _month(moment) -> str:
    return moment.strftime("%Y-%m")


@pytest.fixture(scope="module")
def seeded(app, module_rows) -> SimpleNamespace:
    """``flask demo seed --if-empty`` on the empty database, committed: its result, how many
    history cases it reported, and the mediator each case went to when filed (not audited)."""
    assigned = {}

    def remember(case, **_signal):
        assigned[case.order.id] = case.mediator_id

    case_filing.connect(remember)  # after mediation's own listener, which assigns
    try:
        result = app.test_cli_runner().invoke(args=["demo", "seed", "--if-empty"])
    finally:
        case_filing.disconnect(remember)
    with app.app_context():
        db.session.remove()
    history = re.search(r"\((\d+) of them closed months of history\)", result.output)
    return SimpleNamespace(
        result=result, counts={"history": int(history[1]) if history else 0}, assigned=assigned
    )


def test_cli_seeds_only_an_empty_database(app, seeded):
    assert seeded.result.exit_code == 0 and "accounts" in seeded.result.output
    runner = app.test_cli_runner()
    before = [db.session.scalar(select(func.count(table.id))) for table in (User, Case, Order)]
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0 and "nothing to do" in result.output
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    after = [db.session.scalar(select(func.count(table.id))) for table in (User, Case, Order)]
    assert after == before


def test_the_demo_history(app, seeded):
    """One seeding, three looks."""
    _spans_months_and_ends_every_way(seeded.counts, app.config["INTAKE_SLA"])
    _has_panels_appeals_enforcement_and_ratings(seeded.counts)
    _is_what_the_transitions_write(seeded.counts)


def test_the_demo_tells_one_story(seeded):
    assert_one_story(db.session.scalars(select(Case).order_by(Case.id)).all(), seeded.assigned)


def _spans_months_and_ends_every_way(counts, intake_sla):
    cases = _history(counts)
    assert 150 <= len(cases) <= 400
    assert all(case.state == CaseState.CLOSED.value for case in cases)
    now = clock.now()
    assert all(case.closed_at < now for case in cases)

    # every month of the history has at least ten cases filed and ten closed
    months = [_month(start) for start in history_months(now)]
    assert len(months) == HISTORY_MONTHS
    filed = Counter(_month(case.filed_at) for case in cases)
    closed = Counter(_month(case.closed_at) for case in cases)
    assert set(filed) == set(months)
    assert all(filed[month] >= 10 and closed[month] >= 10 for month in months), (filed, closed)

    # spread over claim types, the parties blamed, severities and the goods' categories
    assert {case.claim_type for case in cases} == {t.value for t in ClaimType}
    assert {case.responsible_party for case in cases} == {p.value for p in ResponsibleParty}
    assert {case.severity for case in cases} == {s.value for s in Severity}
    categories = set(
        db.session.scalars(
            select(OrderItem.category).where(OrderItem.order_id.in_([c.order_id for c in cases]))
        )
    )
    assert len(categories) >= 6

    # every ending: withdrawn, never resubmitted, the return never sent, each kind of decision
    assert {case.closed_reason for case in cases} == {
        "withdrawn",
        "not_resubmitted",
        "claim_lapsed",
        "completed",
    }
    assert {case.decision_kind for case in cases} >= {
        "seller_accepted",
        "counter_offer_accepted",
        "default_judgment",
        "proposal_accepted",
        "mediator",
        "panel",
    }
    ids = [case.id for case in cases]
    proposals = defaultdict(list)
    for proposal in db.session.scalars(
        select(SettlementProposal).where(SettlementProposal.case_id.in_(ids))
    ):
        proposals[proposal.case_id].append(proposal.status)
    accepted = [statuses for statuses in proposals.values() if "accepted" in statuses]
    assert any(len(statuses) == 1 for statuses in accepted)  # the first proposal
    later = {s for statuses in accepted if len(statuses) > 1 for s in statuses}
    assert later >= {ProposalStatus.REJECTED, ProposalStatus.EXPIRED, ProposalStatus.SUPERSEDED}

    # intake within its SLA and past it
    intake = intake_sla
    waits = [c.severity_confirmed_at - c.filed_at for c in cases if c.severity_confirmed_at]
    assert any(wait <= intake for wait in waits) and any(wait > intake for wait in waits)
    assert {case.mediator_id for case in cases if case.mediator_id} == set(
        db.session.scalars(
            select(User.id).where(User.email.in_(["mediator@example.com", "mediator2@example.com"]))
        )
    )


def _has_panels_appeals_enforcement_and_ratings(counts):
    ids = [case.id for case in _history(counts)]
    panels = db.session.scalars(select(Panel).where(Panel.case_id.in_(ids))).all()
    tallies = {t.panel_id: t for t in db.session.scalars(select(Tally))}
    first = [p for p in panels if p.round == PanelRound.FIRST.value]
    assert len(first) >= 10
    # verdicts by various margins, seats replaced for not voting
    margins = {
        tallies[p.id].counts[tallies[p.id].verdict] - tallies[p.id].votes_cast for p in first
    }
    assert len(margins) >= 3
    assert any(p.replacement_rounds for p in first)
    replaced = db.session.scalar(
        select(func.count(Seat.id)).where(
            Seat.panel_id.in_([p.id for p in first]), Seat.status == SeatStatus.REPLACED.value
        )
    )
    assert replaced > 0
    # appeals: some upheld, some overturned
    appealed = set(db.session.scalars(select(Appeal.case_id).where(Appeal.case_id.in_(ids))))
    verdicts = defaultdict(dict)
    for panel in panels:
        if panel.case_id in appealed:
            verdicts[panel.case_id][panel.round] = tallies[panel.id].verdict
    outcomes = {v["first"] == v["appeal"] for v in verdicts.values()}
    assert outcomes == {True, False}

    # missed obligations enforced, the shop paying back, the restriction lifted
    restrictions = db.session.scalars(
        select(SellingRestriction).where(SellingRestriction.case_id.in_(ids))
    ).all()
    assert restrictions and all(r.lifted_at is not None for r in restrictions)
    deductions = db.session.scalar(
        select(func.count(DepositEntry.id)).where(
            DepositEntry.amount_fen < 0,
            DepositEntry.seller_id.in_([r.seller_id for r in restrictions]),
        )
    )
    assert deductions >= len(restrictions)

    # most cases closed after execution are rated, in both languages, every score given
    ratings = db.session.scalars(select(Rating).where(Rating.case_id.in_(ids))).all()
    executed = db.session.scalar(
        select(func.count(Case.id)).where(Case.id.in_(ids), Case.closed_reason == "completed")
    )
    assert len({r.case_id for r in ratings}) > executed / 2
    assert {r.score for r in ratings} == {1, 2, 3, 4, 5}
    comments = [r.comment for r in ratings if r.comment]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in c) for c in comments)
    assert any(c.isascii() for c in comments)


def _is_what_the_transitions_write(counts):
    cases = {case.id: case for case in _history(counts)}
    trails = defaultdict(list)
    for event in db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "cases", AuditEvent.after.is_not(None))
        .order_by(AuditEvent.id)
    ):
        if int(event.subject_id) in cases and "state" in event.after:
            trails[int(event.subject_id)].append(event)
    for case_id, case in cases.items():
        trail = trails[case_id]
        assert trail[0].action == "case.opened" and trail[0].after["state"] == "filed"
        state = CaseState.FILED
        for event in trail[1:]:
            assert event.before["state"] == state.value, (case_id, event.action)
            following = CaseState(event.after["state"])
            assert following in ALLOWED_TRANSITIONS[state], (case_id, event.action)
            state = following
        assert state.value == case.state
        times = [event.created_at for event in trail]
        assert times == sorted(times) and times[0] == case.filed_at
    assert verify_chains() == []

    # the history's notifications were delivered at the time, read, into the inboxes
    present_began = min(
        db.session.scalars(select(Case.filed_at).where(Case.id.not_in(list(cases))))
    )
    before_present = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.created_at < present_began)
    ).all()
    assert before_present and all(m.sent_at == m.created_at for m in before_present)
    inbox = db.session.scalars(select(InboxItem).where(InboxItem.created_at < present_began)).all()
    assert inbox and all(item.read_at is not None for item in inbox)

    # the demo's present is unchanged: one penalised shop, one panel waiting for its vote
    assert [shop.shop_name for shop in penalised_shops()] == ["娜娜美妆 Nana Beauty"]
    seats = waiting_seats()
    assert seats and {seat.panel.case_id for seat in seats} == {demo_case_id(12)}
    # the history's people never traded with the reviewers, so every reviewer stays drawable
    history_parties = {c.buyer_id for c in cases.values()} | {c.seller_id for c in cases.values()}
    reviewers = set(db.session.scalars(select(Seat.reviewer_id)))
    traded = set(
        db.session.scalars(select(Order.buyer_id).where(Order.seller_id.in_(history_parties)))
    ) | set(db.session.scalars(select(Order.seller_id).where(Order.buyer_id.in_(history_parties))))
    assert not reviewers & traded
