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
    PenalisedShop,
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
    assert event.subject_id == str(entry.id) and event.after == {"amount_fen": 10000}


@pytest.mark.parametrize("amount", [0, -1, -5000, True, 12.5, "100"])
def test_a_payment_in_must_be_a_positive_whole_number_of_fen(amount):
    seller = make_user()
    with pytest.raises(ValueError, match="positive whole number"):
        pay_in(seller, amount, "Deposit")
    assert table_count(DepositEntry) == 0


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_payment_in_needs_a_reason(reason):
    with pytest.raises(ValueError, match="reason"):
        pay_in(make_user(), 100, reason)
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
    lift_restriction(_restriction_of(lifted), make_user())
    enforce_missed_obligation(missed_obligation(shop_name="Someone else's shop"))

    assert [r.obligation_id for r in active_restrictions(seller)] == [older.id, newer.id]


def test_lifting_a_restriction_records_when_and_who_once():
    obligation = missed_obligation()
    enforce_missed_obligation(obligation)
    restriction = _restriction_of(obligation)
    admin = make_user()
    clock.advance(timedelta(days=2))

    assert lift_restriction(restriction, admin) is True
    assert lift_restriction(restriction, admin) is False

    assert restriction.lifted_at == NOW + timedelta(days=2)
    assert active_restrictions(obligation.case.seller) == []
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "selling_restriction.lifted")
    ).all()
    assert [(e.actor_id, e.subject_id) for e in events] == [(admin.id, str(restriction.id))]


def test_lifting_keeps_the_deduction():
    obligation = missed_obligation(amount_fen=700)
    enforce_missed_obligation(obligation)
    lift_restriction(_restriction_of(obligation), make_user())
    assert deposit_balance(obligation.case.seller) == -700


def test_penalised_shops_counts_active_restrictions_and_their_cases():
    busy = make_user(shop_name="Busy Shop")
    first = missed_obligation(seller=busy)
    enforce_missed_obligation(first)
    clock.advance(timedelta(days=1))
    enforce_missed_obligation(missed_obligation(seller=busy))
    enforce_missed_obligation(missed_obligation(seller=busy))
    clock.advance(timedelta(days=1))
    recent = make_user(shop_name="Recent Shop")
    enforce_missed_obligation(missed_obligation(seller=recent))
    lifted = make_user(shop_name="Reformed Shop")
    reformed = missed_obligation(seller=lifted)
    enforce_missed_obligation(reformed)
    lift_restriction(_restriction_of(reformed), make_user())
    make_user(shop_name="Honest Shop")

    assert penalised_shops() == [
        PenalisedShop("Recent Shop", NOW + timedelta(days=2), active_restrictions=1, cases=1),
        PenalisedShop("Busy Shop", NOW, active_restrictions=3, cases=3),
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
    assert fields == {"shop_name", "restricted_since", "active_restrictions", "cases"}


def _restriction_of(obligation) -> SellingRestriction:
    return db.session.scalar(
        select(SellingRestriction).where(SellingRestriction.obligation_id == obligation.id)
    )
