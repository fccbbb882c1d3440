"""An admin locks an account: its logins end at once on every device, and its owner cannot
log in (told so only after giving the right password). Unlocking lets them log in again; the
old logins stay ended."""

import pytest

from app.auth.errors import AccountError
from app.auth.locks import lock_account, unlock_account
from app.auth.models import Role
from app.core.extensions import db
from tests.helpers.accounts import actions_on, cookies_of, is_logged_in, log_in, opens_the_inbox
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import csrf_token_from, page

LOCKED = "This account is locked."
WRONG = "Wrong e-mail address or password."


def lock_button_token(admin_client, user) -> str:
    """The CSRF token of the user's Lock button on the admin page, as an admin's browser
    submits it."""
    html = page(admin_client, f"/admin/users?q={user.email}")
    assert f'action="/admin/users/{user.id}/lock' in html
    return csrf_token_from(html[html.index(f"/admin/users/{user.id}/lock") :])


def test_a_lock_ends_every_login_of_the_account_at_once(app, client, csrf_enabled):
    admin = make_user(roles=(Role.ADMIN,))
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, user)
    log_in(laptop, user)
    copies = [cookies_of(phone), cookies_of(laptop)]
    log_in(client, admin)

    url = f"/admin/users/{user.id}/lock"
    assert client.post(url).status_code == 400  # no CSRF token: nothing happens
    assert is_logged_in(phone)
    response = client.post(url, data={"csrf_token": lock_button_token(client, user)})

    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_locked
    assert not is_logged_in(phone) and not is_logged_in(laptop)
    for cookies in copies:
        assert not opens_the_inbox(app, cookies)
        assert not opens_the_inbox(app, {"session": cookies["session"]})
        assert not opens_the_inbox(app, {"remember_token": cookies["remember_token"]})
    assert "user.locked" in actions_on(user)
    assert "locked" in page(client, f"/admin/users?q={user.email}")


def test_a_locked_account_is_named_so_only_to_someone_with_its_password(client):
    user = make_user()
    lock_account(user, locked_by=None)
    db.session.flush()

    wrong = client.post("/login", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/login", data={"email": "no@example.com", "password": "whatever12"})
    for response in (wrong, unknown):
        html = response.get_data(as_text=True)
        assert WRONG in html and LOCKED not in html

    right = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert right.status_code == 200 and LOCKED in right.get_data(as_text=True)
    assert not is_logged_in(client)


def test_unlocking_restores_login_but_not_the_old_logins(app, client):
    admin = make_user(roles=(Role.ADMIN,))
    user = make_user()
    log_in(client, user)
    before = cookies_of(client)
    lock_account(user, locked_by=admin)

    assert unlock_account(user, unlocked_by=admin)
    db.session.flush()

    assert not opens_the_inbox(app, before)
    assert not opens_the_inbox(app, {"remember_token": before["remember_token"]})
    log_in(client, user)
    assert is_logged_in(client)
    assert actions_on(user)[-2:] == ["user.locked", "user.unlocked"]


def test_unlocking_through_the_admin_page(client):
    admin = make_user(roles=(Role.ADMIN,))
    user = make_user()
    lock_account(user, locked_by=admin)
    log_in(client, admin)
    html = page(client, f"/admin/users?q={user.email}")
    assert f'action="/admin/users/{user.id}/unlock' in html
    assert client.post(f"/admin/users/{user.id}/unlock").status_code == 302
    db.session.refresh(user)
    assert not user.is_locked


def test_locking_twice_changes_nothing_the_second_time(app):
    admin = make_user(roles=(Role.ADMIN,))
    user = make_user()
    assert lock_account(user, locked_by=admin)
    assert not lock_account(user, locked_by=admin)
    assert not unlock_account(make_user(), unlocked_by=admin)
    assert actions_on(user).count("user.locked") == 1


def test_an_admin_cannot_lock_themselves(client):
    admin = make_user(roles=(Role.ADMIN,))
    log_in(client, admin)
    assert f"/admin/users/{admin.id}/lock" not in page(client, f"/admin/users?q={admin.email}")
    client.post(f"/admin/users/{admin.id}/lock")
    db.session.refresh(admin)
    assert not admin.is_locked and is_logged_in(client)
    with pytest.raises(AccountError, match="your own account"):
        lock_account(admin, locked_by=admin)
