"""The mediator decides which evidence files reviewers see: photos until withheld, PDFs and
videos once released; text always. Each decision is audited, and one row per entry holds it,
whoever decides at the same instant (design: Crowd review, "What a reviewer sees")."""

import io

import pytest
from sqlalchemy import event, func, select

from app.auth.models import Role, User
from app.cases import releases
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceEntry, EvidenceKind
from app.cases.releases import (
    ReleaseRefused,
    ReviewerRelease,
    decide_release,
    decisions_of,
    is_released_to_reviewers,
)
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers.case_factories import add_photo, add_statement, make_case, pdf_bytes
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_user
from tests.helpers.videos import video


def add_pdf(case, author) -> EvidenceEntry:
    upload = NewEvidence(EvidenceKind.PDF, upload=io.BytesIO(pdf_bytes()), filename="receipt.pdf")
    return add_evidence(case, author, upload)


def add_video(case, author) -> EvidenceEntry:
    upload = NewEvidence(EvidenceKind.VIDEO, upload=io.BytesIO(video()), filename="packing.mp4")
    return add_evidence(case, author, upload)


@pytest.fixture
def case(app):
    with app.test_request_context(method="POST"):
        yield make_case("mediation")


def events(case, action: str) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.subject_type == "cases",
            AuditEvent.subject_id == str(case.id),
            AuditEvent.action == action,
        )
        .order_by(AuditEvent.id)
    ).all()


def test_photos_are_shown_until_withheld_documents_and_videos_once_released(case):
    photo, pdf = add_photo(case, case.buyer), add_pdf(case, case.seller)
    clip, statement = add_video(case, case.seller), add_statement(case, case.buyer, "It broke.")

    assert is_released_to_reviewers(photo)
    assert not is_released_to_reviewers(pdf)
    assert not is_released_to_reviewers(clip)
    assert is_released_to_reviewers(statement)
    assert decisions_of(case) == {}


def test_releasing_a_pdf_shows_it_and_is_audited(case):
    pdf = add_pdf(case, case.seller)

    assert decide_release(pdf, case.mediator, True) is True

    assert is_released_to_reviewers(pdf)
    assert decisions_of(case) == {pdf.id: True}
    row = db.session.scalar(select(ReviewerRelease).where(ReviewerRelease.entry_id == pdf.id))
    assert row.decided_by_id == case.mediator.id and row.decided_at is not None
    [event] = events(case, "evidence.released_to_reviewers")
    assert event.actor_id == case.mediator.id
    assert event.before == {"entry_id": pdf.id, "released": False}
    assert event.after == {"entry_id": pdf.id, "released": True}
    # the entry itself, hash-chained, is not touched
    assert db.session.get(EvidenceEntry, pdf.id).entry_hash == pdf.entry_hash


def test_a_decision_can_be_changed_and_each_change_is_audited(case):
    photo, clip = add_photo(case, case.buyer), add_video(case, case.seller)

    assert decide_release(photo, case.mediator, False) is True
    assert not is_released_to_reviewers(photo)
    assert decide_release(clip, case.mediator, True) is True
    assert decide_release(clip, case.mediator, False) is True
    assert decide_release(photo, case.mediator, True) is True

    assert decisions_of(case) == {photo.id: True, clip.id: False}
    assert len(events(case, "evidence.withheld_from_reviewers")) == 2
    assert len(events(case, "evidence.released_to_reviewers")) == 2
    assert db.session.scalar(select(func.count(ReviewerRelease.id))) == 2  # one row per entry


def test_asking_for_what_already_is_changes_and_records_nothing(case):
    photo, pdf = add_photo(case, case.buyer), add_pdf(case, case.seller)

    assert decide_release(photo, case.mediator, True) is False
    assert decide_release(pdf, case.mediator, False) is False
    decide_release(pdf, case.mediator, True)
    assert decide_release(pdf, case.mediator, True) is False

    assert decisions_of(case) == {pdf.id: True}
    assert len(events(case, "evidence.released_to_reviewers")) == 1


