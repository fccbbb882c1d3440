"""Evidence files: checked by what they contain, never by their name or declared type.

An upload is read with a size cap into a temporary file inside ``EVIDENCE_DIR/tmp``, its kind
is decided by its first bytes, and it is checked for that kind:

- images (JPEG, PNG, WebP) are decoded in full and re-encoded in the same format, upright and
  without any metadata (EXIF, GPS, XMP, ICC, comments, text chunks); a JPEG thumbnail is made;
- PDFs must be complete, unencrypted, readable, and free of scripts, launch actions, embedded
  files, multimedia and XFA forms; the original bytes are kept;
- videos (MP4, WebM) must have a sound container structure that covers the whole file; the
  original bytes are kept.

What passes is moved atomically (``os.replace``) to ``EVIDENCE_DIR/<case id>/`` under a
generated name. Whatever fails leaves nothing behind.
"""

import hashlib
import os
import re
import tempfile
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from uuid import uuid4

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from app.cases.models import EvidenceKind
from app.core.errors import Refused

SNIFF_BYTES = 4096
COPY_CHUNK_BYTES = 1024 * 1024
FILENAME_MAX_CHARS = 200
THUMBNAIL_SUFFIX = ".thumb.jpg"
JPEG_QUALITY = 90
THUMBNAIL_QUALITY = 85


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


def _config(name: str) -> int:
    return current_app.config[name]


def _allowed_kinds():
    return _l(
        "Upload a photo (JPEG, PNG or WebP, up to %(image)s), a PDF (up to %(pdf)s) "
        "or a video (MP4 or WebM, up to %(video)s).",
        image=human_size(_config("IMAGE_MAX_BYTES")),
        pdf=human_size(_config("PDF_MAX_BYTES")),
        video=human_size(_config("VIDEO_MAX_BYTES")),
    )


def _refused(message) -> EvidenceRejected:
    return EvidenceRejected(message, "file")


def _too_large(kind: EvidenceKind) -> EvidenceRejected:
    if kind is EvidenceKind.IMAGE:
        message = _l(
            "This image is larger than %(limit)s, the most allowed for an image.",
            limit=human_size(_config("IMAGE_MAX_BYTES")),
        )
    elif kind is EvidenceKind.PDF:
        message = _l(
            "This PDF is larger than %(limit)s, the most allowed for a PDF.",
            limit=human_size(_config("PDF_MAX_BYTES")),
        )
    else:
        message = _l(
            "This video is larger than %(limit)s, the most allowed for a video.",
            limit=human_size(_config("VIDEO_MAX_BYTES")),
        )
    return _refused(message)


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


def evidence_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"]).resolve()


def evidence_path(stored_name: str) -> Path:
    """Where a stored file lives. Refuses any name that would lead outside ``EVIDENCE_DIR``."""
    root = evidence_root()
    path = (root / stored_name).resolve()
    if path == root or not path.is_relative_to(root):
        raise ValueError("stored file name leads outside the evidence folder")
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(COPY_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def remove_stored_file(stored: StoredFile) -> None:
    for name in (stored.stored_name, stored.thumbnail_name):
        if name:
            evidence_path(name).unlink(missing_ok=True)


# --- storing --------------------------------------------------------------------------------


def store_evidence_file(stream: BinaryIO, filename: str, case_id: int) -> StoredFile:
    """Check an upload and store it for ``case_id``; raise EvidenceRejected if it is refused.

    Nothing is left on disk when it is refused.
    """
    original_name = check_filename(filename)
    with _scratch_files() as scratch:
        upload, file_format = _receive(stream, scratch)
        thumbnail = None
        if file_format.kind is EvidenceKind.IMAGE:
            upload, thumbnail = _reencode_image(upload, file_format, scratch)
        elif file_format is PDF:
            _check_pdf(upload)
        elif file_format is MP4:
            _check_mp4(upload)
        else:
            _check_webm(upload)
        size_bytes = upload.stat().st_size
        sha256 = file_sha256(upload)
        stored_name, thumbnail_name = _place(upload, thumbnail, int(case_id), file_format)
    return StoredFile(
        kind=file_format.kind,
        stored_name=stored_name,
        thumbnail_name=thumbnail_name,
        original_name=original_name,
        content_type=file_format.content_type,
        size_bytes=size_bytes,
        sha256=sha256,
    )


@contextmanager
def _scratch_files() -> Iterator[list[Path]]:
    """A list of temporary files (in ``EVIDENCE_DIR/tmp``) removed on the way out, whatever
    happens; files already moved into place are no longer there to remove."""
    created: list[Path] = []
    try:
        yield created
    finally:
        for path in created:
            path.unlink(missing_ok=True)


def _new_scratch_file(scratch: list[Path], suffix: str = ".part") -> tuple[int, Path]:
    folder = evidence_root() / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=suffix)
    path = Path(name)
    scratch.append(path)
    return descriptor, path


