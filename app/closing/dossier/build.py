"""Building the dossier of a closed case: its timelines, its summaries, its files and the
manifest, written into one ZIP."""

import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from app.cases.chains import hashed_fields, iso_time
from app.cases.evidence import timeline
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import (
    CaseState,
    Party,
)
from app.cases.thread import thread_of
from app.closing.dossier import (
    CHUNK_BYTES,
    FILES_FOLDER,
    FORMAT,
    MANIFEST,
    SUMMARY_HTML,
    SUMMARY_TXT,
    THREAD,
    TIMELINE_FIELDS,
    TIMELINES,
)
from app.closing.dossier.summary import render_html, render_text, summary_of
from app.closing.dossier.thread import thread_document
from app.closing.dossier.verify import timeline_problems
from app.closing.services import ClosingRefused
from app.core import clock
from app.core.storage import object_store

# ZIP's earliest date: a fixed timestamp keeps the archive the same from one export to the next
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
SAFE_NAME = re.compile(r"[^\w.\-]+")
SAFE_STEM_MAX_CHARS = 80


class DossierIncomplete(ClosingRefused):
    """The stored evidence does not match its records: a dossier made from it would not
    verify. ``problems`` says what is wrong, for the operator."""

    def __init__(self, problems: list[str]):
        super().__init__(
            _l(
                "The dossier cannot be made: the stored evidence of this case does not match "
                "its records. An administrator can find out why with `flask evidence verify`."
            )
        )
        self.problems = problems


def build_dossier(case: Case) -> bytes:
    """The dossier of a closed case, as the bytes of a ZIP."""
    buffer = io.BytesIO()
    write_dossier(case, buffer)
    return buffer.getvalue()


def write_dossier(case: Case, target: BinaryIO) -> int:
    """Write the dossier of closed ``case`` into ``target`` (a seekable binary file), one
    evidence file at a time; returns how many members it holds.

    Refuses a case that is not closed, and evidence that fails its own checks (a file
    missing or changed on disk, a row changed in the database).
    """
    if case.current_state is not CaseState.CLOSED:
        raise ClosingRefused(_l("Only a closed case has a dossier."))
    entries = {party: timeline(case, party) for party in Party}
    paths = {entry.id: _file_path(entry) for party in Party for entry in entries[party]}
    documents = {party: _timeline_document(case, party, entries[party], paths) for party in Party}
    problems = [
        problem
        for party, document in documents.items()
        for problem in timeline_problems(TIMELINES[party], document, case.id, party)
    ]
    if problems:
        raise DossierIncomplete(problems)
    members = {TIMELINES[party]: _json_bytes(document) for party, document in documents.items()}
    posts = thread_of(case)
    members[THREAD] = _json_bytes(thread_document(case.id, posts))
    summary = summary_of(case, entries, paths, posts)
    members[SUMMARY_HTML] = render_html(summary).encode("utf-8")
    members[SUMMARY_TXT] = render_text(summary).encode("utf-8")

    listing: dict[str, tuple[str, int]] = {}
    with zipfile.ZipFile(target, "w") as archive:
        # "files/…" sorts before every other member, so the archive stays in sorted order
        for entry in sorted(_file_entries(entries), key=lambda entry: paths[entry.id]):
            listing[paths[entry.id]] = _copy_file(archive, paths[entry.id], entry)
        for name, data in members.items():
            listing[name] = (hashlib.sha256(data).hexdigest(), len(data))
        members[MANIFEST] = _json_bytes(_manifest(case, listing))
        for name in sorted(members):
            archive.writestr(_zip_info(name, zipfile.ZIP_DEFLATED), members[name])
    return len(listing) + 1


def _file_entries(entries: dict[Party, list[EvidenceEntry]]) -> Iterator[EvidenceEntry]:
    for party in Party:
        yield from (entry for entry in entries[party] if entry.stored_name is not None)


def _file_path(entry: EvidenceEntry) -> str | None:
    """Where an entry's file goes in the ZIP: ``files/buyer/002-box.jpg``."""
    if entry.stored_name is None:
        return None
    return f"{FILES_FOLDER}{entry.party}/{entry.sequence:03d}-{safe_name(entry.original_name)}"


def safe_name(name: str | None) -> str:
    """A file name fit for any file system: letters, digits, ``.``, ``-`` and ``_`` only."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    stem, dot, extension = PurePosixPath(name).name.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = SAFE_NAME.sub("_", stem).strip("._")[:SAFE_STEM_MAX_CHARS] or "file"
    extension = SAFE_NAME.sub("", extension)[:10]
    return f"{stem}.{extension}" if extension else stem


def _zip_info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = compression
    info.create_system = 3  # Unix, whatever system made it
    info.external_attr = 0o100644 << 16  # a plain file, rw-r--r--
    return info


def _copy_file(archive: zipfile.ZipFile, name: str, entry: EvidenceEntry) -> tuple[str, int]:
    """Copy a stored file into the ZIP (uncompressed: photos, PDFs and videos already are),
    hashing it on the way; refuse it if it is not the file its entry recorded."""
    where = f"{entry.party} timeline, entry {entry.sequence}"
    try:
        source = object_store().open(entry.stored_name)
    except (OSError, ValueError) as error:
        raise DossierIncomplete([f"{where}: file {entry.stored_name} cannot be read"]) from error
    digest, size = hashlib.sha256(), 0
    large = (entry.size_bytes or 0) >= zipfile.ZIP64_LIMIT
    info = _zip_info(name, zipfile.ZIP_STORED)
    with source, archive.open(info, "w", force_zip64=large) as out:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry.content_sha256 or size != entry.size_bytes:
        raise DossierIncomplete([f"{where}: file {entry.stored_name} does not match its SHA-256"])
    return digest.hexdigest(), size


def _json_bytes(document: dict) -> bytes:
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


def _generator() -> str:
    try:
        return f"Tribunal {metadata.version('tribunal')}"
    except metadata.PackageNotFoundError:
        return "Tribunal"


def _manifest(case: Case, listing: dict[str, tuple[str, int]]) -> dict:
    return {
        "format": FORMAT,
        "generator": _generator(),
        "case_id": case.id,
        "exported_at": iso_time(clock.now()),
        "files": [
            {"path": name, "sha256": sha256, "size": size}
            for name, (sha256, size) in sorted(listing.items())
        ],
    }


def _timeline_document(
    case: Case, party: Party, entries: list[EvidenceEntry], paths: dict[int, str | None]
) -> dict:
    sequences = {entry.id: entry.sequence for entry in entries}
    return {
        "format": FORMAT,
        "case_id": case.id,
        "party": party.value,
        "entries": [
            {
                name: value
                for name, value in hashed_fields(entry).items()
                if name not in TIMELINE_FIELDS
            }
            | {
                "id": entry.id,
                "entry_hash": entry.entry_hash,
                "text": entry.text,
                "refers_to": sequences.get(entry.refers_to_id),
                "file": paths[entry.id],
            }
            for entry in entries
        ],
    }


def dossier_file_name(case: Case) -> str:
    return f"tribunal-case-{case.id}-dossier.zip"


def write_dossier_file(case: Case, path: Path) -> int:
    """Write the dossier to ``path`` whole or not at all (a temporary file, then renamed)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with partial.open("wb") as out:
            members = write_dossier(case, out)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return members
