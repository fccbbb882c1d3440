"""Casting a vote is a short write: the confirmed post that casts it sends at most
``VOTE_STATEMENTS`` SQL statements, the login's check included (counted with a
``before_cursor_execute`` listener): the login with its roles, the seat with its panel, the
panel's shared lock (PostgreSQL only), the seat's compare-and-set, the vote and its audit
event. The confirmation step is built only when it is shown, and nothing is read again after
the commit."""

from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.models import Seat, Vote
from bench.client import VOTE_REASON, vote_body
from tests.helpers.counts import statements_issued
from tests.helpers.factories import make_case_row, make_user
from tests.helpers.pages import confirmation_fields, csrf_token_from, login_with_token, page
from tests.helpers.panel_rows import OPTIONS, make_panel, seat_for

VOTE_STATEMENTS = 6
REASON = "The photos show the crack was there before delivery."
# the test's own transaction wraps each request in a savepoint; the request's work is the rest
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def test_a_confirmed_vote_sends_few_statements(client, csrf_enabled):
    panel = make_panel(make_case_row(state="panel"))
    reviewer = make_user()
    seat = seat_for(panel, reviewer)
    login_with_token(client, reviewer)
    url = f"/review/seats/{seat.id}/vote"
    token = csrf_token_from(page(client, f"/review/seats/{seat.id}"))
    asked = client.post(url, data={"csrf_token": token, "option": "0", "reason": REASON})
    confirm = dict([*confirmation_fields(asked.get_data(as_text=True)), ("confirmed", "yes")])
    db.session.flush()

    with statements_issued() as issued:
        response = client.post(url, data=confirm)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/review/seats/{seat.id}"
    assert response.headers["Cache-Control"] == "no-store"
    work = [s for s in issued if not s.startswith(TRANSACTION_CONTROL)]
    assert len(work) <= VOTE_STATEMENTS, "\n".join(work)
    assert db.session.get(Seat, seat.id).status == "voted"
    assert db.session.query(Vote).filter_by(seat_id=seat.id).one().option == OPTIONS[0]
    cast = db.session.query(AuditEvent).filter_by(action="jury.vote_cast").one()
    assert (cast.actor_id, cast.subject_id) == (reviewer.id, str(seat.id))


def test_the_benchmark_casts_the_votes_it_counts(client, csrf_enabled):
    """The benchmark's load posts what a reviewer's Confirm button posts: each request casts
    a vote, rather than asking for confirmation."""
    panel = make_panel(make_case_row(state="panel"))
    reviewer = make_user()
    seat = seat_for(panel, reviewer)
    login_with_token(client, reviewer)
    token = csrf_token_from(page(client, f"/review/seats/{seat.id}"))

    response = client.post(
        f"/review/seats/{seat.id}/vote",
        data=vote_body(token, seat.id),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    vote = db.session.query(Vote).filter_by(seat_id=seat.id).one()
    assert (vote.option, vote.reason) == (OPTIONS[0], VOTE_REASON)
