"""The practice cases as data in the gold bank, and the practice set drawn for each reviewer:
different reviewers read different sets, each keeps theirs, a second try reads fresh
cases, and every answer records the side its right option favoured and its category."""

import random
import re
import sqlite3
from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy import select, text

from app.core import clock
from app.core.extensions import db
from app.jury.enrolment import answer_practice, enrol, practice_set, restart_practice
from app.jury.gold.bank import draw_practice_keys, load_gold_bank, practice_keys
from app.jury.gold.models import GoldCase, PracticeAssignment
from app.jury.models import PracticeAnswer
from app.jury.practice import GRANT, OPTIONS, REJECT, TEXT_LANGUAGES, written_practice_cases
from app.orders.categories import CATEGORY_LABELS
from tests.helpers.counts import table_count
from tests.helpers.jury import eligible_user
from tests.helpers.migration_rows import MIGRATIONS, app_before, insert_row

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_the_bank_has_enough_practice_cases_written_in_both_languages():
    written = written_practice_cases()
    assert len(written) >= 12
    assert len({case["key"] for case in written}) == len(written)
    for case in written:
        assert case["answer"] in OPTIONS
        assert case["category"] in CATEGORY_LABELS
        english, chinese = (case[language] for language in TEXT_LANGUAGES)
        for texts in (english, chinese):
            assert 2 <= len(texts["buyer_evidence"]) <= 3
            assert 2 <= len(texts["seller_evidence"]) <= 3
        for field in ("buyer_evidence", "seller_evidence"):
            assert len(english[field]) == len(chinese[field])
        assert all(CHINESE.search(line) for line in (chinese["claim"], chinese["question"]))
        assert not CHINESE.search(english["claim"])
    assert {case["answer"] for case in written} == {GRANT, REJECT}


def test_loading_the_bank_again_changes_nothing():
    before = table_count(GoldCase)
    assert before == len(written_practice_cases())
    assert load_gold_bank() == 0
    assert table_count(GoldCase) == before


def test_a_practice_case_reads_in_the_readers_language():
    user = eligible_user()
    enrol(user, random.Random(5))
    with force_locale("zh_Hans"):
        chinese = practice_set(user)[0]
    english = practice_set(user)[0]
    assert chinese.key == english.key
    assert CHINESE.search(chinese.claim) and not CHINESE.search(english.claim)


def test_the_draw_prefers_cases_not_read_and_is_fixed_by_its_seed():
    keys = [f"case-{n}" for n in range(8)]
    first = draw_practice_keys(keys, 5, random.Random(1))
    assert first == draw_practice_keys(keys, 5, random.Random(1))
    assert len(set(first)) == 5
    again = draw_practice_keys(keys, 5, random.Random(2), avoid=first)
    assert len(set(again)) == 5
    assert set(again) >= set(keys) - set(first)  # the three unread come first, two repeat
    assert set(again[:3]) == set(keys) - set(first)


def test_each_reviewer_is_given_a_set_of_their_own_that_stays():
    sets = []
    for seed in range(6):
        user = eligible_user()
        enrol(user, random.Random(seed))
        drawn = [case.key for case in practice_set(user)]
        assert len(drawn) == len(set(drawn)) == 5
        assert drawn == [case.key for case in practice_set(user)]  # read again: the same
        enrol(user, random.Random(seed + 100))  # enrolling again draws nothing new
        assert drawn == [case.key for case in practice_set(user)]
        sets.append(tuple(drawn))
    assert len(set(sets)) > 1
    assert len({key for drawn in sets for key in drawn}) > 5


def test_the_stored_set_survives_a_new_session(app):
    user = eligible_user()
    enrol(user, random.Random(3))
    drawn = [case.key for case in practice_set(user)]
    db.session.expire_all()
    stored = db.session.scalars(
        select(PracticeAssignment.gold_key)
        .where(PracticeAssignment.user_id == user.id)
        .order_by(PracticeAssignment.position)
    ).all()
    assert stored == drawn


def test_a_retry_after_failing_reads_fresh_cases():
    user = eligible_user()
    enrol(user, random.Random(7))
    first = practice_set(user)
    for case in first:
        answer_practice(user, case.key, REJECT if case.correct == GRANT else GRANT)
    clock.freeze(clock.now() + timedelta(days=7, minutes=1))
    restart_practice(user, random.Random(8))
    second = [case.key for case in practice_set(user)]
    assert len(second) == 5
    assert not set(second) & {case.key for case in first}  # the bank has enough


def test_an_answer_records_the_side_and_category_of_its_case():
    user = eligible_user()
    enrol(user, random.Random(11))
    for case in practice_set(user):
        answer_practice(user, case.key, GRANT)
    golds = {gold.key: gold for gold in db.session.scalars(select(GoldCase))}
    answers = db.session.scalars(select(PracticeAnswer)).all()
    assert len(answers) == 5
    for answer in answers:
        gold = golds[answer.practice_key]
        assert answer.truth_side == ("buyer" if gold.answer == GRANT else "seller")
        assert answer.category == gold.category is not None
        assert answer.correct == (gold.answer == GRANT)


def test_a_retired_practice_case_is_drawn_for_no_one():
    retired = practice_keys()[0]
    db.session.execute(
        text("UPDATE gold_cases SET retired_at = '2026-01-01 00:00:00' WHERE key = :key"),
        {"key": retired},
    )
    assert retired not in practice_keys()


@pytest.mark.committing
def test_the_migration_moves_the_practice_cases_into_the_bank(tmp_path):
    path = tmp_path / "gold.db"
    app = app_before(path, "gold_bank")
    connection = sqlite3.connect(path)
    for user_id in (1, 2):
        insert_row(connection, "users", id=user_id, email=f"user{user_id}@example.com")
    insert_row(connection, "reviewers", user_id=1, status="practising", enrolled_at="2026-01-01")
    insert_row(connection, "reviewers", user_id=2, status="active", enrolled_at="2026-01-01")
    insert_row(
        connection,
        "practice_answers",
        user_id=1,
        practice_key="late-within-window",
        option="reject",
        correct=1,
        truth_side="seller",
    )
    connection.commit()
    connection.close()
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        rows = db.session.execute(
            text("SELECT key, source, answer, truth_side, category FROM gold_cases ORDER BY id")
        ).all()
        assert [row.key for row in rows] == [case["key"] for case in written_practice_cases()]
        late = next(row for row in rows if row.key == "late-within-window")
        assert (late.source, late.answer, late.truth_side, late.category) == (
            "practice",
            "reject",
            "seller",
            "home",
        )
        # the reviewer still practising keeps the set they were answering; the answer
        # given gains its category
        assert db.session.execute(
            text("SELECT user_id, gold_key FROM practice_assignments ORDER BY position")
        ).all() == [
            (1, key)
            for key in (
                "delivered-elsewhere",
                "counterfeit-report",
                "late-within-window",
                "damaged-on-arrival",
                "size-chart-mismatch",
            )
        ]
        assert db.session.scalar(text("SELECT category FROM practice_answers")) == "home"
        db.session.remove()
        db.engine.dispose()


def test_the_load_command_adds_new_cases_and_changes_nothing_when_run_again(app):
    key = practice_keys()[-1]
    db.session.execute(text("DELETE FROM gold_cases WHERE key = :key"), {"key": key})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jury", "load-gold"])
    again = runner.invoke(args=["jury", "load-gold"])
    total = len(written_practice_cases())
    assert first.output.strip() == f"gold bank: 1 practice cases added, {total} in use"
    assert again.output.strip() == f"gold bank: 0 practice cases added, {total} in use"
    assert key in practice_keys()
