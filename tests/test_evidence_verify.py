"""``verify_chains`` and ``flask evidence verify`` find any change made behind the app's back."""

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.cases.chains import entry_hash, verify_chains
from app.cases.cli import evidence_cli
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceEntry, EvidenceKind
from app.core import clock
from app.core.extensions import db
from tests.helpers import hostile
from tests.helpers.factories import make_case_row


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def case():
    """Two timelines: the buyer's statement, photo and PDF; the seller's statement and video."""
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    case = make_case_row()
    add_evidence(case, case.buyer, NewEvidence(EvidenceKind.STATEMENT, "It arrived broken."))
    add_evidence(case, case.buyer, upload(EvidenceKind.IMAGE, hostile.jpeg(), "box.jpg"))
    add_evidence(case, case.buyer, upload(EvidenceKind.PDF, hostile.pdf(), "receipt.pdf"))
    clock.advance(timedelta(hours=1))
    add_evidence(case, case.seller, NewEvidence(EvidenceKind.STATEMENT, "It left intact."))
    add_evidence(case, case.seller, upload(EvidenceKind.VIDEO, hostile.mp4(), "packing.mp4"))
    db.session.flush()
    return case


def upload(kind: EvidenceKind, data: bytes, filename: str) -> NewEvidence:
    return NewEvidence(kind, upload=io.BytesIO(data), filename=filename)


def entry(case, party: str, sequence: int) -> EvidenceEntry:
    return next(e for e in case.evidence if (e.party, e.sequence) == (party, sequence))


def sql(statement: str, **params) -> None:
    """Change the database directly, as someone with access to it (not the app) would. The
    session's cached entries are left as they were: verification must read the database."""
    db.session.execute(text(statement), params)


def verify(app, *args):
    return app.test_cli_runner().invoke(evidence_cli, ["verify", *args])


def test_an_untouched_case_verifies(app, case):
    assert verify_chains() == []
    assert verify_chains([case.id]) == []

    result = verify(app)

    assert result.exit_code == 0, result.output
    assert result.output == "all evidence intact: 5 entries and 3 files checked\n"


def test_a_flipped_byte_in_a_stored_file_is_reported(app, case, evidence_dir):
    photo = entry(case, "buyer", 2)
    path = evidence_dir / photo.stored_name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    assert verify_chains() == [
        f"case {case.id}, buyer timeline, entry 2 (id {photo.id}): "
        f"file {photo.stored_name} does not match its SHA-256"
    ]


def test_a_missing_file_is_reported(case, evidence_dir):
    video = entry(case, "seller", 2)
    (evidence_dir / video.stored_name).unlink()

    assert verify_chains() == [
        f"case {case.id}, seller timeline, entry 2 (id {video.id}): "
        f"file {video.stored_name} is missing"
    ]


def test_text_changed_in_the_database_is_reported(case):
    changed = entry(case, "seller", 1)

    sql("UPDATE evidence_entries SET text = 'It left broken.' WHERE id = :id", id=changed.id)

    assert verify_chains() == [
        f"case {case.id}, seller timeline, entry 1 (id {changed.id}): "
        "its text does not match its SHA-256"
    ]


def test_text_and_content_hash_changed_together_break_the_entry_hash(case):
    changed = entry(case, "buyer", 1)
    forged = "It arrived intact."

    sql(
        "UPDATE evidence_entries SET text = :text, content_sha256 = :sha WHERE id = :id",
        text=forged,
        sha=hashlib.sha256(forged.encode()).hexdigest(),
        id=changed.id,
    )

    assert verify_chains() == [
        f"case {case.id}, buyer timeline, entry 1 (id {changed.id}): "
        "its fields do not match its entry hash"
    ]


