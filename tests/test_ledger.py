"""The deposit ledger, selling restrictions and the list of penalised shops."""

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.ledger import (
    LedgerRefused,
    PenalisedShop,
    Penalty,
    active_restrictions,
    deposit_balance,
    lift_restriction,
    pay_in,
    penalised_shops,
)
from app.execution.models import DepositEntry, Obligation, SellingRestriction
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.obligations import missed_obligation

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
LIFTED = "The seller settled it"


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


def deduct(seller, amount_fen: int) -> None:
    """A deduction as enforcement writes it, without an obligation behind it."""
    db.session.add(DepositEntry(seller_id=seller.id, amount_fen=-amount_fen, reason="Deduction"))


def test_a_seller_without_entries_has_a_zero_balance():
    assert deposit_balance(make_user()) == 0


@pytest.mark.parametrize("seed", range(5))
def test_the_balance_is_always_the_sum_of_the_entries(seed):
    rng = random.Random(seed)
    seller, other = make_user(), make_user()
    pay_in(other, 1_000_000, "Another seller's deposit")
    expected = 0
    for _ in range(rng.randint(1, 40)):
        amount = rng.randint(1, 500_000)
        if rng.random() < 0.5:
            pay_in(seller, amount, "Deposit top-up")
            expected += amount
        else:
            deduct(seller, amount)
            expected -= amount
        assert deposit_balance(seller) == expected
    amounts = db.session.scalars(
        select(DepositEntry.amount_fen).where(DepositEntry.seller_id == seller.id)
    )
    assert sum(amounts) == expected
    assert deposit_balance(other) == 1_000_000


def test_the_balance_can_go_below_zero():
    seller = make_user()
    pay_in(seller, 2000, "Deposit")
    deduct(seller, 5000)
    assert deposit_balance(seller) == -3000


def test_a_payment_in_is_recorded_and_audited():
    seller = make_user()

    entry = pay_in(seller, 10000, "  Initial deposit ")

    db.session.flush()
    assert (entry.seller_id, entry.amount_fen, entry.reason) == (
        seller.id,
        10000,
        "Initial deposit",
    )
    assert entry.obligation_id is None and entry.created_at == NOW
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deposit.paid_in"))
    assert event.subject_id == str(entry.id) and event.actor_id is None
    assert event.after == {"seller_id": seller.id, "amount_fen": 10000, "reason": "Initial deposit"}


def test_a_payment_in_recorded_by_an_admin_names_them():
    admin = make_user()
    entry = pay_in(make_user(), 500, "Transfer 2026-06-10", recorded_by=admin)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deposit.paid_in"))
    assert (event.actor_id, event.subject_id) == (admin.id, str(entry.id))


@pytest.mark.parametrize("amount", [True, 12.5, "100"])
def test_a_payment_in_is_a_whole_number_of_fen(amount):
    with pytest.raises(TypeError, match="whole number"):
        pay_in(make_user(), amount, "Deposit")
    assert table_count(DepositEntry) == 0


@pytest.mark.parametrize("amount", [0, -1, -5000])
def test_a_payment_in_of_nothing_or_less_is_refused_beside_the_amount(amount):
    with pytest.raises(LedgerRefused, match="more than zero") as refused:
        pay_in(make_user(), amount, "Deposit")
    assert refused.value.field == "amount"
    assert table_count(DepositEntry) == 0


def test_a_payment_in_above_the_configured_most_is_refused(app):
    most = app.config["DEPOSIT_PAY_IN_MAX_FEN"]
    seller = make_user()
    assert pay_in(seller, most, "Largest deposit").amount_fen == most
    with pytest.raises(LedgerRefused, match="at most ¥1,000,000.00") as refused:
        pay_in(seller, most + 1, "Too large")
    assert refused.value.field == "amount"
    assert table_count(DepositEntry) == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201, "line\nbreak", "nul\x00"])
def test_a_payment_in_needs_a_one_line_reason(reason):
    with pytest.raises(LedgerRefused) as refused:
        pay_in(make_user(), 100, reason)
    assert refused.value.field == "reason"
    assert table_count(DepositEntry) == 0


def test_active_restrictions_are_the_sellers_own_not_lifted_oldest_first():
    seller = make_user(shop_name="Shop A")
    older = missed_obligation(seller=seller)
    enforce_missed_obligation(older)
    clock.advance(timedelta(hours=1))
    newer = missed_obligation(seller=seller)
    enforce_missed_obligation(newer)
    lifted = missed_obligation(seller=seller)
    enforce_missed_obligation(lifted)
    lift_restriction(_restriction_of(lifted), make_user(), LIFTED)
    enforce_missed_obligation(missed_obligation(shop_name="Someone else's shop"))

    assert [r.obligation_id for r in active_restrictions(seller)] == [older.id, newer.id]


