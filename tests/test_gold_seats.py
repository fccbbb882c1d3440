"""Gold seats: placed beside real seats at the configured rate, only where the reviewer may
sit, looking like any seat; graded once by their own sweep; ignored by the counting and
hidden from the case's parties, its mediator and the figures."""

import random
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.analytics.facts import refresh_case_facts
from app.analytics.panels import by_rule, votes_used
from app.analytics.scope import Scope
from app.core import clock
from app.core.extensions import db
from app.jury.appeals import decided_panel
from app.jury.counting import count_due_panels
from app.jury.gold.grading import grade_gold_seats
from app.jury.gold.seats import eligible_gold_cases, offer_gold_seats, place_gold_seat
from app.jury.models import (
    Panel,
    PanelRound,
    PanelRule,
    PanelStatus,
    PracticeAnswer,
    Reviewer,
    Seat,
    SeatStatus,
    Tally,
)
from app.jury.seat_views import panel_outcomes
from app.jury.voting import recuse
from app.notifications.outbox import OutboxMessage
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_order
from tests.helpers.gold import gold_case_of, gold_seats
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, make_panel, make_pool, vote
from tests.helpers.pages import login, page


@pytest.fixture
def gold_rate(app):
    """Set ``GOLD_SEAT_RATE`` for one test."""
    before = app.config["GOLD_SEAT_RATE"]

    def set_rate(rate: float) -> None:
        app.config["GOLD_SEAT_RATE"] = rate

    yield set_rate
    app.config["GOLD_SEAT_RATE"] = before


def seated_on_gold(gold, reviewer=None):
    """A fresh reviewer (or ``reviewer``) seated on ``gold``."""
    reviewer = reviewer or make_pool(1)[0]
    seat = place_gold_seat(reviewer.id, random.Random(1))
    assert seat is not None
    return seat


# Placement


def test_gold_seats_follow_the_rate_with_a_seeded_generator(gold_rate):
    gold = gold_case_of()
    reviewers = make_pool(200)
    panel = SimpleNamespace(round=PanelRound.FIRST.value)
    seats = [SimpleNamespace(reviewer_id=reviewer.id) for reviewer in reviewers]
    gold_rate(0.0)
    assert offer_gold_seats(panel, seats, random.Random(1)) == 0
    gold_rate(0.1)
    placed = offer_gold_seats(panel, seats, random.Random(1))
    # 200 draws at 10 %: the seeded generator gives a count near 20 (a binomial's 3 sigma)
    assert 8 <= placed <= 32
    assert len(gold_seats(gold)) == placed
    # each on a gold panel of its own, several open on the same case at once
    assert (
        db.session.scalar(
            select(func.count(Panel.id)).where(
                Panel.case_id == gold.case_id,
                Panel.round == PanelRound.GOLD.value,
                Panel.status == PanelStatus.OPEN.value,
            )
        )
        == placed
    )


def test_a_real_draw_seats_gold_beside_real_seats_and_a_gold_draw_does_not(gold_rate):
    gold = gold_case_of()
    gold_rate(1.0)
    panel = make_panel()  # a fresh case's 17 seats, from a pool that includes gold's panel
    heard_gold = {
        seat.reviewer_id
        for seat in db.session.scalars(select(Seat).where(Seat.panel_id == gold.panel_id))
    }
    real = {seat.reviewer_id for seat in panel.seat_rows}
    golden = {seat.reviewer_id for seat in gold_seats(gold)}
    assert golden == real - heard_gold  # everyone drawn who may sit on the gold case
    assert all(len(seat.panel.seat_rows) == 1 for seat in gold_seats(gold))