def _read_some(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes; fewer only at the end of the stream."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _receive(stream: BinaryIO, scratch: list[Path]) -> tuple[Path, FileFormat]:
    """Copy the upload to a scratch file, reading no more than the limit for its kind + 1."""
    head = _read_some(stream, SNIFF_BYTES)
    if not head:
        raise _refused(_l("The file is empty. %(allowed)s", allowed=_allowed_kinds()))
    file_format = sniff(head)
    if file_format is None:
        raise _refused(
            _l("This kind of file is not accepted. %(allowed)s", allowed=_allowed_kinds())
        )
    limit = _size_limit(file_format.kind)
    descriptor, path = _new_scratch_file(scratch)
    received = 0
    with os.fdopen(descriptor, "wb") as out:
        chunk = head
        while chunk:
            received += len(chunk)
            if received > limit:
                raise _too_large(file_format.kind)
            out.write(chunk)
            chunk = stream.read(min(COPY_CHUNK_BYTES, limit + 1 - received))
        out.flush()
        os.fsync(out.fileno())
    return path, file_format


def _size_limit(kind: EvidenceKind) -> int:
    name = {
        EvidenceKind.IMAGE: "IMAGE_MAX_BYTES",
        EvidenceKind.PDF: "PDF_MAX_BYTES",
        EvidenceKind.VIDEO: "VIDEO_MAX_BYTES",
    }[kind]
    return _config(name)


def _place(
    upload: Path, thumbnail: Path | None, case_id: int, file_format: FileFormat
) -> tuple[str, str | None]:
    """Move the checked file (and its thumbnail) into the case's folder under new names."""
    (evidence_root() / str(case_id)).mkdir(parents=True, exist_ok=True)
    base = f"{case_id}/{uuid4().hex}"
    stored_name = base + file_format.extension
    thumbnail_name = base + THUMBNAIL_SUFFIX if thumbnail is not None else None
    os.replace(upload, evidence_path(stored_name))
    if thumbnail_name is not None:
        try:
            os.replace(thumbnail, evidence_path(thumbnail_name))
        except BaseException:
            evidence_path(stored_name).unlink(missing_ok=True)
            raise
    return stored_name, thumbnail_name


# --- images ---------------------------------------------------------------------------------

# modes each format can be saved in without conversion
SAVEABLE_MODES = {
    "JPEG": frozenset({"L", "RGB"}),  # CMYK too becomes RGB: its ICC profile is dropped
    "PNG": frozenset({"1", "L", "LA", "I", "I;16", "RGB", "RGBA"}),
    "WEBP": frozenset({"RGB", "RGBA"}),
}


def _image_damaged() -> EvidenceRejected:
    return _refused(
        _l(
            "This image is damaged or incomplete and cannot be read. "
            "Upload the original photo (JPEG, PNG or WebP) again."
        )
    )


def _too_many_pixels() -> EvidenceRejected:
    megapixels = _config("IMAGE_MAX_PIXELS") / 1_000_000
    return _refused(
        _l(
            "This image has too many pixels: at most %(limit)s megapixels are allowed. "
            "Upload a smaller photo.",
            limit=f"{megapixels:g}",
        )
    )


def _reencode_image(
    upload: Path, file_format: FileFormat, scratch: list[Path]
) -> tuple[Path, Path]:
    """Decode the image in full, then write it again upright and with no metadata at all,
    plus a JPEG thumbnail. Returns the two new scratch files."""
    image = _decode_image(upload, file_format)
    try:
        image = _saveable(image, file_format.pillow_format)
        image.info.clear()  # some encoders fall back on it (comments, ICC profiles)
        descriptor, clean = _new_scratch_file(scratch, file_format.extension)
        with os.fdopen(descriptor, "wb") as out:
            if file_format is JPEG:
                image.save(out, "JPEG", quality=JPEG_QUALITY)
            elif file_format is WEBP:
                image.save(out, "WEBP", quality=JPEG_QUALITY)
            else:
                image.save(out, "PNG")
            out.flush()
            os.fsync(out.fileno())
        side = _config("THUMBNAIL_MAX_SIDE")
        image.thumbnail((side, side))  # in place: the full-size pixels are no longer needed
        descriptor, thumbnail = _new_scratch_file(scratch, THUMBNAIL_SUFFIX)
        with os.fdopen(descriptor, "wb") as out:
            _flattened(image).save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    finally:
        image.close()
    return clean, thumbnail


def _decode_image(upload: Path, file_format: FileFormat) -> Image.Image:
    """The upright, fully decoded image, after the pixel count was checked from the header.

    ``Image.open`` reads only the header, so the pixel limit is enforced before any pixel is
    decoded. Pillow's own decompression-bomb warning is turned into a refusal too.
    """
    max_pixels = _config("IMAGE_MAX_PIXELS")
    try:
        # not thread-safe before Python 3.14: at worst the "error" filter outlives the block,
        # which only makes Pillow stricter
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[file_format.pillow_format]) as opened:
                width, height = opened.size
                if width * height > max_pixels:
                    raise _too_many_pixels()
                if opened.format != file_format.pillow_format:
                    raise _image_damaged()
                opened.load()
                ImageOps.exif_transpose(opened, in_place=True)
    except EvidenceRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except Exception as error:  # any failure to decode untrusted bytes is a refusal
        raise _image_damaged() from error
    return opened  # closing it released only the file; the decoded pixels remain


