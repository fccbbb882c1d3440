"""The migration that lets every decision be appealed fills in the appeals made before it:
each was of a first panel's verdict, heard by an appeal panel, and keeps the decision it
appealed (what the buyer asked for, or the claim rejected) and the panel that made it; their
cases record when they were appealed."""

import sqlite3

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.core.extensions import db
from tests.helpers.migration_rows import (
    MIGRATIONS,
    app_before,
    insert_row,
    order_and_case,
    revision_before,
)


@pytest.mark.committing
def test_earlier_appeals_are_filled_in_from_their_case_and_panel(tmp_path):
    path = tmp_path / "appeals.db"
    app = app_before(path, "decision_appeals")
    connection = sqlite3.connect(path)
    for user_id in (1, 2):
        insert_row(connection, "users", id=user_id, email=f"user{user_id}@example.com")
    order_and_case(connection, 1, remedy="full_refund")
    order_and_case(connection, 2, remedy="partial_refund", remedy_amount_fen=5000)
    for panel_id, case_id, round_, status in (
        (1, 1, "first", "returned"),
        (2, 1, "first", "decided"),
        (3, 1, "appeal", "open"),
        (4, 2, "first", "decided"),
    ):
        insert_row(connection, "panels", id=panel_id, case_id=case_id, round=round_, status=status)
    insert_row(connection, "appeals", id=1, case_id=1, party="seller", reason="Wrong.")
    insert_row(connection, "appeals", id=2, case_id=2, party="buyer", reason="Wrong.")
    order_and_case(connection, 3, remedy="full_refund")  # never appealed
    connection.commit()
    connection.close()

    with app.app_context():
        upgrade(directory=MIGRATIONS)
        rows = db.session.execute(
            text(
                "SELECT decision_kind, heard_by, decision_outcome, decision_remedy, "
                "decision_amount_fen, panel_id FROM appeals ORDER BY id"
            )
        ).all()
        appealed = db.session.execute(text("SELECT id, appealed_at FROM cases ORDER BY id")).all()
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision=revision_before("decision_appeals"))  # and back
        db.engine.dispose()

    assert [tuple(row) for row in rows] == [
        ("panel", "panel", "for_buyer", "full_refund", 19900, 2),  # the order's whole amount
        ("panel", "panel", "for_seller", "claim_rejected", None, 4),
    ]
    assert [(case_id, at is not None) for case_id, at in appealed] == [
        (1, True),
        (2, True),
        (3, False),
    ]
