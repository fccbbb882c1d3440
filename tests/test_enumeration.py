"""Nobody learns from the login, registration or reset pages whether an address has an
account: the answers are the same (status, headers, cookies, and the body once the CSRF token
and the echoed address are taken out) and take as long (medians within a factor of 1.5,
measured side by side, never against a fixed time)."""

import re
import statistics
import time
from itertools import count

import pytest

from app.auth.services import find_user_by_email
from tests.helpers.accounts import mails_to
from tests.helpers.factories import make_user
from tests.helpers.pages import csrf_token_from

ROUNDS = 41  # enough that a pause of the machine in one round does not move a median
FACTOR = 1.5
CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')
_addresses = count(1)


def fresh_address() -> str:
    return f"198.51.100.{next(_addresses) % 250 + 1}"


def post(client, url: str, data: dict):
    """The form as a browser sends it, from an address of its own (the rate limits count per
    address and are not what is measured here)."""
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(
        url, data=data | {"csrf_token": token}, environ_base={"REMOTE_ADDR": fresh_address()}
    )


def answer(response, email: str) -> tuple:
    """Everything the asker sees, with the CSRF token and their own address taken out."""
    body = CSRF_VALUE.sub(r'\1…"', response.get_data(as_text=True)).replace(email, "EMAIL")
    cookies = sorted(c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie"))
    headers = sorted(
        (name, value)
        for name, value in response.headers.items()
        if name not in ("Set-Cookie", "Content-Length")
    )
    return response.status_code, headers, cookies, body


def median_seconds(app, url: str, data_for: dict) -> dict[str, float]:
    """Each kind of request ``ROUNDS`` times, interleaved, each on a fresh client; the kinds
    take turns going first, so whatever the first request of a round pays is shared."""
    seconds: dict[str, list[float]] = {kind: [] for kind in data_for}
    kinds = list(data_for.items())
    for n in range(ROUNDS):
        for kind, data in kinds[n % len(kinds) :] + kinds[: n % len(kinds)]:
            client = app.test_client()
            token = csrf_token_from(client.get(url).get_data(as_text=True))
            payload = data(n) | {"csrf_token": token}
            started = time.perf_counter()
            client.post(url, data=payload, environ_base={"REMOTE_ADDR": fresh_address()})
            seconds[kind].append(time.perf_counter() - started)
    return {kind: statistics.median(times) for kind, times in seconds.items()}


def assert_alike(medians: dict[str, float]) -> None:
    slowest, quickest = max(medians.values()), min(medians.values())
    assert slowest / quickest < FACTOR, medians


pytestmark = pytest.mark.usefixtures("csrf_enabled")


# Logging in


def test_a_login_answers_alike_for_a_known_and_an_unknown_address(app):
    known = make_user()
    imported = make_user(password=None, verified=False)
    unproven = make_user(verified=False)
    answers = [
        answer(post(app.test_client(), "/login", {"email": e, "password": "wrong passw0rd"}), e)
        for e in (known.email, "nobody@example.com", imported.email, unproven.email)
    ]
    assert answers[0][0] == 200 and "Wrong e-mail address or password." in answers[0][3]
    assert all(other == answers[0] for other in answers[1:])


def test_a_login_takes_as_long_for_a_known_and_an_unknown_address(app):
    # an account of its own each round, as each unknown address is: the per-account limit
    # (test_rate_limits) is not what is measured
    known = [make_user() for _ in range(ROUNDS)]
    medians = median_seconds(
        app,
        "/login",
        {
            "known address, wrong password": lambda n: {
                "email": known[n].email,
                "password": f"no{n}",
            },
            "unknown address": lambda n: {"email": f"nobody{n}@example.com", "password": f"no{n}"},
        },
    )
    assert_alike(medians)


# Registering


def registration(email: str) -> dict:
    return {
        "email": email,
        "display_name": "Someone",
        "password": "a long passphrase",
        "confirm": "a long passphrase",
    }


def test_registering_answers_alike_for_a_new_and_a_taken_address(app):
    taken = make_user()
    imported = make_user(password=None, verified=False)
    emails = (taken.email, "brand.new@example.com", imported.email)
    answers = [answer(post(app.test_client(), "/register", registration(e)), e) for e in emails]
    assert answers[0][0] == 200 and "We sent a message to EMAIL" in answers[0][3]
    assert "already" not in answers[0][3]
    assert all(other == answers[0] for other in answers[1:])


def test_what_differs_goes_to_the_address_s_owner_by_e_mail(app):
    taken = make_user()
    imported = make_user(password=None, verified=False)
    for email in (taken.email, "brand.new@example.com", imported.email):
        post(app.test_client(), "/register", registration(email))

    [attempt] = mails_to(taken)
    assert attempt.subject == "Someone tried to register with your address"
    assert "/login" in attempt.body and "/password/forgot" in attempt.body
    [claim] = mails_to(imported)
    assert "/claim/" in claim.body
    [welcome] = mails_to(find_user_by_email("brand.new@example.com"))
    assert "/verify/" in welcome.body


def test_registering_takes_as_long_for_a_new_and_a_taken_address(app):
    taken = [make_user() for _ in range(ROUNDS)]
    medians = median_seconds(
        app,
        "/register",
        {
            "taken address": lambda n: registration(taken[n].email),
            "new address": lambda n: registration(f"new{n}@example.com"),
        },
    )
    assert_alike(medians)


# Asking for a password reset


def test_a_reset_request_answers_alike_for_every_address(app):
    known = make_user()
    imported = make_user(password=None, verified=False)
    emails = (known.email, "nobody@example.com", imported.email)
    answers = [answer(post(app.test_client(), "/password/forgot", {"email": e}), e) for e in emails]
    assert answers[0][0] == 200 and "If EMAIL belongs to a Tribunal account" in answers[0][3]
    assert all(other == answers[0] for other in answers[1:])


def test_a_reset_request_takes_as_long_for_a_known_and_an_unknown_address(app):
    known = [make_user() for _ in range(ROUNDS)]
    medians = median_seconds(
        app,
        "/password/forgot",
        {
            "known address": lambda n: {"email": known[n].email},
            "unknown address": lambda n: {"email": f"nobody{n}@example.com"},
        },
    )
    assert_alike(medians)
