"""What an uploader reads when a hostile file of ``tests/helpers/hostile.py`` is refused:
the start of the message, by the file's label, wherever the file is uploaded (the case page,
the API)."""

NOT_ACCEPTED = "This kind of file is not accepted."
IMAGE_DAMAGED = "This image is damaged or incomplete and cannot be read."
TOO_MANY_PIXELS = "This image has too many pixels"
PDF_HTML = "This PDF also contains web page code (HTML, script or SVG) and is refused."
PDF_ACTIVE = "This PDF contains active content"
PDF_NO_EOF = "This PDF is incomplete: its end is missing."
PDF_ENCRYPTED = "This PDF is encrypted or protected by a password."
PDF_UNREADABLE = "This PDF cannot be read or has no pages."
VIDEO_DAMAGED = "This video is incomplete or damaged"
MP4_NO_MOVIE = "This MP4 file holds no playable video"
NOT_WEBM = "This video is in a Matroska or other EBML container, not WebM."
NO_VIDEO_STREAM = "This file holds no video stream."
VIDEO_UNREADABLE = "This video cannot be read: its video stream could not be copied or played."

# label → the start of the message the uploader must read beside the file field
REFUSAL_MESSAGES: dict[str, str] = {
    "empty file": "The file is empty.",
    "shell script named .jpg": NOT_ACCEPTED,
    "HTML page named .pdf": NOT_ACCEPTED,
    "SVG with a script": NOT_ACCEPTED,
    "GIF": NOT_ACCEPTED,
    "ZIP archive": NOT_ACCEPTED,
    "ZIP behind a JPEG's first bytes": IMAGE_DAMAGED,
    "HEIC photo": NOT_ACCEPTED,
    "truncated JPEG": IMAGE_DAMAGED,
    "truncated PNG": IMAGE_DAMAGED,
    "PNG decompression bomb": TOO_MANY_PIXELS,
    "PDF with HTML in its first KiB": PDF_HTML,
    "PDF with JavaScript": PDF_ACTIVE,
    "PDF with #-escaped JavaScript": PDF_ACTIVE,
    "PDF with JavaScript in a compressed object stream": PDF_ACTIVE,
    "PDF with a launch action": PDF_ACTIVE,
    "PDF with an embedded file": PDF_ACTIVE,
    "PDF with an XFA form": PDF_ACTIVE,
    "truncated PDF": PDF_NO_EOF,
    "PDF without %%EOF": PDF_NO_EOF,
    "encrypted PDF": PDF_ENCRYPTED,
    "PDF without pages": PDF_UNREADABLE,
    "truncated MP4": VIDEO_DAMAGED,
    "MP4 with trailing garbage": VIDEO_DAMAGED,
    "MP4 without a movie box": MP4_NO_MOVIE,
    "Matroska, not WebM": NOT_WEBM,
    "truncated WebM": VIDEO_DAMAGED,
    "WebM with trailing garbage": VIDEO_DAMAGED,
    "MP4 of the right shape without a movie": NO_VIDEO_STREAM,
    "WebM of the right shape without a track": VIDEO_UNREADABLE,
}
