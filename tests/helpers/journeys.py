"""Delivered orders from seller@example.com to buyer@example.com, one per browser journey,
imported through the marketplace import as production receives them (the demo holds only
one)."""

from datetime import UTC, datetime, timedelta

JOURNEY_ORDERS = {
    "full": "TB2099000000001",
    "default_judgment": "TB2099000000002",
    "default_judgment_zh": "TB2099000000003",
    "settlement": "TB2099000000004",
    "appeal": "TB2099000000005",
    "assistant_delivered": "TB2099000000006",
    "assistant_damaged_zh": "TB2099000000007",
    "assistant_damaged": "TB2099000000008",
    "assistant_not_shipped": "TB2099000000009",
    "contest_phone_zh": "TB2099000000010",
}
# orders the seller never shipped: placed, with no shipping at all
NOT_SHIPPED = frozenset({JOURNEY_ORDERS["assistant_not_shipped"]})


def journey_orders() -> list[dict]:
    now = datetime.now(UTC)
    records = []
    for number, order_id in enumerate(JOURNEY_ORDERS.values()):
        records.append(
            {
                "marketplace_order_id": order_id,
                "buyer": {
                    "id": "mkt-00004",
                    "email": "buyer@example.com",
                    "name": "林晓雨 Lin Xiaoyu",
                },
                "seller": {
                    "id": "mkt-00006",
                    "email": "seller@example.com",
                    "name": "张伟 Zhang Wei",
                    "shop_name": "小张数码 Zhang's Digital",
                },
                "items": [
                    {
                        "title": f"蓝牙耳机 Bluetooth earbuds #{number + 1}",
                        "category": "electronics",
                        "quantity": 1,
                        "unit_price_fen": 29900,
                    }
                ],
                "amount_fen": 29900,
                "currency": "CNY",
                "status": "delivered",
                "placed_at": (now - timedelta(days=6, minutes=number)).isoformat(),
                "shipped_at": (now - timedelta(days=5)).isoformat(),
                "delivered_at": (now - timedelta(days=2)).isoformat(),
                "carrier": "SF Express",
                "tracking_number": f"SF20990000{number:04d}",
            }
        )
        if order_id in NOT_SHIPPED:
            records[-1] |= {"status": "placed", "shipped_at": None, "delivered_at": None}
            records[-1] |= {"carrier": None, "tracking_number": None}
    return records
