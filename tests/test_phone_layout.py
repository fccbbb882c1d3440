"""The header's two forms — a row of links on a wide screen, a menu on a phone — and the
accessibility checker that only the browser tests load."""

import re
from pathlib import Path

import pytest

from app.auth.models import Role
from tests.helpers.factories import make_user
from tests.helpers.pages import login

ROOT = Path(__file__).resolve().parents[1]


def links_in(html: str, list_class: str) -> list[str]:
    start = html.index(f'class="{list_class}"')
    block = html[start : html.index("</nav>", start)]
    if list_class == "nav-wide":
        block = block[: block.index('class="nav-narrow"')]
    return re.findall(r'<a href="([^"]+)"', block)


@pytest.mark.parametrize("roles", [(), (Role.MEDIATOR,), (Role.ADMIN,)], ids=str)
def test_the_phone_menu_holds_the_same_links_as_the_wide_header(client, roles):
    login(client, make_user(roles=roles))
    html = client.get("/orders").get_data(as_text=True)
    wide = links_in(html, "nav-wide")
    assert "/orders" in wide and "/inbox" in wide
    assert links_in(html, "nav-narrow") == wide
    assert '<details class="dropdown site-menu">' in html
    assert "js/menu.js" in html


def test_a_visitor_finds_log_in_and_register_in_the_menu(client):
    html = client.get("/transparency").get_data(as_text=True)
    assert links_in(html, "nav-narrow") == links_in(html, "nav-wide") == ["/login", "/register"]


def test_no_page_of_the_site_loads_axe_core():
    assert (ROOT / "static/vendor/axe-core/axe.min.js").exists()
    assert (ROOT / "static/vendor/axe-core/LICENSE").exists()
    for template in (ROOT / "app/templates").rglob("*.html"):
        assert "axe-core" not in template.read_text(), template
