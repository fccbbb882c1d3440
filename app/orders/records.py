"""The marketplace's order records: what one holds, and reading one from the decoded JSON
with every problem of its fields noted (``RecordReader``). ``app.orders.importing`` checks the
records against each other and the database, and writes them.
"""

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.auth.models import User
from app.auth.services import normalise_email
from app.core.text import text_problem
from app.orders.models import Order, OrderItem, OrderStatus

STATUSES = tuple(status.value for status in OrderStatus)
MAX_WHOLE_NUMBER = 2**31 - 1  # the largest value an INTEGER column holds on every backend
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def _max_length(model, column: str) -> int:
    return model.__table__.c[column].type.length


# Longest text each field may hold: the width of the column it is stored in
MAX_LENGTH = {
    "marketplace_order_id": _max_length(Order, "marketplace_order_id"),
    "carrier": _max_length(Order, "carrier"),
    "tracking_number": _max_length(Order, "tracking_number"),
    "title": _max_length(OrderItem, "title"),
    "category": _max_length(OrderItem, "category"),
    "id": _max_length(User, "marketplace_user_id"),
    "email": _max_length(User, "email"),
    "name": _max_length(User, "display_name"),
    "shop_name": _max_length(User, "shop_name"),
}


@dataclass(frozen=True)
class Party:
    marketplace_user_id: str
    email: str
    name: str
    shop_name: str | None = None


@dataclass(frozen=True)
class Item:
    title: str
    category: str
    quantity: int
    unit_price_fen: int


@dataclass(frozen=True)
class OrderRecord:
    """One checked record: times aware and in UTC, e-mail addresses normalised."""

    marketplace_order_id: str
    buyer: Party
    seller: Party
    items: tuple[Item, ...]
    amount_fen: int
    currency: str
    status: str
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    carrier: str | None
    tracking_number: str | None


@dataclass(frozen=True)
class RecordProblem:
    """What is wrong with one field of one record. ``record`` counts from 0."""

    record: int
    marketplace_order_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"record {self.record}"
        if self.marketplace_order_id:
            where += f" ({self.marketplace_order_id})"
        return ": ".join(part for part in (where, self.field, self.message) if part)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Reading and checking one record


