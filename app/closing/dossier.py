"""The dossier of a closed case: one ZIP that tells the case and proves its evidence (design:
Closing).

Members, in this (sorted) order::

    files/<party>/<sequence>-<name>   every stored evidence file, its bytes as stored
    manifest.json                     SHA-256 and size of every other member; case, time, tool
    summary.html, summary.txt         the case told for people: claim, order, decision,
                                      obligations, ratings, both timelines
    timelines/buyer.json, seller.json every entry with the fields its hash covers

The ZIP is the same byte for byte for the same case, apart from the export time in the
manifest: members are sorted and carry a fixed timestamp. It holds only what the parties see
on their case page (names as shown there; no e-mail address, no phone number), plus the
internal author and entry ids the entry hashes cover.

``verify_dossier`` checks a dossier on its own, without the database: the manifest against
every member, each timeline's hash chain and entry hashes (recomputed with
``app.cases.evidence.entry_hash``), each text against its SHA-256 and each file against its
entry's. A careful forger who edits a timeline and re-hashes the manifest still breaks an
entry hash or a link; only a timeline rewritten from the edited entry to its end, with every
later hash recomputed, cannot be told from the real one without the database.
"""

import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
import zlib
from base64 import b64encode
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import BinaryIO

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from app.cases.evidence import GENESIS_HASH, entry_hash, text_sha256, timeline
from app.cases.files import evidence_path, human_size
from app.cases.forms import (
    CLAIM_TYPE_LABELS,
    CLOSED_REASON_LABELS,
    DECISION_KIND_LABELS,
    EVIDENCE_KIND_LABELS,
    OUTCOME_LABELS,
    PARTY_LABELS,
    REMEDY_LABELS,
    RESPONSIBLE_LABELS,
    SEVERITY_LABELS,
    STATE_LABELS,
    label,
)
from app.cases.models import FILE_KINDS, Case, CaseState, EvidenceEntry, EvidenceKind, Party
from app.closing.services import ClosingRefused, ratings_of
from app.core import clock
from app.core.extensions import db
from app.core.money import format_amount
from app.execution.forms import OBLIGATION_KIND_LABELS, OBLIGATION_STATUS_LABELS
from app.execution.models import Obligation

FORMAT = "tribunal-dossier/1"
MANIFEST = "manifest.json"
SUMMARY_HTML = "summary.html"
SUMMARY_TXT = "summary.txt"
TIMELINES = {party: f"timelines/{party.value}.json" for party in Party}
REQUIRED = frozenset({MANIFEST, SUMMARY_HTML, SUMMARY_TXT, *TIMELINES.values()})
FILES_FOLDER = "files/"
# ZIP's earliest date: a fixed timestamp keeps the archive the same from one export to the next
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
CHUNK_BYTES = 1024 * 1024
# a dossier holds at most 2 × 50 files and 5 other members; anything far larger is not one
MAX_MEMBERS = 10_000
JSON_MAX_BYTES = 50 * 1024 * 1024
SAFE_NAME = re.compile(r"[^\w.\-]+")
SAFE_STEM_MAX_CHARS = 80

# The summary's only style, allowed by its hash in the page's own Content-Security-Policy
SUMMARY_STYLE = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.4;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "dt{font-weight:bold}dd{margin:0 0 .5rem 1rem}"
    ".text{white-space:pre-wrap}.mark{font-weight:bold;color:#a40}"
    ".muted{color:#666}"
)
SUMMARY_STYLE_HASH = "sha256-" + b64encode(hashlib.sha256(SUMMARY_STYLE.encode()).digest()).decode()


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


# --- building -------------------------------------------------------------------------------


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
        for problem in _timeline_problems(TIMELINES[party], document, case.id, party)
    ]
    if problems:
        raise DossierIncomplete(problems)
    members = {TIMELINES[party]: _json_bytes(document) for party, document in documents.items()}
    summary = _summary(case, entries, paths)
    members[SUMMARY_HTML] = _render_html(summary).encode("utf-8")
    members[SUMMARY_TXT] = _render_text(summary).encode("utf-8")

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
        source = evidence_path(entry.stored_name).open("rb")
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


