"""English and Simplified Chinese, from the browser or the visitor's choice."""

from tests.helpers.factories import make_user
from tests.helpers.pages import login


def test_english_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and '<html lang="en">' in page


def test_chinese_from_the_browser(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(True)
    assert '<html lang="zh-Hans">' in page
    assert "登录" in page


def test_the_switcher_overrides_the_browser(client):
    response = client.post("/language", data={"locale": "zh_Hans", "next": "/register"})
    assert response.status_code == 302 and response.headers["Location"] == "/register"
    assert "注册" in client.get("/register").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    page = client.get("/register", headers={"Accept-Language": "zh-CN"}).get_data(True)
    assert "Create an account" in page


def test_the_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_service_errors_are_translated(client):
    user = make_user()
    login(client, user)
    client.post("/language", data={"locale": "zh_Hans"})
    data = {"current_password": "wrong one!!", "password": "x" * 12, "confirm": "x" * 12}
    page = client.post("/account/password", data=data).get_data(as_text=True)
    assert "当前密码不正确" in page


def test_the_login_prompt_is_translated(client):
    response = client.get("/orders", headers={"Accept-Language": "zh-CN"}, follow_redirects=True)
    assert "请先登录再查看此页面。" in response.get_data(as_text=True)


def test_a_person_s_language_is_remembered_for_notifications(client):
    from app.core.extensions import db

    user = make_user()
    client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert db.session.get(type(user), user.id).locale == "zh_Hans"
    client.post("/language", data={"locale": "en"})
    assert db.session.get(type(user), user.id).locale == "en"