def test_only_the_cases_own_mediator_decides(case):
    pdf = add_pdf(case, case.seller)
    other_mediator = make_user(roles=(Role.MEDIATOR,))
    admin = make_user(roles=(Role.ADMIN,))

    for someone in (other_mediator, admin, case.buyer, case.seller):
        with pytest.raises(ReleaseRefused, match="Only the case's mediator"):
            decide_release(pdf, someone, True)

    assert not is_released_to_reviewers(pdf)
    assert events(case, "evidence.released_to_reviewers") == []


def test_text_entries_have_nothing_to_release(case):
    statement = add_statement(case, case.buyer, "The box was crushed.")

    with pytest.raises(ReleaseRefused, match="always shown to reviewers"):
        decide_release(statement, case.mediator, False)


def test_a_page_reads_every_decision_in_one_query(case):
    entries = [add_pdf(case, case.seller) for _ in range(3)] + [add_photo(case, case.buyer)]
    for entry in entries[:2]:
        decide_release(entry, case.mediator, True)
    db.session.flush()

    queries = []

    def record(_connection, _cursor, statement, *_args) -> None:
        queries.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        decisions = decisions_of(case)
        shown = [is_released_to_reviewers(entry, decisions) for entry in entries]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert shown == [True, True, False, True]
    assert len(queries) == 1


def test_a_decision_inserted_first_elsewhere_is_updated_not_duplicated(case, monkeypatch):
    """The lost race, step by step: the lookup found no decision, then another request's
    insert came first; the unique entry decides, and this decision updates that row."""
    clip = add_video(case, case.seller)
    real_lookup = releases._locked_decision
    lookups = []

    def lookup_then_lose_the_race(entry_id: int):
        lookups.append(entry_id)
        if len(lookups) == 1:
            db.session.add(
                ReviewerRelease(entry_id=entry_id, released=False, decided_by_id=case.mediator.id)
            )
            db.session.flush()
            return None
        return real_lookup(entry_id)

    monkeypatch.setattr(releases, "_locked_decision", lookup_then_lose_the_race)

    assert decide_release(clip, case.mediator, True) is True

    rows = db.session.scalars(select(ReviewerRelease)).all()
    assert [(row.entry_id, row.released) for row in rows] == [(clip.id, True)]
    assert len(events(case, "evidence.released_to_reviewers")) == 1


def _committed_case_with_a_pdf(app) -> tuple[int, int]:
    with app.test_request_context(method="POST"):
        case = make_case("mediation")
        pdf = add_pdf(case, case.seller)
        ids = pdf.id, case.mediator_id
        db.session.commit()
    db.session.remove()
    return ids


@pytest.mark.committing
def test_releasing_at_the_same_instant_writes_one_decision_and_one_event(app):
    entry_id, mediator_id = _committed_case_with_a_pdf(app)

    def release(_n: int) -> bool:
        entry = db.session.get(EvidenceEntry, entry_id)
        return decide_release(entry, db.session.get(User, mediator_id), True)

    outcomes = run_at_once(app, release, 4)

    assert errors_in(outcomes) == []
    assert sorted(outcomes) == [False, False, False, True]
    assert db.session.scalar(select(func.count(ReviewerRelease.id))) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("evidence.%_reviewers"))
    ).all()
    assert actions == ["evidence.released_to_reviewers"]


@pytest.mark.committing
def test_releasing_and_withholding_at_once_leave_the_last_event_standing(app):
    entry_id, mediator_id = _committed_case_with_a_pdf(app)

    def decide(n: int) -> bool:
        entry = db.session.get(EvidenceEntry, entry_id)
        return decide_release(entry, db.session.get(User, mediator_id), n % 2 == 0)

    outcomes = run_at_once(app, decide, 6)

    assert errors_in(outcomes) == []
    rows = db.session.scalars(select(ReviewerRelease)).all()
    assert len(rows) == 1
    changes = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("evidence.%_reviewers"))
        .order_by(AuditEvent.id)
    ).all()
    assert len(changes) == sum(outcomes) >= 1
    assert changes[-1].after == {"entry_id": entry_id, "released": rows[0].released}
