"""The migration that records draws gives each panel drawn before it its first draw, as
algorithm 1 with the hashes of its seed and pool, and points that draw's seats at it, so
that ``flask jury verify-draw`` checks the panels drawn before too."""

import hashlib
import json
import sqlite3

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app.core.extensions import db
from app.jury.draw_rules import canonical, legacy_draw
from tests.helpers.migration_rows import MIGRATIONS, app_before, insert_row, order_and_case

SEED = "5e" * 32


@pytest.mark.committing
def test_panels_drawn_before_get_their_first_draw_recorded(tmp_path):
    path = tmp_path / "draws.db"
    app = app_before(path, "verifiable_draws")
    connection = sqlite3.connect(path)
    for user_id in (1, 2, *range(10, 20)):  # the order's buyer and seller, the reviewers
        insert_row(connection, "users", id=user_id, email=f"user{user_id}@example.com")
    order_and_case(connection, 1, remedy="full_refund")
    pool = [[user_id, "balanced", False] for user_id in range(10, 18)]
    insert_row(
        connection,
        "panels",
        id=1,
        case_id=1,
        round="first",
        status="open",
        seats=5,
        options="[]",
        seed=SEED,
        pool=json.dumps(pool),
    )
    drawn = legacy_draw(pool, 5, bytes.fromhex(SEED))
    replacement = next(user_id for user_id in range(10, 18) if user_id not in drawn)
    for seat_id, user_id in enumerate([*drawn, replacement], start=1):
        insert_row(connection, "seats", id=seat_id, panel_id=1, reviewer_id=user_id, status="open")
    connection.commit()
    connection.close()

    with app.app_context():
        upgrade(directory=MIGRATIONS)
        [draw] = db.session.execute(text("SELECT * FROM panel_draws")).mappings().all()
        seats = db.session.execute(text("SELECT id, draw_id FROM seats ORDER BY id")).all()
        entries = db.session.scalar(text("SELECT count(*) FROM draw_log_entries"))
        db.session.remove()
        db.engine.dispose()

    snapshot = json.loads(draw["snapshot"])
    assert (draw["panel_id"], draw["number"], draw["kind"], draw["algorithm"]) == (
        1,
        0,
        "first",
        1,
    )
    assert snapshot == {"algorithm": 1, "seats": 5, "pool": pool}
    assert draw["seed_sha256"] == hashlib.sha256(bytes.fromhex(SEED)).hexdigest()
    assert draw["snapshot_sha256"] == hashlib.sha256(canonical(snapshot)).hexdigest()
    assert [tuple(seat) for seat in seats] == [(n, draw["id"]) for n in range(1, 6)] + [(6, None)]
    assert entries == 0  # never published: nothing is added to the public log
