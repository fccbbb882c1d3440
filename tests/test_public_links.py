"""Links that leave the site (e-mails, the API's case page) name the configured public address,
or, without one, the address the site is served on: never the Host a request named."""

import os
import subprocess
import sys

import pytest

from app.core.config import PROJECT_ROOT, served_base_url
from app.notifications.delivery import deliver_outbox
from app.notifications.outbox import queue_message
from tests.helpers.api import bearer, new_token
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_user

FORGED = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}


def configured_base_url(**environment: str) -> str:
    """``PUBLIC_BASE_URL`` as the app's configuration reads it from ``environment``, in a
    fresh interpreter (the configuration is read once, when it is first imported)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "WEB_BIND")}
    code = "from app.core.config import Config; print(Config.PUBLIC_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, **environment},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_without_a_setting_links_follow_the_address_the_site_is_served_on():
    assert configured_base_url() == "http://127.0.0.1:5000"
    assert configured_base_url(WEB_BIND="127.0.0.1:8123") == "http://127.0.0.1:8123"
    assert (
        configured_base_url(WEB_BIND="127.0.0.1:8123", PUBLIC_BASE_URL="https://tribunal.example")
        == "https://tribunal.example"
    )


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("localhost:8080", "http://localhost:8080"),
        ("0.0.0.0:8000", "http://127.0.0.1:8000"),
        ("[::]:8000", "http://127.0.0.1:8000"),
        ("[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_the_served_address_is_read_from_the_server_s_bind(bind, expected):
    assert served_base_url(bind) == expected


@pytest.mark.parametrize("bind", ["unix:/run/tribunal.sock", "127.0.0.1", ":5000"])
def test_a_bind_that_is_not_host_and_port_asks_for_the_setting(bind):
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        served_base_url(bind)


@pytest.fixture
def public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://tribunal.example/")
    sent = app.extensions.setdefault("mail_outbox", [])
    sent.clear()
    yield sent
    sent.clear()


def test_a_mailed_link_is_on_the_configured_address(app, public_address):
    queue_message(make_user(), "links:1", "Hello", "Body", channels=("email",), link="/inbox")

    deliver_outbox()

    [mail] = public_address
    assert "https://tribunal.example/inbox" in mail.get_content()


def test_an_account_mail_asked_for_with_a_forged_host_links_to_the_configured_address(
    client, public_address
):
    user = make_user()

    client.post(
        "/register",
        data={
            "email": user.email,
            "display_name": "Someone",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
        headers=FORGED,
    )
    deliver_outbox()

    [mail] = public_address
    body = mail.get_content()
    assert "https://tribunal.example/login" in body and "attacker.example" not in body


def test_the_api_s_case_page_link_ignores_a_forged_host(client, public_address):
    case = make_case()

    response = client.get(f"/api/v1/cases/{case.id}", headers=bearer(new_token(), **FORGED))

    assert response.get_json()["links"]["page"] == f"https://tribunal.example/cases/{case.id}"
