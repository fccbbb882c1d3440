"""CSRF protection on EVERY state-changing route of the URL map.

With protection on, as in production, each POST/PUT/PATCH/DELETE route is tried by a role
the route matrix (``tests/helpers/route_matrix.py``) lets through: without a token and with a
forged one it answers 400 and nothing changes; with the token of its own page it does its
work, as the matrix says. The /api/v1 bearer-token API is the one exemption, by design:
nothing there is reached with a browser's cookies.
"""

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.cases.models import Case, EvidenceEntry
from app.cases.releases import is_released_to_reviewers
from app.core.extensions import csrf, db, limiter
from app.jury.models import Seat, Vote
from app.mediation.models import SavedDeskFilter
from app.notifications.models import InboxItem, MailPreference
from app.notifications.outbox import OutboxMessage
from app.notifications.webhooks.models import WebhookEndpoint
from tests.helpers.pages import confirmed, csrf_token_from, signed_in
from tests.helpers.route_matrix import ROLES, TABLE, build_world

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def state_changing_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods & STATE_CHANGING
        if not rule.rule.startswith("/api/v1/")
    )


PROTECTED = [
    route
    for route, row in sorted(TABLE.items())
    if route[1] in STATE_CHANGING and not row.url.startswith("/api/v1/")
]


def test_only_the_bearer_token_api_is_exempt(app):
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == {"api"}
    assert not csrf._exempt_views
    api_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]
    assert api_rules and all(rule.endpoint.startswith("api.") for rule in api_rules)
    assert all(
        rule.rule.startswith("/api/v1/")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    )


def test_every_state_changing_route_is_covered(app):
    assert state_changing_routes(app) == PROTECTED


def allowed_role(route) -> str:
    """A logged-in role the matrix lets through, the anonymous visitor on open routes only."""
    row = TABLE[route]
    for role in (*ROLES[1:], ROLES[0]):
        if row.expected(role) in (200, 302):
            return role
    raise AssertionError(f"no role may use {route}")


# What a few representative routes would change, read before and after the refused request


def _case_state(names):
    return db.session.get(Case, names["case"]).state


def _votes(names):
    return db.session.scalar(
        select(func.count(Vote.id))
        .join(Seat, Vote.seat_id == Seat.id)
        .where(Seat.id == names["seat"])
    )


def _read_at(names):
    return db.session.get(InboxItem, names["item"]).read_at


def _shown_to_reviewers(names):
    return is_released_to_reviewers(db.session.get(EvidenceEntry, names["entry"]))


def _is_mediator(names):
    return db.session.get(User, names["target"]).has_role(Role.MEDIATOR)


def _is_locked(names):
    return db.session.get(User, names["target"]).is_locked


def _saved_filters(_names):
    return db.session.scalar(select(func.count(SavedDeskFilter.id)))


def _webhook_endpoints(_names):
    return db.session.scalar(select(func.count(WebhookEndpoint.id)))


def _webhook_endpoint(names):
    endpoint = db.session.get(WebhookEndpoint, names["endpoint"])
    return endpoint.secret_sealed, endpoint.disabled_at


def _mail_choices(_names):
    return db.session.scalar(select(func.count()).select_from(MailPreference))


def _webhook_message(names):
    message = db.session.get(OutboxMessage, names["message"])
    return message.available_at, message.sent_at


UNCHANGED = {
    ("cases.withdraw", "POST"): _case_state,
    ("cases.accept_intake", "POST"): _case_state,
    ("mediation.decide", "POST"): _case_state,
    ("execution.confirm", "POST"): _case_state,
    ("jury_seats.vote", "POST"): _votes,
    ("notifications.read", "POST"): _read_at,
    ("notifications.mail", "POST"): _mail_choices,
    ("admin.change_role", "POST"): _is_mediator,
    ("mediation.release_to_reviewers", "POST"): _shown_to_reviewers,
    ("admin.lock_user", "POST"): _is_locked,
    ("admin.unlock_user", "POST"): _is_locked,
    ("admin_webhooks.add", "POST"): _webhook_endpoints,
    ("mediation.save_filter", "POST"): _saved_filters,
    ("mediation.delete_saved_filter", "POST"): _saved_filters,
    ("admin_webhooks.rotate", "POST"): _webhook_endpoint,
    ("admin_webhooks.disable", "POST"): _webhook_endpoint,
    ("admin_webhooks.enable", "POST"): _webhook_endpoint,
    ("admin_webhooks.send_again", "POST"): _webhook_message,
}


@pytest.mark.usefixtures("csrf_enabled")
@pytest.mark.parametrize("route", PROTECTED, ids="-".join)
def test_a_state_changing_route_refuses_a_request_without_its_token(app, route):
    row = TABLE[route]
    role = allowed_role(route)
    people, names = build_world(row)
    url = row.url.format(**names)
    data = {key.format(**names): str(value).format(**names) for key, value in row.data.items()}
    probe = UNCHANGED.get(route)
    before = probe(names) if probe else None
    db.session.flush()
    connection = db.session.connection()
    savepoint = connection.begin_nested()
    try:
        limiter.reset()
        client = app.test_client()
        if role != "anonymous":
            signed_in(client, people[role])

        assert client.post(url, data=data).status_code == 400
        assert client.post(url, data=data | {"csrf_token": "forged"}).status_code == 400
        if probe:
            db.session.expire_all()
            assert probe(names) == before, f"{route} changed state without a CSRF token"

        # the control: with the token from a page of its own session it goes through
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = confirmed(client, url, client.post(url, data=data | {"csrf_token": token}))
        assert response.status_code == row.expected(role), response.get_data(as_text=True)[:300]
        if probe:
            db.session.expire_all()
            assert probe(names) != before, f"{route} did nothing even with its token"
    finally:
        savepoint.rollback()
        db.session.expire_all()
