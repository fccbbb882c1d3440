"""An admin records a seller's deposit pay-in on the account's page: an amount in yuan typed
as text (full-width digits too), refused beside the field when it is not an amount, with the
seller's ledger shown."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.ledger import deposit_balance, pay_in
from app.execution.models import DepositEntry
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.obligations import missed_obligation
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


@pytest.fixture
def admin(client, csrf_enabled):
    user = make_user(roles=(Role.ADMIN,))
    login_with_token(client, user)
    return user


def pay(client, seller, amount: str, reason: str = "Bank transfer 20260610-0042"):
    html = page(client, f"/admin/users/{seller.id}")
    return client.post(
        f"/admin/users/{seller.id}/deposit",
        data={"amount": amount, "reason": reason, "csrf_token": csrf_token_from(html)},
    )


def test_the_seller_s_page_shows_the_ledger_newest_first(client, admin):
    seller = make_user(shop_name="Earbud Shop")
    pay_in(seller, 100000, "Deposit on joining")
    clock.advance(timedelta(hours=1))
    enforce_missed_obligation(missed_obligation(seller=seller))

    html = page(client, f"/admin/users/{seller.id}")

    ledger = html.split('id="deposit"', 1)[1]
    assert "¥801.00" in ledger  # 1,000.00 paid in, 199.00 deducted
    assert ledger.index("-¥199.00") < ledger.index("¥1,000.00")
    assert "Deposit on joining" in ledger


@pytest.mark.parametrize(
    ("typed", "fen"), [("5000", 500000), ("1234.50", 123450), ("１２３４．５０", 123450)]
)
def test_a_pay_in_is_recorded_in_fen_and_audited(client, admin, typed, fen):
    seller = make_user(shop_name="Earbud Shop")

    response = pay(client, seller, typed)

    assert response.status_code == 302 and response.location.endswith("#deposit")
    assert deposit_balance(seller) == fen
    entry = db.session.scalar(select(DepositEntry).where(DepositEntry.seller_id == seller.id))
    assert entry.reason == "Bank transfer 20260610-0042"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deposit.paid_in"))
    assert (event.actor_id, event.subject_id) == (admin.id, str(entry.id))
    assert event.after["amount_fen"] == fen
    assert "is recorded" in page(client, response.location)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount in yuan"),
        ("-50", "cannot be negative"),
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("12.345", "two decimal places"),
        ("12,50", "Enter an amount in yuan"),
        ("1e5", "Enter an amount in yuan"),
        ("五百", "Enter an amount in yuan"),
        ("1000000.01", "One pay-in is at most ¥1,000,000.00."),
        ("99999999999999999", "too large"),
    ],
)
def test_nonsense_amounts_are_refused_beside_the_field(client, admin, typed, message):
    seller = make_user(shop_name="Earbud Shop")

    response = pay(client, seller, typed)

    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), "amount")
    assert table_count(DepositEntry) == 0


def test_a_pay_in_needs_a_one_line_reason(client, admin):
    seller = make_user(shop_name="Earbud Shop")
    response = pay(client, seller, "100", "  ")
    assert "Say what this payment is." in field_error(response.get_data(as_text=True), "reason")
    assert table_count(DepositEntry) == 0


def test_an_account_that_does_not_sell_has_no_deposit_section(client, admin):
    buyer = make_user()
    assert 'id="deposit"' not in page(client, f"/admin/users/{buyer.id}")
