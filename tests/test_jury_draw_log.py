"""Draws anyone can check: each draw's commitment reaches the public log before its seats,
the log is a hash chain that is never rewritten, the seed is revealed only when the panel
closes, reviewers appear only as tokens, and ``flask jury verify-draw`` recomputes every draw
and catches any record changed afterwards."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases.models import Case
from app.core import clock
from app.core.extensions import db
from app.jury.cli import jury_cli
from app.jury.counting import count_due_panels
from app.jury.draw_log import GENESIS, chain_breaks, reviewer_token
from app.jury.draw_rules import canonical, legacy_draw
from app.jury.models import (
    DrawLogEntry,
    DrawRecordIsAppendOnly,
    Panel,
    PanelDraw,
    PanelRound,
    Seat,
    SeatStatus,
)
from app.mediation import services as mediation
from tests.helpers.case_factories import PANEL_QUESTION, PANEL_SUMMARY, make_case
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_reviewers
from tests.helpers.jury import FOR_BUYER, START, make_panel, make_pool, open_seats, votes
from tests.helpers.pages import page, signed_in

HEX64 = re.compile(r"[0-9a-f]{64}")


def _entries(panel: Panel | None = None) -> list[DrawLogEntry]:
    query = select(DrawLogEntry).order_by(DrawLogEntry.id)
    if panel is not None:
        query = query.where(DrawLogEntry.panel_id == panel.id)
    return list(db.session.scalars(query))


def _draws(panel: Panel) -> list[PanelDraw]:
    return list(
        db.session.scalars(
            select(PanelDraw).where(PanelDraw.panel_id == panel.id).order_by(PanelDraw.number)
        )
    )


def _replace_no_shows(panel: Panel, voters: int) -> None:
    """``voters`` seats vote; the rest let their time run out and are replaced."""
    votes(panel, FOR_BUYER, voters)
    clock.advance(current_app.config["SEAT_VOTE_WINDOW"] + timedelta(minutes=1))
    count_due_panels()


def _decide(panel: Panel) -> None:
    votes(panel, FOR_BUYER, len(open_seats(panel)))
    count_due_panels()
    db.session.refresh(panel)
    assert panel.status == "decided"


def _verify(app, case_id: int):
    return app.test_cli_runner().invoke(jury_cli, ["verify-draw", str(case_id)])


@pytest.fixture
def inserts():
    """The tables rows are inserted into, in order, while the test runs."""
    order: list[str] = []

    def record(_mapper, _connection, target):
        order.append(target.__tablename__)

    models = (Panel, PanelDraw, DrawLogEntry, Seat)
    for model in models:
        event.listen(model, "after_insert", record)
    yield order
    for model in models:
        event.remove(model, "after_insert", record)


# The commitment ---------------------------------------------------------------------------


def test_the_commitment_is_logged_before_any_seat_of_its_draw(inserts):
    clock.freeze(START)
    panel = make_panel()

    first_seat = inserts.index("seats")
    assert inserts[:first_seat] == ["panels", "panel_draws", "draw_log_entries"]
    assert set(inserts[first_seat:]) == {"seats"}

    inserts.clear()
    _replace_no_shows(panel, voters=5)

    first_seat = inserts.index("seats")
    assert inserts[:first_seat] == ["panel_draws", "draw_log_entries"]
    assert set(inserts[first_seat:]) == {"seats"}
    assert [d.kind for d in _draws(panel)] == ["first", "replacement"]


def test_the_commitment_holds_the_hashes_of_the_seed_and_of_the_snapshot(client):
    clock.freeze(START)
    panel = make_panel()
    [record] = _draws(panel)
    [entry] = _entries(panel)

    fields = entry.fields
    assert fields["seed_sha256"] == hashlib.sha256(bytes.fromhex(panel.seed)).hexdigest()
    assert fields["snapshot_sha256"] == hashlib.sha256(canonical(record.snapshot)).hexdigest()
    assert (fields["draw"], fields["draw_kind"], fields["algorithm"]) == (0, "first", 2)
    assert record.snapshot["seats"] == panel.seats == len(panel.seat_rows)
    # the snapshot published is the very bytes committed to
    response = client.get(f"/transparency/draws/{record.id}/snapshot.json")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == fields["snapshot_sha256"]


def test_a_draw_never_published_has_no_public_snapshot(client):
    clock.freeze(START)
    panel = make_panel()
    legacy = PanelDraw(
        panel_id=panel.id,
        number=9,
        kind="first",
        algorithm=1,
        snapshot={"algorithm": 1, "seats": 1, "pool": []},
        seed_sha256="0" * 64,
        snapshot_sha256="0" * 64,
    )
    db.session.add(legacy)
    db.session.flush()

    assert client.get(f"/transparency/draws/{legacy.id}/snapshot.json").status_code == 404
    assert client.get("/transparency/draws/999999/snapshot.json").status_code == 404


# The log ----------------------------------------------------------------------------------


def test_each_entry_carries_the_hash_of_the_one_before_and_is_never_rewritten():
    clock.freeze(START)
    first = make_panel()
    [entry] = _entries(first)
    written = (entry.body, entry.previous_sha256, entry.entry_sha256)
    _decide(first)
    second = make_panel()

    entries = _entries()
    assert entries[0].previous_sha256 == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_sha256 == before.entry_sha256
    assert [e.kind for e in entries] == ["commitment", "reveal", "commitment"]
    assert {e.panel_id for e in entries} == {first.id, second.id}
    db.session.expire_all()
    assert (entry.body, entry.previous_sha256, entry.entry_sha256) == written
    assert list(chain_breaks()) == []

    entry.body = entry.body.replace("first", "wave")
    with pytest.raises(DrawRecordIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_an_entry_is_never_deleted_and_the_chain_never_forks():
    clock.freeze(START)
    make_panel()
    [entry] = _entries()

    db.session.delete(entry)
    with pytest.raises(DrawRecordIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    # a second writer that read the same last entry cannot append beside it
    make_panel()
    last = _entries()[-1]
    with pytest.raises(IntegrityError):
        db.session.add(
            DrawLogEntry(
                kind="commitment",
                panel_id=last.panel_id,
                body="{}",
                previous_sha256=last.previous_sha256,
                entry_sha256="f" * 64,
            )
        )
        db.session.flush()
    db.session.rollback()


# The reveal -------------------------------------------------------------------------------


def test_the_seed_is_revealed_when_the_panel_closes_and_not_before(client):
    clock.freeze(START)
    panel = make_panel()
    case = panel.case
    signed_in(client, case.buyer)

    before = [
        page(client, f"/cases/{case.id}"),
        page(client, "/transparency/draws"),
        page(client, f"/transparency/draws?panel={panel.id}"),
        page(client, "/transparency/draws.json"),
    ]
    [commitment] = _entries(panel)
    for html in before:
        assert panel.seed not in html
    assert commitment.fields["seed_sha256"] in before[0]
    assert "The seed stays secret until the panel closes." in before[0]

    _decide(panel)

    reveal = _entries(panel)[-1]
    assert reveal.kind == "reveal"
    assert reveal.fields["seed"] == panel.seed
    seated = [reviewer_token(panel.id, seat.reviewer_id) for seat in panel.seat_rows]
    assert reveal.fields["draws"] == [{"draw": 0, "seated": seated}]
    assert panel.seed in page(client, f"/cases/{case.id}")
    assert panel.seed in page(client, f"/transparency/draws?panel={panel.id}")


def test_a_panel_returned_at_its_deadline_reveals_its_seed_too():
    clock.freeze(START)
    panel = make_panel()

    clock.advance(current_app.config["PANEL_DEADLINE"] + timedelta(minutes=1))
    count_due_panels()

    db.session.refresh(panel)
    assert panel.status == "returned"
    assert [e.kind for e in _entries(panel)][-1] == "reveal"


# Privacy ----------------------------------------------------------------------------------


def test_the_public_log_and_snapshots_name_no_one(client):
    clock.freeze(START)
    panel = make_panel()
    _decide(panel)
    [record] = _draws(panel)
    reviewers = [seat.reviewer for seat in panel.seat_rows]

    published = "".join(
        [
            page(client, "/transparency/draws"),
            page(client, "/transparency/draws.json"),
            page(client, f"/transparency/draws/{record.id}/snapshot.json"),
        ]
    )

    for user in reviewers:
        assert user.email not in published
        assert user.display_name not in published
    pool_tokens = [token for token, _leaning, _expert in record.snapshot["pool"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", token) for token in pool_tokens)
    assert not {str(user.id) for user in reviewers} & set(pool_tokens)
    # a reviewer's token differs from panel to panel: no one can follow them across panels
    other = make_panel()
    user = reviewers[0]
    assert reviewer_token(panel.id, user.id) != reviewer_token(other.id, user.id)


def test_a_reviewer_finds_their_own_token_on_their_seat(client):
    clock.freeze(START)
    panel = make_panel()
    seat = panel.seat_rows[0]
    [record] = _draws(panel)

    html = page(signed_in(client, seat.reviewer), f"/review/seats/{seat.id}")

    token = reviewer_token(panel.id, seat.reviewer_id)
    assert token in html
    assert token in [row[0] for row in record.snapshot["pool"]]
    assert f"/transparency/draws?panel={panel.id}" in html


# The JSON view ----------------------------------------------------------------------------


def test_the_json_log_gives_each_entry_as_hashed_newest_first(client):
    clock.freeze(START)
    first = make_panel()
    second = make_panel()

    log = client.get("/transparency/draws.json").get_json()
    only_first = client.get(f"/transparency/draws.json?panel={first.id}").get_json()

    assert [e["panel"] for e in log["entries"]] == [second.id, first.id]
    for shown in log["entries"]:
        assert HEX64.fullmatch(shown["entry_sha256"])
        digest = hashlib.sha256((shown["previous_sha256"] + shown["body"]).encode())
        assert digest.hexdigest() == shown["entry_sha256"]
        assert shown["snapshot"].endswith("/snapshot.json")
    assert (log["page"], log["pages"], log["newer"], log["older"]) == (1, 1, None, None)
    assert [e["panel"] for e in only_first["entries"]] == [first.id]
    assert json.loads(only_first["entries"][0]["body"])["panel"] == first.id


def test_the_log_pages_are_paginated(client, monkeypatch):
    clock.freeze(START)
    for _ in range(3):
        make_panel()
    monkeypatch.setattr("app.public.views.DRAW_LOG_PAGE_SIZE", 2)

    log = client.get("/transparency/draws.json").get_json()
    html = page(client, "/transparency/draws?page=2")

    assert (len(log["entries"]), log["pages"]) == (2, 2)
    assert log["older"].endswith("/transparency/draws.json?page=2")
    assert "Page 2 of 2" in html


def test_the_transparency_page_links_to_the_draw_log(client):
    assert 'href="/transparency/draws"' in page(client, "/transparency")


# verify-draw ------------------------------------------------------------------------------


def _panel_with_replacements() -> Panel:
    clock.freeze(START)
    panel = make_panel()
    _replace_no_shows(panel, voters=5)
    _decide(panel)
    return panel


def test_verify_draw_recomputes_every_draw_of_a_panel_with_replacements(app):
    panel = _panel_with_replacements()

    result = _verify(app, panel.case_id)

    assert result.exit_code == 0, result.output
    assert "draw 0 (first, algorithm 2)" in result.output
    assert "draw 1 (replacement, algorithm 2)" in result.output
    assert result.output.count("matches the seats drawn") == 2
    assert "draw log: hash chain holds" in result.output


def test_verify_draw_fails_on_a_changed_snapshot(app):
    panel = _panel_with_replacements()
    record = _draws(panel)[1]
    snapshot = dict(record.snapshot, seats=record.snapshot["seats"] + 1)
    db.session.execute(update(PanelDraw).where(PanelDraw.id == record.id).values(snapshot=snapshot))

    result = _verify(app, panel.case_id)

    assert result.exit_code == 1
    assert "MISMATCH: the snapshot does not match its hash" in result.output


def test_verify_draw_fails_on_a_changed_seat(app):
    panel = _panel_with_replacements()
    seat = panel.seat_rows[0]
    [stranger] = make_reviewers(1)
    db.session.execute(update(Seat).where(Seat.id == seat.id).values(reviewer_id=stranger.id))

    result = _verify(app, panel.case_id)

    assert result.exit_code == 1
    assert "not the seats drawn" in result.output


def test_verify_draw_fails_on_a_changed_log_entry(app):
    panel = _panel_with_replacements()
    reveal = _entries(panel)[-1]
    forged = reveal.body.replace(panel.seed, "0" * 64)
    db.session.execute(
        text("UPDATE draw_log_entries SET body = :body WHERE id = :id"),
        {"body": forged, "id": reveal.id},
    )
    db.session.expire_all()

    result = _verify(app, panel.case_id)

    assert result.exit_code == 1
    assert f"log entry {reveal.id}: its hash does not match its contents" in result.output
    assert "the revealed seed is not the panel's seed" in result.output


def test_verify_draw_fails_on_a_commitment_logged_after_its_seats(app):
    panel = _panel_with_replacements()
    commitment = _entries(panel)[0]
    db.session.execute(
        update(DrawLogEntry)
        .where(DrawLogEntry.id == commitment.id)
        .values(recorded_at=panel.seat_rows[0].seated_at + timedelta(seconds=1))
    )

    result = _verify(app, panel.case_id)

    assert result.exit_code == 1
    assert "the commitment was logged after the seats were drawn" in result.output


def test_verify_draw_checks_a_panel_drawn_before_draws_were_committed(app):
    """Algorithm 1: the panel's pool of user ids, shuffled by the Mersenne Twister, as the
    migration recorded it for the panels drawn before."""
    clock.freeze(START)
    panel = make_panel()
    reviewers = make_reviewers(7)
    pool = [[user.id, "balanced", False] for user in reviewers]
    legacy = Panel(
        case_id=panel.case_id,
        round=PanelRound.APPEAL.value,
        status="decided",
        seats=5,
        majority=3,
        options=list(panel.options),
        question="?",
        summary="Summary.",
        seed="ab" * 32,
        pool=pool,
        deadline_at=clock.now(),
    )
    db.session.add(legacy)
    db.session.flush()
    snapshot = {"algorithm": 1, "seats": 5, "pool": pool}
    record = PanelDraw(
        panel_id=legacy.id,
        number=0,
        kind="first",
        algorithm=1,
        snapshot=snapshot,
        seed_sha256=hashlib.sha256(bytes.fromhex(legacy.seed)).hexdigest(),
        snapshot_sha256=hashlib.sha256(canonical(snapshot)).hexdigest(),
    )
    db.session.add(record)
    db.session.flush()
    drawn = legacy_draw(pool, 5, bytes.fromhex(legacy.seed))
    for user_id in drawn:
        db.session.add(
            Seat(
                panel_id=legacy.id,
                reviewer_id=user_id,
                status=SeatStatus.VOTED.value,
                vote_due_at=clock.now(),
                draw_id=record.id,
            )
        )
    # a replacement seated before draws were recorded
    replacement = next(user for user in reviewers if user.id not in drawn)
    db.session.add(Seat(panel_id=legacy.id, reviewer_id=replacement.id, vote_due_at=clock.now()))
    db.session.flush()

    result = _verify(app, panel.case_id)

    assert result.exit_code == 0, result.output
    assert "draw 0 (first, algorithm 1)" in result.output
    assert "seats drawn before draws were recorded, not checked: 1" in result.output


def test_verify_draw_refuses_an_unknown_case(app):
    result = _verify(app, 999999)

    assert result.exit_code != 0
    assert "no case 999999" in result.output


@pytest.mark.committing
def test_two_panels_drawn_at_once_both_append_to_one_unbroken_chain(app):
    clock.freeze(START)
    make_pool(2 * current_app.config["PANEL_SEATS"])
    cases = [make_case("mediation") for _ in range(2)]
    ids = [(case.id, case.mediator_id) for case in cases]
    db.session.commit()
    db.session.remove()  # hold no transaction while the threads run

    def route(n: int):
        case_id, mediator_id = ids[n]
        case = db.session.get(Case, case_id)
        mediator = db.session.get(User, mediator_id)
        return mediation.route_to_panel(case, mediator, PANEL_SUMMARY, PANEL_QUESTION).id

    outcomes = run_at_once(app, route, 2)

    assert errors_in(outcomes) == []
    assert [e.kind for e in _entries()] == ["commitment", "commitment"]
    assert list(chain_breaks()) == []
