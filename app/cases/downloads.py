"""Evidence files, served only through these routes to whoever may view the case, with a
sandboxing policy and the name of what the file really is: streamed from the store, or a
redirect to a signed URL of the bucket made only once the viewer is known to be allowed."""

import mimetypes
import unicodedata
from pathlib import PurePosixPath

from flask import abort, current_app, redirect
from flask_login import login_required

from app.cases.models import EvidenceEntry
from app.cases.page import viewable_case
from app.core.extensions import db
from app.core.storage import object_store

INLINE_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
FILE_RESPONSE_CSP = "sandbox; default-src 'none'"


@login_required
def evidence_file(case_id: int, entry_id: int):
    entry = _viewable_entry(case_id, entry_id)
    if entry.stored_name is None:
        abort(404)
    inline = entry.content_type in INLINE_CONTENT_TYPES
    download_name = _download_name(entry)
    return send_evidence_file(entry.stored_name, entry.content_type, download_name, inline=inline)


@login_required
def evidence_thumbnail(case_id: int, entry_id: int):
    entry = _viewable_entry(case_id, entry_id)
    if entry.thumbnail_name is None:
        abort(404)
    content_type = mimetypes.guess_type(entry.thumbnail_name)[0] or "image/jpeg"
    download_name = _download_name(entry, content_type)
    return send_evidence_file(entry.thumbnail_name, content_type, download_name, inline=True)


def _viewable_entry(case_id: int, entry_id: int) -> EvidenceEntry:
    case = viewable_case(case_id)
    entry = db.session.get(EvidenceEntry, entry_id)
    if entry is None or entry.case_id != case.id:
        abort(404)
    return entry


def send_evidence_file(stored_name: str, content_type: str, download_name: str, *, inline: bool):
    """A stored evidence file (404 if it is gone), sandboxed, never cached by others; or,
    with ``EVIDENCE_DOWNLOADS=signed``, a redirect to a short-lived URL of the bucket. The
    caller has already decided the viewer may have it."""
    store = object_store()
    if current_app.config["EVIDENCE_DOWNLOADS"] == "signed":
        url = store.signed_url(stored_name, content_type, download_name, inline=inline)
        if url is not None:
            response = redirect(url)
            response.headers["Cache-Control"] = "private, no-store"  # the URL is a key
            response.headers["Referrer-Policy"] = "no-referrer"
            return response
    response = store.serve(stored_name, content_type, download_name, inline=inline)
    if response is None:
        abort(404)
    response.headers["Content-Security-Policy"] = FILE_RESPONSE_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _download_name(entry: EvidenceEntry, content_type: str | None = None) -> str:
    """The uploader's file name, cleaned, with the extension of what the file really is (a
    PDF uploaded as ``x.html`` is saved as ``x.pdf``)."""
    content_type = content_type or entry.content_type
    extension = mimetypes.guess_extension(content_type or "") or ""
    extension = {".jpe": ".jpg", ".jpeg": ".jpg"}.get(extension, extension)
    stem = PurePosixPath((entry.original_name or "").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(c for c in stem if unicodedata.category(c)[0] not in "CZ" or c == " ")
    stem = stem.strip(" .")[:100] or f"evidence-{entry.case_id}-{entry.party}-{entry.sequence}"
    return stem + extension
