"""Evidence timelines: each party appends to its own, hash-chained, never edited."""

import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.cases import evidence
from app.cases.chains import GENESIS_HASH, entry_hash, verify_chains
from app.cases.evidence import EvidenceIsAppendOnly, NewEvidence, add_evidence, timeline
from app.cases.files import EvidenceRejected
from app.cases.models import (
    Case,
    EvidenceEntry,
    EvidenceKind,
)
from app.cases.states import Party
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers import hostile
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_case_row, make_order, make_user

NOW = datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=UTC)


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(autouse=True)
def _in_request(app):
    """Messages are lazy translations: rendering them needs a request's locale. Evidence
    arrives by form post."""
    with app.test_request_context(method="POST"):
        yield


@pytest.fixture
def case() -> Case:
    clock.freeze(NOW)
    return make_case_row()


def statement(text: str = "The parcel was crushed on arrival.") -> NewEvidence:
    return NewEvidence(EvidenceKind.STATEMENT, text=text)


def entry_count() -> int:
    return db.session.scalar(select(func.count(EvidenceEntry.id)))


def files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


# --- the chain ------------------------------------------------------------------------------


def test_the_first_entry_starts_the_chain(case):
    entry = add_evidence(case, case.buyer, statement("The screen is cracked."))

    assert (entry.party, entry.sequence, entry.kind) == ("buyer", 1, "statement")
    assert entry.author_id == case.buyer_id
    assert entry.text == "The screen is cracked."
    assert entry.content_sha256 == hashlib.sha256(b"The screen is cracked.").hexdigest()
    assert entry.prev_hash == GENESIS_HASH
    assert entry.entry_hash == entry_hash(entry)
    assert entry.created_at == NOW
    assert entry.is_late is False


def test_each_entry_links_to_the_one_before_in_its_own_timeline(case):
    first = add_evidence(case, case.buyer, statement("one"))
    seller_first = add_evidence(case, case.seller, statement("seller one"))
    clock.advance(timedelta(minutes=5))
    second = add_evidence(case, case.buyer, statement("two"))
    third = add_evidence(case, case.buyer, statement("three"))

    assert [e.sequence for e in timeline(case, Party.BUYER)] == [1, 2, 3]
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert seller_first.prev_hash == GENESIS_HASH
    assert seller_first.sequence == 1
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3
    assert verify_chains([case.id]) == []


def test_the_entry_hash_is_sha256_of_the_canonical_json(case):
    entry = add_evidence(case, case.buyer, statement("x"))
    db.session.expire(entry)  # as loaded back from the database

    canonical = json.dumps(
        {
            "case_id": case.id,
            "party": "buyer",
            "sequence": 1,
            "kind": "statement",
            "author_id": case.buyer_id,
            "content_sha256": hashlib.sha256(b"x").hexdigest(),
            "original_name": None,
            "content_type": None,
            "size_bytes": None,
            "refers_to_id": None,
            "is_late": False,
            "created_at": "2026-03-02T09:30:00.123456+00:00",
            "prev_hash": GENESIS_HASH,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    assert entry.entry_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert entry_hash(entry) == entry.entry_hash


def test_the_party_is_decided_by_the_author(case):
    seller_entry = add_evidence(case, case.seller, statement("Packed with care."))

    assert seller_entry.party == "seller"
    assert timeline(case, Party.BUYER) == []
    assert timeline(case, Party.SELLER) == [seller_entry]


def test_the_audit_event_names_the_entry_but_never_its_content(case):
    entry = add_evidence(case, case.buyer, statement("My address is 1 Secret Lane."))
    photo = add_evidence(
        case,
        case.buyer,
        NewEvidence(EvidenceKind.IMAGE, upload=io.BytesIO(hostile.jpeg()), filename="me.jpg"),
    )
    db.session.flush()

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "evidence.added").order_by(AuditEvent.id)
    ).all()
    assert [event.after for event in events] == [
        {"entry": entry.id, "party": "buyer", "kind": "statement", "late": False},
        {"entry": photo.id, "party": "buyer", "kind": "image", "late": False},
    ]
    assert all(event.actor_id == case.buyer_id for event in events)
    assert all(
        (event.subject_type, event.subject_id) == ("cases", str(case.id)) for event in events
    )
    logged = json.dumps([event.after for event in events])
    assert "Secret Lane" not in logged and "me.jpg" not in logged


