"""Rate limits: logging in (see also ``test_auth``) and casting votes.

Flask-Limiter counts per client address (``get_remote_address``), in memory in tests; the
``_database`` fixture resets the counters before each test.
"""

from limits import parse
from sqlalchemy import func, select

from app.core.extensions import db
from app.jury.models import Vote
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import signed_in
from tests.helpers.route_matrix import TABLE, VOTE, build_world

VOTE_ROW = TABLE[("jury_seats.vote", "POST")]


def vote_limit(app) -> int:
    return parse(app.config["VOTE_RATE_LIMIT"]).amount


def votes_cast() -> int:
    return db.session.scalar(select(func.count(Vote.id)))


# Logging in


def test_the_login_limit_counts_per_address_not_per_account(app):
    limit = parse(app.config["LOGIN_RATE_LIMIT"].split(";")[0]).amount
    first, second = make_user(), make_user()
    here = app.test_client()
    for n in range(limit):
        user = first if n % 2 else second
        here.post("/login", data={"email": user.email, "password": "wrong password"})
    refused = here.post("/login", data={"email": first.email, "password": PASSWORD})
    assert refused.status_code == 429
    assert here.get("/account/password").status_code == 302  # not logged in

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    data = {"email": first.email, "password": PASSWORD}
    assert elsewhere.post("/login", data=data).status_code == 302


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

    assert client.post(url, data=VOTE).status_code == 302  # cast
    for _ in range(limit - 1):  # the seat is voted: each further try is sent back
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
    assert elsewhere.post(url, data=VOTE).status_code == 302
    assert votes_cast() == 1
