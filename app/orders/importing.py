"""Importing the marketplace's orders: check the whole batch, then write all of it or none.

``import_orders`` serves both the CLI (``flask orders import``) and the API
(``POST /api/v1/orders``). It takes plain dicts, as decoded from JSON, and never commits:
the caller does, once. A record is a full snapshot of the order, so importing it twice
changes nothing, and a later snapshot may move the order along (status, shipping) but never
change what was bought, by whom, from whom, or for how much.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.audit import record_event
from app.core.extensions import db
from app.orders.models import Order, OrderItem
from app.orders.records import OrderRecord, Party, RecordProblem, RecordReader

MUTABLE_FIELDS = ("status", "shipped_at", "delivered_at", "carrier", "tracking_number")
ITEM_FIELDS = ("title", "category", "quantity", "unit_price_fen")


class OrderImportError(Exception):
    """An import that was refused; nothing of its batch was written."""


class OrderRecordError(OrderImportError):
    """Records of the batch are invalid; ``errors`` lists every problem found, in order."""

    def __init__(self, errors: list[RecordProblem]):
        self.errors = sorted(errors, key=lambda problem: problem.record)
        super().__init__("\n".join(str(problem) for problem in self.errors))


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class ImportResult:
    """The marketplace order ids of the batch, by what the import did to each."""

    created_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    unchanged_ids: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.created_ids)

    @property
    def updated(self) -> int:
        return len(self.updated_ids)

    @property
    def unchanged(self) -> int:
        return len(self.unchanged_ids)

    def add(self, outcome: Outcome, marketplace_order_id: str) -> None:
        getattr(self, f"{outcome.value}_ids").append(marketplace_order_id)


def import_orders(records: list[dict]) -> ImportResult:
    """Create or update the orders of ``records``, and their buyers' and sellers' accounts.

    Every record is checked, against the others and the database, before anything is
    written; if any is wrong, ``OrderRecordError`` lists all the problems and nothing is
    written. The writes run in a SAVEPOINT, so even a clash found while writing (another
    import at the same moment) leaves nothing behind. The caller commits.
    """
    readers = [RecordReader(index, raw) for index, raw in enumerate(records)]
    checked: list[tuple[int, OrderRecord]] = []
    problems: list[RecordProblem] = []
    for reader in readers:
        record = reader.read()
        problems += reader.problems
        if record is not None:
            checked.append((reader.index, record))
    problems += _repeated_order_ids(readers)
    problems += _parties_within_batch(checked)
    problems += _problems_with_stored_data(checked)
    if problems:
        raise OrderRecordError(problems)

    result = ImportResult()
    with db.session.begin_nested():
        for index, record in checked:
            result.add(_save(index, record), record.marketplace_order_id)
    return result


# Checking records against each other and against what is stored


def _repeated_order_ids(readers: list[RecordReader]) -> list[RecordProblem]:
    problems = []
    first_seen: dict[str, int] = {}
    for reader in readers:
        order_id = reader.order_id
        if not order_id:
            continue
        if order_id in first_seen:
            first = first_seen[order_id]
            message = f"appears more than once in this batch (first in record {first})"
            problems.append(RecordProblem(reader.index, order_id, "marketplace_order_id", message))
        first_seen.setdefault(order_id, reader.index)
    return problems


def _parties_within_batch(checked: list[tuple[int, OrderRecord]]) -> list[RecordProblem]:
    """One marketplace user given with two addresses, or one address for two users."""
    problems = []
    email_of: dict[str, tuple[str, int]] = {}
    user_id_of: dict[str, tuple[str, int]] = {}
    for index, record in checked:
        order_id = record.marketplace_order_id
        for role in ("buyer", "seller"):
            party: Party = getattr(record, role)
            email, where = email_of.setdefault(party.marketplace_user_id, (party.email, index))
            if email != party.email:
                message = (
                    f"differs from the address given for marketplace user "
                    f"{party.marketplace_user_id} in record {where}"
                )
                problems.append(RecordProblem(index, order_id, f"{role}.email", message))
                continue
            user_id, where = user_id_of.setdefault(party.email, (party.marketplace_user_id, index))
            if user_id != party.marketplace_user_id:
                message = f"is given for another marketplace user ({user_id}) in record {where}"
                problems.append(RecordProblem(index, order_id, f"{role}.email", message))
    return problems


def _problems_with_stored_data(checked: list[tuple[int, OrderRecord]]) -> list[RecordProblem]:
    problems = []
    for index, record in checked:
        accounts = {}
        for role in ("buyer", "seller"):
            try:
                accounts[role] = _find_account(getattr(record, role))
            except _PartyConflict as conflict:
                problems.append(_party_problem(index, record, role, conflict))
        buyer, seller = accounts.get("buyer"), accounts.get("seller")
        if buyer is not None and buyer is seller:
            message = "is the same account as the buyer's"
            problems.append(RecordProblem(index, record.marketplace_order_id, "seller.id", message))
        order = _stored_order(record.marketplace_order_id)
        if order is not None:
            problems += _immutable_changes(index, record, order)
    return problems


class _PartyConflict(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _party_problem(index: int, record: OrderRecord, role: str, conflict: _PartyConflict):
    field_path = f"{role}.{conflict.field}"
    return RecordProblem(index, record.marketplace_order_id, field_path, str(conflict))


def _find_account(party: Party) -> User | None:
    """The party's account, by marketplace user id, else by e-mail address; None if new.

    An account already tied to this marketplace id but holding another address, or holding
    this address but tied to another marketplace id, is a conflict for a person to settle.
    """
    # one statement, so a concurrent import cannot slip in between two look-ups
    candidates = db.session.scalars(
        select(User).where(
            or_(User.marketplace_user_id == party.marketplace_user_id, User.email == party.email)
        )
    ).all()
    by_id = next(
        (u for u in candidates if u.marketplace_user_id == party.marketplace_user_id), None
    )
    if by_id is not None:
        if by_id.email != party.email:
            raise _PartyConflict(
                "email",
                f"differs from the address Tribunal holds for marketplace user "
                f"{party.marketplace_user_id}",
            )
        return by_id
    user = next(iter(candidates), None)
    if user is not None and user.marketplace_user_id is not None:
        raise _PartyConflict(
            "email", f"belongs to another marketplace user ({user.marketplace_user_id})"
        )
    return user


def _stored_order(marketplace_order_id: str) -> Order | None:
    return db.session.scalar(
        select(Order).where(Order.marketplace_order_id == marketplace_order_id)
    )


def _immutable_changes(index: int, record: OrderRecord, order: Order) -> list[RecordProblem]:
    """What the record would change of the order that must never change once imported."""
    stored: list[tuple[str, Any, Any]] = [
        ("buyer.id", order.buyer.marketplace_user_id, record.buyer.marketplace_user_id),
        ("seller.id", order.seller.marketplace_user_id, record.seller.marketplace_user_id),
        ("amount_fen", order.amount_fen, record.amount_fen),
        ("currency", order.currency, record.currency),
        ("placed_at", order.placed_at, record.placed_at),
    ]
    if len(order.items) != len(record.items):
        stored.append(("items", f"{len(order.items)} items", f"{len(record.items)} items"))
    else:
        for position, (old, new) in enumerate(zip(order.items, record.items, strict=True)):
            for name in ITEM_FIELDS:
                stored.append((f"items[{position}].{name}", getattr(old, name), getattr(new, name)))
    return [
        RecordProblem(
            index,
            record.marketplace_order_id,
            path,
            f"cannot change once imported (was {_shown(old)}, now {_shown(new)})",
        )
        for path, old, new in stored
        if old != new
    ]


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


# Writing


def _save(index: int, record: OrderRecord) -> Outcome:
    """Write one record in its own SAVEPOINT, reading again once if a concurrent import won.

    Two imports of a new order can both find nothing and both insert. The unique constraints
    (order id, user e-mail, marketplace user id) refuse the second insert; its SAVEPOINT is
    rolled back and the record applied once more, now to the rows the other import wrote.
    """
    try:
        with db.session.begin_nested():
            return _apply(index, record)
    except IntegrityError:
        pass
    try:
        with db.session.begin_nested():
            return _apply(index, record)
    except IntegrityError as error:
        message = "clashes with data written at the same moment; send it again"
        problem = RecordProblem(index, record.marketplace_order_id, None, message)
        raise OrderRecordError([problem]) from error


def _apply(index: int, record: OrderRecord) -> Outcome:
    order = _stored_order(record.marketplace_order_id)
    if order is None:
        _create_order(index, record)
        return Outcome.CREATED
    # Checked before writing; found here only if another import changed it since
    problems = _immutable_changes(index, record, order)
    if problems:
        raise OrderRecordError(problems)
    return _update_order(order, record)


def _create_order(index: int, record: OrderRecord) -> Order:
    order = Order(
        marketplace_order_id=record.marketplace_order_id,
        buyer=_account_for(index, record, "buyer"),
        seller=_account_for(index, record, "seller"),
        amount_fen=record.amount_fen,
        currency=record.currency,
        status=record.status,
        placed_at=record.placed_at,
        shipped_at=record.shipped_at,
        delivered_at=record.delivered_at,
        carrier=record.carrier,
        tracking_number=record.tracking_number,
        items=[
            OrderItem(position=position, **asdict(item))
            for position, item in enumerate(record.items, start=1)
        ],
    )
    db.session.add(order)
    db.session.flush()
    record_event(
        None,
        "order.imported",
        order,
        after={
            "marketplace_order_id": order.marketplace_order_id,
            "buyer": record.buyer.marketplace_user_id,
            "seller": record.seller.marketplace_user_id,
            "amount_fen": order.amount_fen,
            "currency": order.currency,
            "status": order.status,
        },
    )
    return order


def _update_order(order: Order, record: OrderRecord) -> Outcome:
    changes = {
        name: (getattr(order, name), getattr(record, name))
        for name in MUTABLE_FIELDS
        if getattr(order, name) != getattr(record, name)
    }
    if not changes:
        return Outcome.UNCHANGED
    for name, (_old, new) in changes.items():
        setattr(order, name, new)
    record_event(
        None,
        "order.updated",
        order,
        before={name: _json_value(old) for name, (old, _new) in changes.items()},
        after={name: _json_value(new) for name, (_old, new) in changes.items()},
    )
    return Outcome.UPDATED


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _account_for(index: int, record: OrderRecord, role: str) -> User:
    """The party's account: found, found by e-mail and tied to the marketplace id, or made.

    A new account has no password and an unconfirmed address: its owner claims it through
    an e-mailed link (``app.auth.services.claim_account``).
    """
    party: Party = getattr(record, role)
    try:
        user = _find_account(party)
    except _PartyConflict as conflict:  # checked before writing; a concurrent change
        raise OrderRecordError([_party_problem(index, record, role, conflict)]) from conflict
    if user is None:
        user = User(
            email=party.email,
            display_name=party.name,
            marketplace_user_id=party.marketplace_user_id,
            shop_name=party.shop_name,
            password_hash=None,
            email_verified_at=None,
        )
        db.session.add(user)
        db.session.flush()
        record_event(
            None, "user.imported", user, after={"marketplace_user_id": party.marketplace_user_id}
        )
        return user
    if user.marketplace_user_id is None:
        user.marketplace_user_id = party.marketplace_user_id
        record_event(
            None,
            "user.linked_to_marketplace",
            user,
            after={"marketplace_user_id": party.marketplace_user_id},
        )
    if party.shop_name and not user.shop_name:
        user.shop_name = party.shop_name
    return user
