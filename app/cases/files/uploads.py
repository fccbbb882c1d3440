"""Storing an upload: read it with a size cap, decide its kind by its first bytes, check it
for that kind, and place it in the store, in the case's folder, under a generated name."""

import os
from pathlib import Path
from typing import BinaryIO
from uuid import uuid4

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.cases.files import (
    COPY_CHUNK_BYTES,
    MP4,
    PDF,
    SNIFF_BYTES,
    THUMBNAIL_SUFFIX,
    EvidenceRejected,
    FileFormat,
    StoredFile,
    check_filename,
    file_refused,
    human_size,
    new_scratch_file,
    scratch_files,
    sniff,
)
from app.cases.files.videos import check_mp4, check_webm
from app.cases.models import EvidenceKind
from app.core.storage import file_sha256, object_store


def store_evidence_file(stream: BinaryIO, filename: str, case_id: int) -> StoredFile:
    """Check an upload and store it for ``case_id``; raise EvidenceRejected if it is refused.

    Nothing is left on disk or in the store when it is refused. Each kind's library (Pillow,
    pypdf, PyAV: about 35 MB resident together) is imported by the first upload of that kind.
    """
    original_name = check_filename(filename)
    with scratch_files() as scratch:
        upload, file_format = _receive(stream, scratch)
        thumbnail = None
        if file_format.kind is EvidenceKind.IMAGE:
            from app.cases.files.images import reencode_image

            upload, thumbnail = reencode_image(upload, file_format, scratch)
        elif file_format is PDF:
            from app.cases.files.pdfs import check_pdf

            check_pdf(upload)
        else:
            from app.cases.files.remuxing import remux_video

            check_structure = check_mp4 if file_format is MP4 else check_webm
            check_structure(upload)
            upload, thumbnail = remux_video(upload, file_format, scratch)
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
        raise file_refused(_l("The file is empty. %(allowed)s", allowed=_allowed_kinds()))
    file_format = sniff(head)
    if file_format is None:
        raise file_refused(
            _l("This kind of file is not accepted. %(allowed)s", allowed=_allowed_kinds())
        )
    limit = _size_limit(file_format.kind)
    descriptor, path = new_scratch_file(scratch)
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
    """Place the checked file (and its thumbnail) in the store under new names in the case's
    folder; if the thumbnail cannot be placed, neither is the file."""
    store = object_store()
    base = f"{case_id}/{uuid4().hex}"
    stored_name = base + file_format.extension
    thumbnail_name = base + THUMBNAIL_SUFFIX if thumbnail is not None else None
    store.place(stored_name, upload)
    if thumbnail_name is not None:
        try:
            store.place(thumbnail_name, thumbnail)
        except BaseException:
            store.delete(stored_name)
            raise
    return stored_name, thumbnail_name


# --- messages -------------------------------------------------------------------------------


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
    return file_refused(message)