class RecordReader:
    """Turns one raw record into an ``OrderRecord``, noting every problem on the way."""

    def __init__(self, index: int, raw: Any):
        self.index = index
        self.raw = raw
        self.problems: list[RecordProblem] = []
        order_id = raw.get("marketplace_order_id") if isinstance(raw, dict) else None
        self.order_id = order_id.strip() if isinstance(order_id, str) else None

    def problem(self, path: str | None, message: str) -> None:
        self.problems.append(RecordProblem(self.index, self.order_id or None, path, message))

    def read(self) -> OrderRecord | None:
        raw = self.raw
        if not isinstance(raw, dict):
            self.problem(None, "must be an object")
            return None
        order_id = self.text(raw, "marketplace_order_id")
        buyer = self.party(raw, "buyer")
        seller = self.party(raw, "seller")
        items = self.items(raw)
        amount_fen = self.whole_number(raw, "amount_fen", minimum=0)
        currency = self.text(raw, "currency")
        if currency is not None and not CURRENCY_CODE.fullmatch(currency):
            self.problem("currency", "must be three capital letters, such as CNY")
        status = self.text(raw, "status")
        if status is not None and status not in STATUSES:
            self.problem("status", f"must be one of {', '.join(STATUSES)}")
        placed_at = self.time(raw, "placed_at")
        shipped_at = self.time(raw, "shipped_at", required=False)
        delivered_at = self.time(raw, "delivered_at", required=False)
        self.check_time_order(raw, placed_at, shipped_at, delivered_at)
        carrier = self.text(raw, "carrier", required=False)
        tracking_number = self.text(raw, "tracking_number", required=False)
        if buyer is not None and seller is not None:
            self.check_parties_differ(buyer, seller)
        if self.problems:
            return None
        return OrderRecord(
            marketplace_order_id=order_id,
            buyer=buyer,
            seller=seller,
            items=items,
            amount_fen=amount_fen,
            currency=currency,
            status=status,
            placed_at=placed_at,
            shipped_at=shipped_at,
            delivered_at=delivered_at,
            carrier=carrier,
            tracking_number=tracking_number,
        )

    def text(self, container: dict, key: str, path: str = "", required: bool = True) -> str | None:
        """A string, stripped; empty or missing counts as absent."""
        path = f"{path}.{key}" if path else key
        value = container.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if required:
                self.problem(path, "is required")
            return None
        if not isinstance(value, str):
            self.problem(path, "must be text")
            return None
        if text_problem(value, one_line=True) is not None:
            self.problem(path, "must be one line, without control or direction-changing characters")
            return None
        limit = MAX_LENGTH.get(key)
        if limit is not None and len(value) > limit:
            self.problem(path, f"must be at most {limit} characters long")
            return None
        return value

    def whole_number(self, container: dict, key: str, minimum: int, path: str = "") -> int | None:
        """An integer; floats (even 3.0), booleans and numbers written as text are refused."""
        path = f"{path}.{key}" if path else key
        value = container.get(key)
        if value is None:
            self.problem(path, "is required")
            return None
        if type(value) is not int or value < minimum:
            wanted = "above 0" if minimum == 1 else f"of at least {minimum}"
            self.problem(path, f"must be a whole number {wanted}")
            return None
        if value > MAX_WHOLE_NUMBER:
            self.problem(path, f"must be at most {MAX_WHOLE_NUMBER}")
            return None
        return value

    def time(self, container: dict, key: str, required: bool = True) -> datetime | None:
        """An ISO-8601 time with a UTC offset, converted to UTC; a time without one is
        ambiguous (the marketplace's local time? UTC?) and is refused."""
        value = container.get(key)
        if value is None or value == "":
            if required:
                self.problem(key, "is required")
            return None
        example = "such as 2026-01-05T10:00:00+08:00"
        if not isinstance(value, str):
            self.problem(key, f"must be an ISO-8601 time as text, {example}")
            return None
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            self.problem(key, f"must be an ISO-8601 time, {example}")
            return None
        if parsed.utcoffset() is None:
            self.problem(key, f"must include a UTC offset (+08:00 or Z), {example}")
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 is before the calendar begins
            self.problem(key, f"must be a time within years 1 to 9999 in UTC, {example}")
            return None

    def check_time_order(self, raw: dict, placed_at, shipped_at, delivered_at) -> None:
        if raw.get("delivered_at") not in (None, "") and raw.get("shipped_at") in (None, ""):
            self.problem("delivered_at", "requires shipped_at")
        if placed_at and shipped_at and shipped_at < placed_at:
            self.problem("shipped_at", "must not be before placed_at")
        if shipped_at and delivered_at and delivered_at < shipped_at:
            self.problem("delivered_at", "must not be before shipped_at")

    def party(self, raw: dict, role: str) -> Party | None:
        value = raw.get(role)
        if value is None:
            self.problem(role, "is required")
            return None
        if not isinstance(value, dict):
            self.problem(role, "must be an object with id, email and name")
            return None
        problems_before = len(self.problems)
        marketplace_user_id = self.text(value, "id", role)
        email = self.email(value, role)
        name = self.text(value, "name", role)
        shop_name = None
        if role == "seller":
            shop_name = self.text(value, "shop_name", role, required=False)
        if len(self.problems) > problems_before:
            return None
        return Party(marketplace_user_id, email, name, shop_name)

    def email(self, container: dict, role: str) -> str | None:
        value = self.text(container, "email", role)
        if value is None:
            return None
        try:
            checked = validate_email(value, check_deliverability=False)
        except EmailNotValidError as error:
            self.problem(f"{role}.email", f"is not a valid e-mail address: {error}")
            return None
        return normalise_email(checked.normalized)

    def check_parties_differ(self, buyer: Party, seller: Party) -> None:
        if buyer.marketplace_user_id == seller.marketplace_user_id:
            self.problem("seller.id", "must differ from the buyer's")
        elif buyer.email == seller.email:
            self.problem("seller.email", "must differ from the buyer's")

    def items(self, raw: dict) -> tuple[Item, ...]:
        value = raw.get("items")
        if not isinstance(value, list) or not value:
            self.problem("items", "must be a list of at least one item")
            return ()
        items = []
        for position, entry in enumerate(value):
            path = f"items[{position}]"
            if not isinstance(entry, dict):
                self.problem(path, "must be an object")
                continue
            item = Item(
                title=self.text(entry, "title", path),
                category=self.text(entry, "category", path),
                quantity=self.whole_number(entry, "quantity", 1, path),
                unit_price_fen=self.whole_number(entry, "unit_price_fen", 0, path),
            )
            items.append(item)
        return tuple(items)
