"""The parties rate how a closed case was handled: once each, 1 to 5, while the survey is open.

The service is tested directly; the route and the case page's panel through the browser's
eyes (they need the ``closing`` blueprint registered and the panel included in the case page).
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role, User
from app.cases.models import Case
from app.closing import services as closing
from app.closing.models import Rating
from app.closing.services import (
    ClosingRefused,
    can_rate,
    rate_case,
    ratings_of,
    ratings_summary,
)
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.pages import csrf_token_from, login, login_with_token

CLOSED_AT = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(CLOSED_AT)


def closed_case(reason: str | None = "completed", state: str = "closed", **fields) -> Case:
    """A case decided for the buyer and closed at ``CLOSED_AT``, its execution over (or,
    with other ``fields``, a case in another ``state``)."""
    order = make_order(make_user(name="Li Na"), make_user(name="Wang Wei", shop_name="Earbuds"))
    values = {
        "closed_reason": reason,
        "closed_at": CLOSED_AT,
        "outcome": "for_buyer",
        "decision_kind": "seller_accepted",
        "decided_at": CLOSED_AT - timedelta(days=3),
    }
    return make_case_row(order, state=state, **(values | fields))


def refusal(call) -> ClosingRefused:
    with pytest.raises(ClosingRefused) as caught:
        call()
    return caught.value


def window(app) -> timedelta:
    return app.config["SURVEY_WINDOW"]


# --- the service ----------------------------------------------------------------------------


def test_each_party_rates_once():
    case = closed_case()

    rating = rate_case(case, case.buyer, 4, "  Quick and fair.  ")
    rate_case(case, case.seller, 2, None)

    assert (rating.case_id, rating.party, rating.score) == (case.id, "buyer", 4)
    assert rating.comment == "Quick and fair."
    assert rating.created_at == CLOSED_AT
    assert [(r.party, r.score, r.comment) for r in ratings_of(case)] == [
        ("buyer", 4, "Quick and fair."),
        ("seller", 2, None),
    ]
    again = refusal(lambda: rate_case(case, case.buyer, 5, "Changed my mind."))
    assert "already rated" in str(again)
    assert [r.score for r in ratings_of(case)] == [4, 2]


def test_a_rating_is_audited_with_its_score_and_never_its_comment():
    case = closed_case()

    rate_case(case, case.buyer, 5, "The mediator phoned me at home.")

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.rated")).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        case.buyer_id,
        "cases",
        str(case.id),
    )
    assert event.after["score"] == 5
    assert event.after["party"] == "buyer"
    assert "phoned" not in str(event.after) and "comment" not in event.after


def test_the_unique_constraint_refuses_a_rating_that_slipped_past_the_check(monkeypatch):
    """Two requests of the same party at once both pass the early check; the constraint
    decides, and the loser gets the same words instead of an error page."""
    case = closed_case()
    rate_case(case, case.buyer, 4, None)
    monkeypatch.setattr(closing, "rating_of", lambda _case, _party: None)

    again = refusal(lambda: rate_case(case, case.buyer, 1, None))

    assert "already rated" in str(again)
    # the savepoint was rolled back: the session goes on, with the first rating only
    assert [r.score for r in db.session.scalars(select(Rating))] == [4]


@pytest.mark.parametrize("who", ["stranger", "mediator", "admin"])
def test_only_the_parties_rate(who):
    case = closed_case()
    roles = {"stranger": (), "mediator": (Role.MEDIATOR,), "admin": (Role.ADMIN,)}[who]
    if who == "mediator":
        case.mediator = make_user(roles=roles)
    user = case.mediator if who == "mediator" else make_user(roles=roles)

    error = refusal(lambda: rate_case(case, user, 5, None))

    assert "Only the buyer and the seller" in str(error)
    assert not can_rate(case, user)
    assert ratings_of(case) == []


def test_a_party_without_a_proven_address_is_not_a_party():
    case = closed_case()
    case.buyer.email_verified_at = None

    assert "Only the buyer and the seller" in str(
        refusal(lambda: rate_case(case, case.buyer, 3, None))
    )


@pytest.mark.parametrize("score", [0, 6, -1, 10, True, "5", 4.0, None])
def test_the_score_is_a_whole_number_from_1_to_5(score):
    case = closed_case()

    error = refusal(lambda: rate_case(case, case.buyer, score, None))

    assert error.field == "score"
    assert ratings_of(case) == []


@pytest.mark.parametrize("score", [1, 5])
def test_both_ends_of_the_scale_are_scores(score):
    case = closed_case()

    assert rate_case(case, case.buyer, score, None).score == score


def test_a_comment_holds_at_most_2000_characters(app):
    case = closed_case()
    assert app.config.get("RATING_COMMENT_MAX_CHARS", 2000) == 2000

    error = refusal(lambda: rate_case(case, case.buyer, 3, "x" * 2001))

    assert error.field == "comment"
    assert "2001" in str(error) and "2000" in str(error)
    assert rate_case(case, case.buyer, 3, "x" * 2000).comment == "x" * 2000


def test_a_blank_comment_is_no_comment():
    case = closed_case()

    assert rate_case(case, case.buyer, 3, " \n\t ").comment is None


UNDECIDED = {"outcome": None, "decision_kind": None, "decided_at": None}


@pytest.mark.parametrize(
    ("state", "reason", "fields"),
    [
        ("evidence", None, {"closed_at": None, **UNDECIDED}),
        ("decided", None, {"closed_at": None}),
        ("executing", None, {"closed_at": None}),
        ("closed", "withdrawn", UNDECIDED),
        ("closed", "not_resubmitted", UNDECIDED),
    ],
)
def test_only_a_case_closed_after_its_execution_is_rated(state, reason, fields):
    case = closed_case(reason, state, **fields)

    error = refusal(lambda: rate_case(case, case.buyer, 4, None))

    assert "once it is closed" in str(error)
    assert not can_rate(case, case.buyer)


def test_a_case_whose_claim_lapsed_is_rated():
    case = closed_case("claim_lapsed")

    assert rate_case(case, case.seller, 5, None).party == "seller"


def test_the_survey_closes_seven_days_after_the_case(app):
    case = closed_case()
    assert window(app) == timedelta(days=7)

    clock.advance(window(app))
    assert can_rate(case, case.buyer)
    rate_case(case, case.buyer, 4, None)

    clock.advance(timedelta(seconds=1))
    assert not can_rate(case, case.seller)
    error = refusal(lambda: rate_case(case, case.seller, 4, None))
    assert "closed on Jun 17, 2026, 9:00\u202fAM UTC" in str(error)
    assert [r.party for r in ratings_of(case)] == ["buyer"]


def test_can_rate_follows_the_rules():
    case = closed_case()
    assert can_rate(case, case.buyer) and can_rate(case, case.seller)

    rate_case(case, case.buyer, 4, None)

    assert not can_rate(case, case.buyer)
    assert can_rate(case, case.seller)


def test_the_ratings_summary_gives_the_count_and_the_average():
    assert ratings_summary() == closing.RatingsSummary(count=0, average=None)
    first, second = closed_case(), closed_case()
    rate_case(first, first.buyer, 5, None)
    rate_case(first, first.seller, 2, None)
    clock.advance(timedelta(days=1))
    rate_case(second, second.buyer, 4, None)

    assert ratings_summary() == closing.RatingsSummary(count=3, average=pytest.approx(11 / 3))
    assert ratings_summary(party="buyer") == closing.RatingsSummary(count=2, average=4.5)
    assert ratings_summary(party="seller").average == 2.0
    recent = ratings_summary(since=CLOSED_AT + timedelta(hours=1))
    assert recent == closing.RatingsSummary(count=1, average=4.0)


@pytest.mark.committing
def test_two_ratings_at_once_by_the_same_party_leave_one(app):
    case = closed_case()
    db.session.commit()
    case_id, buyer_id = case.id, case.buyer_id
    db.session.remove()

    def rate(n: int) -> int:
        case = db.session.get(Case, case_id)
        return rate_case(case, db.session.get(User, buyer_id), n % 5 + 1, f"attempt {n}").id

    outcomes = run_at_once(app, rate, 6)

    refusals = errors_in(outcomes)
    assert len(refusals) == 5, outcomes
    assert all(isinstance(error, ClosingRefused) for error in refusals), refusals
    assert all("already rated" in str(error) for error in refusals), [str(e) for e in refusals]
    assert len(db.session.scalars(select(Rating).where(Rating.case_id == case_id)).all()) == 1


# --- the route and the panel (once the ``closing`` blueprint is registered) -----------------

ROLES = ("anonymous", "buyer", "seller", "stranger", "mediator")


def viewer(case: Case, role: str):
    if role == "buyer":
        return case.buyer
    if role == "seller":
        return case.seller
    if role == "mediator":
        return case.mediator
    if role == "stranger":
        return make_user()
    return None


def closed_case_with_mediator() -> Case:
    return closed_case(mediator=make_user(name="Mediator Zhou", roles=(Role.MEDIATOR,)))


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("buyer", 302), ("seller", 302), ("stranger", 404), ("mediator", 403)],
)
def test_who_may_post_a_rating(client, role, status):
    case = closed_case_with_mediator()
    user = viewer(case, role)
    if user is not None:
        login(client, user)

    response = client.post(f"/cases/{case.id}/rating", data={"score": "4", "comment": "Fine."})

    assert response.status_code == status
    rated = [r.party for r in ratings_of(case)]
    assert rated == ([role] if role in ("buyer", "seller") else [])
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    elif status == 302:
        assert response.headers["Location"].endswith(f"/cases/{case.id}#closing")


def test_a_rating_through_the_case_page(client, csrf_enabled):
    case = closed_case_with_mediator()
    login_with_token(client, case.buyer)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'action="/cases/{case.id}/rating"' in page
    assert 'type="radio"' in page and 'name="score"' in page
    assert "5 – Very good" in page and 'maxlength="2000"' in page

    response = client.post(
        f"/cases/{case.id}/rating",
        data={"csrf_token": csrf_token_from(page), "score": "5", "comment": "Fair & <fast>."},
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thank you: your rating is recorded." in html
    assert "Fair &amp; &lt;fast&gt;." in html and "<fast>" not in html
    assert f'action="/cases/{case.id}/rating"' not in html  # rated: the form is gone
    assert [(r.party, r.score) for r in ratings_of(case)] == [("buyer", 5)]


def test_a_rating_without_its_csrf_token_is_refused(client, csrf_enabled):
    case = closed_case()
    login_with_token(client, case.buyer)

    response = client.post(f"/cases/{case.id}/rating", data={"score": "5"})

    assert response.status_code == 400
    assert ratings_of(case) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a score from 1 (very poor) to 5 (very good)."),
        ({"score": "6"}, "Not a valid choice"),
        ({"score": "3", "comment": "y" * 2001}, "at most 2000 are allowed"),
    ],
)
def test_a_refused_rating_is_flashed_on_the_case_page(client, data, message):
    case = closed_case()
    login(client, case.buyer)

    response = client.post(f"/cases/{case.id}/rating", data=data, follow_redirects=True)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert ratings_of(case) == []


def test_a_second_rating_is_flashed_as_already_given(client):
    case = closed_case()
    rate_case(case, case.buyer, 4, None)
    login(client, case.buyer)

    response = client.post(f"/cases/{case.id}/rating", data={"score": "1"}, follow_redirects=True)

    assert "already rated" in response.get_data(as_text=True)
    assert [r.score for r in ratings_of(case)] == [4]


def test_a_rating_after_the_survey_closed_is_flashed(client, app):
    case = closed_case()
    clock.advance(window(app) + timedelta(minutes=1))
    login(client, case.buyer)  # a login lasts hours, the survey window days

    response = client.post(f"/cases/{case.id}/rating", data={"score": "4"}, follow_redirects=True)

    assert "ratings are no longer taken" in response.get_data(as_text=True)
    assert ratings_of(case) == []


def test_staff_see_the_ratings_and_no_form(client):
    case = closed_case_with_mediator()
    rate_case(case, case.buyer, 2, "Slow to answer.")
    login(client, case.mediator)

    html = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert "Slow to answer." in html and "2 of 5" in html
    assert f'action="/cases/{case.id}/rating"' not in html
    assert f'href="/cases/{case.id}/dossier.zip"' in html


def test_the_panel_is_absent_before_closing(client):
    case = make_case_row(state="evidence")
    login(client, case.buyer)

    html = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert 'id="closing"' not in html
    assert "/rating" not in html and "dossier.zip" not in html


def test_the_form_is_gone_once_the_survey_closed(client, app):
    case = closed_case()
    clock.advance(window(app) + timedelta(minutes=1))
    login(client, case.seller)  # a login lasts hours, the survey window days

    html = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert f'action="/cases/{case.id}/rating"' not in html
    assert f'href="/cases/{case.id}/dossier.zip"' in html
