"""Evidence files: checked by what they contain, never by their name or declared type.

An upload is read with a size cap into a temporary file inside ``EVIDENCE_DIR/tmp``, its kind
is decided by its first bytes, and it is checked for that kind:

- images (JPEG, PNG, WebP) are decoded in full and re-encoded in the same format, upright and
  without any metadata (EXIF, GPS, XMP, ICC, comments, text chunks); a JPEG thumbnail is made
  (``images``);
- PDFs must be complete, unencrypted, readable, and free of scripts, launch actions, embedded
  files, multimedia and XFA forms; the original bytes are kept (``pdfs``);
- videos (MP4, WebM) must have a sound container structure that covers the whole file
  (``videos``), and are then copied stream by stream into a new file without any metadata,
  with a JPEG poster made from their first keyframe (``remuxing``).

What passes is placed in the evidence store (``app.core.storage``: a rename into
``EVIDENCE_DIR/<case id>/`` on local disk, an upload to the bucket on S3) under a generated
name, its thumbnail or poster beside it (``uploads.store_evidence_file``), before the row
that names it is written. Whatever fails leaves nothing behind.

This module holds what those share: the formats accepted, the refusal, file names, and where
stored and temporary files live.
"""

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.cases.models import EvidenceKind
from app.core import storage
from app.core.errors import Refused
from app.core.storage import local_store, object_store

SNIFF_BYTES = 4096
COPY_CHUNK_BYTES = 1024 * 1024
FILENAME_MAX_CHARS = 200
THUMBNAIL_SUFFIX = ".thumb.jpg"


class EvidenceRejected(Refused):
    """Evidence that cannot be accepted; ``field`` names the form field at fault ("file",
    "text", "filename"), or None."""


@dataclass(frozen=True)
class StoredFile:
    kind: EvidenceKind
    stored_name: str
    thumbnail_name: str | None
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class FileFormat:
    kind: EvidenceKind
    content_type: str
    extension: str
    pillow_format: str | None = None


JPEG = FileFormat(EvidenceKind.IMAGE, "image/jpeg", ".jpg", "JPEG")
PNG = FileFormat(EvidenceKind.IMAGE, "image/png", ".png", "PNG")
WEBP = FileFormat(EvidenceKind.IMAGE, "image/webp", ".webp", "WEBP")
PDF = FileFormat(EvidenceKind.PDF, "application/pdf", ".pdf")
MP4 = FileFormat(EvidenceKind.VIDEO, "video/mp4", ".mp4")
WEBM = FileFormat(EvidenceKind.VIDEO, "video/webm", ".webm")

# major brands of the ISO base media file format that are plain MP4 video (not HEIC, AVIF, 3GP
# or QuickTime)
MP4_BRANDS = frozenset(
    {
        b"isom",
        b"iso2",
        b"iso4",
        b"iso5",
        b"iso6",
        b"mp41",
        b"mp42",
        b"avc1",
        b"M4V ",
        b"dash",
        b"MSNV",
    }
)
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def sniff(head: bytes) -> FileFormat | None:
    """The format the first bytes of a file announce, or None if it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return MP4
    if head.startswith(EBML_MAGIC):
        return WEBM  # the DocType is checked with the rest of the structure
    return None


# --- messages -------------------------------------------------------------------------------


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def file_refused(message) -> EvidenceRejected:
    """A refusal of the uploaded file itself, shown beside the form's file field."""
    return EvidenceRejected(message, "file")


# --- file names and paths ----------------------------------------------------------------------


def check_filename(filename: str) -> str:
    """The file's name as given, if it is fit to show; refused (never silently fixed) if not.

    The name is only ever displayed: files are stored under generated names.
    """

    def refuse(message) -> EvidenceRejected:
        return EvidenceRejected(message, "filename")

    if not filename or not filename.strip():
        raise refuse(_l("The file has no name. Choose a file with a name."))
    if len(filename) > FILENAME_MAX_CHARS:
        raise refuse(
            _l(
                "The file name is longer than %(limit)d characters. Rename the file and try again.",
                limit=FILENAME_MAX_CHARS,
            )
        )
    if "/" in filename or "\\" in filename or ".." in filename:
        raise refuse(
            _l('The file name may not contain "/", "\\" or "..". Rename the file and try again.')
        )
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in filename):
        raise refuse(
            _l(
                "The file name contains control or invisible formatting characters. "
                "Rename the file and try again."
            )
        )
    if filename.startswith("."):
        raise refuse(_l('The file name may not start with ".". Rename the file and try again.'))
    return filename


def evidence_path(stored_name: str) -> Path:
    """Where a stored file lives in the local store (``EVIDENCE_DIR``). Refuses any name
    that would lead outside it."""
    return local_store().path(stored_name)


def remove_stored_file(stored: StoredFile) -> None:
    remove_stored_names([stored.stored_name, stored.thumbnail_name])


def remove_stored_names(names: list[str | None]) -> None:
    """Delete files already written for rows that will not be committed: no row, no file."""
    store = object_store()
    for name in names:
        if name:
            store.delete(name)


# --- temporary files ------------------------------------------------------------------------


@contextmanager
def scratch_files() -> Iterator[list[Path]]:
    """A list of temporary files (in ``EVIDENCE_DIR/tmp``) removed on the way out, whatever
    happens; files already placed in the store are no longer there to remove."""
    created: list[Path] = []
    try:
        yield created
    finally:
        for path in created:
            path.unlink(missing_ok=True)


def new_scratch_file(scratch: list[Path], suffix: str = ".part") -> tuple[int, Path]:
    descriptor, path = storage.new_scratch_file(suffix)
    scratch.append(path)
    return descriptor, path
