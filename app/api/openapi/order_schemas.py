"""The schemas of orders, sellers' selling status and problems, built from the same limits
the import enforces."""

from app.api.openapi.common import ref
from app.orders.records import MAX_LENGTH, MAX_WHOLE_NUMBER, STATUSES


def _text(key: str, description: str | None = None) -> dict:
    schema = {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH[key]}
    if description:
        schema["description"] = description
    return schema


def _whole_number(minimum: int, description: str) -> dict:
    return {
        "type": "integer",
        "minimum": minimum,
        "maximum": MAX_WHOLE_NUMBER,
        "description": description,
    }


def _time(description: str) -> dict:
    return {"type": "string", "format": "date-time", "description": description}


def order_schemas() -> dict:
    party = {
        "type": "object",
        "required": ["id", "email", "name"],
        "properties": {
            "id": _text("id", "The marketplace's user id."),
            "email": {"type": "string", "format": "email", "maxLength": MAX_LENGTH["email"]},
            "name": _text("name"),
        },
    }
    seller = {
        "type": "object",
        "required": party["required"],
        "properties": {**party["properties"], "shop_name": _text("shop_name")},
    }
    return {
        "Party": party,
        "Seller": seller,
        "Item": {
            "type": "object",
            "required": ["title", "category", "quantity", "unit_price_fen"],
            "properties": {
                "title": _text("title"),
                "category": _text("category"),
                "quantity": _whole_number(1, "How many."),
                "unit_price_fen": _whole_number(0, "Price of one, in fen (1/100 yuan)."),
            },
        },
        "Order": {
            "type": "object",
            "description": (
                "A full snapshot of one order. Sending the same snapshot again changes "
                "nothing; a later one may change status, shipped_at, delivered_at, carrier "
                "and tracking_number, never the parties, items, amount, currency or "
                "placed_at."
            ),
            "required": [
                "marketplace_order_id",
                "buyer",
                "seller",
                "items",
                "amount_fen",
                "currency",
                "status",
                "placed_at",
            ],
            "properties": {
                "marketplace_order_id": _text("marketplace_order_id"),
                "buyer": ref("Party"),
                "seller": ref("Seller"),
                "items": {"type": "array", "minItems": 1, "items": ref("Item")},
                "amount_fen": _whole_number(0, "What the buyer paid, in fen."),
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["CNY"]},
                "status": {"type": "string", "enum": list(STATUSES)},
                "placed_at": _time("With a UTC offset, e.g. 2026-01-05T10:00:00+08:00."),
                "shipped_at": _time("Not before placed_at."),
                "delivered_at": _time("Requires shipped_at; not before it."),
                "carrier": _text("carrier"),
                "tracking_number": _text("tracking_number"),
            },
            "examples": [
                {
                    "marketplace_order_id": "MO-1001",
                    "buyer": {"id": "u-buyer-1", "email": "lin@example.com", "name": "林晓雨"},
                    "seller": {
                        "id": "u-seller-7",
                        "email": "zhang@example.com",
                        "name": "张伟",
                        "shop_name": "小张数码",
                    },
                    "items": [
                        {
                            "title": "Wireless earbuds",
                            "category": "electronics",
                            "quantity": 1,
                            "unit_price_fen": 19900,
                        }
                    ],
                    "amount_fen": 19900,
                    "currency": "CNY",
                    "status": "delivered",
                    "placed_at": "2026-01-05T10:00:00+08:00",
                    "shipped_at": "2026-01-06T09:00:00+08:00",
                    "delivered_at": "2026-01-08T15:30:00+08:00",
                    "carrier": "SF Express",
                    "tracking_number": "SF1234567890",
                }
            ],
        },
        "ImportResult": {
            "type": "object",
            "required": ["created", "updated", "unchanged"],
            "properties": {
                name: {"type": "integer", "minimum": 0}
                for name in ("created", "updated", "unchanged")
            },
        },
        "SellingStatus": {
            "type": "object",
            "description": (
                "Whether the marketplace must restrict the seller's selling. A restriction "
                "follows an obligation the seller missed, and lasts until an administrator "
                "lifts it once the obligation is settled."
            ),
            "required": [
                "marketplace_user_id",
                "restricted",
                "restrictions",
                "deposit_balance_fen",
            ],
            "properties": {
                "marketplace_user_id": _text("id", "The marketplace's user id."),
                "restricted": {
                    "type": "boolean",
                    "description": "True while at least one restriction is active.",
                },
                "restrictions": {
                    "type": "array",
                    "description": "The active restrictions, oldest first.",
                    "items": {
                        "type": "object",
                        "required": ["since", "reason", "case"],
                        "properties": {
                            "since": _time("When the restriction began (UTC)."),
                            "reason": {"type": "string"},
                            "case": {"type": "integer", "description": "Tribunal's case id."},
                        },
                    },
                },
                "deposit_balance_fen": {
                    "type": "integer",
                    "description": (
                        "The seller's deposit in fen: payments in less deductions. Below zero "
                        "the seller owes the platform."
                    ),
                },
            },
        },
    }


def _problem_with(properties: dict, required: list[str]) -> dict:
    return {
        "allOf": [
            ref("Problem"),
            {"type": "object", "required": required, "properties": properties},
        ]
    }


def problem_schemas() -> dict:
    return {
        "Problem": {
            "type": "object",
            "description": "Problem details (RFC 9457).",
            "required": ["type", "title", "status"],
            "properties": {
                "type": {"type": "string", "format": "uri-reference"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
            },
        },
        "InvalidOrdersProblem": _problem_with(
            {
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["record", "marketplace_order_id", "field", "message"],
                        "properties": {
                            "record": {
                                "type": "integer",
                                "description": "Index in the batch, from 0.",
                            },
                            "marketplace_order_id": {"type": ["string", "null"]},
                            "field": {
                                "type": ["string", "null"],
                                "examples": ["items[2].quantity", "buyer.email"],
                            },
                            "message": {"type": "string"},
                        },
                    },
                }
            },
            ["errors"],
        ),
        "InvalidRequestProblem": _problem_with(
            {
                "errors": {
                    "type": "array",
                    "description": "Every field at fault, and why.",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {
                            "field": {"type": "string", "examples": ["amount", "cursor"]},
                            "message": {"type": "string"},
                        },
                    },
                }
            },
            [],
        ),
        "MissingScopeProblem": _problem_with(
            {"missing_scope": {"type": "string", "description": "The scope the token lacks."}},
            ["missing_scope"],
        ),
    }
