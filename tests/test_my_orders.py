"""My orders: a user sees the orders they bought and sold, and nobody else's."""

from datetime import timedelta

import pytest

from app.core.money import format_amount
from app.core.zones import format_zoned
from app.orders.models import OrderItem, OrderStatus
from tests.helpers.factories import make_order, make_user
from tests.helpers.pages import login


def page(client, url: str = "/orders") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client):
    order = make_order()
    for url in ("/orders", f"/orders/{order.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_the_list_shows_orders_bought_and_sold_and_not_others(client):
    me = make_user(name="Me")
    shop = make_user(name="Wang Wei", shop_name="Wang's Teas")
    customer = make_user(name="Zhang San")
    bought = make_order(buyer=me, seller=shop, amount_fen=123456)
    sold = make_order(buyer=customer, seller=me, status=OrderStatus.SHIPPED)
    strangers = make_order()
    login(client, me)

    html = page(client)

    assert bought.marketplace_order_id in html and sold.marketplace_order_id in html
    assert strangers.marketplace_order_id not in html
    assert "You bought" in html and "You sold" in html
    assert "Wang&#39;s Teas" in html and "Zhang San" in html  # the other party
    assert "¥1,234.56" in html
    assert "Shipped" in html and "Delivered" in html


def test_the_list_is_newest_first_and_paginated(client):
    me = make_user()
    orders = [make_order(buyer=me, placed_ago=timedelta(days=n)) for n in range(1, 26)]
    login(client, me)

    first, second = page(client), page(client, "/orders?page=2")

    newest, oldest = orders[0].marketplace_order_id, orders[-1].marketplace_order_id
    assert newest in first and oldest not in first
    assert oldest in second and newest not in second
    assert sum(o.marketplace_order_id in first for o in orders) == 20
    assert sum(o.marketplace_order_id in second for o in orders) == 5
    assert first.index(orders[0].marketplace_order_id) < first.index(orders[1].marketplace_order_id)
    assert "Page 1 of 2" in first


def test_several_items_are_summed_up(client):
    me = make_user()
    order = make_order(buyer=me)
    order.items.append(
        OrderItem(position=2, title="Case", category="electronics", quantity=1, unit_price_fen=0)
    )
    login(client, me)
    html = page(client)
    assert "Wireless earbuds" in html and "and 1 more item" in html


def test_without_orders_the_page_says_where_orders_come_from(client):
    me = make_user(email="lonely@example.com")
    make_order()
    login(client, me)

    html = page(client)

    assert "No orders yet" in html
    assert "lonely@example.com" in html and "marketplace" in html


def test_the_detail_page_shows_items_shipping_and_times_to_either_party(client):
    buyer, seller = make_user(), make_user(shop_name="Earbud Shop")
    order = make_order(buyer=buyer, seller=seller, amount_fen=19900)
    for party, sentence in ((buyer, "You bought this from Earbud Shop"), (seller, "You sold")):
        login(client, party)
        html = page(client, f"/orders/{order.id}")
        assert sentence in html
        assert "Wireless earbuds" in html and "¥199.00" in html
        assert order.tracking_number in html and "SF Express" in html
        assert format_zoned(order.delivered_at).endswith(" UTC")
        assert format_zoned(order.delivered_at) in html
        client.post("/logout")


def test_a_stranger_gets_404_for_someone_elses_order(client):
    order = make_order()
    login(client, make_user())
    assert client.get(f"/orders/{order.id}").status_code == 404
    assert client.get("/orders/999999").status_code == 404


@pytest.mark.parametrize(
    ("fen", "currency", "shown"),
    [
        (0, "CNY", "¥0.00"),
        (5, "CNY", "¥0.05"),
        (1999, "CNY", "¥19.99"),
        (123456789, "CNY", "¥1,234,567.89"),
        (1050, "USD", "USD 10.50"),
    ],
)
def test_amounts_are_shown_from_fen_exactly(fen, currency, shown):
    assert format_amount(fen, currency) == shown