def test_lifting_a_restriction_records_when_and_who_once():
    obligation = missed_obligation()
    enforce_missed_obligation(obligation)
    restriction = _restriction_of(obligation)
    admin = make_user()
    clock.advance(timedelta(days=2))

    assert lift_restriction(restriction, admin, "Refund paid on 2026-06-11") is True
    assert lift_restriction(restriction, admin, "Again") is False

    assert restriction.lifted_at == NOW + timedelta(days=2)
    assert active_restrictions(obligation.case.seller) == []
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "selling_restriction.lifted")
    ).all()
    assert [(e.actor_id, e.subject_id) for e in events] == [(admin.id, str(restriction.id))]
    assert events[0].after == {
        "lifted_at": (NOW + timedelta(days=2)).isoformat(),
        "seller_id": restriction.seller_id,
        "reason": "Refund paid on 2026-06-11",
    }


@pytest.mark.parametrize("reason", ["", "  ", "x" * 501])
def test_lifting_needs_a_reason(reason):
    obligation = missed_obligation()
    enforce_missed_obligation(obligation)
    restriction = _restriction_of(obligation)
    with pytest.raises(LedgerRefused) as refused:
        lift_restriction(restriction, make_user(), reason)
    assert refused.value.field == "reason"
    assert active_restrictions(obligation.case.seller) == [restriction]


def test_lifting_keeps_the_deduction():
    obligation = missed_obligation(amount_fen=700)
    enforce_missed_obligation(obligation)
    lift_restriction(_restriction_of(obligation), make_user(), LIFTED)
    assert deposit_balance(obligation.case.seller) == -700


def test_penalised_shops_lists_each_active_restriction_with_what_was_deducted(app):
    penalty_fen = app.config["ENFORCEMENT_PENALTY_FEN"]
    busy = make_user(shop_name="Busy Shop")
    first = missed_obligation(seller=busy)
    enforce_missed_obligation(first)
    clock.advance(timedelta(days=1))
    enforce_missed_obligation(missed_obligation("compensation", 3000, seller=busy))
    enforce_missed_obligation(missed_obligation("replacement_shipment", None, seller=busy))
    clock.advance(timedelta(days=1))
    recent = make_user(shop_name="Recent Shop")
    enforce_missed_obligation(missed_obligation(seller=recent))
    lifted = make_user(shop_name="Reformed Shop")
    reformed = missed_obligation(seller=lifted)
    enforce_missed_obligation(reformed)
    lift_restriction(_restriction_of(reformed), make_user(), LIFTED)
    make_user(shop_name="Honest Shop")

    day = timedelta(days=1)
    assert penalised_shops() == [
        PenalisedShop(
            "Recent Shop",
            NOW + 2 * day,
            active_restrictions=1,
            cases=1,
            penalties=(Penalty("refund", NOW + 2 * day, 19900),),
        ),
        PenalisedShop(
            "Busy Shop",
            NOW,
            active_restrictions=3,
            cases=3,
            penalties=(
                Penalty("refund", NOW, 19900),
                Penalty("compensation", NOW + day, 3000),
                Penalty("replacement_shipment", NOW + day, penalty_fen),
            ),
        ),
    ]


def test_two_obligations_of_one_case_count_one_case():
    obligation = missed_obligation("refund", 100)
    enforce_missed_obligation(obligation)
    second = Obligation(
        case=obligation.case,
        kind="replacement_shipment",
        debtor="seller",
        step=2,
        status="missed",
        due_at=clock.now() - timedelta(hours=1),
    )
    db.session.add(second)
    db.session.flush()
    enforce_missed_obligation(second)

    [shop] = penalised_shops()
    assert (shop.active_restrictions, shop.cases) == (2, 1)


def test_the_penalised_list_carries_no_personal_data():
    fields = {field.name for field in dataclasses.fields(PenalisedShop)}
    assert fields == {"shop_name", "restricted_since", "active_restrictions", "cases", "penalties"}
    penalty = {field.name for field in dataclasses.fields(Penalty)}
    assert penalty == {"missed", "restricted_at", "deducted_fen"}


def _restriction_of(obligation) -> SellingRestriction:
    return db.session.scalar(
        select(SellingRestriction).where(SellingRestriction.obligation_id == obligation.id)
    )
