"""Enrolment as a reviewer: who may apply, the practice cases, passing and failing."""

from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.enrolment import (
    EnrolmentRefused,
    answer_practice,
    enrol,
    practice_accuracy,
    practice_set,
    restart_practice,
    reviewer_of,
)
from app.jury.gold.bank import practice_keys
from app.jury.models import PracticeAnswer, Reviewer, ReviewerStatus
from app.jury.practice import GRANT, REJECT
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.jury import eligible_user
from tests.helpers.pages import csrf_token_from, login, page


def wrong(option: str) -> str:
    return REJECT if option == GRANT else GRANT


def answer_set(user, correct: int) -> None:
    for n, case in enumerate(practice_set(user)):
        answer_practice(user, case.key, case.correct if n < correct else wrong(case.correct))


def test_a_user_who_is_not_eligible_cannot_enrol():
    user = make_user(age=timedelta(days=10))
    with pytest.raises(EnrolmentRefused):
        enrol(user)
    assert reviewer_of(user) is None


def test_enrol_is_idempotent_and_starts_practising():
    user = eligible_user()
    reviewer = enrol(user)
    assert reviewer.status == ReviewerStatus.PRACTISING.value
    assert enrol(user) is reviewer
    assert table_count(Reviewer) == 1
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("reviewer.enrolled") == 1


def test_each_practice_case_is_answered_once():
    user = eligible_user()
    enrol(user)
    key = practice_set(user)[0].key
    answer = answer_practice(user, key, GRANT)
    with pytest.raises(EnrolmentRefused):
        answer_practice(user, key, REJECT)
    assert table_count(PracticeAnswer) == 1
    reviewer = reviewer_of(user)
    assert reviewer.practice_answered == 1
    assert reviewer.practice_correct == int(answer.correct)


def test_answers_are_refused_without_enrolment_or_for_unknown_cases():
    user = eligible_user()
    with pytest.raises(EnrolmentRefused):
        answer_practice(user, practice_keys()[0], GRANT)
    enrol(user)
    drawn = [case.key for case in practice_set(user)]
    with pytest.raises(EnrolmentRefused):
        answer_practice(user, "no-such-case", GRANT)
    not_drawn = next(key for key in practice_keys() if key not in drawn)
    with pytest.raises(EnrolmentRefused):  # a practice case outside the user's set
        answer_practice(user, not_drawn, GRANT)
    with pytest.raises(EnrolmentRefused) as refused:
        answer_practice(user, drawn[0], "maybe")
    assert refused.value.field == "option"


def test_four_of_five_correct_passes():
    user = eligible_user()
    enrol(user)
    answer_set(user, correct=4)
    reviewer = reviewer_of(user)
    assert reviewer.status == ReviewerStatus.ACTIVE.value
    assert reviewer.activated_at is not None
    assert (reviewer.practice_answered, reviewer.practice_correct) == (5, 4)
    assert practice_accuracy(reviewer) == 0.8
    with pytest.raises(EnrolmentRefused):
        answer_practice(user, practice_set(user)[0].key, GRANT)


def test_three_of_five_correct_does_not_pass():
    user = eligible_user()
    enrol(user)
    answer_set(user, correct=3)
    reviewer = reviewer_of(user)
    assert reviewer.status == ReviewerStatus.PRACTISING.value
    assert reviewer.activated_at is None
    assert practice_accuracy(reviewer) == 0.6


def test_a_failed_practice_may_start_again_after_a_week():
    user = eligible_user()
    enrol(user)
    with pytest.raises(EnrolmentRefused):  # nothing failed yet
        restart_practice(user)
    answer_set(user, correct=2)
    with pytest.raises(EnrolmentRefused):
        restart_practice(user)
    clock.freeze(clock.now() + timedelta(days=7, minutes=1))
    reviewer = restart_practice(user)
    assert (reviewer.practice_answered, reviewer.practice_correct) == (0, 0)
    assert table_count(PracticeAnswer) == 0
    answer_set(user, correct=5)
    assert reviewer_of(user).status == ReviewerStatus.ACTIVE.value


# Through the pages


def test_the_page_says_which_requirement_is_unmet(client):
    user = make_user(age=timedelta(days=10))
    login(client, user)
    html = page(client, "/review/")
    assert 'class="unmet"' in html
    assert "You cannot apply yet" in html
    assert 'action="/review/enrol"' not in html
    client.post("/review/enrol")
    assert reviewer_of(user) is None


def test_apply_answer_and_pass_through_the_pages(client):
    user = eligible_user()
    login(client, user)
    html = page(client, "/review/")
    assert 'action="/review/enrol"' in html
    response = client.post("/review/enrol", follow_redirects=True)
    assert "You are enrolled" in response.get_data(as_text=True)
    html = page(client, "/review/")
    cases = practice_set(user)
    for case in cases:
        assert f'action="/review/practice/{case.key}"' in html
    assert str(escape(cases[0].claim)) in html  # a claim may hold an apostrophe
    for n, case in enumerate(cases):
        option = case.correct if n else wrong(case.correct)
        response = client.post(f"/review/practice/{case.key}", data={f"{case.key}-option": option})
        assert response.status_code == 302
    response = client.post(
        f"/review/practice/{cases[0].key}",
        data={f"{cases[0].key}-option": GRANT},
        follow_redirects=True,
    )
    assert "You have already passed" in response.get_data(as_text=True)
    html = page(client, "/review/")
    assert "Your reviewer record" in html
    assert 'href="/review/seats"' in html
    assert "80% (4 of 5)" in html


def test_failing_through_the_pages_says_so(client):
    user = eligible_user()
    login(client, user)
    client.post("/review/enrol")
    for case in practice_set(user):
        client.post(
            f"/review/practice/{case.key}", data={f"{case.key}-option": wrong(case.correct)}
        )
    html = page(client, "/review/")
    assert "You did not pass: 0 of 5 correct, 4 needed." in html
    assert "You can start the practice again from" in html
    assert reviewer_of(user).status == ReviewerStatus.PRACTISING.value


def test_a_missing_answer_is_an_error_not_a_record(client):
    user = eligible_user()
    login(client, user)
    client.post("/review/enrol")
    key = practice_set(user)[0].key
    response = client.post(f"/review/practice/{key}", data={}, follow_redirects=True)
    assert "Choose one of the answers." in response.get_data(as_text=True)
    assert table_count(PracticeAnswer) == 0
    assert client.post("/review/practice/no-such-case", data={}).status_code == 404


def test_the_forms_carry_a_csrf_token(client, csrf_enabled):
    user = eligible_user()
    login_html = page(client, "/login")
    assert "csrf_token" in login_html
    client.post(
        "/login",
        data={
            "email": user.email,
            "password": "correct horse battery",
            "csrf_token": csrf_token_from(login_html),
        },
    )
    assert client.post("/review/enrol").status_code == 400  # no token: refused
    assert reviewer_of(user) is None  # refused without a token
    html = page(client, "/review/")
    token = csrf_token_from(html[html.index('action="/review/enrol"') :])
    client.post("/review/enrol", data={"csrf_token": token})
    assert reviewer_of(user) is not None