# --- who may add ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["stranger", "mediator", "admin", "unverified buyer"], ids=lambda who: who
)
def test_only_a_verified_party_can_add_evidence(case, who):
    if who == "unverified buyer":
        author = case.buyer
        author.email_verified_at = None
    else:
        roles = {"mediator": (Role.MEDIATOR,), "admin": (Role.ADMIN,)}.get(who, ())
        author = make_user(roles=roles)

    with pytest.raises(EvidenceRejected) as refused:
        add_evidence(case, author, statement())

    assert "only its parties can" in str(refused.value)
    assert entry_count() == 0


@pytest.mark.parametrize(
    ("state", "fields"),
    [
        ("decided", {"outcome": "for_buyer"}),
        ("executing", {"outcome": "for_buyer"}),
        ("closed", {"closed_reason": "withdrawn"}),
    ],
)
def test_no_evidence_once_the_case_is_past_deliberation(state, fields):
    case = make_case_row(state=state, **fields)

    with pytest.raises(EvidenceRejected):
        add_evidence(case, case.buyer, statement())

    assert entry_count() == 0


# --- what may be added ----------------------------------------------------------------------


def test_a_statement_of_the_maximum_length_is_accepted_and_one_more_refused(case):
    assert add_evidence(case, case.buyer, statement("x" * 5000)).sequence == 1

    with pytest.raises(EvidenceRejected) as refused:
        add_evidence(case, case.buyer, statement("x" * 5001))

    assert str(refused.value) == "This text has 5001 characters; at most 5000 are allowed."
    assert refused.value.field == "text"
    assert entry_count() == 1


def test_a_chat_transcript_has_its_own_limit(case):
    transcript = "buyer: where is it?\nseller: on its way\n"
    assert add_evidence(case, case.buyer, NewEvidence(EvidenceKind.CHAT_TRANSCRIPT, "a" * 20000))

    with pytest.raises(EvidenceRejected, match="20001 characters; at most 20000"):
        add_evidence(case, case.buyer, NewEvidence(EvidenceKind.CHAT_TRANSCRIPT, "a" * 20001))
    entry = add_evidence(case, case.buyer, NewEvidence(EvidenceKind.CHAT_TRANSCRIPT, transcript))
    assert entry.text == transcript.strip()


@pytest.mark.parametrize("text", [None, "", "   \n\t "])
def test_empty_text_is_refused(case, text):
    with pytest.raises(EvidenceRejected, match="Write your statement") as refused:
        add_evidence(case, case.buyer, statement(text))

    assert refused.value.field == "text"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("SF Express SF1234567890", "SF Express SF1234567890"),
        ("  YTO   YT-2024-000123 ", "YTO YT-2024-000123"),
        ("SF1234567890", "SF1234567890"),
    ],
)
def test_a_tracking_number_is_stored_as_carrier_and_number(case, given, stored):
    entry = add_evidence(case, case.seller, NewEvidence(EvidenceKind.TRACKING_NUMBER, given))

    assert entry.text == stored
    assert entry.content_sha256 == hashlib.sha256(stored.encode()).hexdigest()


@pytest.mark.parametrize(
    "given",
    [
        "",
        "SF 12345",  # too short
        "SF " + "1" * 41,  # too long
        "SF Express SF1234<script>",
        "SF Express SF1234567890 extra-words-here!",
        "C" * 61 + " SF1234567890",
        "SF\u202eExpress SF1234567890",
    ],
)
def test_malformed_tracking_numbers_are_refused(case, given):
    with pytest.raises(EvidenceRejected, match="6 to 40 letters, digits or dashes") as refused:
        add_evidence(case, case.seller, NewEvidence(EvidenceKind.TRACKING_NUMBER, given))

    assert refused.value.field == "text"
    assert entry_count() == 0


def test_a_correction_and_a_retraction_refer_to_an_own_entry(case):
    original = add_evidence(case, case.buyer, statement("It arrived on Monday."))

    correction = add_evidence(
        case,
        case.buyer,
        NewEvidence(EvidenceKind.CORRECTION, "It arrived on Tuesday.", refers_to_id=original.id),
    )
    retraction = add_evidence(
        case, case.buyer, NewEvidence(EvidenceKind.RETRACTION, "typo", refers_to_id=original.id)
    )

    assert correction.refers_to_id == original.id and correction.sequence == 2
    assert retraction.refers_to == original and retraction.text == "typo"
    assert verify_chains([case.id]) == []


def test_a_correction_cannot_refer_to_the_other_party_or_another_case(case):
    sellers = add_evidence(case, case.seller, statement("seller's"))
    other_case = make_case_row(make_order(buyer=case.buyer))
    elsewhere = add_evidence(other_case, case.buyer, statement("other case"))

    for refers_to_id in (sellers.id, elsewhere.id, 999_999, None):
        with pytest.raises(EvidenceRejected, match="an entry of your own timeline"):
            add_evidence(
                case,
                case.buyer,
                NewEvidence(EvidenceKind.CORRECTION, "I correct it.", refers_to_id=refers_to_id),
            )
    assert timeline(case, Party.BUYER) == []


