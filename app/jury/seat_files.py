"""The evidence files a reviewer sees from a seat: a photo's thumbnail, a PDF's pages as
images, a video without its metadata and its poster (design: Crowd review, "What a reviewer
sees").

Each file route answers only the seat's own reviewer, only for an entry of the seat's case,
and only while the case's mediator lets reviewers see it (``app.cases.releases``); anything
else is 404. A released PDF is never sent as a PDF: only its pages drawn as PNG images
(``app.cases.files.pdf_pages``). Files go out under generic names (``video-12.mp4``,
``document-12-page-3.png``): the uploader's file name may carry a name or an order number.
"""

from types import SimpleNamespace

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from app.cases.downloads import send_evidence_file
from app.cases.files import pdf_pages
from app.cases.models import EvidenceEntry, EvidenceKind
from app.cases.releases import is_released_to_reviewers
from app.core.extensions import db
from app.jury.models import Seat

POSTER_TYPE = "image/jpeg"


def own_seat(seat_id: int) -> Seat:
    seat = db.session.get(Seat, seat_id, options=[joinedload(Seat.panel)])
    if seat is None or seat.reviewer_id != current_user.id:
        abort(404)  # someone else's seat does not exist, as far as they can tell
    return seat


def reviewer_file(entry: EvidenceEntry, label: str, decisions: dict[int, bool]):
    """What the seat page shows of a file entry: released or not, and what of it."""
    released = is_released_to_reviewers(entry, decisions)
    kind = EvidenceKind(entry.kind)
    return SimpleNamespace(
        label=label,
        size_bytes=entry.size_bytes,
        released=released,
        has_thumbnail=released and kind is EvidenceKind.IMAGE and entry.thumbnail_name is not None,
        pages=pdf_pages.document_pages(entry.stored_name)
        if released and kind is EvidenceKind.PDF
        else None,
        playable=released and _playable(entry),
    )


def _playable(entry: EvidenceEntry) -> bool:
    """A video with a poster: the poster is made only where the metadata was removed."""
    return entry.kind == EvidenceKind.VIDEO and entry.thumbnail_name is not None


def _released_entry(seat_id: int, entry_id: int, kind: EvidenceKind) -> EvidenceEntry:
    seat = own_seat(seat_id)
    entry = db.session.get(EvidenceEntry, entry_id)
    if (
        entry is None
        or entry.case_id != seat.panel.case_id
        or entry.kind != kind
        or not is_released_to_reviewers(entry)
    ):
        abort(404)
    return entry


@login_required
def evidence_thumbnail(seat_id: int, entry_id: int):
    """A released photo's thumbnail."""
    entry = _released_entry(seat_id, entry_id, EvidenceKind.IMAGE)
    if entry.thumbnail_name is None:
        abort(404)
    return send_evidence_file(
        entry.thumbnail_name, POSTER_TYPE, f"photo-{entry.id}.jpg", inline=True
    )


@login_required
def document_page(seat_id: int, entry_id: int, number: int):
    """One page of a released PDF, drawn as an image."""
    entry = _released_entry(seat_id, entry_id, EvidenceKind.PDF)
    pages = pdf_pages.document_pages(entry.stored_name)
    if pages is None or not 1 <= number <= len(pages.shown):
        abort(404)
    return send_evidence_file(
        pdf_pages.page_image_name(entry.stored_name, number),
        "image/png",
        f"document-{entry.id}-page-{number}.png",
        inline=True,
    )


@login_required
def video(seat_id: int, entry_id: int):
    """A released video as stored, without its metadata; Range requests are answered."""
    entry = _released_entry(seat_id, entry_id, EvidenceKind.VIDEO)
    if not _playable(entry):
        abort(404)
    extension = ".webm" if entry.content_type == "video/webm" else ".mp4"
    return send_evidence_file(
        entry.stored_name, entry.content_type, f"video-{entry.id}{extension}", inline=True
    )


@login_required
def video_poster(seat_id: int, entry_id: int):
    """A released video's poster: its first frame, as a JPEG."""
    entry = _released_entry(seat_id, entry_id, EvidenceKind.VIDEO)
    if not _playable(entry):
        abort(404)
    return send_evidence_file(
        entry.thumbnail_name, POSTER_TYPE, f"video-{entry.id}-poster.jpg", inline=True
    )
