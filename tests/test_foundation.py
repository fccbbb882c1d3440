"""The app factory, configuration, the clock, time storage and SQLite's connection rules."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from app import create_app
from app.auth.models import User
from app.core import clock
from app.core.audit import AuditEvent, AuditLogIsAppendOnly, record_event
from app.core.extensions import db
from tests.helpers.factories import make_user


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from app.core.config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a real secret from the environment")
    # every app points the one limiter at its storage: the suite's stay in memory
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_design_defaults_are_configuration():
    app = create_app({"CONFIG_NAME": "testing", "PANEL_SEATS": 31, "PANEL_MAJORITY": 16})
    assert (app.config["PANEL_SEATS"], app.config["PANEL_MAJORITY"]) == (31, 16)
    defaults = create_app("testing").config
    assert defaults["SELLER_RESPONSE_WINDOW"] == timedelta(hours=72)
    assert defaults["EVIDENCE_MAX_ITEMS_PER_PARTY"] == 50
    assert defaults["PANEL_SEATS"] == 17 and defaults["PANEL_MAJORITY"] == 9


def test_sqlite_connections_get_wal_and_the_other_pragmas(app, sqlite_only):
    connection = db.session.connection()
    pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 1  # NORMAL
    assert pragma("busy_timeout") == 5000
    assert pragma("foreign_keys") == 1


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text(
                "INSERT INTO role_grants (user_id, role, granted_at) "
                "VALUES (999999, 'admin', CURRENT_TIMESTAMP)"
            )
        )


def test_the_clock_moves_only_when_told():
    start = clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert clock.now() == start
    assert clock.advance(timedelta(hours=72)) == datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        clock.freeze(datetime(2026, 3, 1, 12, 0))
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.now().tzinfo is UTC


def test_times_are_stored_and_read_back_as_aware_utc():
    beijing = timezone(timedelta(hours=8))
    user = make_user()
    user.email_verified_at = datetime(2026, 5, 1, 20, 0, tzinfo=beijing)
    db.session.flush()
    db.session.expire(user)
    assert user.email_verified_at == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert user.email_verified_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused():
    user = make_user()
    user.email_verified_at = datetime(2026, 5, 1, 12, 0)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_audit_events_are_append_only():
    user = make_user()
    event = record_event(user, "test.happened", user, before={"a": 1}, after={"a": 2})
    db.session.flush()
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        user.id,
        "users",
        str(user.id),
    )
    with pytest.raises(AuditLogIsAppendOnly), db.session.begin_nested():
        event.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly), db.session.begin_nested():
        db.session.delete(db.session.get(AuditEvent, event.id))
    db.session.expire_all()
    assert db.session.get(AuditEvent, event.id).action == "test.happened"


def test_user_model_repr_holds_no_personal_data():
    user = make_user(email="private@example.com", name="Private Person")
    assert "private" not in repr(user).lower()
    assert isinstance(db.session.get(User, user.id), User)


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for():
    from flask import request

    proxied = create_app({"CONFIG_NAME": "testing", "PROXY_FIX_HOPS": 1})
    direct = create_app("testing")
    for app, expected in ((proxied, "203.0.113.9"), (direct, "127.0.0.1")):
        seen = []
        app.before_request(lambda seen=seen: seen.append(request.remote_addr))
        app.test_client().get("/login", headers={"X-Forwarded-For": "203.0.113.9"})
        assert seen == [expected]
