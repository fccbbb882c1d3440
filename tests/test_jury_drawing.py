"""Drawing reviewers onto panels: who is in the pool, the balanced draw, how it is recorded."""

from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth.models import Role
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.draw_log import reviewer_token
from app.jury.draw_rules import Entrant, draw, recompute
from app.jury.draw_rules import drawable as drawable_by_rule
from app.jury.drawing import PoolTooSmall, draw_replacements, open_panel, reviewer_pool
from app.jury.models import Panel, PanelDraw, PanelRound, Reviewer, Seat, SeatStatus
from app.orders.models import OrderStatus
from tests.helpers.counts import table_count
from tests.helpers.factories import make_case_row, make_order, make_user

SEED = bytes(range(32))
LEANINGS = ("seller", "buyer", "balanced")


# Building rows ------------------------------------------------------------------------------


def _user(**kwargs):
    return make_user(age=timedelta(days=200), password=None, **kwargs)


def _reviewer(status: str = "active", **kwargs):
    user = _user(**kwargs)
    db.session.add(Reviewer(user_id=user.id, status=status))
    db.session.flush()
    return user


def _trade(
    buyer,
    seller,
    count: int = 1,
    category: str = "electronics",
    status: OrderStatus = OrderStatus.COMPLETED,
):
    for _ in range(count):
        make_order(buyer, seller, status=status, category=category)


@pytest.fixture
def case():
    buyer, seller = _user(), _user(shop_name="Shop")
    mediator = _user(roles=(Role.MEDIATOR,))
    order = make_order(buyer, seller, category="electronics")
    return make_case_row(order, state="panel", mediator_id=mediator.id)


@pytest.fixture
def small_panels(app, monkeypatch):
    monkeypatch.setitem(app.config, "PANEL_SEATS", 5)
    monkeypatch.setitem(app.config, "PANEL_MAJORITY", 3)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_SEATS", 7)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_MAJORITY", 4)


def _panel_on_other_case(status: str = "open") -> Panel:
    other = make_case_row(make_order(), state="panel")
    return _panel(other, status=status)


def _panel(case, round: str = "first", status: str = "open") -> Panel:
    panel = Panel(
        case_id=case.id,
        round=round,
        status=status,
        seats=5,
        majority=3,
        options=["Grant", "Reject"],
        question="Q?",
        summary="S.",
        seed="00" * 32,
        pool=[],
        deadline_at=clock.now() + timedelta(hours=72),
    )
    db.session.add(panel)
    db.session.flush()
    return panel


def _sit(user, panel, status: str = "open") -> Seat:
    seat = Seat(
        panel_id=panel.id,
        reviewer_id=user.id,
        status=status,
        vote_due_at=clock.now() + timedelta(hours=24),
    )
    db.session.add(seat)
    db.session.flush()
    return seat


def _pool_ids(case, **kwargs) -> list[int]:
    return [member.user_id for member in reviewer_pool(case, **kwargs)]


# The pool ---------------------------------------------------------------------------------


def test_pool_holds_active_reviewers_of_active_accounts_sorted_by_id(case):
    first, second = _reviewer(), _reviewer()
    _reviewer(status="practising")
    _reviewer(status="suspended")
    disabled = _reviewer()
    disabled.disabled_at = clock.now()
    _user()  # not a reviewer at all

    assert _pool_ids(case) == sorted([first.id, second.id])


def test_pool_leaves_out_the_parties(case):
    for party in (case.buyer, case.seller):
        db.session.add(Reviewer(user_id=party.id, status="active"))
    kept = _reviewer()

    assert _pool_ids(case) == [kept.id]


def test_pool_leaves_out_anyone_who_traded_with_a_party(case):
    bought_from_seller, sold_to_buyer, sold_to_seller = _reviewer(), _reviewer(), _reviewer()
    _trade(bought_from_seller, case.seller, status=OrderStatus.CANCELLED)
    _trade(case.buyer, sold_to_buyer)
    _trade(case.seller, sold_to_seller)
    trades_elsewhere = _reviewer()
    _trade(trades_elsewhere, _user())

    assert _pool_ids(case) == [trades_elsewhere.id]


