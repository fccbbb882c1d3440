"""Security headers on every page, and CSRF protection with real forms."""

import pytest

from app.core.security import SECURITY_HEADERS
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import csrf_token_from


@pytest.mark.parametrize(
    "path", ["/", "/login", "/register", "/no-such-page", "/static/css/tribunal.css"]
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_contain_no_inline_script(client):
    user = make_user()
    for path in ("/", "/login", "/register"):
        assert "<script>" not in client.get(path).get_data(as_text=True)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "<script>" not in client.get("/review/").get_data(as_text=True)


@pytest.mark.usefixtures("csrf_enabled")
class TestCsrf:
    def test_login_form_without_its_token_is_refused(self, client):
        user = make_user()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        assert client.get("/account/password").status_code == 302  # not logged in

    def test_login_with_the_token_from_the_page_works(self, client):
        user = make_user()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 302
        assert client.get("/account/password").status_code == 200

    def test_a_token_from_another_session_is_refused(self, app, client):
        stranger = app.test_client()
        foreign_token = csrf_token_from(stranger.get("/login").get_data(as_text=True))
        client.get("/login")
        user = make_user()
        data = {"email": user.email, "password": PASSWORD, "csrf_token": foreign_token}
        assert client.post("/login", data=data).status_code == 400

    def test_registration_and_logout_need_the_token(self, client):
        data = {
            "email": "csrf@example.com",
            "display_name": "C",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        }
        assert client.post("/register", data=data).status_code == 400
        data["csrf_token"] = csrf_token_from(client.get("/register").get_data(as_text=True))
        assert client.post("/register", data=data).status_code == 302
        assert client.post("/logout").status_code == 400
        assert client.get("/account/password").status_code == 200  # still logged in
        page = client.get("/account/password").get_data(as_text=True)
        client.post("/logout", data={"csrf_token": csrf_token_from(page)})
        assert client.get("/account/password").status_code == 302

    def test_language_switch_needs_the_token(self, client):
        assert client.post("/language", data={"locale": "zh_Hans"}).status_code == 400
