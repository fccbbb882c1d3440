"""Error pages: in the site's layout and the reader's language, saying what happened and
what to do next, with a way back; the API's errors stay problem documents; a server error's
page renders without the database and shows a reference that the log carries too."""

import logging
import re

import pytest
from werkzeug.exceptions import Forbidden

from app.auth.models import Role, User
from app.auth.views import blueprint as auth_blueprint
from app.core.error_pages import error_page
from app.core.extensions import db
from tests.helpers.api import assert_problem
from tests.helpers.factories import make_user
from tests.helpers.pages import signed_in
from tests.helpers.route_matrix import TABLE, VOTE, build_world

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
# what Werkzeug's own pages say, which ours never do
WERKZEUG_TEXT = (
    "The requested URL was not found on the server",
    "The method is not allowed for the requested URL",
    "The CSRF token is missing",
    "You don't have the permission",
    "Internal Server Error",
    "The server encountered an internal error",
    "per 1 minute",
)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def assert_site_page(response, status: int, *, heading: str, says: str) -> str:
    """The page is the site's own: its layout, its language switch, the heading and what it
    says, a way home, and none of Werkzeug's wording."""
    html = text_of(response)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert '<nav aria-label="' in html and 'class="language-form"' in html
    assert f'<h1 id="error-title">{heading}</h1>' in html
    assert says in html
    assert '<li><a href="/">' in html  # the way home
    assert not [text for text in WERKZEUG_TEXT if text in html]
    return html


def test_a_missing_page_says_so_in_english_with_a_way_home(client):
    html = assert_site_page(
        client.get("/no-such-page"),
        404,
        heading="Page not found",
        says="Check the address, go back, or start again from the home page.",
    )
    assert 'lang="en"' in html and "Home page" in html and "Error 404" in html


def test_a_missing_page_speaks_chinese_to_a_chinese_reader(client):
    html = assert_site_page(
        client.get("/no-such-page", headers=ZH),
        404,
        heading="找不到页面",
        says="请检查网址、返回上一页，或从首页重新开始。",
    )
    assert 'lang="zh-Hans"' in html and "首页" in html and "登录" in html


def test_a_missing_case_for_a_logged_in_reader_keeps_their_navigation(client):
    user = make_user(name="Mei Ling")
    signed_in(client, user)

    html = assert_site_page(
        client.get("/cases/2147483000"), 404, heading="Page not found", says="out of date"
    )
    assert "Mei Ling" in html and "My cases" in html


def test_the_way_back_is_the_page_the_reader_came_from_when_it_is_on_this_site(client):
    here = client.get("/no-such-page", headers={"Referer": "http://localhost/transparency?m=3"})
    assert 'href="/transparency?m=3">Back to the page you came from' in text_of(here)

    elsewhere = client.get("/no-such-page", headers={"Referer": "https://evil.example/x"})
    assert "Back to the page you came from" not in text_of(elsewhere)


def test_a_forbidden_page_says_who_may_and_offers_no_login_to_the_logged_in(client):
    signed_in(client, make_user())

    html = assert_site_page(
        client.get("/mediation/", headers=ZH),
        403,
        heading="您无权打开此页面",
        says="请联系平台工作人员",
    )
    assert 'href="/login' not in html.split("<main")[1]


def test_a_forbidden_page_offers_a_logged_out_reader_to_log_in_and_come_back(app):
    with app.test_request_context("/admin/users?page=2"):
        response = error_page(Forbidden())

    html = text_of(response)
    assert response.status_code == 403
    assert 'href="/login?next=/admin/users?page%3D2">Log in</a>' in html


def test_a_form_sent_to_a_page_that_only_shows_says_how_to_go_on(client):
    response = client.post("/transparency")

    assert_site_page(
        response, 405, heading="This page cannot be used this way", says="own links and buttons"
    )
    assert "GET" in response.headers["Allow"]


