"""Checking a dossier on its own, without the database: the manifest against every member,
each timeline's chain, entry hashes and texts, and each file against its entry. Building a
dossier runs the same timeline check on what it is about to write."""

import hashlib
import io
import json
import os
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import NoneType, SimpleNamespace
from typing import BinaryIO

from app.cases.chains import (
    HASHED_FIELDS,
    OPTIONAL_HASHED_FIELDS,
    chain_problems,
    text_problems,
)
from app.cases.models import FILE_KINDS
from app.cases.states import Party
from app.closing.dossier import (
    CHUNK_BYTES,
    FILES_FOLDER,
    MANIFEST,
    REQUIRED,
    THREAD,
    TIMELINE_FIELDS,
    TIMELINES,
)
from app.closing.dossier.thread import thread_problems

# a dossier holds at most 2 × 50 files and 6 other members; anything far larger is not one
MAX_MEMBERS = 10_000
JSON_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class DossierReport:
    """What a dossier's verification found, and how many of its members it read."""

    problems: list[str] = field(default_factory=list)
    files_checked: int = 0


def verify_dossier(source: str | os.PathLike | bytes | BinaryIO) -> list[str]:
    """Every problem found in a dossier (a path, its bytes, or an open binary file); empty
    when it is intact."""
    return check_dossier(source).problems


def check_dossier(source: str | os.PathLike | bytes | BinaryIO) -> DossierReport:
    report = DossierReport()
    try:
        with _opened(source) as archive:
            _check_archive(archive, report)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        report.problems.append(f"not a readable ZIP file: {error}")
    return report


@contextmanager
def _opened(source) -> Iterator[zipfile.ZipFile]:
    if isinstance(source, bytes | bytearray | memoryview):
        source = io.BytesIO(bytes(source))
    with zipfile.ZipFile(source) as archive:
        yield archive


def _shown(name: str) -> str:
    """A member's name as it can be printed on one line of a report."""
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        return repr(name)
    return name


def _check_archive(archive: zipfile.ZipFile, report: DossierReport) -> None:
    problems = report.problems
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        problems.append(f"the ZIP holds {len(infos)} members: far too many for a dossier")
        return
    counts = Counter(info.filename for info in infos)
    problems.extend(
        f"{_shown(name)} appears {count} times in the ZIP"
        for name, count in counts.items()
        if count > 1
    )
    # the first of any duplicates is the member checked; the duplicates are a problem already
    members = {}
    for info in infos:
        members.setdefault(info.filename, info)
    digests: dict[str, tuple[str, int] | None] = {}  # None: the member cannot be read
    for name, info in members.items():
        report.files_checked += 1
        try:
            digests[name] = _digest(archive, info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            digests[name] = None
            problems.append(f"{_shown(name)} cannot be read: the ZIP is damaged")
    problems.extend(f"{name} is missing" for name in sorted(REQUIRED - members.keys()))
    manifest = _read_manifest(archive, members, problems)
    if manifest is not None:
        _check_manifest(manifest, digests, members, problems)
    case_id = manifest["case_id"] if manifest is not None else None
    if digests.get(THREAD) is not None:  # missing, or unreadable: reported already
        thread = _read_json(archive, members[THREAD], problems)
        if thread is not None:
            problems.extend(thread_problems(thread, case_id))
    referenced: set[str] = set()
    for party, path in TIMELINES.items():
        if digests.get(path) is None:  # missing, or unreadable: reported already
            continue
        document = _read_json(archive, members[path], problems)
        if document is None:
            continue
        problems.extend(timeline_problems(path, document, case_id, party))
        problems.extend(_file_problems(path, document, digests, referenced))
    problems.extend(
        f"{_shown(name)} is not the file of any timeline entry"
        for name in sorted(members)
        if name.startswith(FILES_FOLDER) and name not in referenced
    )


def _digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, problems: list[str]):
    name = info.filename
    if info.file_size > JSON_MAX_BYTES:
        problems.append(f"{name} is too large to be read")
        return None
    try:
        with archive.open(info) as member:
            return json.loads(member.read(JSON_MAX_BYTES + 1).decode("utf-8"))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return None  # reported as unreadable already
    except (UnicodeDecodeError, ValueError, RecursionError):
        problems.append(f"{name} is not valid JSON")
        return None


def _read_manifest(archive, members: dict, problems: list[str]) -> dict | None:
    if MANIFEST not in members:
        return None  # reported as missing already
    manifest = _read_json(archive, members[MANIFEST], problems)
    if manifest is None:
        return None
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    valid = (
        isinstance(listed, list)
        and _is_int(manifest.get("case_id"))
        and all(
            isinstance(item, dict)
            and isinstance(item.get("path"), str)
            and isinstance(item.get("sha256"), str)
            and _is_int(item.get("size"))
            for item in listed
        )
    )
    if not valid:
        problems.append(f"{MANIFEST} is not a dossier manifest")
        return None
    return manifest


