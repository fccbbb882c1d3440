"""Rate limits: logging in and registering (``app/auth/limits.py``), and casting votes.

Attempts count per client address and per account (the e-mail address typed); a successful
login gives its attempt back. The counters are in memory in tests; the ``_database`` fixture
resets them before each test. ``test_shared_limits`` checks them across two workers on Redis.
"""

from limits import parse, parse_many
from sqlalchemy import func, select

from app.auth.models import User
from app.core.extensions import db
from app.jury.models import Vote
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import post_confirmed, signed_in
from tests.helpers.route_matrix import TABLE, VOTE, build_world

VOTE_ROW = TABLE[("jury_seats.vote", "POST")]
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def vote_limit(app) -> int:
    return parse(app.config["VOTE_RATE_LIMIT"]).amount


def votes_cast() -> int:
    return db.session.scalar(select(func.count(Vote.id)))


def first_limit(app, setting: str) -> int:
    """The tightest window's allowance of a limit such as "10 per minute;50 per hour"."""
    return parse_many(app.config[setting])[0].amount


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def logged_in(client) -> bool:
    return client.get("/account/password").status_code == 200


# Logging in


def test_failures_from_one_address_are_limited_whichever_accounts_they_try(app):
    limit = first_limit(app, "LOGIN_RATE_LIMIT")
    here = client_at(app, "203.0.113.5")
    for _ in range(limit):  # each account tried once: only the address's limit is reached
        assert log_in(here, make_user().email, "wrong password").status_code == 200
    owner = make_user()
    refused = log_in(here, owner.email, PASSWORD)
    assert refused.status_code == 429
    assert not logged_in(here)

    elsewhere = client_at(app, "198.51.100.7")
    assert log_in(elsewhere, owner.email, PASSWORD).status_code == 302


def test_failures_against_one_account_are_limited_whichever_addresses_they_come_from(app):
    limit = first_limit(app, "LOGIN_ACCOUNT_RATE_LIMIT")
    victim, bystander = make_user(), make_user()
    for n in range(limit):
        attacker = client_at(app, f"192.0.2.{n + 1}")
        assert log_in(attacker, victim.email, "wrong password").status_code == 200
    fresh_address = client_at(app, "192.0.2.200")
    assert log_in(fresh_address, victim.email, PASSWORD).status_code == 429
    assert not logged_in(fresh_address)
    # the account is limited, not the addresses that tried it
    assert log_in(client_at(app, "192.0.2.1"), bystander.email, PASSWORD).status_code == 302


def test_an_unknown_address_is_limited_exactly_like_a_known_one(app):
    """The limit tells nothing about which e-mail addresses have accounts."""
    limit = first_limit(app, "LOGIN_ACCOUNT_RATE_LIMIT")
    known = make_user().email
    answers = {}
    for email in (known, "nobody-here@example.com"):
        answers[email] = [
            log_in(client_at(app, f"198.51.100.{n + 1}"), email, "wrong password").status_code
            for n in range(limit + 1)
        ]
    assert answers[known] == answers["nobody-here@example.com"] == [200] * limit + [429]


def test_the_account_limit_ignores_how_the_address_is_capitalised(app):
    limit = first_limit(app, "LOGIN_ACCOUNT_RATE_LIMIT")
    victim = make_user(email="victim@example.com")
    spellings = ["VICTIM@example.com", "Victim@Example.COM"]
    for n in range(limit):
        log_in(client_at(app, f"192.0.2.{n + 1}"), spellings[n % 2], "wrong password")
    assert log_in(client_at(app, "192.0.2.99"), victim.email, PASSWORD).status_code == 429


def test_successful_logins_do_not_use_up_the_limit(app):
    user = make_user()
    here = client_at(app, "203.0.113.9")
    for _ in range(first_limit(app, "LOGIN_RATE_LIMIT") + 5):
        assert log_in(here, user.email, PASSWORD).status_code == 302
        here.post("/logout")
    assert log_in(here, user.email, "wrong password").status_code == 200  # still counting


def test_a_success_gives_back_only_its_own_attempt(app):
    """Logging in to one's own account between guesses does not reset the count."""
    limit = first_limit(app, "LOGIN_RATE_LIMIT")
    own = make_user()
    here = client_at(app, "203.0.113.10")
    for _ in range(limit - 1):
        log_in(here, make_user().email, "wrong password")
    assert log_in(here, own.email, PASSWORD).status_code == 302
    here.post("/logout")
    assert log_in(here, make_user().email, "wrong password").status_code == 200  # the last one
    assert log_in(here, own.email, PASSWORD).status_code == 429


