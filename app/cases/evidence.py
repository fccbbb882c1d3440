"""The two evidence timelines of a case: append-only, one hash chain per (case, party).

Each entry records the SHA-256 of its content (the stored file's bytes, or the UTF-8 text)
and the hash of the previous entry of its timeline; its own hash covers both, so changing,
removing or reordering an entry breaks the chain where it happened (``app.cases.chains``
hashes and verifies them; ``flask evidence verify`` runs it).
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases.chains import GENESIS_HASH, entry_hash, text_sha256
from app.cases.files import (
    EvidenceRejected,
    StoredFile,
    remove_stored_file,
)
from app.cases.files.uploads import store_evidence_file
from app.cases.models import (
    FILE_KINDS,
    Case,
    EvidenceEntry,
    EvidenceKind,
)
from app.cases.states import (
    EVIDENCE_OPEN_STATES,
    Party,
    Supplier,
)
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.text import checked_text

# two appends at once pick the same sequence and one loses; it tries again with a fresh one
APPEND_ATTEMPTS = 10
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9-]{6,40}")
CARRIER_MAX_CHARS = 60
TEXT_KINDS_MAX_CHARS = {
    EvidenceKind.STATEMENT: "STATEMENT_MAX_CHARS",
    EvidenceKind.CHAT_TRANSCRIPT: "CHAT_TRANSCRIPT_MAX_CHARS",
    EvidenceKind.CORRECTION: "STATEMENT_MAX_CHARS",
    EvidenceKind.RETRACTION: "STATEMENT_MAX_CHARS",
}
REFERRING_KINDS = frozenset({EvidenceKind.CORRECTION, EvidenceKind.RETRACTION})
# what a supplier holds for a party; statements, corrections and retractions are the
# party's own words
SUPPLIABLE_KINDS = FILE_KINDS | {EvidenceKind.CHAT_TRANSCRIPT, EvidenceKind.TRACKING_NUMBER}


class EvidenceIsAppendOnly(Exception):
    pass


@event.listens_for(EvidenceEntry, "before_update")
@event.listens_for(EvidenceEntry, "before_delete")
def _refuse_change(_mapper, _connection, _target) -> None:
    raise EvidenceIsAppendOnly("evidence entries are never changed or deleted")


@dataclass(frozen=True)
class NewEvidence:
    # None for an uploaded file: its content decides whether it is an image, PDF or video
    kind: EvidenceKind | None = None
    text: str | None = None  # statement, transcript, note, or "CARRIER NUMBER"
    upload: BinaryIO | None = None  # file kinds
    filename: str | None = None
    refers_to_id: int | None = None  # corrections and retractions
    # an answer to a mediator's question before its own deadline is never late
    answers_question: bool = False


@dataclass(frozen=True)
class _Content:
    """What an entry holds, checked: its text or its stored file, and the entry it refers to."""

    kind: EvidenceKind
    text: str | None = None
    stored: StoredFile | None = None
    refers_to_id: int | None = None


# --- adding ---------------------------------------------------------------------------------


def add_evidence(case: Case, author: User, new: NewEvidence) -> EvidenceEntry:
    """Append an entry to the author's own timeline of ``case``; the caller commits.

    The timeline is the author's side (``case.party_of``): nobody writes the other side's.
    For files, the kind is the one the content shows, whichever file kind was asked for.
    """
    if not case.can_add_evidence(author):
        raise EvidenceRejected(
            _l("You cannot add evidence to this case: only its parties can, while it is open.")
        )
    return _add(case, case.party_of(author), author, new, actor=author, audited={})


def add_supplied_evidence(
    case: Case, party: Party, new: NewEvidence, supplier: Supplier, via: str
) -> EvidenceEntry:
    """Append what ``supplier`` holds for a party — a chat transcript, a tracking number, a
    photo, PDF or video — to that party's timeline, through the same checks as the party's
    own evidence; the caller commits.

    The entry's author is the party's account, whether or not its owner has claimed it yet,
    and ``supplied_by`` says who supplied it; the entry's hash covers both. ``via`` names the
    integration in the audit trail.
    """
    if case.current_state not in EVIDENCE_OPEN_STATES:
        raise EvidenceRejected(_l("This case no longer takes evidence."))
    if new.kind is not None and EvidenceKind(new.kind) not in SUPPLIABLE_KINDS:
        raise EvidenceRejected(
            _l("Only chat transcripts, tracking numbers and files can be supplied."), "kind"
        )
    author = case.buyer if party is Party.BUYER else case.seller
    audited = {"supplied_by": supplier.value, "via": via}
    return _add(case, party, author, new, actor=None, audited=audited, supplier=supplier)


def _add(
    case: Case,
    party: Party,
    author: User,
    new: NewEvidence,
    *,
    actor: User | None,
    audited: dict,
    supplier: Supplier | None = None,
) -> EvidenceEntry:
    kind = EvidenceKind(new.kind) if new.kind is not None else None
    _refuse_when_full(case, party)
    content = _checked_content(case, party, kind, new)
    try:
        entry = _append(case, party, author, content, new.answers_question, supplier)
        record_event(
            actor,
            "evidence.added",
            case,
            after={
                "entry": entry.id,
                "party": party.value,
                "kind": entry.kind,
                "late": entry.is_late,
                **audited,
            },
        )
    except BaseException:
        if content.stored is not None:  # no row will point at it
            remove_stored_file(content.stored)
        raise
    return entry


def _checked_content(
    case: Case, party: Party, kind: EvidenceKind | None, new: NewEvidence
) -> _Content:
    if kind is None or kind in FILE_KINDS:
        if new.text is not None and new.text.strip():
            raise EvidenceRejected(
                _l("A file carries no text of its own; add a statement to describe it."), "text"
            )
        if new.upload is None:
            raise EvidenceRejected(_l("Choose a file to upload."), "file")
        stored = store_evidence_file(new.upload, new.filename or "", case.id)
        return _Content(EvidenceKind(stored.kind), stored=stored)
    if new.upload is not None:
        raise EvidenceRejected(
            _l("Only photos, PDFs and videos are uploaded as files; this entry is text."), "file"
        )
    if kind is EvidenceKind.TRACKING_NUMBER:
        return _Content(kind, text=_tracking_number(new.text))
    text = _checked_text(kind, new.text)
    if kind in REFERRING_KINDS:
        return _Content(kind, text=text, refers_to_id=_own_entry(case, party, new.refers_to_id))
    return _Content(kind, text=text)


def _checked_text(kind: EvidenceKind, raw: str | None) -> str:
    missing = {
        EvidenceKind.STATEMENT: _l("Write your statement."),
        EvidenceKind.CHAT_TRANSCRIPT: _l("Paste the chat transcript."),
        EvidenceKind.CORRECTION: _l("Say what you correct, and how."),
        EvidenceKind.RETRACTION: _l("Say why you withdraw the entry."),
    }[kind]
    limit = current_app.config[TEXT_KINDS_MAX_CHARS[kind]]
    return checked_text(raw, "text", maximum=limit, missing=missing, refusal=EvidenceRejected)


def _tracking_number(raw: str | None) -> str:
    """The tracking number given as "CARRIER NUMBER" or just "NUMBER", with single spaces."""
    words = (raw or "").split()
    number = words[-1] if words else ""
    carrier = " ".join(words[:-1])
    problems = (
        not TRACKING_NUMBER.fullmatch(number)
        or len(carrier) > CARRIER_MAX_CHARS
        or any(unicodedata.category(char) in ("Cc", "Cf") for char in carrier)
    )
    if problems:
        raise EvidenceRejected(
            _l(
                'Give the carrier and the tracking number, e.g. "SF Express SF1234567890", or '
                "just the number. The number has 6 to 40 letters, digits or dashes; the "
                "carrier's name at most %(limit)d characters.",
                limit=CARRIER_MAX_CHARS,
            ),
            "text",
        )
    return f"{carrier} {number}" if carrier else number


def _own_entry(case: Case, party: Party, refers_to_id: int | None) -> int:
    referred = db.session.get(EvidenceEntry, refers_to_id) if refers_to_id is not None else None
    if referred is None or referred.case_id != case.id or referred.party != party.value:
        raise EvidenceRejected(
            _l("A correction or retraction must refer to an entry of your own timeline."),
            "refers_to",
        )
    return referred.id


def _limit_reached() -> EvidenceRejected:
    return EvidenceRejected(
        _l(
            "Your timeline already holds %(limit)d entries, the most allowed per side.",
            limit=current_app.config["EVIDENCE_MAX_ITEMS_PER_PARTY"],
        )
    )


def _refuse_when_full(case: Case, party: Party) -> None:
    """Early and cheap, before any file is stored; ``_append`` enforces it race-safely."""
    if _last_sequence(case.id, party) >= current_app.config["EVIDENCE_MAX_ITEMS_PER_PARTY"]:
        raise _limit_reached()


def _last_entry(case_id: int, party: Party) -> EvidenceEntry | None:
    return db.session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.case_id == case_id, EvidenceEntry.party == party.value)
        .order_by(EvidenceEntry.sequence.desc())
        .limit(1)
    ).first()


def _last_sequence(case_id: int, party: Party) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(EvidenceEntry.sequence), 0)).where(
            EvidenceEntry.case_id == case_id, EvidenceEntry.party == party.value
        )
    )


def _append(
    case: Case,
    party: Party,
    author: User,
    content: _Content,
    on_time: bool,
    supplier: Supplier | None,
) -> EvidenceEntry:
    """Insert the entry at the next place of the chain.

    The unique (case, party, sequence) constraint decides between two appends at once: the
    loser's savepoint is rolled back and it links to the winner instead. The limit is
    checked against the sequence itself, so a race can never pass it.
    """
    limit = current_app.config["EVIDENCE_MAX_ITEMS_PER_PARTY"]
    for _attempt in range(APPEND_ATTEMPTS):
        previous = _last_entry(case.id, party)
        sequence = previous.sequence + 1 if previous is not None else 1
        if sequence > limit:
            raise _limit_reached()
        entry = _new_entry(case, party, author, content, sequence, previous, on_time, supplier)
        try:
            with db.session.begin_nested():
                db.session.add(entry)
        except IntegrityError:
            if _last_sequence(case.id, party) < sequence:
                raise  # not a lost race but a real fault
            continue
        return entry
    raise EvidenceRejected(
        _l("Too many entries were being added at the same moment. Please try again.")
    )


def _new_entry(
    case: Case,
    party: Party,
    author: User,
    content: _Content,
    sequence: int,
    previous: EvidenceEntry | None,
    on_time: bool,
    supplier: Supplier | None,
) -> EvidenceEntry:
    now = clock.now()
    stored = content.stored
    entry = EvidenceEntry(
        case_id=case.id,
        party=party.value,
        sequence=sequence,
        author_id=author.id,
        kind=content.kind.value,
        text=content.text,
        refers_to_id=content.refers_to_id,
        stored_name=stored.stored_name if stored else None,
        thumbnail_name=stored.thumbnail_name if stored else None,
        original_name=stored.original_name if stored else None,
        content_type=stored.content_type if stored else None,
        size_bytes=stored.size_bytes if stored else None,
        content_sha256=stored.sha256 if stored else text_sha256(content.text),
        prev_hash=previous.entry_hash if previous is not None else GENESIS_HASH,
        is_late=not on_time
        and case.evidence_closed_at is not None
        and now > case.evidence_closed_at,
        created_at=now,
        supplied_by=supplier.value if supplier is not None else None,
    )
    entry.entry_hash = entry_hash(entry)
    return entry


# --- reading --------------------------------------------------------------------------------


def timeline(case: Case, party: Party) -> list[EvidenceEntry]:
    """One side's entries in the order they were added (late ones included, marked)."""
    return list(
        db.session.scalars(
            select(EvidenceEntry)
            .where(EvidenceEntry.case_id == case.id, EvidenceEntry.party == Party(party).value)
            .order_by(EvidenceEntry.sequence)
        )
    )
