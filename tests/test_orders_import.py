"""Importing orders: checking records, all-or-nothing batches, idempotence, races, the CLI."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.orders import importing
from app.orders.importing import OrderRecordError, import_orders
from app.orders.models import Order, OrderItem
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.orders import good_record


def stored_order(marketplace_order_id: str = "TB2026010500001") -> Order | None:
    return db.session.scalar(
        select(Order).where(Order.marketplace_order_id == marketplace_order_id)
    )


def problems_of(records: list) -> list[tuple[int, str | None, str | None]]:
    with pytest.raises(OrderRecordError) as caught:
        import_orders(records)
    return [(p.record, p.marketplace_order_id, p.field) for p in caught.value.errors]


def test_a_good_record_creates_the_order_its_items_and_unclaimed_accounts():
    result = import_orders([good_record()])

    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert result.created_ids == ["TB2026010500001"]
    order = stored_order()
    assert order.amount_fen == 19599 and order.currency == "CNY" and order.status == "shipped"
    assert order.placed_at == datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # +08:00 → UTC
    assert order.shipped_at == datetime(2026, 1, 6, 1, 30, tzinfo=UTC)
    assert order.delivered_at is None
    assert [(i.position, i.title, i.quantity, i.unit_price_fen) for i in order.items] == [
        (1, "Longjing tea 250 g", 2, 8800),
        (2, "Tea cup", 1, 1999),
    ]
    buyer, seller = order.buyer, order.seller
    assert buyer.email == "li.na@example.com"  # normalised as the login form does
    assert buyer.marketplace_user_id == "mkt-u-1" and buyer.display_name == "Li Na"
    assert seller.shop_name == "Wang's Teas" and seller.display_name == "Wang Wei"
    for account in (buyer, seller):
        assert account.password_hash is None and account.email_verified_at is None
    audit = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "order.imported", AuditEvent.subject_id == str(order.id)
        )
    )
    assert audit.actor_id is None and audit.after["amount_fen"] == 19599


def test_parties_are_found_by_marketplace_id_then_by_email():
    known = make_user(email="li.na@example.com")
    known.marketplace_user_id = "mkt-u-1"
    registered = make_user(email="shop@example.com")
    registered.marketplace_user_id = None
    db.session.flush()
    users_before = table_count(User)

    import_orders([good_record()])

    order = stored_order()
    assert table_count(User) == users_before
    assert order.buyer == known
    assert order.seller == registered and registered.marketplace_user_id == "mkt-u-2"
    assert registered.shop_name == "Wang's Teas"
    assert registered.password_hash is not None  # the existing password stays


def test_the_same_buyer_in_several_records_gets_one_account():
    import_orders([good_record("TB1"), good_record("TB2"), good_record("TB3")])
    assert db.session.scalar(select(func.count()).where(User.marketplace_user_id == "mkt-u-1")) == 1


def test_importing_the_same_record_again_changes_nothing():
    import_orders([good_record()])
    order = stored_order()
    updated_at = order.updated_at
    events = table_count(AuditEvent)
    clock.freeze(datetime(2030, 1, 1, tzinfo=UTC))

    result = import_orders([good_record()])

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert result.unchanged_ids == ["TB2026010500001"]
    assert table_count(Order) == 1 and table_count(OrderItem) == 2
    assert stored_order().updated_at == updated_at
    assert table_count(AuditEvent) == events


def test_a_later_snapshot_updates_status_and_delivery():
    import_orders([good_record()])
    later = good_record(status="delivered", delivered_at="2026-01-08T15:00:00+08:00")
    later["tracking_number"] = "SF0000000001"

    result = import_orders([later])

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    order = stored_order()
    assert order.status == "delivered" and order.tracking_number == "SF0000000001"
    assert order.delivered_at == datetime(2026, 1, 8, 7, 0, tzinfo=UTC)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "order.updated"))
    assert event.before == {
        "status": "shipped",
        "delivered_at": None,
        "tracking_number": "SF1234567890",
    }
    assert event.after["status"] == "delivered"


def _change_amount(record):
    record["amount_fen"] = 1


def _change_currency(record):
    record["currency"] = "USD"


def _change_buyer(record):
    record["buyer"] = {"id": "mkt-u-9", "email": "other@example.com", "name": "Other"}


def _change_seller(record):
    record["seller"]["id"] = "mkt-u-8"
    record["seller"]["email"] = "other-shop@example.com"


def _change_item_price(record):
    record["items"][1]["unit_price_fen"] = 1


def _drop_an_item(record):
    del record["items"][1]


def _change_placed_at(record):
    record["placed_at"] = "2026-01-04T10:00:00+08:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_change_amount, "amount_fen"),
        (_change_currency, "currency"),
        (_change_buyer, "buyer.id"),
        (_change_seller, "seller.id"),
        (_change_item_price, "items[1].unit_price_fen"),
        (_drop_an_item, "items"),
        (_change_placed_at, "placed_at"),
    ],
)
def test_what_was_bought_by_whom_and_for_how_much_cannot_change(change, field):
    import_orders([good_record()])
    record = good_record(status="delivered", delivered_at="2026-01-08T15:00:00+08:00")
    change(record)

    assert problems_of([record]) == [(0, "TB2026010500001", field)]
    order = stored_order()
    assert order.status == "shipped" and order.amount_fen == 19599 and len(order.items) == 2


def test_an_account_whose_stored_email_conflicts_with_the_record_is_refused():
    make_user(email="li.na@example.com").marketplace_user_id = "mkt-other"
    someone = make_user(email="someone@example.com")
    someone.marketplace_user_id = "mkt-u-2"
    db.session.flush()

    with pytest.raises(OrderRecordError) as caught:
        import_orders([good_record()])

    assert [(p.field, p.message) for p in caught.value.errors] == [
        ("buyer.email", "belongs to another marketplace user (mkt-other)"),
        ("seller.email", "differs from the address Tribunal holds for marketplace user mkt-u-2"),
    ]
    assert stored_order() is None


def _set(path: str, value):
    def change(record):
        *parents, last = path.split(".")
        target = record
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (_set("marketplace_order_id", _DELETE), "marketplace_order_id", "is required"),
        (_set("marketplace_order_id", "T" * 65), "marketplace_order_id", "at most 64"),
        (_set("amount_fen", 19.99), "amount_fen", "whole number"),
        (_set("amount_fen", 19599.0), "amount_fen", "whole number"),
        (_set("amount_fen", "19599"), "amount_fen", "whole number"),
        (_set("amount_fen", True), "amount_fen", "whole number"),
        (_set("amount_fen", -1), "amount_fen", "whole number of at least 0"),
        (_set("amount_fen", 2**31), "amount_fen", "at most 2147483647"),
        (_set("items.0.quantity", 0), "items[0].quantity", "must be a whole number above 0"),
        (_set("items.1.quantity", 1.5), "items[1].quantity", "whole number above 0"),
        (_set("items.1.unit_price_fen", -5), "items[1].unit_price_fen", "at least 0"),
        (_set("items.1.title", ""), "items[1].title", "is required"),
        (_set("items.0.category", "c" * 61), "items[0].category", "at most 60"),
        (_set("items.1", "a cup"), "items[1]", "must be an object"),
        (_set("items", []), "items", "at least one item"),
        (_set("items", _DELETE), "items", "at least one item"),
        (_set("currency", "cny"), "currency", "three capital letters"),
        (_set("currency", "CNYY"), "currency", "three capital letters"),
        (_set("status", "lost"), "status", "must be one of placed, shipped"),
        (_set("placed_at", "2026-01-05T10:00:00"), "placed_at", "UTC offset"),
        (_set("placed_at", "5 January 2026"), "placed_at", "ISO-8601"),
        (_set("placed_at", 1767578400), "placed_at", "ISO-8601"),
        (_set("placed_at", _DELETE), "placed_at", "is required"),
        (_set("shipped_at", "2026-01-04T10:00:00+08:00"), "shipped_at", "not be before placed_at"),
        (_set("delivered_at", "2026-01-06T09:00:00+08:00"), "delivered_at", "before shipped_at"),
        (_set("buyer.email", "li.na@example"), "buyer.email", "not a valid e-mail address"),
        (_set("buyer.email", "li.na@@example.com"), "buyer.email", "not a valid e-mail address"),
        (_set("seller.email", _DELETE), "seller.email", "is required"),
        (_set("buyer.id", 17), "buyer.id", "must be text"),
        (_set("buyer.name", "N" * 81), "buyer.name", "at most 80"),
        (_set("seller.shop_name", "S" * 121), "seller.shop_name", "at most 120"),
        (_set("buyer", "mkt-u-1"), "buyer", "must be an object"),
        (_set("seller", _DELETE), "seller", "is required"),
        (_set("seller.id", "mkt-u-1"), "seller.id", "must differ from the buyer's"),
        (_set("seller.email", "LI.NA@example.com"), "seller.email", "must differ"),
        (_set("carrier", "C" * 81), "carrier", "at most 80"),
        (_set("tracking_number", 123), "tracking_number", "must be text"),
    ],
)
def test_a_malformed_record_is_refused_naming_record_and_field(change, field, message):
    records = [good_record("TB-OK-1"), good_record("TB-BAD"), good_record("TB-OK-2")]
    change(records[1])

    with pytest.raises(OrderRecordError) as caught:
        import_orders(records)

    [problem] = caught.value.errors
    assert (problem.record, problem.field) == (1, field)
    assert message in problem.message
    if field != "marketplace_order_id":
        assert problem.marketplace_order_id == "TB-BAD"
        assert str(problem).startswith(f"record 1 (TB-BAD): {field}: ")


def test_delivered_at_without_shipped_at_is_refused():
    record = good_record(delivered_at="2026-01-08T15:00:00+08:00")
    del record["shipped_at"]
    assert problems_of([record]) == [(0, "TB2026010500001", "delivered_at")]


def test_a_record_that_is_not_an_object_is_refused():
    with pytest.raises(OrderRecordError) as caught:
        import_orders([good_record(), ["TB1"]])
    assert str(caught.value.errors[0]) == "record 1: must be an object"


def test_every_problem_of_the_batch_is_reported_not_just_the_first():
    first = good_record("TB1", currency="yuan")
    first["items"][0]["quantity"] = -1
    second = good_record("TB2", placed_at="yesterday")
    duplicate = good_record("TB1")

    assert problems_of([first, good_record("TB-OK"), second, duplicate]) == [
        (0, "TB1", "items[0].quantity"),
        (0, "TB1", "currency"),
        (2, "TB2", "placed_at"),
        (3, "TB1", "marketplace_order_id"),
    ]


def test_one_marketplace_user_with_two_addresses_in_one_batch_is_refused():
    other = good_record("TB2")
    other["buyer"]["email"] = "another@example.com"
    assert problems_of([good_record("TB1"), other]) == [(1, "TB2", "buyer.email")]


def test_a_batch_with_one_bad_record_writes_nothing():
    make_user()
    counts = (table_count(Order), table_count(User), table_count(AuditEvent))
    bad = good_record("TB3")
    bad["items"][0]["quantity"] = 0
    second = good_record("TB2")
    second["buyer"] = {"id": "mkt-u-7", "email": "new.buyer@example.com", "name": "New"}

    with pytest.raises(OrderRecordError):
        import_orders([good_record("TB1"), second, bad])

    assert (table_count(Order), table_count(User), table_count(AuditEvent)) == counts


def test_a_clash_with_a_concurrent_import_is_retried_by_reading_again(monkeypatch):
    """The lookups before the write miss the order, as when another import commits it just
    after ours looked; the unique constraint refuses our insert and the retry finds it."""
    import_orders([good_record()])
    real_lookup = importing._stored_order
    stale_reads = [None, None]  # the check before writing, then the first attempt

    def lookup(order_id):
        return stale_reads.pop() if stale_reads else real_lookup(order_id)

    monkeypatch.setattr(importing, "_stored_order", lookup)

    result = import_orders([good_record(status="delivered", delivered_at="2026-01-08T15:00:00Z")])

    assert (result.created, result.updated) == (0, 1)
    assert table_count(Order) == 1 and stored_order().status == "delivered"


def test_a_clash_that_persists_after_the_retry_writes_nothing(monkeypatch):
    import_orders([good_record("TB1")])
    orders, users = table_count(Order), table_count(User)
    new_buyer = {"id": "mkt-u-5", "email": "five@example.com", "name": "Five"}
    monkeypatch.setattr(importing, "_stored_order", lambda order_id: None)

    with pytest.raises(OrderRecordError) as caught:
        import_orders([good_record("TB0", buyer=new_buyer), good_record("TB1")])

    assert [(p.record, p.field) for p in caught.value.errors] == [(1, None)]
    assert "send it again" in caught.value.errors[0].message
    assert (table_count(Order), table_count(User)) == (orders, users)  # TB0 is undone too


@pytest.mark.committing
def test_simultaneous_imports_of_one_order_make_exactly_one_order(app):
    threads_count = 8
    results = run_at_once(app, lambda _n: import_orders([good_record()]), threads_count)

    assert errors_in(results) == []
    assert sum(r.created for r in results) == 1
    assert sum(r.unchanged for r in results) == threads_count - 1
    assert table_count(Order) == 1 and table_count(OrderItem) == 2
    for marketplace_user_id in ("mkt-u-1", "mkt-u-2"):
        count = db.session.scalar(
            select(func.count()).where(User.marketplace_user_id == marketplace_user_id)
        )
        assert count == 1


# The command line: flask orders import FILE

CSV_HEADER = (
    "marketplace_order_id,buyer_id,buyer_email,buyer_name,seller_id,seller_email,seller_name,"
    "seller_shop_name,items,amount_fen,currency,status,placed_at,shipped_at,delivered_at,"
    "carrier,tracking_number"
)


def csv_row(order_id: str, quantity: str = "1", amount: str = "1999", delivered: str = "") -> str:
    items = json.dumps([{"title": "Tea cup", "category": "home", "quantity": 1}])
    items = items.replace('"quantity": 1', f'"quantity": {quantity}, "unit_price_fen": 1999')
    items = '"' + items.replace('"', '""') + '"'
    return (
        f"{order_id},mkt-u-1,li.na@example.com,Li Na,mkt-u-2,shop@example.com,Wang Wei,"
        f"Wang's Teas,{items},{amount},CNY,shipped,2026-01-05T10:00:00+08:00,"
        f"2026-01-06T09:00:00+08:00,{delivered},,"
    )


def run_import(app, path):
    return app.test_cli_runner().invoke(args=["orders", "import", str(path)])


def test_cli_imports_a_json_file_and_says_what_it_did(app, tmp_path):
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": [good_record("TB1"), good_record("TB2")]}))

    result = run_import(app, path)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created 2, updated 0, unchanged 0"
    assert stored_order("TB1") is not None and stored_order("TB2") is not None
    assert run_import(app, path).stdout.strip() == "created 0, updated 0, unchanged 2"


def test_cli_imports_a_csv_file(app, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join([CSV_HEADER, csv_row("TB1"), csv_row("TB2")]) + "\n")

    result = run_import(app, path)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created 2, updated 0, unchanged 0"
    order = stored_order("TB1")
    assert order.amount_fen == 1999 and order.carrier is None and order.delivered_at is None
    assert [(item.title, item.unit_price_fen) for item in order.items] == [("Tea cup", 1999)]
    assert order.seller.shop_name == "Wang's Teas"


def test_cli_recognises_csv_by_its_content_and_updates_orders(app, tmp_path):
    first = tmp_path / "export.txt"
    first.write_text("\n".join([CSV_HEADER, csv_row("TB1")]))
    run_import(app, first)
    later = tmp_path / "later"
    later.write_text("\n".join([CSV_HEADER, csv_row("TB1", delivered="2026-01-08T10:00:00Z")]))

    result = run_import(app, later)

    assert result.stdout.strip() == "created 0, updated 1, unchanged 0"
    assert stored_order("TB1").delivered_at == datetime(2026, 1, 8, 10, 0, tzinfo=UTC)


def test_cli_lists_every_problem_writes_nothing_and_fails(app, tmp_path):
    path = tmp_path / "export.csv"
    rows = [csv_row("TB1"), csv_row("TB2", quantity="0"), csv_row("TB3", amount="19.99")]
    path.write_text("\n".join([CSV_HEADER, *rows]))

    result = run_import(app, path)

    assert result.exit_code == 1
    assert "record 1 (TB2): items[0].quantity: must be a whole number above 0" in result.stderr
    assert "record 2 (TB3): amount_fen: must be a whole number" in result.stderr
    assert "nothing was imported: 2 problems found" in result.stderr
    assert table_count(Order) == 0


def test_cli_reports_an_items_cell_that_is_not_json(app, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join([CSV_HEADER, csv_row("TB1").replace('""title""', "title")]))

    result = run_import(app, path)

    assert result.exit_code == 1
    assert "record 0 (TB1): items: is not valid JSON" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.json", '[{"marketplace_order_id": ', "is not valid JSON"),
        ("orders.json", '{"order": []}', 'must hold a list of orders, or {"orders": [...]}'),
        ("orders.csv", "order_id,buyer\nTB1,x\n", "bad CSV header (missing columns: "),
        ("orders.csv", CSV_HEADER + ",colour\n", "unknown columns: colour"),
        ("orders.csv", "", "is empty"),
    ],
)
def test_cli_refuses_unreadable_files_clearly(app, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)

    result = run_import(app, path)

    assert result.exit_code == 1
    assert message in result.stderr


def test_cli_refuses_a_missing_file(app, tmp_path):
    result = run_import(app, tmp_path / "nowhere.json")
    assert result.exit_code == 1
    assert "cannot read" in result.stderr
