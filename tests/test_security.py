"""Security headers on every page, and CSRF protection with real forms."""

import pytest

from app.auth.services import find_user_by_email
from app.core.config import ProductionConfig
from app.core.security import SECURITY_HEADERS
from tests.helpers.case_factories import add_photo, make_case
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import csrf_token_from, login


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


@pytest.mark.parametrize("path", ["/orders", "/inbox", "/review/", "/account/password"])
def test_pages_for_a_signed_in_person_are_never_stored(client, path):
    login(client, make_user())

    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_public_pages_and_static_files_may_be_stored(client):
    assert "Cache-Control" not in client.get("/login").headers
    login(client, make_user())
    assert client.get("/static/css/tribunal.css").headers.get("Cache-Control") != "no-store"


def test_an_evidence_file_keeps_its_own_revalidated_caching(client):
    case = make_case("evidence")
    entry = add_photo(case, case.buyer)
    login(client, case.buyer)

    response = client.get(f"/cases/{case.id}/evidence/{entry.id}/file")

    assert response.headers["Cache-Control"] == "private, no-cache"


def test_production_asks_browsers_for_https_only(app, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS_SECONDS", 31536000)

    response = app.test_client().get("/login")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_is_production_s_alone(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert ProductionConfig.HSTS_SECONDS == 365 * 24 * 3600


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
        assert find_user_by_email("csrf@example.com") is None
        data["csrf_token"] = csrf_token_from(client.get("/register").get_data(as_text=True))
        response = client.post("/register", data=data)
        assert response.status_code == 200 and "We sent a message" in response.get_data(True)
        assert find_user_by_email("csrf@example.com") is not None
        user = make_user()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert client.post("/logout").status_code == 400
        assert client.get("/account/password").status_code == 200  # still logged in
        page = client.get("/account/password").get_data(as_text=True)
        client.post("/logout", data={"csrf_token": csrf_token_from(page)})
        assert client.get("/account/password").status_code == 302

    def test_language_switch_needs_the_token(self, client):
        assert client.post("/language", data={"locale": "zh_Hans"}).status_code == 400
