"""An admin suspends a reviewer, or reinstates one: a service each, with a reason and an
audit event. A suspended reviewer is never drawn; their open seats are withdrawn at once
and filled again by the counting sweep, without the cost of a no-show."""

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury import reputation
from app.jury.counting import count_due_panels
from app.jury.drawing import reviewer_pool
from app.jury.models import Reviewer, ReviewerStatus, Seat, SeatStatus
from app.jury.standing import StandingRefused, reinstate_reviewer, suspend_reviewer
from app.jury.voting import JuryRefused
from tests.helpers.factories import make_reviewers, make_user
from tests.helpers.jury import (
    FOR_BUYER,
    FOR_SELLER,
    START,
    make_panel,
    make_pool,
    open_seats,
    vote,
)
from tests.helpers.pages import csrf_token_from, field_error, login, login_with_token, page

REASON = "Pasted the same reason on every ballot this month."


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def status_of(user) -> str:
    return db.session.get(Reviewer, user.id, populate_existing=True).status


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_suspended_reviewer_loses_their_open_seats_and_is_never_drawn_again():
    panel = make_panel()
    held, voted = open_seats(panel)[:2]
    vote(voted, FOR_BUYER)
    reviewer, admin = held.reviewer, make_user(roles=(Role.ADMIN,))

    assert suspend_reviewer(reviewer, admin, f"  {REASON} ") == 1

    assert status_of(reviewer) == ReviewerStatus.SUSPENDED.value
    assert db.session.get(Reviewer, reviewer.id).suspension_reason == REASON
    assert db.session.get(Seat, held.id).status == SeatStatus.WITHDRAWN.value
    assert reviewer.id not in {member.user_id for member in reviewer_pool(panel.case)}
    with pytest.raises(JuryRefused):
        vote(db.session.get(Seat, held.id), FOR_BUYER)
    [event] = events("reviewer.suspended")
    assert (event.actor_id, event.subject_id) == (admin.id, str(reviewer.id))
    assert event.before == {"status": "active"}
    assert event.after == {"status": "suspended", "reason": REASON, "seats_withdrawn": 1}


def test_a_vote_cast_before_the_suspension_stays_cast():
    panel = make_panel()
    seat = open_seats(panel)[0]
    vote(seat, FOR_BUYER)

    assert suspend_reviewer(seat.reviewer, make_user(), REASON) == 0

    seat = db.session.get(Seat, seat.id, populate_existing=True)
    assert seat.status == SeatStatus.VOTED.value and seat.vote.option == FOR_BUYER


def test_the_counting_sweep_fills_a_withdrawn_seat_without_a_no_show():
    panel = make_panel()
    make_pool(3)  # someone to draw in their place
    seat = open_seats(panel)[0]
    suspend_reviewer(seat.reviewer, make_user(), REASON)

    count_due_panels()

    db.session.expire_all()
    assert len(open_seats(panel)) == panel.seats
    assert seat.reviewer_id not in {s.reviewer_id for s in open_seats(panel)}
    assert db.session.get(Reviewer, seat.reviewer_id).no_shows == 0
    assert panel.replacement_rounds == 1


def test_a_low_score_suspension_withdraws_the_open_seats_too(app):
    earlier, panel = make_panel(), make_panel()
    seat = open_seats(panel)[0]
    reviewer = db.session.get(Reviewer, seat.reviewer_id)
    reviewer.resolved = app.config["REPUTATION_SUSPEND_AFTER_CASES"]
    db.session.flush()
    # the draw may have seated them on the earlier panel too: every open seat they hold goes
    held = [
        s.id for p in (earlier, panel) for s in open_seats(p) if s.reviewer_id == seat.reviewer_id
    ]

    # the earlier panel's verdict goes against their vote: the score falls below the floor
    reputation.apply_verdict(earlier, FOR_SELLER, [(seat.reviewer_id, FOR_BUYER)])

    assert status_of(seat.reviewer) == "suspended"
    statuses = {db.session.get(Seat, s, populate_existing=True).status for s in held}
    assert seat.id in held and statuses == {"withdrawn"}
    [event] = events("reviewer.suspended")
    assert event.actor_id is None and event.after["seats_withdrawn"] == len(held)


def test_reinstating_makes_them_active_and_drawable_again():
    [reviewer] = make_reviewers(1)
    admin = make_user(roles=(Role.ADMIN,))
    suspend_reviewer(reviewer, admin, REASON)

    reinstate_reviewer(reviewer, admin, "Explained themselves; a first warning.")

    assert status_of(reviewer) == ReviewerStatus.ACTIVE.value
    assert db.session.get(Reviewer, reviewer.id).suspension_reason is None
    [event] = events("reviewer.reinstated")
    assert (event.actor_id, event.before, event.after) == (
        admin.id,
        {"status": "suspended"},
        {"status": "active", "reason": "Explained themselves; a first warning."},
    )


@pytest.mark.parametrize(
    ("prepare", "change", "message"),
    [
        ("none", "suspend", "has not enrolled"),
        ("practising", "suspend", "has not passed the practice"),
        ("suspended", "suspend", "suspended already"),
        ("active", "reinstate", "is not suspended"),
        ("none", "reinstate", "has not enrolled"),
    ],
)
def test_what_cannot_be_done_is_refused(prepare, change, message):
    user = make_user()
    if prepare != "none":
        status = "active" if prepare == "suspended" else prepare
        db.session.add(Reviewer(user_id=user.id, status=status))
        db.session.flush()
    if prepare == "suspended":
        suspend_reviewer(user, None, REASON)
    service = suspend_reviewer if change == "suspend" else reinstate_reviewer
    with pytest.raises(StandingRefused, match=message):
        service(user, make_user(), REASON)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_reason_is_needed(reason):
    [reviewer] = make_reviewers(1)
    with pytest.raises(StandingRefused) as refused:
        suspend_reviewer(reviewer, make_user(), reason)
    assert refused.value.field == "reason"
    assert status_of(reviewer) == "active"


# The page


def test_an_admin_suspends_and_reinstates_through_the_account_page(client, csrf_enabled):
    panel = make_panel()
    seat = open_seats(panel)[0]
    reviewer, admin = seat.reviewer, make_user(roles=(Role.ADMIN,))
    login_with_token(client, admin)
    url = f"/admin/users/{reviewer.id}"
    html = page(client, url)
    assert "Suspend the reviewer" in html and "<td>1</td>" in html  # one open seat

    refused = client.post(
        f"{url}/reviewer/suspend", data={"reason": " ", "csrf_token": csrf_token_from(html)}
    )
    assert refused.status_code == 200
    assert "Say why the reviewer is suspended." in field_error(refused.get_data(True), "reason")
    assert status_of(reviewer) == "active"

    done = client.post(
        f"{url}/reviewer/suspend",
        data={"reason": REASON, "csrf_token": csrf_token_from(html)},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "is suspended as a reviewer; 1 open seat was withdrawn." in html
    assert REASON in html and "Reinstate the reviewer" in html
    assert status_of(reviewer) == "suspended"

    client.post(
        f"{url}/reviewer/reinstate",
        data={"reason": "Appeal upheld.", "csrf_token": csrf_token_from(html)},
    )
    assert status_of(reviewer) == "active"
    assert client.post(f"{url}/reviewer/suspend", data={"reason": REASON}).status_code == 400


def test_the_suspended_reviewer_reads_why_on_their_record(client):
    [reviewer] = make_reviewers(1)
    suspend_reviewer(reviewer, make_user(), REASON)
    login(client, reviewer)

    html = page(client, "/review/")

    assert f"An administrator suspended you: {REASON}" in html