@pytest.mark.parametrize("kind", [EvidenceKind.CORRECTION, EvidenceKind.RETRACTION])
def test_a_correction_or_retraction_needs_a_note(case, kind):
    original = add_evidence(case, case.buyer, statement())

    with pytest.raises(EvidenceRejected) as refused:
        add_evidence(case, case.buyer, NewEvidence(kind, "  ", refers_to_id=original.id))

    assert refused.value.field == "text"


def test_the_fifty_first_entry_is_refused(case):
    for n in range(50):
        add_evidence(case, case.buyer, statement(f"item {n}"))

    with pytest.raises(EvidenceRejected) as refused:
        add_evidence(case, case.buyer, statement("one too many"))

    assert str(refused.value) == (
        "Your timeline already holds 50 entries, the most allowed per side."
    )
    assert len(timeline(case, Party.BUYER)) == 50
    # the other side has its own fifty
    assert add_evidence(case, case.seller, statement()).sequence == 1


def test_a_file_past_the_limit_is_refused_before_it_is_stored(app, case, monkeypatch, evidence_dir):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_ITEMS_PER_PARTY", 1)
    add_evidence(case, case.buyer, statement())

    with pytest.raises(EvidenceRejected, match="already holds 1 entries"):
        add_evidence(
            case,
            case.buyer,
            NewEvidence(EvidenceKind.IMAGE, upload=io.BytesIO(hostile.jpeg()), filename="a.jpg"),
        )

    assert files_under(evidence_dir) == []


# --- files ----------------------------------------------------------------------------------


def test_a_file_entry_records_the_stored_file(case, evidence_dir):
    original = hostile.pdf()

    entry = add_evidence(
        case,
        case.seller,
        NewEvidence(EvidenceKind.PDF, upload=io.BytesIO(original), filename="receipt.pdf"),
    )

    assert entry.kind == "pdf"
    assert entry.original_name == "receipt.pdf"
    assert entry.content_type == "application/pdf"
    assert entry.size_bytes == len(original)
    assert entry.content_sha256 == hashlib.sha256(original).hexdigest()
    assert entry.text is None
    assert (evidence_dir / entry.stored_name).read_bytes() == original
    assert entry.stored_name.startswith(f"{case.id}/")


def test_a_file_entry_takes_the_kind_its_content_shows(case):
    entry = add_evidence(
        case,
        case.buyer,
        NewEvidence(EvidenceKind.PDF, upload=io.BytesIO(hostile.jpeg()), filename="scan.pdf"),
    )

    assert entry.kind == "image"
    assert entry.content_type == "image/jpeg"
    assert entry.thumbnail_name is not None


@pytest.mark.parametrize("label", sorted(hostile.REFUSED_UPLOADS))
def test_a_refused_file_leaves_no_entry_no_event_and_nothing_on_disk(case, evidence_dir, label):
    filename, build = hostile.REFUSED_UPLOADS[label]

    with pytest.raises(EvidenceRejected) as refused:
        add_evidence(
            case,
            case.buyer,
            NewEvidence(EvidenceKind.PDF, upload=io.BytesIO(build()), filename=filename),
        )

    assert refused.value.field == "file"
    assert "upload" in str(refused.value).lower()  # each says what would be accepted
    assert entry_count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
    assert files_under(evidence_dir) == []


@pytest.mark.parametrize("label", sorted(hostile.HOSTILE_FILENAMES))
def test_a_refused_file_name_leaves_no_entry_and_nothing_on_disk(case, evidence_dir, label):
    upload = NewEvidence(
        EvidenceKind.IMAGE,
        upload=io.BytesIO(hostile.jpeg()),
        filename=hostile.HOSTILE_FILENAMES[label],
    )

    with pytest.raises(EvidenceRejected) as refused:
        add_evidence(case, case.buyer, upload)

    assert refused.value.field == "filename"
    assert entry_count() == 0
    assert files_under(evidence_dir) == []


def test_a_file_whose_entry_cannot_be_written_is_removed(app, case, monkeypatch, evidence_dir):
    """Someone else fills the timeline while the file is being checked: the file goes."""
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_ITEMS_PER_PARTY", 1)
    store = evidence.store_evidence_file

    def store_while_the_other_tab_appends(*args):
        stored = store(*args)
        add_evidence(case, case.buyer, statement("from the other tab"))
        return stored

    monkeypatch.setattr(evidence, "store_evidence_file", store_while_the_other_tab_appends)

    with pytest.raises(EvidenceRejected, match="already holds 1 entries"):
        add_evidence(
            case,
            case.buyer,
            NewEvidence(EvidenceKind.IMAGE, upload=io.BytesIO(hostile.jpeg()), filename="a.jpg"),
        )

    assert [e.text for e in timeline(case, Party.BUYER)] == ["from the other tab"]
    assert files_under(evidence_dir) == []


