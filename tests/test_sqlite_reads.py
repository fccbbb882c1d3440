"""On SQLite, a request that only reads begins a deferred transaction and reads its WAL
snapshot, never waiting for a writer; everything that may write takes the write lock at
BEGIN."""

import inspect
from types import SimpleNamespace

import pytest
from sqlalchemy import event, text

from app.auth.tokens import VERIFY, email_link_token
from app.core.db import READING_METHODS
from app.core.extensions import db
from tests.helpers.factories import make_user
from tests.helpers.pages import login

pytestmark = pytest.mark.committing


class Begins:
    """The BEGIN statements issued while it is open."""

    def __init__(self):
        self.seen: list[str] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self.seen

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            self.seen.append(statement)


@pytest.fixture
def member(app, client, sqlite_only) -> SimpleNamespace:
    """A logged-in user's id and e-mail; the test's own session holds no transaction."""
    user = make_user()
    account = SimpleNamespace(id=user.id, email=user.email)
    db.session.commit()
    db.session.remove()
    login(client, account)
    return account


def test_a_page_is_read_while_another_transaction_holds_the_write_lock(client, member):
    with db.engine.connect() as writer:
        writer.begin()  # outside any request: BEGIN IMMEDIATE, the write lock is taken
        writer.execute(
            text("UPDATE users SET display_name = 'Busy' WHERE id = :id"), {"id": member.id}
        )
        response = client.get("/cases")  # would wait 5 s and fail if it asked for the lock
        writer.rollback()
    assert response.status_code == 200


def test_reading_requests_begin_deferred_and_the_others_immediate(client, member):
    with Begins() as begins:
        assert client.get("/orders").status_code == 200
    assert begins and set(begins) == {"BEGIN"}

    with Begins() as begins:
        client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}

    token = email_link_token(SimpleNamespace(id=member.id, email=member.email), VERIFY)
    with Begins() as begins:
        assert client.get(f"/verify/{token}").status_code == 302  # a GET that writes
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}


def test_work_outside_requests_takes_the_write_lock_at_begin(app, sqlite_only):
    with Begins() as begins, db.engine.begin() as connection:
        connection.execute(text("SELECT 1"))
    assert begins == ["BEGIN IMMEDIATE"]


def test_every_get_only_view_that_commits_is_marked_as_writing(app):
    """A view answering only GET that commits must say so, or on SQLite its write could
    fail on a lock upgrade."""
    unmarked = []
    for rule in app.url_map.iter_rules():
        if set(rule.methods) - READING_METHODS:
            continue  # it also answers POST (the form), which takes the lock at BEGIN
        view = app.view_functions[rule.endpoint]
        source = inspect.getsource(inspect.unwrap(view))
        if ".commit()" in source and not getattr(view, "writes_on_get", False):
            unmarked.append(rule.rule)
    assert unmarked == []
