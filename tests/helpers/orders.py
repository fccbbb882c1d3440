"""A marketplace order record as the import receives it."""

import copy

GOOD_RECORD = {
    "marketplace_order_id": "TB2026010500001",
    "buyer": {"id": "mkt-u-1", "email": "Li.Na@Example.com", "name": "Li Na"},
    "seller": {
        "id": "mkt-u-2",
        "email": "shop@example.com",
        "name": "Wang Wei",
        "shop_name": "Wang's Teas",
    },
    "items": [
        {"title": "Longjing tea 250 g", "category": "food", "quantity": 2, "unit_price_fen": 8800},
        {"title": "Tea cup", "category": "home", "quantity": 1, "unit_price_fen": 1999},
    ],
    "amount_fen": 19599,
    "currency": "CNY",
    "status": "shipped",
    "placed_at": "2026-01-05T10:00:00+08:00",
    "shipped_at": "2026-01-06T09:30:00+08:00",
    "carrier": "SF Express",
    "tracking_number": "SF1234567890",
}


def good_record(order_id: str = "TB2026010500001", **changes) -> dict:
    record = copy.deepcopy(GOOD_RECORD)
    record["marketplace_order_id"] = order_id
    record.update(changes)
    return record
