"""A SQLite database that already holds cases, panels and seats upgrades to the newest
revision: the migrations that copy a table others point at (batch mode) run with foreign keys
off, and the data is checked against them before the upgrade commits."""

import sqlite3

import pytest
from flask_migrate import upgrade

from app.core.extensions import db
from tests.helpers.migration_rows import MIGRATIONS, app_before, insert_row, order_and_case


@pytest.mark.committing
def test_a_database_with_seats_upgrades_through_the_migrations_that_copy_their_table(tmp_path):
    path = tmp_path / "in-use.db"
    app = app_before(path, "admin_tools")  # 0013 copies seats, which votes point at
    connection = sqlite3.connect(path)
    for user_id in (1, 2, 3):
        insert_row(connection, "users", id=user_id, email=f"user{user_id}@example.com")
    order_and_case(connection, 1, remedy="full_refund")
    insert_row(connection, "panels", id=1, case_id=1, round="first", status="open", seed="00" * 32)
    insert_row(connection, "seats", id=1, panel_id=1, reviewer_id=3, status="voted")
    insert_row(connection, "votes", id=1, seat_id=1, panel_id=1, reviewer_id=3)
    connection.commit()
    connection.close()

    with app.app_context():
        upgrade(directory=MIGRATIONS)
        seats = db.session.execute(db.text("SELECT id, panel_id FROM seats")).all()
        enforced = db.session.execute(db.text("PRAGMA foreign_keys")).scalar()
        db.engine.dispose()
    assert [tuple(seat) for seat in seats] == [(1, 1)]
    assert enforced == 1  # on again for the app's connections