def test_a_file_kind_without_an_upload_or_with_text_is_refused(case):
    with pytest.raises(EvidenceRejected, match="Choose a file") as refused:
        add_evidence(case, case.buyer, NewEvidence(EvidenceKind.IMAGE, filename="a.jpg"))
    assert refused.value.field == "file"

    with pytest.raises(EvidenceRejected, match="add a statement to describe it"):
        add_evidence(
            case,
            case.buyer,
            NewEvidence(
                EvidenceKind.IMAGE,
                text="caption",
                upload=io.BytesIO(hostile.jpeg()),
                filename="a.jpg",
            ),
        )


def test_a_text_kind_with_an_upload_is_refused(case):
    with pytest.raises(EvidenceRejected, match="this entry is text"):
        add_evidence(
            case,
            case.buyer,
            NewEvidence(EvidenceKind.STATEMENT, "hello", upload=io.BytesIO(hostile.jpeg())),
        )


# --- late entries ---------------------------------------------------------------------------


def test_entries_after_the_window_closes_are_kept_and_marked_late(case):
    case.evidence_closed_at = NOW + timedelta(hours=72)
    case.state = "mediation"
    db.session.flush()
    clock.freeze(case.evidence_closed_at)
    on_time = add_evidence(case, case.buyer, statement("just in time"))

    clock.advance(timedelta(microseconds=1))
    late = add_evidence(case, case.buyer, statement("a day late"))

    assert on_time.is_late is False
    assert late.is_late is True
    assert late.prev_hash == on_time.entry_hash
    assert verify_chains([case.id]) == []


# --- append-only ----------------------------------------------------------------------------


def test_an_entry_cannot_be_updated_through_the_orm(case):
    entry = add_evidence(case, case.buyer, statement("original"))
    db.session.flush()

    entry.text = "rewritten"
    with pytest.raises(EvidenceIsAppendOnly):
        db.session.flush()


def test_an_entry_cannot_be_deleted_through_the_orm(case):
    entry = add_evidence(case, case.buyer, statement("original"))
    db.session.flush()

    db.session.delete(entry)
    with pytest.raises(EvidenceIsAppendOnly):
        db.session.flush()


# --- races ----------------------------------------------------------------------------------


def _committed_case() -> tuple[int, int]:
    case = make_case_row()
    db.session.commit()
    ids = case.id, case.seller_id
    db.session.remove()
    return ids


@pytest.mark.committing
def test_appends_at_the_same_instant_get_contiguous_places_in_one_chain(app):
    case_id, seller_id = _committed_case()

    def append(n: int) -> int:
        case = db.session.get(Case, case_id)
        entry = add_evidence(case, db.session.get(User, seller_id), statement(f"statement {n}"))
        return entry.sequence

    outcomes = run_at_once(app, append, 8)

    assert errors_in(outcomes) == []
    assert sorted(outcomes) == list(range(1, 9))
    entries = timeline(db.session.get(Case, case_id), Party.SELLER)
    assert [e.sequence for e in entries] == list(range(1, 9))
    assert sorted(e.text for e in entries) == sorted(f"statement {n}" for n in range(8))
    assert verify_chains([case_id]) == []


@pytest.mark.committing
def test_appends_racing_for_the_last_places_never_pass_the_limit(app):
    case_id, seller_id = _committed_case()
    case, seller = db.session.get(Case, case_id), db.session.get(User, seller_id)
    for n in range(47):
        add_evidence(case, seller, statement(f"early {n}"))
    db.session.commit()
    db.session.remove()

    def append(n: int) -> int:
        case = db.session.get(Case, case_id)
        return add_evidence(case, db.session.get(User, seller_id), statement(f"late {n}")).sequence

    outcomes = run_at_once(app, append, 8)

    refusals = errors_in(outcomes)
    assert sorted(o for o in outcomes if isinstance(o, int)) == [48, 49, 50]
    assert len(refusals) == 5
    assert all(isinstance(error, EvidenceRejected) for error in refusals)
    assert all("already holds 50 entries" in str(error) for error in refusals)
    assert len(timeline(db.session.get(Case, case_id), Party.SELLER)) == 50
    assert verify_chains([case_id]) == []
