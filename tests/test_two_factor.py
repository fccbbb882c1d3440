"""Two-factor login for staff: set up with a QR code and a first code, then every login asks
for a code after the password; codes are good once, wrong ones are limited, the half-done
login runs out, recovery codes stand in for the app, and an admin can require it of staff."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import two_factor
from app.auth.errors import AccountError
from app.auth.models import Role
from app.auth.reset import send_password_resets
from app.auth.services import change_password
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers.accounts import (
    actions_on,
    app_code,
    is_logged_in,
    log_in,
    mail_link,
    with_two_factor,
)
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import csrf_token_from, field_error, page

WRONG_CODE = "That code is not right"


@pytest.fixture(autouse=True)
def _still_clock():
    """Codes follow the clock: it stands still unless a test moves it."""
    clock.freeze(clock.now())


def mediator_with_two_factor():
    mediator = make_user(roles=(Role.MEDIATOR,))
    recovery_codes = with_two_factor(mediator)
    return mediator, recovery_codes


def password_step(client, user, password=PASSWORD, **extra):
    data = {"email": user.email, "password": password, "remember": "y", **extra}
    return client.post("/login", data=data)


def code_step(client, code):
    return client.post("/login/two-factor", data={"code": code})


# Setting it up


def test_a_mediator_sets_it_up_with_a_qr_code_and_a_first_code(client, csrf_enabled):
    mediator = make_user(roles=(Role.MEDIATOR,))
    log_in(client, mediator)
    account = page(client, "/account")
    assert "Off." in account and 'href="/account/two-factor"' in account
    setup = page(client, "/account/two-factor")
    response = client.post("/account/two-factor/start", data={"csrf_token": csrf_token_from(setup)})
    assert response.status_code == 302

    setup = page(client, "/account/two-factor")
    db.session.refresh(mediator)
    # the QR code, drawn on the server: no script of the page's own (every page loads the
    # site's static form script)
    assert "<svg" in setup and not re.search(r"<script(?![^>]*\bsrc=)", setup)
    assert mediator.two_factor.secret in setup and "otpauth://totp/" in setup
    token = csrf_token_from(setup)
    wrong = client.post("/account/two-factor", data={"code": "000000", "csrf_token": token})
    assert WRONG_CODE in field_error(wrong.get_data(as_text=True), "code")
    assert not mediator.has_two_factor

    done = client.post(
        "/account/two-factor", data={"code": app_code(mediator), "csrf_token": token}
    )

    html = done.get_data(as_text=True)
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", html)
    assert done.status_code == 200 and len(codes) == 10 == len(set(codes))
    db.session.refresh(mediator)
    assert mediator.has_two_factor
    assert "user.two_factor_enabled" in actions_on(mediator)
    assert "10 recovery codes left." in page(client, "/account")
    assert all(code not in repr(mediator.two_factor.__dict__) for code in codes)


def test_only_staff_may_set_it_up(client):
    buyer = make_user()
    log_in(client, buyer)
    assert client.get("/account/two-factor").status_code == 403
    with pytest.raises(AccountError):
        two_factor.start_two_factor(buyer)


# Logging in with it


def test_the_password_alone_does_not_log_in(client):
    mediator, _codes = mediator_with_two_factor()
    response = password_step(client, mediator, next="/mediation/")
    assert response.status_code == 302 and response.headers["Location"] == "/login/two-factor"
    assert not is_logged_in(client)
    assert client.get("/mediation/").status_code == 302
    assert client.get_cookie("remember_token") is None

    response = code_step(client, app_code(mediator))

    assert response.status_code == 302 and response.headers["Location"] == "/mediation/"
    assert is_logged_in(client)
    assert client.get_cookie("remember_token") is not None  # as asked at the password step


def test_a_wrong_password_never_reaches_the_code_step(client):
    mediator, _codes = mediator_with_two_factor()
    response = password_step(client, mediator, password="not the password")
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert client.get("/login/two-factor").headers["Location"] == "/login"


def test_a_code_is_good_once(app, client):
    mediator, _codes = mediator_with_two_factor()
    code = app_code(mediator)
    password_step(client, mediator)
    assert code_step(client, code).status_code == 302

    thief = app.test_client()  # saw the code over the shoulder, knows the password
    password_step(thief, mediator)
    refused = code_step(thief, code)
    assert WRONG_CODE in field_error(refused.get_data(as_text=True), "code")
    assert not is_logged_in(thief)
    # nor does the code of the step before, once a later one was used
    assert WRONG_CODE in code_step(thief, app_code(mediator, -1)).get_data(as_text=True)

    clock.advance(timedelta(seconds=30))
    assert code_step(thief, app_code(mediator)).status_code == 302  # the next code works


def test_codes_a_step_either_side_are_accepted_and_no_further(client):
    mediator, _codes = mediator_with_two_factor()
    password_step(client, mediator)
    assert WRONG_CODE in code_step(client, app_code(mediator, 2)).get_data(as_text=True)
    assert code_step(client, app_code(mediator, 1)).status_code == 302


def test_wrong_codes_are_limited_even_when_the_session_cookie_is_replayed(app, client):
    mediator, _codes = mediator_with_two_factor()
    password_step(client, mediator)
    half_done = client.get_cookie("session").value
    limit = app.config["TWO_FACTOR_MAX_FAILURES"]
    for n in range(limit):
        attacker = app.test_client()
        attacker.set_cookie("session", half_done)  # the half-done login as it first was
        response = code_step(attacker, f"{n:06d}")
        assert WRONG_CODE in response.get_data(as_text=True)

    refused = code_step(client, app_code(mediator))
    assert "Too many wrong codes" in refused.get_data(as_text=True)
    assert not is_logged_in(client)

    clock.advance(app.config["TWO_FACTOR_PAUSE"] + timedelta(seconds=1))
    password_step(client, mediator)
    assert code_step(client, app_code(mediator)).status_code == 302


def test_the_half_done_login_runs_out(app, client):
    mediator, _codes = mediator_with_two_factor()
    password_step(client, mediator)
    clock.advance(app.config["TWO_FACTOR_LOGIN_TTL"] + timedelta(seconds=1))
    response = code_step(client, app_code(mediator))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not is_logged_in(client)


def test_the_half_done_login_ends_when_the_password_changes(client):
    mediator, _codes = mediator_with_two_factor()
    password_step(client, mediator)
    change_password(mediator, PASSWORD, "changed meanwhile")
    db.session.flush()
    assert code_step(client, app_code(mediator)).headers["Location"] == "/login"
    assert not is_logged_in(client)


def test_a_recovery_code_logs_in_once(app, client):
    mediator, codes = mediator_with_two_factor()
    password_step(client, mediator)
    assert code_step(client, codes[0].upper().replace("-", " ")).status_code == 302
    assert "user.recovery_code_used" in actions_on(mediator)

    other = app.test_client()
    password_step(other, mediator)
    assert WRONG_CODE in code_step(other, codes[0]).get_data(as_text=True)
    assert code_step(other, codes[1]).status_code == 302
    assert "8 recovery codes left." in page(other, "/account")


def test_a_password_reset_does_not_skip_the_code(client):
    mediator, _codes = mediator_with_two_factor()
    client.post("/password/forgot", data={"email": mediator.email})
    send_password_resets()
    link = mail_link(mediator, "/password/reset/")
    client.post(link, data={"password": "reset passphrase", "confirm": "reset passphrase"})
    response = password_step(client, mediator, password="reset passphrase")
    assert response.headers["Location"] == "/login/two-factor"
    assert not is_logged_in(client)


# Turning it off


def test_turning_it_off_takes_a_current_code(client, csrf_enabled):
    mediator, _codes = mediator_with_two_factor()
    password_step(client, mediator, csrf_token=csrf_token_from(page(client, "/login")))
    form = page(client, "/login/two-factor")
    code_step_data = {"code": app_code(mediator), "csrf_token": csrf_token_from(form)}
    client.post("/login/two-factor", data=code_step_data)
    clock.advance(timedelta(seconds=30))
    token = csrf_token_from(page(client, "/account"))

    client.post("/account/two-factor/disable", data={"code": "123456", "csrf_token": token})
    db.session.refresh(mediator)
    assert mediator.has_two_factor
    client.post(
        "/account/two-factor/disable", data={"code": app_code(mediator), "csrf_token": token}
    )

    db.session.refresh(mediator)
    assert not mediator.has_two_factor
    assert "user.two_factor_disabled" in actions_on(mediator)
    client.post("/logout", data={"csrf_token": token})
    log_in(client, mediator)  # the password alone again
    assert is_logged_in(client)


# The staff requirement


def test_an_admin_requires_it_of_staff(client, csrf_enabled):
    admin = make_user(roles=(Role.ADMIN,))
    log_in(client, admin)
    html = page(client, "/admin/users")
    assert "Two-factor login is optional" in html
    token = csrf_token_from(html)
    assert client.post("/admin/staff-two-factor", data={"required": "1"}).status_code == 400
    assert not two_factor.staff_two_factor_required()

    client.post("/admin/staff-two-factor", data={"required": "1", "csrf_token": token})

    assert two_factor.staff_two_factor_required()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "settings.staff_two_factor")
    ).one()
    assert event.actor_id == admin.id and event.after == {"required": True}
    # the admin has none yet: from now on every page sends them to set it up
    assert client.get("/admin/users").headers["Location"] == "/account/two-factor"


def test_staff_without_it_can_reach_only_its_setup_while_it_is_required(app, client):
    admin = make_user(roles=(Role.ADMIN,))
    two_factor.require_staff_two_factor(True, admin)
    mediator = make_user(roles=(Role.MEDIATOR,))
    buyer = make_user()

    response = log_in(client, mediator)
    for path in ("/", "/mediation/", "/inbox", "/account", "/orders", "/account/password"):
        assert client.get(path).headers.get("Location") == "/account/two-factor", path
    assert "must use two-factor login" in page(client, "/account/two-factor")
    assert response.status_code == 302

    client.post("/account/two-factor/start")
    db.session.refresh(mediator)
    client.post("/account/two-factor", data={"code": app_code(mediator)})
    assert client.get("/mediation/").status_code == 200

    other = app.test_client()
    log_in(other, buyer)
    assert other.get("/orders").status_code == 200  # buyers and sellers are not asked


def test_it_cannot_be_turned_off_while_required(client):
    mediator, _codes = mediator_with_two_factor()
    two_factor.require_staff_two_factor(True, None)
    with pytest.raises(AccountError, match="required for staff"):
        two_factor.disable_two_factor(mediator, app_code(mediator))
    assert mediator.has_two_factor


def test_requiring_it_twice_changes_nothing_the_second_time():
    assert two_factor.require_staff_two_factor(True, None)
    assert not two_factor.require_staff_two_factor(True, None)
    assert two_factor.require_staff_two_factor(False, None)


def test_logging_in_as_someone_else_forgets_a_half_done_login(client):
    mediator, _codes = mediator_with_two_factor()
    buyer = make_user()
    password_step(client, mediator)
    log_in(client, buyer)
    assert client.get("/login/two-factor").headers["Location"] == "/"
    assert "Your account" in page(client, "/account") and buyer.email in page(client, "/account")
