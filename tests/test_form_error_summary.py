"""A failed form brings the reader to it: an error summary above the form, each message
linked to its field, and the form's action opening its answer at the summary. Limited text
fields carry their limit for the counter, and say it in their hint."""

import html as markup
import re

import pytest
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from app.cases.states import Remedy
from app.core.forms import SiteForm, control_attributes, field_target, text_limit
from app.mediation.services import Settlement
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_user
from tests.helpers.pages import csrf_token_from, login_with_token, page, signed_in
from tests.helpers.route_matrix import TABLE, build_world

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
SUMMARY = re.compile(
    r'<div class="error-summary" id="([\w-]+)" role="alert" tabindex="-1" '
    r'aria-labelledby="\1-title">\s*<h2 id="\1-title">(.*?)</h2>\s*<ul>(.*?)</ul>',
    re.S,
)

pytestmark = pytest.mark.usefixtures("csrf_enabled")


def summary_of(html: str) -> tuple[str, str, list[tuple[str, str]]]:
    """The summary's id, its heading, and each (link target, message) it lists."""
    match = SUMMARY.search(html)
    assert match, "no error summary on the page"
    links = re.findall(r'<li><a href="#([\w-]+)">(.*?)</a></li>', match.group(3))
    return match.group(1), match.group(2), [(t, markup.unescape(m)) for t, m in links]


def test_a_wrong_password_opens_at_a_summary_linking_to_the_password(client):
    user = make_user()
    token = csrf_token_from(page(client, "/login"))

    response = client.post(
        "/login", data={"email": user.email, "password": "not it", "csrf_token": token}
    )

    html = response.get_data(as_text=True)
    summary_id, heading, links = summary_of(html)
    assert (summary_id, heading) == ("login-form-problems", "There is a problem")
    assert links == [("password", "Wrong e-mail address or password.")]
    # the form's answer opens at the summary, which stands just above the form
    assert f'action="#{summary_id}" id="login-form"' in html
    assert html.index(f'id="{summary_id}"') < html.index('id="login-form"')


def test_a_failed_registration_lists_every_field_at_fault_in_chinese(client):
    token = csrf_token_from(page(client, "/register"))

    response = client.post(
        "/register",
        data={"email": "not an address", "display_name": "", "csrf_token": token},
        headers=ZH,
    )

    _id, heading, links = summary_of(response.get_data(as_text=True))
    assert heading == "有问题需要处理"
    assert [target for target, _message in links][:2] == ["email", "display_name"]
    assert all(message for _target, message in links)


def test_a_failed_ballot_links_to_the_first_option_and_the_reason(app):
    people, names = build_world(TABLE[("jury_seats.vote", "POST")])
    client = app.test_client()
    login_with_token(client, people["seated_reviewer"])
    seat_url = f"/review/seats/{names['seat']}"
    token = csrf_token_from(page(client, seat_url))

    response = client.post(f"{seat_url}/vote", data={"reason": "Too short.", "csrf_token": token})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    summary_id, _heading, links = summary_of(html)
    assert summary_id == "ballot-form-problems"
    assert [target for target, _message in links] == ["option-0", "reason"]
    assert f'action="{seat_url}/vote#ballot-form-problems" id="ballot-form"' in html
    assert 'id="option-0"' in html


def test_a_short_appeal_comes_back_with_its_text_and_a_summary(client):
    rejected = Settlement(Remedy.CLAIM_REJECTED, None, "The courier's photo shows it intact.")
    case = make_case("decided", settlement=rejected)
    login_with_token(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    token = csrf_token_from(html[html.index(f'action="/cases/{case.id}/appeal#') :])

    response = client.post(
        f"/cases/{case.id}/appeal", data={"reason": "Unfair.", "csrf_token": token}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    summary_id, _heading, links = summary_of(html)
    assert summary_id == "appeal-form-problems"
    assert links == [("reason", "Give a reason of at least 20 characters.")]
    assert re.search(r">\s*Unfair\.</textarea>", html)


def test_a_page_without_a_failed_form_has_no_summary(client):
    signed_in(client, make_user())
    assert 'class="error-summary"' not in page(client, "/account")


# Limits, counters and hints


class LimitedForm(SiteForm):
    name = StringField(validators=[Length(max=80)])
    story = TextAreaField(render_kw={"maxlength": 2000})
    password = PasswordField(validators=[Length(max=200)])
    free = TextAreaField()


def test_a_fields_limit_is_its_length_validator_else_the_browsers(app):
    with app.test_request_context():
        form = LimitedForm(formdata=None)
        assert [text_limit(field) for field in form if field.name != "csrf_token"] == [
            80,
            2000,
            None,  # a password's limit is no one's business while typing it
            None,
        ]


def test_a_limited_fields_control_is_described_by_its_hint_and_its_errors(app):
    with app.test_request_context(headers=ZH):
        form = LimitedForm(formdata=None)
        form.story.errors = ["Too long."]
        assert control_attributes(form.story, None) == {
            "aria-describedby": "story-hint story-errors",
            "aria-invalid": "true",
            "maxlength": 2000,
            "data-counter": "{count} / {max} 字",
        }
        assert control_attributes(form.free, None) == {}
        assert field_target(form.story) == "story"


def test_the_ballots_reason_states_its_limit_in_its_hint_and_keeps_the_hint_apart(app):
    people, names = build_world(TABLE[("jury_seats.vote", "POST")])
    client = app.test_client()
    login_with_token(client, people["seated_reviewer"])
    seat_url = f"/review/seats/{names['seat']}"
    token = csrf_token_from(page(client, seat_url))

    html = client.post(f"{seat_url}/vote", data={"csrf_token": token}).get_data(as_text=True)

    reason = re.search(r"<textarea[^>]*>", html[html.index('id="ballot-form"') :])[0]
    assert 'maxlength="2000"' in reason and 'data-counter="{count} of {max} characters"' in reason
    assert 'aria-describedby="reason-hint reason-errors"' in reason
    assert re.search(
        r'<small id="reason-hint" class="field-hint">[^<]*Up to 2,000 characters\.', html
    )
    assert '<small id="reason-errors" class="field-errors">' in html
