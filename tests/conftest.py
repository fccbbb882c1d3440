"""The app and database once per session; each test in a transaction that is rolled back.

Set TEST_DATABASE_URL to run the suite on PostgreSQL; otherwise a SQLite file (WAL) in a
temporary folder is used, so threaded tests see real concurrency.
"""

import contextvars
import os

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session

from app import create_app
from app.core import clock
from app.core.extensions import db, limiter
from app.jury.gold.bank import load_gold_bank

# a real S3 server (SeaweedFS) once per run, for the tests that ask for it
pytest_plugins = ["tests.helpers.object_store"]


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("tribunal")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{base / 'test.db'}"
    app = create_app(
        {
            "CONFIG_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "EVIDENCE_DIR": str(base / "evidence"),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        _load_gold_bank()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "committing: the test commits for real (threads, several connections); "
        "its rows are deleted afterwards instead of rolled back",
    )


@pytest.fixture(autouse=True)
def _database(app, request):
    """Run the test inside a transaction that is rolled back, unless it is ``committing``."""
    clock.reset()
    limiter.reset()
    with app.app_context():
        if request.node.get_closest_marker("committing"):
            yield
            db.session.remove()
            _delete_all_rows()
            return
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        db.session = db._make_scoped_session(
            {
                "class_": _SessionOnTestConnection,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()
            clock.reset()


@pytest.fixture(scope="module")
def module_rows(app, tmp_path_factory):
    """For a module whose tests only read what one costly setup writes (the demo's seeding):
    the module's own fixture, asking for this one, writes its rows and commits them once;
    each test still runs in its own rolled-back transaction on top of them, and every row is
    deleted when the module ends. Evidence files go to a folder of the module's own."""
    folder = tmp_path_factory.mktemp("module-evidence")
    original = app.config["EVIDENCE_DIR"]
    app.config["EVIDENCE_DIR"] = str(folder)
    try:
        yield folder
    finally:
        with app.app_context():
            db.session.remove()
            _delete_all_rows()
        app.config["EVIDENCE_DIR"] = original


class _SessionOnTestConnection(Session):
    """Flask-SQLAlchemy's session picks the engine itself; this one keeps to the test's
    connection, so everything the test and its requests write is rolled back."""

    def get_bind(self, *args, **kwargs):
        return self.bind


def _delete_all_rows() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    _load_gold_bank()


def _load_gold_bank() -> None:
    """The practice cases, as a migrated database holds them."""
    load_gold_bank()
    db.session.commit()
    db.session.remove()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production, so nothing cached on
    ``g`` (the logged-in user, the locale) leaks from one request into the next.

    The test's own session is flushed before and expired after each request, so both see
    each other's writes on the shared test connection.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed, already isolated
            return super().open(*args, **kwargs)
        db.session.flush()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.expire_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_enabled(app):
    """Turn CSRF protection on, as in production, for the length of one test."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def evidence_dir(app, tmp_path, monkeypatch):
    """Evidence files of this test in a folder of its own."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(folder))
    return folder


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("checks a SQLite-only setting")
