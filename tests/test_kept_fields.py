"""A fresh form field is rendered once per language and kept (app.core.templating.kept);
what a person typed, and a refusal beside it, are shown back to them and never kept."""

import re

import pytest

from app.core.templating import KEPT_FIELDS
from tests.helpers.case_factories import make_case
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page

pytestmark = pytest.mark.usefixtures("csrf_enabled")

TYPED = "Please send it again \x00 by Friday"  # a NUL no person types: refused beside the field


def thread_field(html: str) -> str:
    """The thread form's text field, its label and its hint, as the page shows them."""
    return re.search(r'<label for="thread-text">.*?</small>', html, re.S).group(0)


def test_a_fresh_field_is_kept_and_reads_the_same_as_rendered_anew(app, client):
    case = make_case("evidence")
    login_with_token(client, case.buyer)
    KEPT_FIELDS.clear()
    first = page(client, f"/cases/{case.id}")
    kept = len(KEPT_FIELDS._kept)
    assert kept > 0  # the evidence form's fields and the thread's

    again = page(client, f"/cases/{case.id}")
    assert len(KEPT_FIELDS._kept) == kept  # nothing rendered anew
    assert thread_field(again) == thread_field(first)
    KEPT_FIELDS.clear()
    assert thread_field(page(client, f"/cases/{case.id}")) == thread_field(first)


def test_each_language_has_its_own_fields(app, client):
    case = make_case("evidence")
    login_with_token(client, case.buyer)
    english = page(client, f"/cases/{case.id}")
    token = csrf_token_from(english.split('class="language-form"')[1])
    client.post("/language", data={"locale": "zh_Hans", "next": "/", "csrf_token": token})
    chinese = thread_field(page(client, f"/cases/{case.id}"))
    assert "Your message" in thread_field(english) and "Your message" not in chinese


def test_what_was_typed_and_refused_is_shown_back_and_not_kept(app, client):
    case = make_case("evidence")
    login_with_token(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    token = csrf_token_from(html.split('id="thread-form"')[1])
    response = client.post(
        f"/cases/{case.id}/thread", data={"thread-text": TYPED, "csrf_token": token}
    )
    assert response.status_code == 400
    refused = response.get_data(as_text=True)
    assert field_error(refused, "thread-text")
    assert "Please send it again" in thread_field(refused)

    fresh = page(client, f"/cases/{case.id}")
    assert "Please send it again" not in fresh
    assert 'id="thread-text-errors"' not in fresh
    assert not any("Please send it again" in str(key) for key in KEPT_FIELDS._kept)
