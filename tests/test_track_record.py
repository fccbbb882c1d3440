"""Each reviewer's track record read from the database: gold answers by the side of their
right option, and agreement with the verdicts that stood — after an appeal, the final one."""

import pytest

from app.core import clock
from app.core.extensions import db
from app.jury.calibration import DEFAULT_ACCURACY, Record, Tally
from app.jury.drawing import BALANCED
from app.jury.models import Appeal, PracticeAnswer
from app.jury.rules import Side
from app.jury.track_record import track_records
from tests.helpers.factories import make_case_row, make_reviewers
from tests.helpers.panel_rows import OPTIONS, close_panel, make_panel, seat_for, vote_on

FOR_BUYER, FOR_SELLER = OPTIONS
REASON = "The photos show the crack was there before delivery."


def gold(reviewer, key: str, side: Side, correct: bool, category: str | None = None) -> None:
    db.session.add(
        PracticeAnswer(
            user_id=reviewer.id,
            practice_key=key,
            option=FOR_BUYER,
            correct=correct,
            truth_side=side.value,
            category=category,
        )
    )
    db.session.flush()


def decided_panel(voters: dict, verdict: str | None = FOR_BUYER, status: str = "decided"):
    """A closed panel on which each reviewer in ``voters`` voted their option."""
    panel = make_panel(make_case_row(state="panel"))
    for reviewer, option in voters.items():
        vote_on(seat_for(panel, reviewer), option, REASON)
    close_panel(panel, status=status, verdict=verdict)
    return panel


def appeal_of(panel, final_verdict: str | None, revised: bool = True) -> Appeal:
    appeal = Appeal(
        case_id=panel.case_id,
        party="seller",
        reason="The buyer dropped the phone.",
        decision_kind="panel",
        decision_outcome="for_buyer",
        decision_remedy="full_refund",
        heard_by="panel",
        panel_id=panel.id,
        final_verdict=final_verdict,
        reputation_revised_at=clock.now() if revised else None,
    )
    db.session.add(appeal)
    db.session.flush()
    return appeal


def test_gold_answers_count_on_the_side_of_their_right_option(app):
    ana, bo = make_reviewers(2)
    gold(ana, "a", Side.BUYER, True, "electronics")
    gold(ana, "b", Side.BUYER, False)
    gold(ana, "c", Side.SELLER, True, "electronics")
    db.session.add(  # a practice answer from before sides were recorded counts for nothing
        PracticeAnswer(user_id=bo.id, practice_key="old", option=FOR_BUYER, correct=True)
    )
    db.session.flush()

    records = track_records()

    assert records.record(ana.id) == Record(buyer=Tally(1, 2), seller=Tally(1, 1))
    assert records.by_category[ana.id]["electronics"] == Record(
        buyer=Tally(1, 1), seller=Tally(1, 1)
    )
    assert records.record(bo.id) == Record()


def test_votes_count_against_the_verdict_that_stood(app):
    ana, bo, cy = make_reviewers(3)
    decided_panel({ana: FOR_BUYER, bo: FOR_SELLER, cy: FOR_BUYER})
    decided_panel({ana: FOR_SELLER, bo: FOR_SELLER}, verdict=FOR_SELLER)
    decided_panel({ana: FOR_BUYER, cy: FOR_SELLER}, verdict=None, status="returned")

    records = track_records()

    assert records.record(ana.id) == Record(buyer=Tally(1, 1), seller=Tally(1, 1))
    assert records.record(bo.id) == Record(buyer=Tally(0, 1), seller=Tally(1, 1))
    assert records.record(cy.id) == Record(buyer=Tally(1, 1))  # the returned panel: nothing


def test_an_appeal_that_overturned_the_verdict_counts_instead(app):
    ana, bo, cy = make_reviewers(3)
    overturned = decided_panel({ana: FOR_BUYER, bo: FOR_SELLER})
    appeal_of(overturned, final_verdict=FOR_SELLER)
    pending = decided_panel({cy: FOR_BUYER})
    appeal_of(pending, final_verdict=None, revised=False)
    settled = decided_panel({cy: FOR_SELLER})
    appeal_of(settled, final_verdict=None)  # a settlement no option names

    records = track_records()

    assert records.record(ana.id) == Record(seller=Tally(0, 1))
    assert records.record(bo.id) == Record(seller=Tally(1, 1))
    assert records.record(cy.id) == Record()  # under appeal, or decided by no option


def test_a_newcomer_starts_at_the_pool_and_a_record_moves_them(app):
    newcomer, expert = make_reviewers(2)
    for n in range(40):
        gold(expert, f"g{n}", Side.BUYER if n % 2 else Side.SELLER, n % 10 != 0)

    records = track_records()
    accuracy = records.accuracies([newcomer.id, expert.id])

    pool, group = records.pool, records.group(BALANCED)
    # the newcomer starts where reviewers like them stand, shrunk towards the pool
    assert accuracy[newcomer.id].buyer == pytest.approx(group.buyer)
    assert DEFAULT_ACCURACY < pool.buyer < group.buyer < accuracy[expert.id].buyer
    interval = records.interval(expert.id, Side.BUYER)
    assert interval[0] < accuracy[expert.id].buyer < interval[1]