def test_a_gold_panel_copies_the_panel_that_heard_the_case():
    gold = gold_case_of()
    clock.freeze(clock.now())
    seat = seated_on_gold(gold)
    heard, panel = gold.panel, seat.panel
    assert panel.round == PanelRound.GOLD.value
    for name in ("seats", "majority", "options", "question", "summary"):
        assert getattr(panel, name) == getattr(heard, name)
    config = current_app.config
    assert panel.deadline_at == clock.now() + config["PANEL_DEADLINE"]
    assert seat.vote_due_at == clock.now() + config["SEAT_VOTE_WINDOW"]
    assert seat.remind_at is not None
    assert db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.idempotency_key.like(f"seat-{seat.id}:%"))
    )


# Who may sit on a gold case


def test_no_party_trader_mediator_or_earlier_reviewer_is_seated_on_a_gold_case():
    gold = gold_case_of()
    case = gold.panel.case
    stranger = make_pool(1)[0]
    assert [g.id for g in eligible_gold_cases(stranger.id)] == [gold.id]
    buyer_trader, seller_trader = make_pool(2)
    make_order(buyer=buyer_trader, seller=case.seller)
    make_order(buyer=case.buyer, seller=seller_trader)
    sat_before = db.session.scalar(select(Seat.reviewer_id).where(Seat.panel_id == gold.panel_id))
    excluded = [case.buyer_id, case.seller_id, case.mediator_id, buyer_trader.id, seller_trader.id]
    for user_id in [*excluded, sat_before]:
        assert eligible_gold_cases(user_id) == [], user_id
    seated_on_gold(gold, stranger)
    assert eligible_gold_cases(stranger.id) == []  # never the same gold case twice
    assert place_gold_seat(stranger.id, random.Random(2)) is None


def test_a_retired_gold_case_is_seated_no_more():
    gold = gold_case_of()
    stranger = make_pool(1)[0]
    gold.retired_at = clock.now()
    db.session.flush()
    assert eligible_gold_cases(stranger.id) == []


# Looking like any other seat


def _structure(html: str) -> list[str]:
    """The page's elements — tag, id, class — and headings, without what is case-specific:
    numbers, and the texts the parties and the mediator wrote."""
    main = html[html.index("<main") : html.index("</main>")]
    tags = re.findall(r"<(\w+)((?:\s+(?:id|class)=\"[^\"]*\")*)[^>]*>", main)
    shape = [re.sub(r"\d+", "N", f"{tag}{attributes}") for tag, attributes in tags]
    headings = [
        re.sub(r"\d+", "N", text) for text in re.findall(r"<h[1-4][^>]*>([^<]*)</h[1-4]>", main)
    ]
    return shape + headings


def test_a_gold_seat_page_and_list_entry_look_like_a_real_ones(client, gold_rate):
    gold = gold_case_of()
    gold_rate(0.0)
    real_panel = make_panel()
    reviewer = next(
        seat.reviewer for seat in real_panel.seat_rows if eligible_gold_cases(seat.reviewer_id)
    )
    real_seat = next(seat for seat in real_panel.seat_rows if seat.reviewer_id == reviewer.id)
    gold_seat = seated_on_gold(gold, reviewer)
    login(client, reviewer)
    real_page = page(client, f"/review/seats/{real_seat.id}")
    gold_page = page(client, f"/review/seats/{gold_seat.id}")
    assert "gold" not in gold_page.lower()
    assert len(_structure(real_page)) > 60
    assert _structure(gold_page) == _structure(real_page)
    seats_page = page(client, "/review/seats")
    rows = re.findall(r"<tr>.*?</tr>", seats_page, flags=re.S)
    entries = [re.sub(r"\d+", "N", row) for row in rows if "/review/seats/" in row]
    assert len(entries) == 2 and entries[0] == entries[1]
    assert "gold" not in page(client, "/review/").lower()


# Grading


