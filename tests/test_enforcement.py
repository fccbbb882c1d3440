"""A seller's missed obligation: a deposit deduction and a selling restriction, once."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.ledger import active_restrictions, deposit_balance
from app.execution.models import DepositEntry, Obligation, SellingRestriction
from app.notifications.outbox import OutboxMessage
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.obligations import missed_obligation

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


def messages_about(obligation: Obligation) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(f"enforced:{obligation.id}:"))
            .order_by(OutboxMessage.idempotency_key)
        )
    )


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


@pytest.mark.parametrize("kind", ["refund", "compensation"])
def test_a_missed_payment_deducts_its_amount_and_restricts_the_shop(kind):
    obligation = missed_obligation(kind, 19900)
    seller = obligation.case.seller

    assert enforce_missed_obligation(obligation) is True

    entry = db.session.scalar(select(DepositEntry))
    assert (entry.seller_id, entry.amount_fen, entry.obligation_id) == (
        seller.id,
        -19900,
        obligation.id,
    )
    assert deposit_balance(seller) == -19900
    [restriction] = active_restrictions(seller)
    assert restriction.case_id == obligation.case_id
    assert restriction.obligation_id == obligation.id
    assert restriction.created_at == NOW
    assert f"case #{obligation.case_id}" in restriction.reason


def test_a_missed_replacement_costs_the_fixed_penalty_and_restricts(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENFORCEMENT_PENALTY_FEN", 3300)
    obligation = missed_obligation("replacement_shipment", None)
    seller = obligation.case.seller

    assert enforce_missed_obligation(obligation) is True

    assert deposit_balance(seller) == -3300
    assert [r.obligation_id for r in active_restrictions(seller)] == [obligation.id]


def test_the_penalty_is_fifty_yuan_by_default(app):
    assert app.config["ENFORCEMENT_PENALTY_FEN"] == 5000
    obligation = missed_obligation("replacement_shipment", None)

    enforce_missed_obligation(obligation)

    assert deposit_balance(obligation.case.seller) == -5000


def test_enforcement_is_audited_and_both_parties_are_told():
    obligation = missed_obligation("refund", 19900)
    case = obligation.case

    enforce_missed_obligation(obligation)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "obligation.enforced"))
    assert event.subject_type == "obligations" and event.subject_id == str(obligation.id)
    assert event.actor_id is None and event.after["amount_fen"] == -19900
    messages = messages_about(obligation)
    assert {(m.recipient_id, m.channel) for m in messages} == {
        (case.buyer_id, "inbox"),
        (case.buyer_id, "email"),
        (case.seller_id, "inbox"),
        (case.seller_id, "email"),
    }
    to_seller = next(m for m in messages if m.recipient_id == case.seller_id)
    assert "¥199.00" in to_seller.body and "restricted" in to_seller.body
    assert to_seller.link == f"/cases/{case.id}"
    to_buyer = next(m for m in messages if m.recipient_id == case.buyer_id)
    assert "the seller's deposit" in to_buyer.body
    # neither message names the other side
    assert case.buyer.display_name not in to_seller.body
    assert case.seller.display_name not in to_buyer.body


def test_enforcing_twice_deducts_once():
    obligation = missed_obligation("refund", 19900)
    seller = obligation.case.seller

    assert enforce_missed_obligation(obligation) is True
    assert enforce_missed_obligation(obligation) is False

    assert deposit_balance(seller) == -19900
    assert table_count(DepositEntry) == 1
    assert table_count(SellingRestriction) == 1
    assert len(messages_about(obligation)) == 4
    enforced = select(func.count()).where(AuditEvent.action == "obligation.enforced")
    assert db.session.scalar(enforced) == 1


def test_a_second_sweep_after_commit_enforces_nothing():
    obligation = missed_obligation("compensation", 800)
    enforce_missed_obligation(obligation)
    db.session.commit()
    db.session.expire_all()

    again = db.session.get(Obligation, obligation.id)
    assert enforce_missed_obligation(again) is False
    assert deposit_balance(again.case.seller) == -800


def test_a_lifted_restriction_does_not_let_the_obligation_be_enforced_again():
    obligation = missed_obligation("refund", 500)
    enforce_missed_obligation(obligation)
    db.session.scalar(select(SellingRestriction)).lifted_at = clock.now()

    assert enforce_missed_obligation(obligation) is False
    assert table_count(SellingRestriction) == 1


def test_the_status_is_read_from_the_database_after_a_compare_and_set():
    obligation = missed_obligation("refund", 19900, status="open")
    # the deadline sweep's compare-and-set, which leaves the object in the session stale
    db.session.execute(
        update(Obligation)
        .where(Obligation.id == obligation.id, Obligation.status == "open")
        .values(status="missed")
        .execution_options(synchronize_session=False)
    )

    assert enforce_missed_obligation(obligation) is True


@pytest.mark.parametrize("status", ["open", "done", "disputed", "waiting", "cancelled"])
def test_an_obligation_that_is_not_missed_is_never_enforced(status):
    obligation = missed_obligation("refund", 19900, status=status)

    with pytest.raises(ValueError, match="not missed"):
        enforce_missed_obligation(obligation)

    assert table_count(DepositEntry) == 0
    assert table_count(SellingRestriction) == 0


def test_a_buyers_missed_return_is_not_enforced_on_anyone():
    obligation = missed_obligation("return_shipment", None, debtor="buyer")

    assert enforce_missed_obligation(obligation) is False

    assert table_count(DepositEntry) == 0
    assert table_count(SellingRestriction) == 0
    assert messages_about(obligation) == []


def test_each_missed_obligation_is_enforced_on_its_own():
    seller = make_user(shop_name="Busy Shop")
    first = missed_obligation("refund", 1000, seller=seller)
    second = missed_obligation("replacement_shipment", None, seller=seller)

    assert enforce_missed_obligation(first) is True
    assert enforce_missed_obligation(second) is True

    assert deposit_balance(seller) == -1000 - 5000
    assert len(active_restrictions(seller)) == 2


@pytest.mark.committing
def test_enforcements_racing_on_one_obligation_deduct_once(app):
    obligation_id = missed_obligation("refund", 19900).id
    seller_id = db.session.get(Obligation, obligation_id).case.seller_id
    db.session.commit()
    db.session.remove()  # hold no transaction while the threads run

    outcomes = run_at_once(
        app, lambda _n: enforce_missed_obligation(db.session.get(Obligation, obligation_id)), 8
    )

    assert errors_in(outcomes) == []
    assert sorted(outcomes) == [False] * 7 + [True]
    entries = db.session.scalars(select(DepositEntry)).all()
    assert [(e.seller_id, e.amount_fen, e.obligation_id) for e in entries] == [
        (seller_id, -19900, obligation_id)
    ]
    assert table_count(SellingRestriction) == 1
    enforced = select(func.count()).where(AuditEvent.action == "obligation.enforced")
    assert db.session.scalar(enforced) == 1
    keys = db.session.scalars(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.like("enforced:%")
        )
    ).all()
    assert len(keys) == len(set(keys)) == 4
