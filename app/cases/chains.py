"""The hash chains of the evidence timelines: what an entry's hash covers, how it is computed,
and the check of every chain and stored file (``flask evidence verify``; a dossier's
verification uses the same definitions)."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import NoneType

from sqlalchemy import select

from app.cases.models import FILE_KINDS, EvidenceEntry
from app.core.extensions import db
from app.core.storage import ObjectStore, object_store

GENESIS_HASH = "0" * 64


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# What an entry's hash covers: every field that says what was added, by whom, where in the
# chain and when, plus the previous entry's hash; with the JSON type of each as
# ``hashed_fields`` gives it (a time as ISO 8601 text), which a dossier's timeline checks.
HASHED_FIELDS: dict[str, tuple[type, ...]] = {
    "case_id": (int,),
    "party": (str,),
    "sequence": (int,),
    "kind": (str,),
    "author_id": (int,),
    "content_sha256": (str,),
    "original_name": (str, NoneType),
    "content_type": (str, NoneType),
    "size_bytes": (int, NoneType),
    "refers_to_id": (int, NoneType),
    "is_late": (bool,),
    "created_at": (str,),
    "prev_hash": (str,),
}
# Fields added to entries later, covered only when set: every hash made before they existed
# stays valid, and an entry that has one cannot lose or change it unnoticed.
OPTIONAL_HASHED_FIELDS: dict[str, tuple[type, ...]] = {
    "supplied_by": (str,),  # who supplied the entry for the party (the marketplace)
}


def iso_time(moment: datetime) -> str:
    """A time as an entry's hash covers it (and a dossier writes it): UTC, to the microsecond."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def hashed_fields(entry) -> dict:
    """The fields ``entry_hash`` covers, as it hashes them. ``entry`` is anything with the
    entry's attribute names: an ``EvidenceEntry``, a row of its table, or an entry read back
    from a dossier (with ``created_at`` a datetime again)."""
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields["is_late"] = bool(entry.is_late)
    fields["created_at"] = iso_time(entry.created_at)
    for name in OPTIONAL_HASHED_FIELDS:
        if getattr(entry, name, None) is not None:
            fields[name] = getattr(entry, name)
    return fields


def entry_hash(entry) -> str:
    """SHA-256 of the canonical JSON of the entry's ``hashed_fields``."""
    canonical = json.dumps(
        hashed_fields(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def chain_problems(entry, previous) -> list[str]:
    """What is wrong with ``entry`` as the link after ``previous`` (None for the first entry
    of its timeline): its sequence, its link to the entry before, and its own entry hash.

    The link is checked against the *recorded* hash of the entry before, so one altered
    entry is reported once rather than breaking every entry after it. The database's
    timelines (``check_chains``) and a dossier's are both checked with it.
    """
    problems = []
    expected_sequence = previous.sequence + 1 if previous is not None else 1
    if entry.sequence != expected_sequence:
        problems.append(f"expected entry {expected_sequence} here: entries are missing")
    expected_prev = previous.entry_hash if previous is not None else GENESIS_HASH
    if entry.prev_hash != expected_prev:
        problems.append("does not link to the entry before it (previous hash differs)")
    if entry_hash(entry) != entry.entry_hash:
        problems.append("its fields do not match its entry hash")
    return problems


def text_problems(entry) -> list[str]:
    """A text entry's text against the SHA-256 its entry recorded."""
    if entry.text is None or text_sha256(entry.text) != entry.content_sha256:
        return ["its text does not match its SHA-256"]
    return []


@dataclass
class ChainReport:
    """What a verification found, and how much it looked at."""

    problems: list[str] = field(default_factory=list)
    entries_checked: int = 0
    files_checked: int = 0


def verify_chains(case_ids: Iterable[int] | None = None) -> list[str]:
    """Every problem found in the evidence of ``case_ids`` (all cases if None); empty if all
    is well."""
    return check_chains(case_ids).problems


def check_chains(case_ids: Iterable[int] | None = None) -> ChainReport:
    """Walk every timeline in order: each link, each entry's hash, each text's hash, and each
    stored file's SHA-256 (a missing file is a problem too).

    Each entry is linked against the *stored* hash of the one before (``chain_problems``). A
    timeline cut short at its end leaves no trace in the chain itself.
    """
    table = EvidenceEntry.__table__
    query = select(table).order_by(table.c.case_id, table.c.party, table.c.sequence)
    if case_ids is not None:
        query = query.where(table.c.case_id.in_(list(case_ids)))
    report = ChainReport()
    store = object_store()
    previous = None
    # plain rows, not entities: what the database holds now, whatever the session has cached
    for entry in db.session.execute(query.execution_options(yield_per=500)):
        same_timeline = previous is not None and (previous.case_id, previous.party) == (
            entry.case_id,
            entry.party,
        )
        _check_entry(entry, previous if same_timeline else None, report, store)
        previous = entry
    return report


def _check_entry(entry, previous, report: ChainReport, store: ObjectStore) -> None:
    def problem(text: str) -> None:
        where = f"case {entry.case_id}, {entry.party} timeline, entry {entry.sequence}"
        report.problems.append(f"{where} (id {entry.id}): {text}")

    report.entries_checked += 1
    for text in chain_problems(entry, previous):
        problem(text)
    if entry.kind in FILE_KINDS:
        _check_file(entry, problem, report, store)
    else:
        for text in text_problems(entry):
            problem(text)


def _check_file(entry, problem, report: ChainReport, store: ObjectStore) -> None:
    """The file read back from the store, whichever it is, and hashed as it streams."""
    report.files_checked += 1
    try:
        sha256 = store.sha256(entry.stored_name)
    except ValueError:
        problem(f"file name {entry.stored_name!r} leads outside the evidence folder")
    except FileNotFoundError:
        problem(f"file {entry.stored_name} is missing")
    else:
        if sha256 != entry.content_sha256:
            problem(f"file {entry.stored_name} does not match its SHA-256")
