"""Videos (MP4, WebM): the container's structure must be sound and cover the whole file,
nothing cut off and nothing appended. What passes is then remuxed (``remuxing``)."""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.cases.files import SNIFF_BYTES, EvidenceRejected, file_refused


def _video_damaged() -> EvidenceRejected:
    return file_refused(
        _l(
            "This video is incomplete or damaged: its contents do not add up to the whole "
            "file. Upload the complete original MP4 or WebM file."
        )
    )


MP4_MAX_TOP_LEVEL_BOXES = 100_000


def check_mp4(upload: Path) -> None:
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
        raise file_refused(
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


def check_webm(upload: Path) -> None:
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
        raise file_refused(
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
