"""The counting sweep: verdicts at the majority, the deadline rule, seat replacement, and
exactly one verdict when sweeps race."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import event, select

from app.cases.states import (
    CaseState,
    DecisionKind,
    Outcome,
    Remedy,
)
from app.core import clock
from app.core.extensions import db
from app.jury import drawing, reputation
from app.jury.counting import count_due_panels, has_work
from app.jury.models import Panel, PanelStatus, Reviewer, Seat, SeatStatus, Tally
from app.jury.rules import decide_from_counts
from app.jury.voting import recuse
from app.notifications.models import MailKind
from app.notifications.outbox import OutboxMessage
from app.notifications.services import choose_mail
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.counts import statements_issued, table_count
from tests.helpers.jury import (
    FOR_BUYER,
    FOR_SELLER,
    START,
    make_panel,
    make_pool,
    open_seats,
    votes,
)


class Spy:
    """Records what the sweep asked of reputation and drawing, then does it for real."""

    def __init__(self, monkeypatch):
        self.verdicts: list[tuple[int, str | None]] = []
        self.no_shows: list[int] = []
        self.draws: list[tuple[int, int]] = []
        real_verdict, real_no_show = reputation.apply_verdict, reputation.record_no_show
        real_draw = drawing.draw_replacements

        def apply_verdict(panel, verdict, ballots=None):
            self.verdicts.append((panel.id, verdict))
            return real_verdict(panel, verdict, ballots)

        def record_no_show(user_id):
            self.no_shows.append(user_id)
            return real_no_show(user_id)

        def draw_replacements(panel, count):
            self.draws.append((panel.id, count))
            return real_draw(panel, count)

        monkeypatch.setattr(reputation, "apply_verdict", apply_verdict)
        monkeypatch.setattr(reputation, "record_no_show", record_no_show)
        monkeypatch.setattr(drawing, "draw_replacements", draw_replacements)


@pytest.fixture
def seams(monkeypatch):
    return Spy(monkeypatch)


@pytest.fixture
def panel(seams):
    clock.freeze(START)
    return make_panel()


def tally_of(panel) -> Tally | None:
    return db.session.scalar(select(Tally).where(Tally.panel_id == panel.id))


def panel_messages(panel) -> list[str]:
    return db.session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.startswith(f"panel-{panel.id}:")
        )
    ).all()


# The rule


def test_the_decision_rule():
    assert decide_from_counts({"a": 9, "b": 0}, 9, at_deadline=False) == "a"
    assert decide_from_counts({"a": 8, "b": 8}, 9, at_deadline=False) is None
    assert decide_from_counts({"a": 6, "b": 4}, 9, at_deadline=False) is None
    assert decide_from_counts({"a": 6, "b": 4}, 9, at_deadline=True) == "a"
    assert decide_from_counts({"a": 5, "b": 3}, 9, at_deadline=True) is None  # 8 cast
    assert decide_from_counts({"a": 5, "b": 5}, 9, at_deadline=True) is None  # a tie
    assert decide_from_counts({"a": 0, "b": 0}, 9, at_deadline=True) is None


# Verdicts


def test_nine_votes_for_the_buyer_decide_the_case_once(panel, seams):
    case = panel.case
    votes(panel, FOR_BUYER, 8)
    votes(panel, FOR_SELLER, 3)
    assert count_due_panels() == 0
    assert panel.status == PanelStatus.OPEN.value and tally_of(panel) is None

    votes(panel, FOR_BUYER, 1)
    assert count_due_panels() == 1
    db.session.refresh(case)

    assert panel.status == PanelStatus.DECIDED.value
    assert case.state == CaseState.DECIDED.value
    assert case.decision_kind == DecisionKind.PANEL.value
    assert case.outcome == Outcome.FOR_BUYER.value
    assert case.decision_remedy == case.remedy == "full_refund"
    assert case.decision_amount_fen == case.order.amount_fen
    # no reasons in one language: the verdict is shown from the tally in the reader's
    assert case.decision_reasons is None
    assert case.deadline_at == clock.now() + current_app.config["APPEAL_WINDOW"]
    tally = tally_of(panel)
    assert tally.verdict == FOR_BUYER and tally.votes_cast == 12
    assert tally.counts == {FOR_BUYER: 9, FOR_SELLER: 3}
    assert seams.verdicts == [(panel.id, FOR_BUYER)]
    records = db.session.execute(
        select(Reviewer.resolved, Reviewer.coherent).where(Reviewer.resolved > 0)
    ).all()
    assert sorted(records) == [(1, 0)] * 3 + [(1, 1)] * 9
    sent = panel_messages(panel)
    assert len(sent) == 2 * 2  # both parties, inbox and e-mail

    assert count_due_panels() == 0  # a second sweep finds nothing to do
    assert table_count(Tally) == 1
    assert sorted(panel_messages(panel)) == sorted(sent)
    assert seams.verdicts == [(panel.id, FOR_BUYER)]


def test_a_batch_reads_the_parties_mail_choices_once(seams):
    clock.freeze(START)
    panels = []
    for _ in range(2):
        panels.append(make_panel())
        votes(panels[-1], FOR_BUYER, 9)
    choose_mail(panels[0].case.seller, {MailKind.CASE_UPDATES: False})
    with statements_issued() as issued:
        assert count_due_panels() == 2
    assert len([sql for sql in issued if "FROM mail_preferences" in sql]) == 1
    seller = panels[0].case.seller_id
    assert sorted(
        db.session.scalars(
            select(OutboxMessage.channel).where(
                OutboxMessage.recipient_id == seller,
                OutboxMessage.idempotency_key.startswith(f"panel-{panels[0].id}:"),
            )
        )
    ) == ["inbox"]
    assert len(panel_messages(panels[1])) == 2 * 2  # both parties, inbox and e-mail


def test_panels_waiting_for_votes_never_fill_the_sweeps_batch(app, monkeypatch, seams):
    """Only panels with work are picked: idle panels ahead of a due one, more of them than a
    batch holds, must neither be touched nor starve it."""
    clock.freeze(START)
    monkeypatch.setitem(app.config, "SWEEP_BATCH_SIZE", 2)
    *idle, due = [make_panel() for _ in range(4)]
    for panel in (*idle, due):  # making a case moves the clock: all start together now
        panel.deadline_at = clock.now() + current_app.config["PANEL_DEADLINE"]
        for seat in panel.seat_rows:
            seat.vote_due_at = clock.now() + current_app.config["SEAT_VOTE_WINDOW"]
    for panel in idle:
        votes(panel, FOR_BUYER, 8)  # one short of the majority
        votes(panel, FOR_SELLER, 4)
    votes(due, FOR_BUYER, 9)

    statements = []
    listener = lambda *args: statements.append(args[2:4])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert count_due_panels() == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

    assert due.status == PanelStatus.DECIDED.value
    assert [p.status for p in idle] == [PanelStatus.OPEN.value] * 3
    assert seams.verdicts == [(due.id, FOR_BUYER)]
    loaded = {  # the ids of every statement that loads whole panel rows
        value
        for sql, params in statements
        if sql.startswith("SELECT panels.id, panels.case_id")
        for value in (params.values() if isinstance(params, dict) else params)
    }
    assert loaded == {due.id}, "only the due panel is loaded and counted"


@pytest.mark.parametrize(
    "work",
    ["deadline passed", "seat overdue", "seat recused", "majority reached"],
)
def test_each_kind_of_work_makes_a_panel_due(panel, seams, work):
    votes(panel, FOR_BUYER, 3)
    assert count_due_panels() == 0
    if work == "deadline passed":
        clock.advance(current_app.config["PANEL_DEADLINE"])
    elif work == "seat overdue":
        clock.advance(current_app.config["SEAT_VOTE_WINDOW"])
    elif work == "seat recused":
        recuse(open_seats(panel)[0], open_seats(panel)[0].reviewer)
    else:
        votes(panel, FOR_BUYER, 6)
    assert has_work_ids() == [panel.id]


def has_work_ids() -> list[int]:
    return db.session.scalars(
        select(Panel.id).where(Panel.status == PanelStatus.OPEN.value, has_work(clock.now()))
    ).all()


def test_a_verdict_for_the_seller_rejects_the_claim(panel):
    votes(panel, FOR_SELLER, 9)
    count_due_panels()
    case = panel.case
    db.session.refresh(case)
    assert case.outcome == Outcome.FOR_SELLER.value
    assert case.decision_remedy == "claim_rejected" and case.decision_amount_fen is None


def test_a_partial_refund_claim_is_granted_for_its_amount(seams):
    clock.freeze(START)
    panel = make_panel(remedy=Remedy.PARTIAL_REFUND, remedy_amount_fen=5000)
    assert panel.options == ["grant:partial_refund:5000", FOR_SELLER]
    votes(panel, panel.options[0], 9)
    count_due_panels()
    db.session.refresh(panel.case)
    assert panel.case.decision_remedy == "partial_refund"
    assert panel.case.decision_amount_fen == 5000


def test_taobaos_thirty_one_seats_decide_at_sixteen(app, monkeypatch, seams):
    monkeypatch.setitem(app.config, "PANEL_SEATS", 31)
    monkeypatch.setitem(app.config, "PANEL_MAJORITY", 16)
    clock.freeze(START)
    panel = make_panel()
    assert (panel.seats, panel.majority, len(panel.seat_rows)) == (31, 16, 31)

    votes(panel, FOR_SELLER, 15)
    votes(panel, FOR_BUYER, 9)  # 9 would decide a 17-seat panel, not this one
    assert count_due_panels() == 0
    votes(panel, FOR_SELLER, 1)
    assert count_due_panels() == 1
    assert tally_of(panel).verdict == FOR_SELLER
    assert tally_of(panel).counts == {FOR_BUYER: 9, FOR_SELLER: 16}


# The deadline


def test_at_the_deadline_the_leader_wins_if_nine_were_cast(panel):
    votes(panel, FOR_BUYER, 6)
    votes(panel, FOR_SELLER, 4)
    clock.advance(current_app.config["PANEL_DEADLINE"] - timedelta(seconds=1))
    assert count_due_panels() == 0
    clock.advance(timedelta(seconds=1))

    assert count_due_panels() == 1
    assert tally_of(panel).verdict == FOR_BUYER
    db.session.refresh(panel.case)
    assert panel.case.state == CaseState.DECIDED.value


@pytest.mark.parametrize("buyer_votes, seller_votes", [(5, 3), (5, 5)])
def test_too_few_votes_or_a_tie_go_back_to_the_mediator(panel, seams, buyer_votes, seller_votes):
    votes(panel, FOR_BUYER, buyer_votes)
    votes(panel, FOR_SELLER, seller_votes)
    clock.advance(current_app.config["PANEL_DEADLINE"])

    assert count_due_panels() == 1

    case = panel.case
    db.session.refresh(case)
    assert panel.status == PanelStatus.RETURNED.value
    assert case.state == CaseState.MEDIATION.value and case.outcome is None
    assert case.deadline_at == clock.now() + current_app.config["MEDIATION_SLA"]
    tally = tally_of(panel)
    assert tally.verdict is None
    assert tally.counts == {FOR_BUYER: buyer_votes, FOR_SELLER: seller_votes}
    assert seams.verdicts == []
    assert len(panel_messages(panel)) == 3 * 2  # both parties and the mediator
    assert count_due_panels() == 0


# Replacing seats


def test_unvoted_seats_are_replaced_after_a_day_at_most_twice(panel, seams):
    panel.deadline_at = panel.drawn_at + timedelta(days=10)  # room for a third round
    make_pool(13 * 3)
    votes(panel, FOR_BUYER, 4)
    window = current_app.config["SEAT_VOTE_WINDOW"]
    clock.advance(window - timedelta(seconds=1))
    assert count_due_panels() == 0
    assert seams.draws == [] and seams.no_shows == []

    clock.advance(timedelta(seconds=1))
    count_due_panels()
    statuses = [
        seat.status for seat in db.session.scalars(select(Seat).where(Seat.panel_id == panel.id))
    ]
    assert statuses.count(SeatStatus.REPLACED.value) == 13
    assert len(seams.no_shows) == 13
    assert seams.draws == [(panel.id, 13)]
    assert panel.replacement_rounds == 1
    assert len(open_seats(panel)) == 13

    count_due_panels()  # nothing new is due: no second round
    assert seams.draws == [(panel.id, 13)]

    clock.advance(window)
    count_due_panels()
    assert seams.draws == [(panel.id, 13), (panel.id, 13)]
    assert panel.replacement_rounds == 2

    clock.advance(window)
    count_due_panels()  # the no-shows are still marked, but no third round is drawn
    assert seams.draws == [(panel.id, 13), (panel.id, 13)]
    assert len(seams.no_shows) == 39
    assert panel.replacement_rounds == 2 and open_seats(panel) == []
    no_shows = db.session.scalars(select(Reviewer.no_shows).where(Reviewer.no_shows > 0)).all()
    assert no_shows == [1] * 39


def test_recused_seats_are_replaced(panel, seams):
    make_pool(2)
    first, second = panel.seat_rows[:2]
    recuse(first, first.reviewer)
    recuse(second, second.reviewer)

    count_due_panels()

    assert seams.draws == [(panel.id, 2)]
    assert seams.no_shows == []  # recusal costs nothing
    assert len(open_seats(panel)) == 17
    count_due_panels()
    assert seams.draws == [(panel.id, 2)]


# Sweeps racing


@pytest.mark.committing
def test_two_sweeps_at_once_give_one_verdict(app, seams):
    clock.freeze(START)
    panel = make_panel()
    votes(panel, FOR_BUYER, 9)
    panel_id, case_id = panel.id, panel.case_id
    db.session.commit()
    db.session.remove()

    outcomes = run_at_once(app, lambda _n: count_due_panels(), 2)

    assert errors_in(outcomes) == []
    assert sorted(outcomes) == [0, 1]
    panel = db.session.get(Panel, panel_id)
    assert panel.status == PanelStatus.DECIDED.value
    assert table_count(Tally) == 1
    assert seams.verdicts == [(panel_id, FOR_BUYER)]
    assert len(panel_messages(panel)) == 2 * 2
    decided = db.session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.startswith(f"case-{case_id}:"),
            OutboxMessage.subject.contains("decided"),
        )
    ).all()
    assert len(decided) == 3 * 2  # buyer, seller, mediator; once each