def _check_manifest(manifest: dict, digests: dict, members: dict, problems: list[str]) -> None:
    listed: dict[str, dict] = {}
    for item in manifest["files"]:
        path = item["path"]
        if path in listed:
            problems.append(f"{MANIFEST} lists {_shown(path)} twice")
        listed[path] = item
    for path in sorted(listed):
        if path not in members:
            if path not in REQUIRED:  # those are reported missing whatever the manifest says
                problems.append(f"{_shown(path)} is missing")
        elif digests[path] not in (None, (listed[path]["sha256"], listed[path]["size"])):
            problems.append(f"{_shown(path)} has changed: its SHA-256 differs from {MANIFEST}")
    problems.extend(
        f"{_shown(name)} is in the ZIP but not in {MANIFEST}"
        for name in sorted(members)
        if name not in listed and name != MANIFEST
    )


# --- one timeline: the same checks for an export and for a dossier ---------------------------


class _Malformed(Exception):
    pass


# every field of a timeline's entry, with the JSON types each may have: what ``entry_hash``
# covers (but for the timeline's own fields), then the rest
ENTRY_FIELDS = {
    name: types for name, types in HASHED_FIELDS.items() if name not in TIMELINE_FIELDS
} | {
    "id": (int,),
    "entry_hash": (str,),
    "text": (str, NoneType),
    "refers_to": (int, NoneType),
    "file": (str, NoneType),
}


def _has_type(value, types: tuple[type, ...]) -> bool:
    """``isinstance``, except that true and false are not numbers."""
    return isinstance(value, types) and (bool in types or not isinstance(value, bool))


def _is_int(value) -> bool:
    return _has_type(value, (int,))


def _read_entry(entry, case_id: int, party: str) -> SimpleNamespace:
    """The entry as ``chain_problems`` reads it, or _Malformed if a field is missing or wrong."""
    if not isinstance(entry, dict):
        raise _Malformed("not a JSON object")
    for name, expected in ENTRY_FIELDS.items():
        if name not in entry or not _has_type(entry[name], expected):
            raise _Malformed(f"field {name!r} is missing or of the wrong type")
    try:
        created_at = datetime.fromisoformat(entry["created_at"])
    except ValueError as error:
        raise _Malformed("created_at is not an ISO 8601 time") from error
    if created_at.tzinfo is None:
        raise _Malformed("created_at has no time zone")
    fields = {name: entry[name] for name in ENTRY_FIELDS}
    for name, expected in OPTIONAL_HASHED_FIELDS.items():
        if name in entry:
            if not _has_type(entry[name], expected):
                raise _Malformed(f"field {name!r} is of the wrong type")
            fields[name] = entry[name]
    return SimpleNamespace(
        **fields | {"created_at": created_at, "case_id": case_id, "party": party}
    )


def timeline_problems(path: str, document, case_id: int | None, party: Party) -> list[str]:
    """The chain of one timeline document: every link, every entry hash, every text hash,
    and every reference to an earlier entry. The links and hashes are checked as
    ``check_chains`` checks the database's (``chain_problems``): an entry that cannot be read
    is reported and left out of the chain."""
    problems: list[str] = []
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        return [f"{path} is not a dossier timeline"]
    if document.get("party") != party.value:
        problems.append(f"{path} is not the {party.value}'s timeline")
    if not _is_int(document.get("case_id")) or (
        case_id is not None and document["case_id"] != case_id
    ):
        problems.append(f"{path} is not a timeline of case {case_id}")
        return problems
    previous = None  # the last entry that could be read
    seen: dict[int, int] = {}  # entry id → sequence, for references
    for index, raw in enumerate(document["entries"], start=1):
        try:
            entry = _read_entry(raw, document["case_id"], party.value)
        except _Malformed as error:
            problems.append(f"{path}, entry at position {index}: {error}")
            continue
        found = chain_problems(entry, previous)
        if entry.kind in FILE_KINDS:
            if entry.file is None or entry.text is not None:
                found.append("a file entry must name its file and hold no text")
        elif entry.file is not None:
            found.append("only photos, PDFs and videos have a file")
        else:
            found += text_problems(entry)
        refers = entry.refers_to_id is not None or entry.refers_to is not None
        if refers and seen.get(entry.refers_to_id) != entry.refers_to:
            found.append("it does not refer to an earlier entry of this timeline")
        problems.extend(f"{path}, entry {entry.sequence}: {text}" for text in found)
        seen[entry.id] = entry.sequence
        previous = entry
    return problems


def _file_problems(path: str, document, digests: dict, referenced: set[str]) -> list[str]:
    """Each file entry's file: in the ZIP, under its side's folder, with the entry's SHA-256
    and size."""
    problems: list[str] = []
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        return problems
    folder = f"{FILES_FOLDER}{document.get('party')}/"
    for entry in document["entries"]:
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            continue
        where = f"{path}, entry {entry.get('sequence')}"
        referenced.add(name)
        if not name.startswith(folder):
            problems.append(f"{where}: its file {_shown(name)} is not in {folder}")
        if name not in digests:
            problems.append(f"{where}: its file {_shown(name)} is not in the ZIP")
        elif digests[name] not in (None, (entry.get("content_sha256"), entry.get("size_bytes"))):
            problems.append(f"{where}: its file {_shown(name)} does not match its SHA-256")
    return problems