def test_a_forged_entry_with_a_recomputed_hash_breaks_the_next_link(case):
    changed = entry(case, "buyer", 2)
    following = entry(case, "buyer", 3)
    db.session.expunge(changed)
    changed.content_sha256 = "f" * 64
    forged_hash = entry_hash(changed)

    sql(
        "UPDATE evidence_entries SET content_sha256 = :sha, entry_hash = :hash WHERE id = :id",
        sha="f" * 64,
        hash=forged_hash,
        id=changed.id,
    )

    assert verify_chains() == [
        f"case {case.id}, buyer timeline, entry 2 (id {changed.id}): "
        f"file {changed.stored_name} does not match its SHA-256",
        f"case {case.id}, buyer timeline, entry 3 (id {following.id}): "
        "does not link to the entry before it (previous hash differs)",
    ]


def test_a_deleted_entry_is_reported_where_the_chain_breaks(case):
    removed = entry(case, "buyer", 2)
    following = entry(case, "buyer", 3)

    sql("DELETE FROM evidence_entries WHERE id = :id", id=removed.id)

    assert verify_chains() == [
        f"case {case.id}, buyer timeline, entry 3 (id {following.id}): "
        "expected entry 2 here: entries are missing",
        f"case {case.id}, buyer timeline, entry 3 (id {following.id}): "
        "does not link to the entry before it (previous hash differs)",
    ]


def test_a_late_flag_removed_in_the_database_is_reported(case):
    changed = entry(case, "seller", 1)

    sql("UPDATE evidence_entries SET is_late = :late WHERE id = :id", late=True, id=changed.id)

    assert verify_chains() == [
        f"case {case.id}, seller timeline, entry 1 (id {changed.id}): "
        "its fields do not match its entry hash"
    ]


def test_a_stored_name_pointing_outside_the_folder_is_reported(case):
    photo = entry(case, "buyer", 2)

    sql("UPDATE evidence_entries SET stored_name = '../../etc/passwd' WHERE id = :id", id=photo.id)

    assert verify_chains() == [
        f"case {case.id}, buyer timeline, entry 2 (id {photo.id}): "
        "file name '../../etc/passwd' leads outside the evidence folder"
    ]


def test_verification_can_be_limited_to_some_cases(case, evidence_dir):
    other = make_case_row()
    add_evidence(other, other.buyer, NewEvidence(EvidenceKind.STATEMENT, "other"))
    (evidence_dir / entry(case, "buyer", 2).stored_name).unlink()

    assert verify_chains([other.id]) == []
    assert len(verify_chains([case.id])) == 1
    assert len(verify_chains()) == 1


def test_the_command_names_every_mismatch_and_exits_1(app, case, evidence_dir):
    photo, changed = entry(case, "buyer", 2), entry(case, "seller", 1)
    (evidence_dir / photo.stored_name).write_bytes(b"replaced")
    sql("UPDATE evidence_entries SET text = 'edited' WHERE id = :id", id=changed.id)

    result = verify(app)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"case {case.id}, buyer timeline, entry 2 (id {photo.id}): "
        f"file {photo.stored_name} does not match its SHA-256",
        f"case {case.id}, seller timeline, entry 1 (id {changed.id}): "
        "its text does not match its SHA-256",
    ]
    assert result.stderr == "2 problems found; 5 entries and 3 files checked\n"


def test_the_command_checks_only_the_cases_asked_for(app, case, evidence_dir):
    other = make_case_row()
    add_evidence(other, other.buyer, NewEvidence(EvidenceKind.STATEMENT, "other"))
    (evidence_dir / entry(case, "buyer", 2).stored_name).unlink()

    clean = verify(app, "--case", str(other.id))
    broken = verify(app, "--case", str(case.id), "--case", str(other.id))

    assert clean.exit_code == 0
    assert clean.output == "all evidence intact: 1 entry and 0 files checked\n"
    assert broken.exit_code == 1
    assert "is missing" in broken.stdout


def test_the_command_refuses_an_unknown_case(app, case):
    result = verify(app, "--case", "999999")

    assert result.exit_code == 1
    assert "no case 999999" in result.output
