"""Who may reach EVERY route of the app: the table of ``tests/helpers/route_matrix.py``,
each (endpoint, method) of the URL map (static aside) × ten roles.

Matrix size: 127 (endpoint, method) rows × 10 roles = 1270 cells (``test_matrix_size`` keeps
the number honest). A route added without a row fails ``test_every_route_has_a_row``.

Each route's test builds one world, then tries each role inside a savepoint that is rolled
back, so what one role does never changes what the next one meets.
"""

import pytest

from app.api.auth import issue_token
from app.api.views.docs import DOCS_PAGE_CSP
from app.cases.downloads import FILE_RESPONSE_CSP
from app.cases.models import Case
from app.core.extensions import db, limiter
from app.core.security import SECURITY_HEADERS
from tests.helpers.factories import make_user
from tests.helpers.pages import confirmed, signed_in
from tests.helpers.route_matrix import ROLES, TABLE, Row, build_world


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_row(app):
    assert app_routes(app) == set(TABLE)


def test_matrix_size():
    """127 routes × 10 roles = 1270 cells."""
    assert (len(TABLE), len(ROLES), len(TABLE) * len(ROLES)) == (127, 10, 1270)


def request_as(app, row: Row, names: dict, people: dict, role: str):
    """The row's request by ``role``, inside a savepoint that is then rolled back."""
    url = row.url.format(**names)
    data = row.data
    if isinstance(data, dict):
        data = {key.format(**names): str(value).format(**names) for key, value in data.items()}
    connection = db.session.connection()  # the test's savepoint is open before ours
    savepoint = connection.begin_nested()
    try:
        limiter.reset()
        client = app.test_client()
        if role != "anonymous":
            signed_in(client, people[role])
        if data is None:
            return client.get(url)
        if row.json:
            return client.post(url, json=data)
        # a route that asks first is confirmed, as a person would
        return confirmed(client, url, client.post(url, data=data))
    finally:
        savepoint.rollback()
        db.session.expire_all()


# open routes whose answer to anyone is a redirect elsewhere than the login page
OPEN_TO_ANONYMOUS = {"auth.logout", "auth.verify", "i18n.set_language"}


@pytest.mark.parametrize("route", sorted(TABLE), ids="-".join)
def test_who_may_reach_each_route(app, route):
    row = TABLE[route]
    people, names = build_world(row)
    got, wrong = {}, []
    for role in ROLES:
        response = request_as(app, row, names, people, role)
        got[role] = response.status_code
        if response.status_code != row.expected(role):
            wrong.append(f"{role}: {response.status_code} != {row.expected(role)}")
        elif response.status_code == 302:
            went_to_login = "/login" in response.headers["Location"]
            if went_to_login != (role == "anonymous" and route[0] not in OPEN_TO_ANONYMOUS):
                wrong.append(f"{role}: redirected to {response.headers['Location']}")
        elif response.status_code == 401:
            assert response.mimetype == "application/problem+json"
            assert response.get_json()["status"] == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not wrong, f"{route}: got {got}; " + "; ".join(wrong)


GET_ROUTES = sorted(
    route
    for route, row in TABLE.items()
    if row.data is None and any(row.expected(role) == 200 for role in ROLES)
)
# evidence files are served sandboxed, under a stricter policy than the pages; the dossier
# (a zip, downloaded as an attachment) carries the pages' own
SANDBOXED_FILE_ROUTES = {
    "cases.evidence_file",
    "cases.evidence_thumbnail",
    "jury_seats.evidence_thumbnail",
    "jury_seats.document_page",
    "jury_seats.video",
    "jury_seats.video_poster",
}
# the API's documentation page: Redoc styles it inline (app.api.views.docs)
OWN_POLICY_ROUTES = {"api.docs": DOCS_PAGE_CSP}


@pytest.mark.parametrize("route", GET_ROUTES, ids="-".join)
def test_every_reachable_page_carries_the_security_headers(app, route):
    row = TABLE[route]
    people, names = build_world(row)
    reachable = [role for role in ROLES if row.expected(role) == 200]
    for role in reachable:
        response = request_as(app, row, names, people, role)
        assert response.status_code == 200, (route, role)
        expected = SECURITY_HEADERS
        if route[0] in SANDBOXED_FILE_ROUTES:
            expected = SECURITY_HEADERS | {"Content-Security-Policy": FILE_RESPONSE_CSP}
        if route[0] in OWN_POLICY_ROUTES:
            expected = SECURITY_HEADERS | {"Content-Security-Policy": OWN_POLICY_ROUTES[route[0]]}
        for name, value in expected.items():
            assert response.headers.get(name) == value, (route, role, name)


def test_the_api_answers_with_the_security_headers_too(client):
    """The API's routes are reachable with a bearer token only; its answers carry them too."""
    seller = make_user(shop_name="Earbud Shop")
    _row, token = issue_token("matrix")
    headers = {"Authorization": f"Bearer {token}"}
    responses = {
        200: client.get(
            f"/api/v1/sellers/{seller.marketplace_user_id}/selling-status", headers=headers
        ),
        401: client.get(f"/api/v1/sellers/{seller.marketplace_user_id}/selling-status"),
    }
    for status, response in responses.items():
        assert response.status_code == status, response.get_data(as_text=True)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, name


def test_each_role_meets_the_world_as_it_was_built(app):
    """What one role does inside its savepoint is gone before the next role's request."""
    row = TABLE[("cases.withdraw", "POST")]
    people, names = build_world(row)
    assert request_as(app, row, names, people, "buyer").status_code == 302
    case = db.session.get(Case, names["case"])
    assert case.state == "filed"
    assert request_as(app, row, names, people, "buyer").status_code == 302