def test_pool_leaves_out_the_cases_mediator(case):
    db.session.add(Reviewer(user_id=case.mediator_id, status="active"))
    kept = _reviewer()

    assert _pool_ids(case) == [kept.id]


def test_pool_leaves_out_reviewers_holding_three_open_seats(case):
    busy, two_open, one_voted, one_closed = _reviewer(), _reviewer(), _reviewer(), _reviewer()
    panels = [_panel_on_other_case() for _ in range(3)]
    for panel in panels:
        _sit(busy, panel)
    for panel in panels[:2]:
        _sit(two_open, panel)
        _sit(one_voted, panel)
        _sit(one_closed, panel)
    _sit(one_voted, panels[2], status="voted")
    _sit(one_closed, _panel_on_other_case(status="decided"))

    assert _pool_ids(case) == sorted([two_open.id, one_voted.id, one_closed.id])


def test_pool_leaves_out_who_recused_on_or_sat_on_a_panel_of_the_case(case):
    recused, voted, replaced, fresh = _reviewer(), _reviewer(), _reviewer(), _reviewer()
    first = _panel(case, status="decided")
    _sit(recused, first, status="recused")
    _sit(voted, first, status="voted")
    _sit(replaced, first, status="replaced")

    assert _pool_ids(case) == [fresh.id]


def test_pool_leaves_out_the_ids_asked_for(case):
    left_out, kept = _reviewer(), _reviewer()

    assert _pool_ids(case, exclude_user_ids=[left_out.id]) == [kept.id]


def test_leaning_counts_orders_sold_against_orders_bought(case):
    seller, buyer, even, newcomer = _reviewer(), _reviewer(), _reviewer(), _reviewer()
    other = _user()
    _trade(other, seller, count=2)
    _trade(seller, other, status=OrderStatus.REFUNDED)
    _trade(buyer, other, count=2)
    _trade(other, buyer)
    _trade(even, other)
    _trade(other, even, status=OrderStatus.CANCELLED)

    leanings = {member.user_id: member.leaning for member in reviewer_pool(case)}

    assert leanings == {
        seller.id: "seller",
        buyer.id: "buyer",
        even.id: "balanced",
        newcomer.id: "balanced",
    }


def test_experts_have_three_orders_in_the_cases_categories(case):
    expert, two_orders, other_category, mixed = _reviewer(), _reviewer(), _reviewer(), _reviewer()
    other = _user()
    _trade(expert, other, count=2)
    _trade(other, expert)
    _trade(two_orders, other, count=2)
    _trade(other_category, other, count=5, category="books")
    _trade(mixed, other, count=2)
    _trade(mixed, other, category="books")

    experts = {member.user_id for member in reviewer_pool(case) if member.expert}

    assert experts == {expert.id}


# The draw ---------------------------------------------------------------------------------


def _pool(sellers: int = 0, buyers: int = 0, balanced: int = 0, experts=()) -> list[Entrant]:
    leanings = ["seller"] * sellers + ["buyer"] * buyers + ["balanced"] * balanced
    return [
        Entrant(token=_token(n), leaning=leaning, expert=n in experts)
        for n, leaning in enumerate(leanings, start=1)
    ]


def _token(n: int) -> str:
    return f"token-{n}"


def _leanings(pool, drawn) -> Counter:
    by_token = {member.token: member for member in pool}
    return Counter(by_token[token].leaning for token in drawn)


def test_no_more_than_half_the_seats_go_to_sellers_or_to_buyers():
    pool = _pool(sellers=30, buyers=30, balanced=30)

    for n in range(20):
        drawn = draw(pool, 17, n.to_bytes(4, "big"), cap=8)
        counts = _leanings(pool, drawn)
        assert len(drawn) == 17
        assert counts["seller"] <= 8
        assert counts["buyer"] <= 8