def test_a_vote_on_a_gold_seat_is_graded_once_into_the_gold_answers():
    gold = gold_case_of(FOR_SELLER)
    right, wrong = seated_on_gold(gold), seated_on_gold(gold)
    vote(right, FOR_SELLER)
    vote(wrong, FOR_BUYER)
    assert grade_gold_seats() == 2
    assert grade_gold_seats() == 0
    answers = {answer.user_id: answer for answer in db.session.scalars(select(PracticeAnswer))}
    for seat, correct in ((right, True), (wrong, False)):
        answer = answers[seat.reviewer_id]
        assert (answer.practice_key, answer.correct) == (gold.key, correct)
        assert (answer.truth_side, answer.category) == ("seller", gold.category)
        db.session.refresh(seat.panel)
        assert seat.panel.status == PanelStatus.DECIDED.value
        tally = db.session.scalar(select(Tally).where(Tally.panel_id == seat.panel_id))
        heard = db.session.scalar(select(Tally).where(Tally.panel_id == gold.panel_id))
        assert (tally.verdict, tally.counts) == (FOR_SELLER, heard.counts)


def test_an_open_gold_seat_waits_and_an_overdue_one_is_a_no_show():
    gold = gold_case_of()
    seat = seated_on_gold(gold)
    assert grade_gold_seats() == 0
    clock.advance(current_app.config["SEAT_VOTE_WINDOW"] + timedelta(minutes=1))
    assert grade_gold_seats() == 1
    db.session.refresh(seat)
    assert seat.status == SeatStatus.REPLACED.value
    assert seat.panel.status == PanelStatus.RETURNED.value
    assert db.session.get(Reviewer, seat.reviewer_id).no_shows == 1
    assert db.session.scalar(select(func.count(PracticeAnswer.id))) == 0
    assert db.session.scalar(select(func.count(Seat.id)).where(Seat.panel_id == seat.panel_id)) == 1


def test_a_recused_gold_seat_closes_without_penalty():
    gold = gold_case_of()
    seat = seated_on_gold(gold)
    recuse(seat, seat.reviewer)
    assert grade_gold_seats() == 1
    db.session.refresh(seat)
    assert seat.panel.status == PanelStatus.RETURNED.value
    assert db.session.get(Reviewer, seat.reviewer_id).no_shows == 0


@pytest.mark.committing
def test_two_sweeps_at_once_grade_a_gold_seat_once(app):
    gold = gold_case_of()
    seat = seated_on_gold(gold)
    vote(seat, FOR_SELLER)
    db.session.commit()
    outcomes = run_at_once(app, lambda _n: grade_gold_seats(), 2)
    assert errors_in(outcomes) == []
    assert sorted(outcomes) == [0, 1]
    assert db.session.scalar(select(func.count(PracticeAnswer.id))) == 1
    assert (
        db.session.scalar(select(func.count(Tally.id)).where(Tally.panel_id == seat.panel_id)) == 1
    )


# Never the case's


def test_the_counting_sweep_leaves_gold_panels_alone():
    gold = gold_case_of()
    seat = seated_on_gold(gold)
    clock.advance(current_app.config["PANEL_DEADLINE"] + timedelta(minutes=1))
    assert count_due_panels() == 0
    db.session.refresh(seat)
    assert seat.status == SeatStatus.OPEN.value
    assert seat.panel.status == PanelStatus.OPEN.value


def test_gold_panels_never_show_on_the_case_or_in_the_figures(client):
    gold = gold_case_of()
    case = gold.panel.case
    seat = seated_on_gold(gold)
    vote(seat, FOR_BUYER)
    grade_gold_seats()
    refresh_case_facts()
    assert decided_panel(case).id == gold.panel_id
    for person in (case.buyer, case.seller, case.mediator):
        outcomes = panel_outcomes(case, person)
        assert [outcome.round for outcome in outcomes] == [PanelRound.FIRST.value]
    every_day = Scope(date(2000, 1, 1), date(2100, 1, 1))
    assert votes_used(every_day).panels == 1
    assert {rule: figures.decided for rule, figures in by_rule(every_day).items()} == {
        PanelRule.MAJORITY.value: 1
    }
    login(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    assert html.count('class="panel-outcome"') == 1
    assert "gold" not in html.lower()
