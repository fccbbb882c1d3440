"""Who may call what: each endpoint needs its scope, each token has its rate limit, and
admins see every token with its scopes and last use (written at most once a minute)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.api.models import ApiToken, Scope
from app.auth.models import Role
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers.api import assert_problem, bearer, claim_body, new_token
from tests.helpers.case_factories import make_case
from tests.helpers.counts import table_count
from tests.helpers.factories import make_order, make_user
from tests.helpers.pages import login, page


def operations(client) -> list[tuple[str, str, str]]:
    """(method, path, scope) of every operation the OpenAPI document says needs a scope."""
    document = client.get("/api/v1/openapi.json").get_json()
    return sorted(
        (method.upper(), path, operation["security"][0]["bearerToken"][0])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security")
    )


def good_body(method: str, path: str):
    """A body the operation accepts, when it takes one."""
    if method != "POST":
        return None
    return {
        "/orders": [],
        "/cases": claim_body(make_order()),
        "/cases/{case_id}/evidence": {"party": "buyer", "kind": "chat_transcript", "text": "Hi"},
    }[path]


def request(client, method, path, token, case, body):
    url = "/api/v1" + path.format(
        case_id=case.id, marketplace_user_id=case.seller.marketplace_user_id
    )
    return client.open(url, method=method, json=body, headers=bearer(token))


def test_every_operation_names_its_scope(client):
    assert {scope for _method, _path, scope in operations(client)} == {s.value for s in Scope}
    assert len(operations(client)) == 7


def test_each_endpoint_refuses_a_token_without_its_scope_and_writes_nothing(client):
    case = make_case("evidence")
    for method, path, scope in operations(client):
        others = [s for s in Scope if s.value != scope]
        token = new_token(f"without {scope} for {method} {path}", others)
        body = good_body(method, path)
        db.session.flush()
        before = table_count(AuditEvent)

        response = request(client, method, path, token, case, body)

        body = assert_problem(response, 403)
        assert body["missing_scope"] == scope and scope in body["detail"], (method, path)
        assert table_count(AuditEvent) == before, (method, path)


def test_each_endpoint_serves_a_token_with_only_its_scope(client):
    case = make_case("evidence")
    for method, path, scope in operations(client):
        token = new_token(f"only {scope} for {method} {path}", [Scope(scope)])
        response = request(client, method, path, token, case, good_body(method, path))
        assert response.status_code in (200, 201), (method, path, response.get_json())


def test_a_token_over_its_rate_limit_waits_as_retry_after_says(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    busy, quiet = new_token("busy"), new_token("quiet")
    case = make_case("filed")

    answers = [client.get(f"/api/v1/cases/{case.id}", headers=bearer(busy)) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    body = assert_problem(answers[-1], 429)
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert "too many requests" in body["detail"]
    assert client.get(f"/api/v1/cases/{case.id}", headers=bearer(quiet)).status_code == 200


def test_a_refused_request_counts_against_the_limit_too(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    token = new_token("reader", [Scope.CASES_READ])
    for _ in range(2):
        assert_problem(client.post("/api/v1/orders", json=[], headers=bearer(token)), 403)
    assert_problem(client.get("/api/v1/cases", headers=bearer(token)), 429)


def test_the_last_use_is_written_at_most_once_a_minute(client):
    token = new_token()
    start = clock.freeze(clock.now())

    def last_used():
        db.session.expire_all()
        return db.session.scalar(select(ApiToken.last_used_at))

    client.get("/api/v1/cases", headers=bearer(token))
    assert last_used() == start
    clock.advance(timedelta(seconds=59))
    client.get("/api/v1/cases", headers=bearer(token))
    assert last_used() == start
    clock.advance(timedelta(seconds=2))
    client.get("/api/v1/cases", headers=bearer(token))
    assert last_used() == start + timedelta(seconds=61)


def test_admins_see_every_token_with_its_scopes_and_last_use(client):
    clock.freeze(clock.now().replace(year=2026, month=3, day=2, hour=8, minute=30))
    reader = new_token("order page", [Scope.CASES_READ])
    new_token("refunds")
    client.get("/api/v1/cases", headers=bearer(reader))
    login(client, make_user(roles=(Role.ADMIN,)))

    html = page(client, "/admin/api-tokens")

    assert "order page" in html and "refunds" in html
    assert (
        html.count("<code>cases:read</code>") == 2 and html.count("<code>orders:write</code>") == 1
    )
    assert "Mar 2, 2026, 8:30\u202fAM UTC" in html and "never" in html
    assert reader not in html


def test_create_takes_scopes_and_gives_all_by_default(app):
    runner = app.test_cli_runner()

    scoped = runner.invoke(
        args=["api-tokens", "create", "reader", "--scope", "cases:read", "--scope", "sellers:read"]
    )
    default = runner.invoke(args=["api-tokens", "create", "shop"])
    wrong = runner.invoke(args=["api-tokens", "create", "bad", "--scope", "cases:delete"])

    assert scoped.exit_code == 0 and "cases:read, sellers:read" in scoped.stderr
    tokens = {t.name: t.granted for t in db.session.scalars(select(ApiToken))}
    assert tokens == {"reader": (Scope.CASES_READ, Scope.SELLERS_READ), "shop": tuple(Scope)}
    assert default.exit_code == 0 and wrong.exit_code == 2 and "cases:delete" in wrong.output
    listing = runner.invoke(args=["api-tokens", "list"]).stdout
    assert "cases:read,sellers:read" in listing


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_documentation_needs_no_token(client, path):
    assert client.get(path).status_code == 200
