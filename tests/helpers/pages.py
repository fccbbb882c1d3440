"""Logging in, and reading pages and their forms the way the functional tests need them."""

import re
from html import unescape

from werkzeug.datastructures import MultiDict

from app.auth.sessions import open_login
from app.cases.models import Case
from app.core.extensions import db
from tests.helpers.factories import PASSWORD

CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form on a page, as a browser would submit it."""
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def login(client, user, password: str = PASSWORD):
    response = client.post(
        "/login", data={"email": user.email, "password": password}, follow_redirects=False
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def login_with_token(client, user, password: str = PASSWORD) -> None:
    """Log in through the form with its CSRF token, as a browser does with protection on."""
    token = csrf_token_from(page(client, "/login"))
    data = {"email": user.email, "password": password, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302


def page(client, url: str, status: int = 200) -> str:
    """The page's HTML, after checking its status."""
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def reload(case: Case) -> Case:
    """The case as the database holds it now, after requests changed it."""
    db.session.expire_all()
    return db.session.get(Case, case.id)


def field_error(html: str, field_id: str) -> str:
    """The error shown beside a form field."""
    match = re.search(rf'<small id="{field_id}-errors" class="field-errors">(.*?)</small>', html)
    assert match, f"no error beside {field_id}"
    return match.group(1)


def as_user(client, user) -> None:
    client.post("/logout")
    login(client, user)


def signed_in(client, user):
    """``client`` holds a fresh login of ``user`` in its session, as after logging in, without
    the password round trip (for tests that try many people on many routes)."""
    key = open_login(user)
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    return client


HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirmation_fields(html: str) -> list[tuple[str, str]]:
    """What the confirmation step's form posts back: the values carried over, ``seen`` and
    the CSRF token, as the browser sends them with the Confirm button."""
    assert 'id="confirmation-form"' in html, "not a confirmation step"
    form = html.split('id="confirmation-form"', 1)[1].split("</form>", 1)[0]
    return [(name, unescape(value)) for name, value in HIDDEN_INPUT.findall(form)]


def is_confirmation(response) -> bool:
    return response.status_code == 200 and 'id="confirmation-form"' in response.get_data(
        as_text=True
    )


def confirmed(client, url: str, response, **options):
    """What a person gets who confirms: if ``response`` is a confirmation step, its form
    posted back with Confirm (and ``options``, such as ``follow_redirects``); else itself."""
    if not is_confirmation(response):
        return response
    fields = confirmation_fields(response.get_data(as_text=True))
    return client.post(url, data=MultiDict([*fields, ("confirmed", "yes")]), **options)


def post_confirmed(client, url: str, data: dict | None = None, **options):
    """Post a form that asks for confirmation, then confirm it: the first post must answer
    with the confirmation step; returns the response to the second."""
    first = client.post(url, data=data or {})
    assert is_confirmation(first), first.get_data(as_text=True)
    return confirmed(client, url, first, **options)
