"""Reading pages the way the functional tests need them."""

import re

from app.cases.models import Case
from app.core.extensions import db
from tests.conftest import login


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