def _iso(moment: datetime | None) -> str | None:
    """The form ``entry_hash`` hashes a time in."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds") if moment else None


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
        "exported_at": _iso(clock.now()),
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
                "id": entry.id,
                "sequence": entry.sequence,
                "kind": entry.kind,
                "author_id": entry.author_id,
                "text": entry.text,
                "created_at": _iso(entry.created_at),
                "is_late": bool(entry.is_late),
                "refers_to": sequences.get(entry.refers_to_id),
                "refers_to_id": entry.refers_to_id,
                "content_sha256": entry.content_sha256,
                "prev_hash": entry.prev_hash,
                "entry_hash": entry.entry_hash,
                "original_name": entry.original_name,
                "content_type": entry.content_type,
                "size_bytes": entry.size_bytes,
                "file": paths[entry.id],
            }
            for entry in entries
        ],
    }


# --- the summary, for people ----------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def _summary(
    case: Case, entries: dict[Party, list[EvidenceEntry]], paths: dict[int, str | None]
) -> SimpleNamespace:
    """Everything both summaries show, already put into words in the current language."""
    order = case.order
    currency = order.currency

    def amount(fen: int | None) -> str:
        return format_amount(fen, currency) if fen is not None else ""

    remedy = str(label(REMEDY_LABELS, case.remedy))
    if case.remedy_amount_fen is not None:
        remedy += f": {amount(case.remedy_amount_fen)}"
    rows = SimpleNamespace(
        case=[
            (_("State"), str(label(STATE_LABELS, case.state))),
            (_("Filed"), _when(case.filed_at)),
            (_("Closed"), _when(case.closed_at)),
            (_("Why it closed"), str(label(CLOSED_REASON_LABELS, case.closed_reason))),
        ],
        claim=[
            (_("What went wrong"), str(label(CLAIM_TYPE_LABELS, case.claim_type))),
            (
                _("Who is responsible, says the buyer"),
                str(label(RESPONSIBLE_LABELS, case.responsible_party)),
            ),
            (_("What the buyer asks for"), remedy),
            (_("Severity"), str(label(SEVERITY_LABELS, case.severity))),
        ],
        order=[
            (_("Order"), order.marketplace_order_id),
            (_("Buyer"), case.buyer.display_name),
            (_("Seller"), case.seller.shop_name or case.seller.display_name),
            (_("Amount paid"), amount(order.amount_fen)),
        ]
        + ([(_("Mediator"), case.mediator.display_name)] if case.mediator else []),
        decision=_decision_rows(case, amount),
    )
    return SimpleNamespace(
        case_id=case.id,
        title=_("Case #%(id)d: dossier", id=case.id),
        rows=rows,
        description=case.description,
        items=[
            f"{item.title} × {item.quantity} ({amount(item.quantity * item.unit_price_fen)})"
            for item in order.items
        ],
        reasons=case.decision_reasons,
        obligations=[
            SimpleNamespace(
                step=obligation.step,
                what=str(label(OBLIGATION_KIND_LABELS, obligation.kind)),
                who=str(label(PARTY_LABELS, obligation.debtor)),
                amount=amount(obligation.amount_fen),
                status=str(label(OBLIGATION_STATUS_LABELS, obligation.status)),
                due=_when(obligation.due_at),
                done=_when(obligation.done_at),
            )
            for obligation in db.session.scalars(
                select(Obligation)
                .where(Obligation.case_id == case.id)
                .order_by(Obligation.step, Obligation.id)
            )
        ],
        ratings=[
            SimpleNamespace(
                party=str(label(PARTY_LABELS, rating.party)),
                score=rating.score,
                comment=rating.comment,
                at=_when(rating.created_at),
            )
            for rating in ratings_of(case)
        ],
        timelines=[_timeline_summary(party, entries[party], paths) for party in Party],
    )


def _decision_rows(case: Case, amount) -> list[tuple[str, str]]:
    if case.outcome is None:
        return []
    rows = [(_("Outcome"), str(label(OUTCOME_LABELS, case.outcome)))]
    if case.decision_kind:
        rows.append((_("How it was decided"), str(label(DECISION_KIND_LABELS, case.decision_kind))))
    if case.decision_remedy:
        remedy = str(label(REMEDY_LABELS, case.decision_remedy))
        if case.decision_amount_fen is not None:
            remedy += f": {amount(case.decision_amount_fen)}"
        rows.append((_("Remedy"), remedy))
    rows.append((_("Decided"), _when(case.decided_at)))
    return rows


def _timeline_summary(
    party: Party, entries: list[EvidenceEntry], paths: dict[int, str | None]
) -> SimpleNamespace:
    retracted = {e.refers_to_id for e in entries if e.kind == EvidenceKind.RETRACTION}
    corrected = {e.refers_to_id for e in entries if e.kind == EvidenceKind.CORRECTION}
    sequences = {entry.id: entry.sequence for entry in entries}
    side = str(label(PARTY_LABELS, party))

    def summarised(entry: EvidenceEntry) -> SimpleNamespace:
        marks = [
            text
            for present, text in (
                (entry.is_late, _("Late")),
                (entry.id in retracted, _("Retracted")),
                (entry.id in corrected, _("Corrected later")),
            )
            if present
        ]
        refers_to = None
        if entry.refers_to_id in sequences:
            reference = _("%(side)s #%(number)d", side=side, number=sequences[entry.refers_to_id])
            verb = _("Withdraws") if entry.kind == EvidenceKind.RETRACTION else _("Corrects")
            refers_to = f"{verb} {reference}"
        return SimpleNamespace(
            sequence=entry.sequence,
            kind=str(label(EVIDENCE_KIND_LABELS, entry.kind)),
            at=_when(entry.created_at),
            marks=marks,
            refers_to=refers_to,
            text=entry.text,
            file_name=entry.original_name,
            file_size=human_size(entry.size_bytes) if entry.size_bytes is not None else None,
            file_path=paths[entry.id],
        )

    title = _("Buyer's timeline") if party is Party.BUYER else _("Seller's timeline")
    return SimpleNamespace(title=title, entries=[summarised(entry) for entry in entries])


def _render_html(summary: SimpleNamespace) -> str:
    """Rendered by the template alone: the page's context processors expect a request, and
    the summary must not depend on one."""
    template = current_app.jinja_env.get_template("closing/dossier_summary.html")
    return template.render(
        summary=summary,
        style=Markup(SUMMARY_STYLE),  # noqa: S704  (a constant of this module)
        style_hash=SUMMARY_STYLE_HASH,
        lang=str(get_locale() or "en").replace("_", "-"),
    )


def _plain(text: str | None) -> str:
    """Text for a terminal: control characters (escape sequences) become U+FFFD."""
    return "".join(
        char if char in "\n\t" or unicodedata.category(char) != "Cc" else "\ufffd"
        for char in (text or "")
    )


def _render_text(summary: SimpleNamespace) -> str:
    lines: list[str] = []

    def heading(text: str, underline: str = "-") -> None:
        lines.extend(["", text, underline * len(text)])

    def rows(pairs) -> None:
        lines.extend(f"{name}: {_plain(value)}" for name, value in pairs)

    def block(text: str | None, indent: str = "  ") -> None:
        lines.extend(indent + line for line in _plain(text).split("\n"))

    lines.extend([summary.title, "=" * len(summary.title)])
    rows(summary.rows.case)
    heading(_("The claim"))
    rows(summary.rows.claim)
    lines.append(_("Description") + ":")
    block(summary.description)
    heading(_("The order"))
    rows(summary.rows.order)
    lines.extend(f"- {_plain(item)}" for item in summary.items)
    if summary.rows.decision:
        heading(_("Decision"))
        rows(summary.rows.decision)
        if summary.reasons:
            lines.append(_("Reasons") + ":")
            block(summary.reasons)
    if summary.obligations:
        heading(_("Obligations"))
        for item in summary.obligations:
            amount = f", {item.amount}" if item.amount else ""
            lines.append(f"{item.step}. {item.what} ({item.who}{amount}): {item.status}")
            if item.due:
                lines.append("   " + _("Due: %(when)s", when=item.due))
            if item.done:
                lines.append("   " + _("Done: %(when)s", when=item.done))
    heading(_("Ratings"))
    if not summary.ratings:
        lines.append(_("No rating was given."))
    for rating in summary.ratings:
        lines.append(f"{rating.party}: {rating.score}/5 ({rating.at})")
        if rating.comment:
            block(rating.comment)
    for side in summary.timelines:
        heading(side.title)
        if not side.entries:
            lines.append(_("No evidence."))
        for entry in side.entries:
            marks = "".join(f" [{mark}]" for mark in entry.marks)
            lines.append(f"#{entry.sequence} · {entry.kind} · {entry.at}{marks}")
            if entry.refers_to:
                lines.append("  " + entry.refers_to)
            if entry.file_path:
                lines.append(f"  {_plain(entry.file_name)} ({entry.file_size}): {entry.file_path}")
            if entry.text is not None:
                block(entry.text)
    lines.extend(["", _("manifest.json lists the SHA-256 of every file of this dossier.")])
    return "\n".join(lines).lstrip("\n") + "\n"


# --- verifying ------------------------------------------------------------------------------


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
    referenced: set[str] = set()
    for party, path in TIMELINES.items():
        if digests.get(path) is None:  # missing, or unreadable: reported already
            continue
        document = _read_json(archive, members[path], problems)
        if document is None:
            continue
        problems.extend(_timeline_problems(path, document, case_id, party))
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


_NONE = type(None)
# what ``entry_hash`` covers, with the JSON types each field may have
HASHED_FIELDS = {
    "sequence": (int,),
    "kind": (str,),
    "author_id": (int,),
    "content_sha256": (str,),
    "original_name": (str, _NONE),
    "content_type": (str, _NONE),
    "size_bytes": (int, _NONE),
    "refers_to_id": (int, _NONE),
    "is_late": (bool,),
    "created_at": (str,),
    "prev_hash": (str,),
}
OTHER_FIELDS = {
    "id": (int,),
    "entry_hash": (str,),
    "text": (str, _NONE),
    "refers_to": (int, _NONE),
    "file": (str, _NONE),
}


def _has_type(value, types: tuple[type, ...]) -> bool:
    """``isinstance``, except that true and false are not numbers."""
    return isinstance(value, types) and (bool in types or not isinstance(value, bool))


def _is_int(value) -> bool:
    return _has_type(value, (int,))


def _hashed(entry, case_id: int, party: str) -> SimpleNamespace:
    """The entry as ``entry_hash`` reads it, or _Malformed if a field is missing or wrong."""
    if not isinstance(entry, dict):
        raise _Malformed("not a JSON object")
    for name, expected in (HASHED_FIELDS | OTHER_FIELDS).items():
        if name not in entry or not _has_type(entry[name], expected):
            raise _Malformed(f"field {name!r} is missing or of the wrong type")
    try:
        created_at = datetime.fromisoformat(entry["created_at"])
    except ValueError as error:
        raise _Malformed("created_at is not an ISO 8601 time") from error
    if created_at.tzinfo is None:
        raise _Malformed("created_at has no time zone")
    fields = {name: entry[name] for name in HASHED_FIELDS}
    return SimpleNamespace(
        **fields | {"created_at": created_at, "case_id": case_id, "party": party}
    )


def _timeline_problems(path: str, document, case_id: int | None, party: Party) -> list[str]:
    """The chain of one timeline document: every link, every entry hash, every text hash,
    and every reference to an earlier entry. Like ``check_chains``, each entry is linked
    against the recorded hash of the one before, so one altered entry is reported once."""
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
    expected_sequence, expected_prev = 1, GENESIS_HASH
    seen: dict[int, int] = {}  # entry id → sequence, for references
    for index, entry in enumerate(document["entries"], start=1):
        try:
            fields = _hashed(entry, document["case_id"], party.value)
        except _Malformed as error:
            problems.append(f"{path}, entry at position {index}: {error}")
            continue

        def problem(text: str, sequence=fields.sequence) -> None:
            problems.append(f"{path}, entry {sequence}: {text}")

        if fields.sequence != expected_sequence:
            problem(f"expected entry {expected_sequence} here: entries are missing")
        if fields.prev_hash != expected_prev:
            problem("does not link to the entry before it (previous hash differs)")
        if entry_hash(fields) != entry["entry_hash"]:
            problem("its fields do not match its entry hash")
        if fields.kind in FILE_KINDS:
            if entry["file"] is None or entry["text"] is not None:
                problem("a file entry must name its file and hold no text")
        elif entry["file"] is not None:
            problem("only photos, PDFs and videos have a file")
        elif entry["text"] is None or text_sha256(entry["text"]) != fields.content_sha256:
            problem("its text does not match its SHA-256")
        refers = fields.refers_to_id is not None or entry["refers_to"] is not None
        if refers and seen.get(fields.refers_to_id) != entry["refers_to"]:
            problem("it does not refer to an earlier entry of this timeline")
        seen[entry["id"]] = fields.sequence
        expected_sequence, expected_prev = fields.sequence + 1, entry["entry_hash"]
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