@pytest.mark.usefixtures("csrf_enabled")
def test_a_form_without_its_token_has_expired_and_leads_back_to_the_form(client):
    response = client.post(
        "/login",
        data={"email": "a@example.com", "password": "x"},
        headers={"Referer": "http://localhost/login?next=/orders"},
    )

    html = assert_site_page(
        response, 400, heading="This form has expired", says="send the form again"
    )
    assert 'href="/login?next=/orders">Back to the page you came from' in html


@pytest.mark.usefixtures("csrf_enabled")
def test_an_expired_form_speaks_chinese_too(client):
    assert_site_page(
        client.post("/login", data={}, headers=ZH),
        400,
        heading="表单已过期",
        says="请返回上一页，刷新后重新提交表单。",
    )


def test_an_upload_past_the_size_limit_says_to_send_a_smaller_file(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)

    response = client.post("/login", data={"email": "a@example.com", "password": "x" * 4096})

    assert_site_page(response, 413, heading="What you sent is too large", says="smaller file")


def test_too_many_votes_say_in_words_when_to_try_again(app, monkeypatch):
    monkeypatch.setitem(app.config, "VOTE_RATE_LIMIT", "1 per 10 minutes")
    people, names = build_world(TABLE[("jury_seats.vote", "POST")])
    client = signed_in(app.test_client(), people["seated_reviewer"])
    url = f"/review/seats/{names['seat']}/vote"
    client.post(url, data=VOTE)

    refused = client.post(url, data=VOTE)
    refused_zh = client.post(url, data=VOTE, headers=ZH)

    html = assert_site_page(
        refused, 429, heading="Too many attempts", says="Please wait 10 minutes and try again."
    )
    assert "1 per 10 minute" not in html
    assert 540 <= int(refused.headers["Retry-After"]) <= 600
    assert_site_page(refused_zh, 429, heading="尝试次数过多", says="请等待 10 分钟后再试。")


# The API keeps its problem documents beside the site's pages


def test_the_api_answers_a_missing_path_and_a_wrong_method_with_problems(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)
    wrong_method = client.delete("/api/v1/openapi.json")
    assert_problem(wrong_method, 405)
    assert "GET" in wrong_method.headers["Allow"]


# The server error


@pytest.fixture
def broken_home(app, monkeypatch):
    """The home page fails as a bug would, and the error is handled as in production."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def set_broken(view):
        monkeypatch.setitem(app.view_functions, "public.index", view)

    return set_broken


def _fails_mid_write():
    db.session.add(User())  # no e-mail, no name: the flush fails and the session is broken
    db.session.flush()


def test_a_server_error_rolls_back_and_shows_a_logged_reference(client, broken_home, caplog):
    broken_home(_fails_mid_write)
    signed_in(client, make_user(name="Mei Ling"))

    with caplog.at_level(logging.ERROR, logger="app"):
        response = client.get("/", headers=ZH)

    html = assert_site_page(response, 500, heading="我们这边出了问题", says="请过几分钟再试")
    reference = re.search(r'<p class="error-reference"><code>([0-9A-F]{8})</code>', html)[1]
    logged = [r.getMessage() for r in caplog.records if reference in r.getMessage()]
    assert logged == [f"Server error {reference}: IntegrityError in GET /"]
    assert "Mei Ling" not in html  # the header asks the database for no one
    assert response.headers["Cache-Control"] == "no-store"


def test_a_server_error_page_renders_while_the_database_is_down(client, broken_home, monkeypatch):
    def database_down(*_args):
        raise ConnectionError("the database does not answer")

    broken_home(lambda: database_down())
    signed_in(client, make_user(roles=(Role.MEDIATOR,)))
    monkeypatch.setattr(auth_blueprint, "user_for_login", database_down)

    html = assert_site_page(
        client.get("/"), 500, heading="Something went wrong on our side", says="reference"
    )
    assert 'class="language-form"' in html