def test_a_refused_login_says_how_long_to_wait_beside_the_form_in_the_readers_language(app):
    limit = first_limit(app, "LOGIN_ACCOUNT_RATE_LIMIT")
    victim = make_user()
    here = client_at(app, "203.0.113.11")
    for _ in range(limit):
        log_in(here, victim.email, "wrong password")
    refused = here.post("/login", data={"email": victim.email, "password": PASSWORD}, headers=ZH)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert "尝试次数过多" in page
    assert 'name="password"' in page  # the form is there to try again later


# Registering


def register(client, email: str):
    data = {
        "email": email,
        "display_name": "Li Na",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    return client.post("/register", data=data)


def accounts() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_registrations_from_one_address_are_limited(app):
    limit = first_limit(app, "REGISTRATION_RATE_LIMIT")
    here = client_at(app, "203.0.113.20")
    for n in range(limit):
        before = accounts()
        assert register(here, f"new{n}@example.com").status_code == 200
        assert accounts() == before + 1
    before = accounts()
    assert register(here, "one-more@example.com").status_code == 429
    assert accounts() == before
    assert register(client_at(app, "198.51.100.20"), "one-more@example.com").status_code == 200
    assert accounts() == before + 1


def test_registrations_for_one_address_are_limited_from_anywhere(app):
    """Nobody can flood an inbox with sign-up mail by changing addresses."""
    limit = first_limit(app, "REGISTRATION_ACCOUNT_RATE_LIMIT")
    for n in range(limit):
        register(client_at(app, f"192.0.2.{n + 1}"), "target@example.com")
    assert register(client_at(app, "192.0.2.50"), "target@example.com").status_code == 429


# Voting


def seated_world():
    people, names = build_world(VOTE_ROW)
    return people["seated_reviewer"], names["seat"]


def test_the_default_vote_limit_is_thirty_a_minute(app):
    assert vote_limit(app) == 30


def test_votes_beyond_the_limit_get_429(app):
    reviewer, seat = seated_world()
    client = signed_in(app.test_client(), reviewer)
    limit = vote_limit(app)
    url = f"/review/seats/{seat}/vote"

    assert post_confirmed(client, url, VOTE).status_code == 302  # asked, then cast
    for _ in range(limit - 2):  # the seat is voted: each further try is sent back
        assert client.post(url, data=VOTE).status_code == 302
    assert client.post(url, data=VOTE).status_code == 429
    assert votes_cast() == 1
    assert client.get(f"/review/seats/{seat}").status_code == 200  # reading is not limited


def test_the_vote_limit_is_read_from_the_config_and_a_refused_vote_is_not_cast(app, monkeypatch):
    monkeypatch.setitem(app.config, "VOTE_RATE_LIMIT", "2 per minute")
    reviewer, seat = seated_world()
    client = signed_in(app.test_client(), reviewer)
    url = f"/review/seats/{seat}/vote"
    too_short = VOTE | {"reason": "Crushed."}

    assert client.post(url, data=too_short).status_code == 400  # counted all the same
    assert client.post(url, data=too_short).status_code == 400
    assert client.post(url, data=VOTE).status_code == 429
    assert votes_cast() == 0

    elsewhere = signed_in(app.test_client(), reviewer)
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert post_confirmed(elsewhere, url, VOTE).status_code == 302
    assert votes_cast() == 1


# Asking for a password reset


def ask_for_reset(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def test_reset_requests_from_one_address_are_limited(app):
    limit = first_limit(app, "PASSWORD_RESET_RATE_LIMIT")
    here = client_at(app, "203.0.113.30")
    for n in range(limit):
        assert ask_for_reset(here, f"someone{n}@example.com").status_code == 200
    assert ask_for_reset(here, "one-more@example.com").status_code == 429
    assert ask_for_reset(client_at(app, "198.51.100.30"), "one-more@example.com").status_code == 200


def test_reset_requests_for_one_address_are_limited_from_anywhere(app):
    """Nobody can flood an inbox with reset mail by changing addresses."""
    limit = first_limit(app, "PASSWORD_RESET_ACCOUNT_RATE_LIMIT")
    owner = make_user()
    for n in range(limit):
        assert ask_for_reset(client_at(app, f"192.0.2.{n + 1}"), owner.email).status_code == 200
    refused = ask_for_reset(client_at(app, "192.0.2.60"), owner.email)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
