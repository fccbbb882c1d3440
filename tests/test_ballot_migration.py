"""The migration that gives ballot options keys converts the panels written before it: the
product's own default texts, in either language, become the keys of the claim granted as
filed and of the claim rejected; any other text is kept as the mediator wrote it, with what
its place on the ballot decided; votes, tallies, appeals and referrals follow their panel.
The downgrade writes words back."""

import json
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


def _panel(connection, panel_id: int, case_id: int, options: list[str], ballots: list[str]):
    insert_row(
        connection,
        "panels",
        id=panel_id,
        case_id=case_id,
        round="first",
        status="decided",
        options=json.dumps(options),
        pool="[]",
    )
    for number, option in enumerate(ballots):
        seat_id = panel_id * 100 + number
        insert_row(
            connection,
            "seats",
            id=seat_id,
            panel_id=panel_id,
            reviewer_id=number + 10,
            status="voted",
        )
        insert_row(connection, "votes", seat_id=seat_id, panel_id=panel_id, option=option)
    counts = {option: ballots.count(option) for option in options}
    winner = max(counts, key=counts.get)
    insert_row(
        connection,
        "tallies",
        panel_id=panel_id,
        counts=json.dumps(counts, ensure_ascii=False),
        verdict=winner,
        votes_cast=len(ballots),
    )


def _rows(sql: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(sql)).all()]


@pytest.mark.committing
def test_earlier_ballots_become_keys_and_words_come_back_on_downgrade(tmp_path):
    path = tmp_path / "ballots.db"
    app = app_before(path, "ballot_options")
    connection = sqlite3.connect(path)
    for user_id in (1, 2, *range(10, 30)):  # the orders' buyer and seller, the reviewers
        insert_row(connection, "users", id=user_id, email=f"user{user_id}@example.com")
    order_and_case(connection, 1, remedy="full_refund")  # the order's ¥199.00
    order_and_case(connection, 2, remedy="compensation", remedy_amount_fen=8000)
    order_and_case(connection, 3, remedy="replacement")
    english = ["Decide for the buyer", "Decide for the seller"]
    chinese = ["支持买家", "支持卖家"]
    written = ["Refund Zhang in full", "Keep the money with the shop"]
    _panel(connection, 1, 1, english, [english[0]] * 2 + [english[1]])
    _panel(connection, 2, 2, chinese, [chinese[1]] * 3)
    _panel(connection, 3, 3, written, [written[0], written[1], written[1]])
    insert_row(
        connection,
        "appeals",
        id=1,
        case_id=3,
        panel_id=3,
        party="buyer",
        heard_by="panel",
        decision_kind="panel",
        final_verdict=written[0],
    )
    insert_row(connection, "panel_referrals", case_id=1, options=json.dumps(english))
    connection.commit()
    connection.close()

    with app.app_context():
        upgrade(directory=MIGRATIONS)
        panels = [(i, json.loads(o)) for i, o in _rows("SELECT id, options FROM panels")]
        votes = _rows("SELECT panel_id, option FROM votes ORDER BY id")
        tallies = [
            (panel_id, json.loads(counts), verdict)
            for panel_id, counts, verdict in _rows(
                "SELECT panel_id, counts, verdict FROM tallies ORDER BY panel_id"
            )
        ]
        appeal = _rows("SELECT final_verdict FROM appeals")
        referral = _rows("SELECT options FROM panel_referrals")
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision=revision_before("ballot_options"))
        words = _rows("SELECT options FROM panels ORDER BY id")
        worded_votes = _rows("SELECT option FROM votes WHERE panel_id = 2")
        db.session.remove()
        db.engine.dispose()

    grant_words = "custom:grant:Refund Zhang in full"
    reject_words = "custom:reject:Keep the money with the shop"
    assert panels == [
        (1, ["grant:full_refund:19900", "reject"]),
        (2, ["grant:compensation:8000", "reject"]),
        (3, [grant_words, reject_words]),
    ]
    assert votes == [
        (1, "grant:full_refund:19900"),
        (1, "grant:full_refund:19900"),
        (1, "reject"),
        (2, "reject"),
        (2, "reject"),
        (2, "reject"),
        (3, grant_words),
        (3, reject_words),
        (3, reject_words),
    ]
    assert tallies == [
        (1, {"grant:full_refund:19900": 2, "reject": 1}, "grant:full_refund:19900"),
        (2, {"grant:compensation:8000": 0, "reject": 3}, "reject"),
        (3, {grant_words: 1, reject_words: 2}, reject_words),
    ]
    assert appeal == [(grant_words,)]
    assert [json.loads(options) for (options,) in referral] == [
        ["grant:full_refund:19900", "reject"]
    ]
    assert [json.loads(options) for (options,) in words] == [english, english, written]
    assert worded_votes == [("Decide for the seller",)] * 3