def _saveable(image: Image.Image, pillow_format: str) -> Image.Image:
    """The image in a mode the format can hold; a transparent colour becomes an alpha band
    because the metadata that declared it is about to be dropped."""
    keyed_transparency = "transparency" in image.info
    if image.mode in SAVEABLE_MODES[pillow_format] and not keyed_transparency:
        return image
    has_alpha = keyed_transparency or "A" in image.getbands()
    target = "RGBA" if has_alpha and pillow_format != "JPEG" else "RGB"
    converted = image.convert(target)
    image.close()
    return converted


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for a JPEG thumbnail; transparent parts become white."""
    if image.mode == "RGB":
        return image
    if "A" in image.getbands() or image.mode in ("P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


# --- PDF ------------------------------------------------------------------------------------

PDF_EOF_WINDOW = 1024
PDF_POLYGLOT_MARKERS = (b"<html", b"<script", b"<!doctype", b"<svg")
# names that make a PDF act rather than be read
PDF_ACTIVE_NAMES = frozenset(
    {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
# a quick scan of the raw bytes as well, for objects a lenient reader might find that pypdf
# does not; only long names, which cannot appear by chance inside compressed streams
PDF_ACTIVE_RAW = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9])")
# far more than any real document has; past it, checking would take too long
PDF_MAX_OBJECTS = 250_000


def _pdf_unreadable() -> EvidenceRejected:
    return _refused(
        _l(
            "This PDF cannot be read or has no pages. "
            "Print the document to a new PDF and upload that."
        )
    )


def _check_pdf(upload: Path) -> None:
    size = upload.stat().st_size
    with upload.open("rb") as file:
        head = file.read(1024)
        file.seek(max(0, size - PDF_EOF_WINDOW))
        tail = file.read()
    if any(marker in head.lower() for marker in PDF_POLYGLOT_MARKERS):
        raise _refused(
            _l(
                "This PDF also contains web page code (HTML, script or SVG) and is refused. "
                "Print the document to a new PDF and upload that."
            )
        )
    if b"%%EOF" not in tail:
        raise _refused(
            _l("This PDF is incomplete: its end is missing. Upload the complete file again.")
        )
    if PDF_ACTIVE_RAW.search(upload.read_bytes()):
        raise _pdf_active_content()
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _refused(
                _l(
                    "This PDF is encrypted or protected by a password. "
                    "Upload a copy without a password."
                )
            )
        if _active_names(reader):
            raise _pdf_active_content()
        if len(reader.pages) < 1:
            raise _pdf_unreadable()
    except EvidenceRejected:
        raise
    except Exception as error:  # any failure to parse untrusted bytes is a refusal
        raise _pdf_unreadable() from error


def _pdf_active_content() -> EvidenceRejected:
    return _refused(
        _l(
            "This PDF contains active content (JavaScript, launch actions, embedded files, "
            "multimedia or XFA forms) and is refused. "
            "Print the document to a new PDF and upload that."
        )
    )


def _active_names(reader: PdfReader) -> set[str]:
    """Every forbidden name used as a key or a value in any object of the file.

    Each indirect object is visited once through the cross-reference table (including
    objects inside object streams); names are compared after pypdf has decoded ``#xx``
    escapes, so ``/J#61vaScript`` is caught.
    """
    found: set[str] = set()
    pending: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        for number in numbers:
            pending.append(IndirectObject(number, generation, reader))
    for number in reader.xref_objStm:
        pending.append(IndirectObject(number, 0, reader))
    if len(pending) > PDF_MAX_OBJECTS:
        raise ValueError("too many objects to check")
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            item = reader.get_object(item)
            if isinstance(item, IndirectObject):
                continue
        if isinstance(item, DictionaryObject):  # streams too
            for key, value in dict.items(item):  # unresolved: indirect objects come once
                if key in PDF_ACTIVE_NAMES:
                    found.add(str(key))
                if not isinstance(value, IndirectObject):
                    pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(value for value in item if not isinstance(value, IndirectObject))
        elif isinstance(item, NameObject) and item in PDF_ACTIVE_NAMES:
            found.add(str(item))
    return found


# --- video ----------------------------------------------------------------------------------


def _video_damaged() -> EvidenceRejected:
    return _refused(
        _l(
            "This video is incomplete or damaged: its contents do not add up to the whole "
            "file. Upload the complete original MP4 or WebM file."
        )
    )


MP4_MAX_TOP_LEVEL_BOXES = 100_000


def _check_mp4(upload: Path) -> None:
    """Walk the top-level ISO BMFF boxes: ftyp first, a moov and an mdat somewhere, and the
    boxes must cover the file exactly (nothing cut off, nothing appended)."""
    size = upload.stat().st_size
    seen: list[bytes] = []
    offset = 0
    with upload.open("rb") as file:
        while offset < size:
            if len(seen) >= MP4_MAX_TOP_LEVEL_BOXES:  # millions of tiny boxes: not a video
                raise _video_damaged()
            file.seek(offset)
            header = file.read(16)
            if len(header) < 8:
                raise _video_damaged()
            box_size = int.from_bytes(header[:4], "big")
            box_type = header[4:8]
            header_size = 8
            if box_size == 1:
                if len(header) < 16:
                    raise _video_damaged()
                box_size = int.from_bytes(header[8:16], "big")
                header_size = 16
            elif box_size == 0:  # the last box runs to the end of the file
                box_size = size - offset
            if box_size < header_size or offset + box_size > size:
                raise _video_damaged()
            if not all(0x20 <= byte <= 0x7E for byte in box_type):
                raise _video_damaged()
            seen.append(box_type)
            offset += box_size
    if seen[0] != b"ftyp":
        raise _video_damaged()
    if b"moov" not in seen or b"mdat" not in seen:
        raise _refused(
            _l(
                "This MP4 file holds no playable video: its movie description or its media "
                "data is missing. Upload the original video file."
            )
        )


EBML_HEADER_ID = 0x1A45DFA3
EBML_DOCTYPE_ID = 0x4282
MATROSKA_SEGMENT_ID = 0x18538067


def _ebml_vint(data: bytes, offset: int, keep_marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length integer at ``offset``: (value, length, all value bits set).

    Element IDs keep their length marker (``keep_marker``); sizes drop it. A size whose
    value bits are all ones means "unknown size".
    """
    if offset >= len(data):
        raise ValueError("EBML data ends early")
    first = data[offset]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        length += 1
        mask >>= 1
    if length > 8 or offset + length > len(data):
        raise ValueError("bad EBML variable-length integer")
    raw = int.from_bytes(data[offset : offset + length], "big")
    value_bits = (1 << (7 * length)) - 1
    value = raw if keep_marker else raw & value_bits
    return value, length, (raw & value_bits) == value_bits


