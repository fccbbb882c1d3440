"""A category is shown by its label in the reader's language wherever it appears: the order
page, the case page, the analytics filter and figure; one the marketplace sends without a
label here is shown as it came."""

import re

import pytest
from flask_babel import force_locale

from app.orders.categories import CATEGORY_LABELS, category_label
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_order
from tests.helpers.pages import csrf_token_from, login_with_token, page

pytestmark = pytest.mark.usefixtures("csrf_enabled")


def test_every_label_has_both_languages():
    for category in CATEGORY_LABELS:
        with force_locale("en"):
            english = category_label(category)
        with force_locale("zh_Hans"):
            chinese = category_label(category)
        assert english != category and chinese != english, category
    with force_locale("zh_Hans"):
        assert category_label("toys") == "玩具游戏"
        assert category_label("garden tools") == "garden tools"


def in_chinese(client, html: str) -> None:
    client.post("/language", data={"locale": "zh_Hans", "csrf_token": csrf_token_from(html)})


def test_the_order_and_the_case_show_the_label_in_the_readers_language(client):
    order = make_order(category="toys")
    login_with_token(client, order.buyer)
    html = page(client, f"/orders/{order.id}")
    assert re.search(r"<td[^>]*>Toys and games</td>", html)
    assert not re.search(r"<td[^>]*>toys</td>", html)
    in_chinese(client, html)
    assert re.search(r"<td[^>]*>玩具游戏</td>", page(client, f"/orders/{order.id}"))


def test_the_case_page_and_the_analytics_filter_show_labels(client):
    case = make_case("mediation")  # an order of electronics
    make_order(category="garden tools")
    login_with_token(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    assert "Electronics ·" in html
    dashboard = page(client, "/analytics/")
    assert '<option value="electronics">Electronics</option>' in dashboard
    assert '<option value="garden tools">garden tools</option>' in dashboard
    in_chinese(client, dashboard)
    assert "数码电子 ·" in page(client, f"/cases/{case.id}")
    assert '<option value="electronics">数码电子</option>' in page(client, "/analytics/")