def test_a_pool_of_sellers_fills_only_half_the_seats():
    pool = _pool(sellers=40, balanced=3)

    drawn = draw(pool, 17, SEED, cap=8)

    assert _leanings(pool, drawn) == Counter(seller=8, balanced=3)


def test_experts_are_drawn_first():
    pool = _pool(sellers=10, buyers=10, balanced=20, experts={1, 2, 11, 21, 22})

    drawn = draw(pool, 7, SEED, cap=3)

    assert set(drawn[:5]) == {_token(n) for n in (1, 2, 11, 21, 22)}
    assert len(drawn) == 7


def test_the_same_seed_gives_the_same_draw_and_another_seed_another():
    pool = _pool(sellers=15, buyers=15, balanced=15)

    assert draw(pool, 17, SEED, cap=8) == draw(list(reversed(pool)), 17, SEED, cap=8)
    assert draw(pool, 17, SEED, cap=8) != draw(pool, 17, bytes(32), cap=8)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    members=st.lists(st.tuples(st.sampled_from(LEANINGS), st.booleans()), max_size=80),
    seats=st.integers(min_value=1, max_value=35),
    seed=st.binary(max_size=32),
)
def test_any_draw_is_balanced_deterministic_and_as_full_as_the_pool_allows(members, seats, seed):
    pool = [
        Entrant(token=_token(1000 + 7 * n), leaning=leaning, expert=expert)
        for n, (leaning, expert) in enumerate(members)
    ]
    drawn = draw(pool, seats, seed, cap=seats // 2)

    assert len(drawn) == len(set(drawn))
    assert set(drawn) <= {member.token for member in pool}
    counts = _leanings(pool, drawn)
    assert counts["seller"] <= seats // 2
    assert counts["buyer"] <= seats // 2
    available = Counter(member.leaning for member in pool)
    drawable = (
        available["balanced"]
        + min(available["seller"], seats // 2)
        + min(available["buyer"], seats // 2)
    )
    assert len(drawn) == min(seats, drawable)
    assert drawable == drawable_by_rule((m.leaning for m in pool), seats // 2, {})
    assert draw(pool, seats, seed, cap=seats // 2) == drawn
    # experts first: no non-expert is drawn while a drawable expert is left out
    by_token = {member.token: member for member in pool}
    left_out_experts = [
        m for m in pool if m.expert and m.token not in drawn and m.leaning == "balanced"
    ]
    if left_out_experts:
        assert all(by_token[token].expert for token in drawn)


# Panels -----------------------------------------------------------------------------------


def test_open_panel_seats_the_draw_and_records_how_to_recompute_it(case, small_panels):
    reviewers = [_reviewer() for _ in range(8)]
    clock.freeze(clock.now())

    panel = open_panel(case, PanelRound.FIRST, "Summary.", "Who is right?", ["Grant", "Reject"])

    assert (panel.seats, panel.majority, panel.status, panel.round) == (5, 3, "open", "first")
    assert panel.deadline_at == clock.now() + timedelta(hours=72)
    assert len(bytes.fromhex(panel.seed)) == 32
    seats = db.session.query(Seat).filter_by(panel_id=panel.id).order_by(Seat.id).all()
    assert len(seats) == 5
    assert {seat.status for seat in seats} == {"open"}
    assert {seat.vote_due_at for seat in seats} == {clock.now() + timedelta(hours=24)}
    (record,) = db.session.query(PanelDraw).filter_by(panel_id=panel.id).all()
    assert (record.number, record.kind, record.algorithm) == (0, "first", 2)
    assert {seat.draw_id for seat in seats} == {record.id}
    tokens = {reviewer_token(panel.id, r.id): r.id for r in reviewers}
    assert record.snapshot["pool"] == sorted([token, "balanced", False] for token in tokens)
    recomputed = recompute(record.snapshot, bytes.fromhex(panel.seed))
    assert [tokens[token] for token in recomputed] == [seat.reviewer_id for seat in seats]
    event = db.session.query(AuditEvent).filter_by(action="panel.drawn").one()
    assert event.after == {"panel_id": panel.id, "seats": 5}
    assert case.state == "panel"


def test_an_appeal_panel_is_larger_and_leaves_out_the_first_panels_reviewers(case, small_panels):
    for _ in range(13):
        _reviewer()
    first = open_panel(case, PanelRound.FIRST, "Summary.", "Who?", ["Grant", "Reject"])
    first_reviewers = {seat.reviewer_id for seat in first.seat_rows}
    first.status = "decided"  # the first panel has given its verdict
    db.session.flush()

    appeal = open_panel(case, PanelRound.APPEAL, "Summary.", "Who?", ["Grant", "Reject"])

    assert (appeal.seats, appeal.majority) == (7, 4)
    appeal_reviewers = {seat.reviewer_id for seat in appeal.seat_rows}
    assert len(appeal_reviewers) == 7
    assert not appeal_reviewers & first_reviewers


def test_a_pool_too_small_writes_nothing(case, small_panels):
    for _ in range(2):
        _reviewer()
    sellers = [_reviewer() for _ in range(5)]
    other = _user()
    for seller in sellers:
        _trade(other, seller)
    before = (table_count(Panel), table_count(Seat), table_count(AuditEvent))

    with pytest.raises(PoolTooSmall) as refused:
        open_panel(case, PanelRound.FIRST, "Summary.", "Who?", ["Grant", "Reject"])

    # two balanced reviewers and at most 5 // 2 sellers
    assert (refused.value.needed, refused.value.available) == (5, 4)
    assert "5 seats" in str(refused.value)
    assert (table_count(Panel), table_count(Seat), table_count(AuditEvent)) == before
    assert case.state == "panel"


def test_replacements_avoid_everyone_seated_and_keep_the_balance(case, small_panels):
    other = _user()
    sellers = [_reviewer() for _ in range(6)]
    for seller in sellers:
        _trade(other, seller)
    for _ in range(6):
        _reviewer()
    panel = open_panel(case, PanelRound.FIRST, "Summary.", "Who?", ["Grant", "Reject"])
    recused = panel.seat_rows[0]
    recused.status = SeatStatus.RECUSED.value
    seated = {seat.reviewer_id for seat in panel.seat_rows}
    held_sellers = sum(seat.reviewer_id in {s.id for s in sellers} for seat in panel.seat_rows[1:])

    replacements = draw_replacements(panel, 1)

    assert len(replacements) == 1
    assert replacements[0].reviewer_id not in seated
    assert replacements[0].status == "open"
    sellers_now = held_sellers + (replacements[0].reviewer_id in {s.id for s in sellers})
    assert sellers_now <= panel.seats // 2
    record = db.session.get(PanelDraw, replacements[0].draw_id)
    assert (record.number, record.kind, record.snapshot["seats"]) == (1, "replacement", 1)
    assert record.snapshot["held"] == {"buyer": 0, "seller": held_sellers}
    token = reviewer_token(panel.id, replacements[0].reviewer_id)
    assert recompute(record.snapshot, bytes.fromhex(panel.seed)) == [token]


def test_replacements_are_fewer_when_the_pool_runs_dry(case, small_panels):
    for _ in range(6):
        _reviewer()
    panel = open_panel(case, PanelRound.FIRST, "Summary.", "Who?", ["Grant", "Reject"])

    assert len(draw_replacements(panel, 3)) == 1


def test_replacements_count_only_the_seats_still_held_towards_the_balance(case):
    other = _user()
    sellers = [_reviewer() for _ in range(5)]
    for seller in sellers:
        _trade(other, seller)
    balanced = _reviewer()
    panel = _panel(case)  # 5 seats: at most 2 from sellers
    _sit(sellers[0], panel, status="voted")
    _sit(sellers[1], panel, status="recused")
    _sit(sellers[2], panel, status="replaced")

    drawn = {seat.reviewer_id for seat in draw_replacements(panel, 3)}

    assert len(drawn) == 2
    assert balanced.id in drawn
    assert drawn - {balanced.id} <= {sellers[3].id, sellers[4].id}
