"""PDFs: complete, unencrypted, readable, with at least one page, and free of anything that
acts rather than reads (scripts, launch actions, embedded files, multimedia, XFA forms), and
of web page code a browser might run. The original bytes are kept."""

import re
from pathlib import Path

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from app.cases.files import EvidenceRejected, file_refused

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
    return file_refused(
        _l(
            "This PDF cannot be read or has no pages. "
            "Print the document to a new PDF and upload that."
        )
    )


def check_pdf(upload: Path) -> None:
    size = upload.stat().st_size
    with upload.open("rb") as file:
        head = file.read(1024)
        file.seek(max(0, size - PDF_EOF_WINDOW))
        tail = file.read()
    if any(marker in head.lower() for marker in PDF_POLYGLOT_MARKERS):
        raise file_refused(
            _l(
                "This PDF also contains web page code (HTML, script or SVG) and is refused. "
                "Print the document to a new PDF and upload that."
            )
        )
    if b"%%EOF" not in tail:
        raise file_refused(
            _l("This PDF is incomplete: its end is missing. Upload the complete file again.")
        )
    if PDF_ACTIVE_RAW.search(upload.read_bytes()):
        raise _pdf_active_content()
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise file_refused(
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
    return file_refused(
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