def _check_webm(upload: Path) -> None:
    """The EBML header must name the DocType "webm" and be followed by a Segment whose
    declared size, when known, covers the rest of the file exactly."""
    size = upload.stat().st_size
    with upload.open("rb") as file:
        head = file.read(SNIFF_BYTES)
    try:
        doc_type, segment_end = _parse_webm_head(head, size)
    except ValueError as error:
        raise _video_damaged() from error
    if doc_type != "webm":
        raise _refused(
            _l(
                "This video is in a Matroska or other EBML container, not WebM. "
                "Upload an MP4 or WebM video."
            )
        )
    if segment_end is not None and segment_end != size:
        raise _video_damaged()


def _parse_webm_head(head: bytes, file_size: int) -> tuple[str, int | None]:
    element_id, id_length, _ = _ebml_vint(head, 0, keep_marker=True)
    if element_id != EBML_HEADER_ID:
        raise ValueError("no EBML header")
    header_size, size_length, unknown = _ebml_vint(head, id_length, keep_marker=False)
    start = id_length + size_length
    end = start + header_size
    if unknown or end > len(head):
        raise ValueError("EBML header too long or cut off")
    doc_type = ""
    offset = start
    while offset < end:
        child_id, length, _ = _ebml_vint(head, offset, keep_marker=True)
        offset += length
        child_size, length, _ = _ebml_vint(head, offset, keep_marker=False)
        offset += length
        if offset + child_size > end:
            raise ValueError("EBML header element overruns the header")
        if child_id == EBML_DOCTYPE_ID:
            doc_type = head[offset : offset + child_size].rstrip(b"\x00").decode("ascii", "replace")
        offset += child_size
    if doc_type != "webm":
        return doc_type, None
    segment_id, length, _ = _ebml_vint(head, end, keep_marker=True)
    if segment_id != MATROSKA_SEGMENT_ID:
        raise ValueError("no Segment after the EBML header")
    segment_size, size_length, unknown = _ebml_vint(head, end + length, keep_marker=False)
    if unknown:  # a live recording: the size was never written
        return doc_type, None
    segment_end = end + length + size_length + segment_size
    if segment_end > file_size:
        raise ValueError("Segment larger than the file: truncated")
    return doc_type, segment_end
