"""Evidence files are checked by content, stored under generated names, and a refused upload
leaves nothing on disk."""

import hashlib
import io
import os
import resource
import sys

import pytest
from PIL import ExifTags, Image

from app.cases import files
from app.cases.files import (
    EvidenceRejected,
    check_filename,
    evidence_path,
    remove_stored_file,
    uploads,
)
from app.cases.files import videos as video_checks
from app.cases.files.uploads import store_evidence_file
from app.cases.models import EvidenceKind
from tests.helpers import hostile, videos

CASE_ID = 17


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(autouse=True)
def _in_request(app):
    """Messages are lazy translations: rendering them needs a request's locale. Evidence
    arrives by form post."""
    with app.test_request_context(method="POST"):
        yield


def files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def store(data: bytes, filename: str = "evidence.bin"):
    return store_evidence_file(io.BytesIO(data), filename, CASE_ID)


def stored_bytes(name: str) -> bytes:
    return evidence_path(name).read_bytes()


# --- accepted files -------------------------------------------------------------------------


def test_a_phone_photo_is_stored_upright_without_exif_gps_or_any_metadata(evidence_dir):
    original = hostile.jpeg_from_phone()
    with Image.open(io.BytesIO(original)) as before:
        assert before.size == (60, 40)
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    stored = store(original, "IMG_0042.jpg")

    assert stored.kind is EvidenceKind.IMAGE
    assert stored.content_type == "image/jpeg"
    assert stored.original_name == "IMG_0042.jpg"
    data = stored_bytes(stored.stored_name)
    with Image.open(io.BytesIO(data)) as after:
        assert after.format == "JPEG"
        assert after.size == (40, 60)  # orientation 6 applied: width and height swapped
        assert not after.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(after.info)
        # the blue mark, top-left as taken, is top-right once the photo is upright
        assert after.getpixel((35, 2))[2] > 200
    for secret in (b"Exif", b"TestCam", b"Jane Buyer", b"not really an ICC", b"taken at home"):
        assert secret not in data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size_bytes == len(data)


def test_the_stored_name_is_generated_in_the_case_folder(evidence_dir):
    stored = store(hostile.jpeg(), "holiday photo (1).jpg")

    folder, name = stored.stored_name.split("/")
    assert folder == str(CASE_ID)
    stem, extension = name.split(".")
    assert len(stem) == 32 and int(stem, 16) >= 0
    assert extension == "jpg"
    assert stored.thumbnail_name == f"{CASE_ID}/{stem}.thumb.jpg"
    assert files_under(evidence_dir) == sorted([stored.stored_name, stored.thumbnail_name])


def test_a_thumbnail_is_made_with_the_longest_side_limited(app):
    stored = store(hostile.jpeg((900, 600)))

    with Image.open(evidence_path(stored.thumbnail_name)) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) == app.config["THUMBNAIL_MAX_SIDE"]
        assert thumbnail.size == (320, 213)


def test_png_keeps_its_format_and_transparency_but_loses_text_exif_and_icc():
    stored = store(hostile.png(mode="RGBA", color=(10, 20, 30, 0)))

    data = stored_bytes(stored.stored_name)
    assert stored.content_type == "image/png"
    with Image.open(io.BytesIO(data)) as after:
        assert after.format == "PNG"
        assert after.mode == "RGBA"
        assert after.getpixel((50, 30))[3] == 0
        assert not after.getexif()
        assert not after.info.keys() - {"dpi", "gamma"}
    assert b"Jane Buyer" not in data and b"xmpmeta" not in data and b"fake icc" not in data


def test_a_palette_png_with_a_transparent_colour_keeps_it():
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 0, 0, 0, 255, 0])
    image.paste(1, (0, 0, 4, 4))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=1)

    stored = store(out.getvalue())

    with Image.open(evidence_path(stored.stored_name)) as after:
        assert after.mode == "RGBA"
        assert after.getpixel((1, 1))[3] == 0
        assert after.getpixel((6, 6)) == (255, 0, 0, 255)


def test_a_sixteen_bit_png_is_accepted():
    stored = store(hostile.image_bytes("PNG", (30, 20), "I;16", 40000))

    with Image.open(evidence_path(stored.stored_name)) as after:
        assert after.size == (30, 20)


def test_webp_is_reencoded_upright_without_exif():
    stored = store(hostile.webp())

    data = stored_bytes(stored.stored_name)
    assert stored.content_type == "image/webp"
    with Image.open(io.BytesIO(data)) as after:
        assert after.format == "WEBP"
        assert after.size == (40, 60)
        assert not after.getexif()
    assert b"EXIF" not in data and b"XMP " not in data


@pytest.mark.parametrize(
    "build",
    [hostile.pdf, hostile.pdf_from_image, lambda: hostile.pdf_with_compressed_javascript(False)],
    ids=["pypdf", "scan", "object-streams-with-a-web-link"],
)
def test_a_pdf_is_stored_as_uploaded(build):
    original = build()

    stored = store(original, "invoice.pdf")

    assert stored.kind is EvidenceKind.PDF
    assert stored.content_type == "application/pdf"
    assert stored.thumbnail_name is None
    assert stored_bytes(stored.stored_name) == original
    assert stored.stored_name.endswith(".pdf")


@pytest.mark.parametrize(
    ("build", "content_type"),
    [
        (hostile.mp4, "video/mp4"),
        (lambda: hostile.mp4(brand=b"mp42"), "video/mp4"),
        (lambda: hostile.mp4(large_mdat=True), "video/mp4"),
        (lambda: hostile.mp4(mdat_to_end=True), "video/mp4"),
        (hostile.webm, "video/webm"),
        (lambda: hostile.webm(unknown_size=True), "video/webm"),
    ],
    ids=["mp4", "mp42", "mp4-64-bit-box", "mp4-box-to-end", "webm", "webm-live"],
)
def test_videos_are_stored_remuxed_with_a_poster(build, content_type):
    original = build()

    stored = store(original, "unboxing")

    assert stored.kind is EvidenceKind.VIDEO
    assert stored.content_type == content_type
    assert stored.stored_name.endswith(".mp4" if content_type == "video/mp4" else ".webm")
    kept = stored_bytes(stored.stored_name)
    assert stored.sha256 == hashlib.sha256(kept).hexdigest()
    assert stored.size_bytes == len(kept)
    assert videos.decoded_frames(kept) == videos.FRAMES
    with Image.open(evidence_path(stored.thumbnail_name)) as poster:
        assert poster.format == "JPEG"
        assert poster.size == (videos.WIDTH, videos.HEIGHT)


def test_the_kind_comes_from_the_content_not_the_name():
    stored = store(hostile.jpeg(), "contract.pdf")

    assert stored.kind is EvidenceKind.IMAGE
    assert stored.content_type == "image/jpeg"
    assert stored.stored_name.endswith(".jpg")
    assert stored.original_name == "contract.pdf"  # shown as given, served as what it is


@pytest.mark.parametrize("label", sorted(hostile.ACCEPTED_POLYGLOTS))
def test_a_valid_jpeg_carrying_html_is_accepted_but_stored_without_it(label, evidence_dir):
    filename, build = hostile.ACCEPTED_POLYGLOTS[label]
    original = build()
    assert hostile.HTML_PAYLOAD in original

    stored = store(original, filename)

    data = stored_bytes(stored.stored_name)
    assert b"<html" not in data and b"<script" not in data
    with Image.open(io.BytesIO(data)) as after:
        after.load()
        assert after.format == "JPEG"


# --- refused files --------------------------------------------------------------------------

# what each refusal must say (in part)
REFUSAL_SAYS = {
    "empty file": "The file is empty",
    "shell script named .jpg": "not accepted",
    "HTML page named .pdf": "not accepted",
    "SVG with a script": "not accepted",
    "GIF": "not accepted",
    "ZIP archive": "not accepted",
    "ZIP behind a JPEG's first bytes": "damaged or incomplete",
    "HEIC photo": "not accepted",
    "truncated JPEG": "damaged or incomplete",
    "truncated PNG": "damaged or incomplete",
    "PNG decompression bomb": "too many pixels",
    "PDF with HTML in its first KiB": "web page code",
    "PDF with JavaScript": "active content",
    "PDF with #-escaped JavaScript": "active content",
    "PDF with JavaScript in a compressed object stream": "active content",
    "PDF with a launch action": "active content",
    "PDF with an embedded file": "active content",
    "PDF with an XFA form": "active content",
    "truncated PDF": "incomplete",
    "PDF without %%EOF": "incomplete",
    "encrypted PDF": "password",
    "PDF without pages": "no pages",
    "truncated MP4": "incomplete or damaged",
    "MP4 with trailing garbage": "incomplete or damaged",
    "MP4 without a movie box": "no playable video",
    "Matroska, not WebM": "not WebM",
    "truncated WebM": "incomplete or damaged",
    "WebM with trailing garbage": "incomplete or damaged",
    "MP4 of the right shape without a movie": "holds no video stream",
    "WebM of the right shape without a track": "cannot be read",
}


def test_every_hostile_upload_has_an_expected_message():
    assert set(REFUSAL_SAYS) == set(hostile.REFUSED_UPLOADS)


@pytest.mark.parametrize("label", sorted(hostile.REFUSED_UPLOADS))
def test_hostile_uploads_are_refused_with_a_clear_message_and_leave_nothing(label, evidence_dir):
    filename, build = hostile.REFUSED_UPLOADS[label]

    with pytest.raises(EvidenceRejected) as refused:
        store(build(), filename)

    assert REFUSAL_SAYS[label] in str(refused.value)
    assert refused.value.field == "file"
    assert files_under(evidence_dir) == []


@pytest.mark.parametrize(
    "build", [hostile.pdf_with_hidden_javascript, hostile.pdf_with_compressed_javascript]
)
def test_pdf_javascript_is_found_where_a_byte_search_cannot_see_it(build):
    data = build()
    assert b"/JavaScript" not in data

    with pytest.raises(EvidenceRejected, match="active content"):
        store(data, "invoice.pdf")


def test_an_mp4_of_countless_tiny_boxes_is_refused(monkeypatch):
    monkeypatch.setattr(video_checks, "MP4_MAX_TOP_LEVEL_BOXES", 2)

    with pytest.raises(EvidenceRejected, match="incomplete or damaged"):
        store(hostile.mp4(), "video.mp4")


def test_an_unknown_kind_is_refused_with_the_allowed_kinds_and_their_limits():
    with pytest.raises(EvidenceRejected) as refused:
        store(hostile.gif(), "cat.gif")

    assert str(refused.value) == (
        "This kind of file is not accepted. Upload a photo (JPEG, PNG or WebP, up to 10 MB), "
        "a PDF (up to 20 MB) or a video (MP4 or WebM, up to 100 MB)."
    )


@pytest.mark.parametrize(
    "size", [(8_000, 8_000), (10_000, 10_000), (20_000, 20_000)], ids=["64MP", "100MP", "400MP"]
)
def test_decompression_bombs_are_refused_before_any_pixel_is_decoded(size, evidence_dir):
    bomb = hostile.png_bomb(*size)
    assert len(bomb) < 200_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with pytest.raises(EvidenceRejected) as refused:
        store(bomb, "bomb.png")

    peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    assert peak_growth * unit < 32 * 1024 * 1024  # decoding would take 64 MB or more
    assert "at most 40 megapixels" in str(refused.value)
    assert files_under(evidence_dir) == []


def test_the_pixel_limit_follows_the_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_MAX_PIXELS", 2000)
    with pytest.raises(EvidenceRejected, match="at most 0.002 megapixels"):
        store(hostile.jpeg((60, 40)))

    monkeypatch.setitem(app.config, "IMAGE_MAX_PIXELS", 60 * 40)
    assert store(hostile.jpeg((60, 40))).kind is EvidenceKind.IMAGE


@pytest.mark.parametrize(
    ("build", "limit_key", "says"),
    [
        (hostile.jpeg, "IMAGE_MAX_BYTES", "This image is larger than"),
        (hostile.png, "IMAGE_MAX_BYTES", "This image is larger than"),
        (hostile.webp, "IMAGE_MAX_BYTES", "This image is larger than"),
        (hostile.pdf, "PDF_MAX_BYTES", "This PDF is larger than"),
        (hostile.mp4, "VIDEO_MAX_BYTES", "This video is larger than"),
        (hostile.webm, "VIDEO_MAX_BYTES", "This video is larger than"),
    ],
    ids=["jpeg", "png", "webp", "pdf", "mp4", "webm"],
)
def test_one_byte_over_the_limit_is_refused_and_the_limit_itself_accepted(
    app, monkeypatch, evidence_dir, build, limit_key, says
):
    data = build()
    monkeypatch.setitem(app.config, limit_key, len(data) - 1)

    with pytest.raises(EvidenceRejected) as refused:
        store(data)

    limit = files.human_size(len(data) - 1)  # a real video is over a KB
    assert str(refused.value) == f"{says} {limit}, the most allowed for " + (
        "an image." if "image" in says else "a PDF." if "PDF" in says else "a video."
    )
    assert files_under(evidence_dir) == []

    monkeypatch.setitem(app.config, limit_key, len(data))
    assert store(data).size_bytes > 0


def test_limits_are_shown_in_readable_units():
    assert files.human_size(10 * 1024 * 1024) == "10 MB"
    assert files.human_size(100 * 1024 * 1024) == "100 MB"
    assert files.human_size(1536) == "1.5 KB"
    assert files.human_size(999) == "999 bytes"


class EndlessUpload(io.RawIOBase):
    """A JPEG header followed by zeros forever; counts what was read from it."""

    def __init__(self):
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        head = b"\xff\xd8\xff\xe0"
        for index in range(len(buffer)):
            position = self.consumed + index
            buffer[index] = head[position] if position < len(head) else 0
        self.consumed += len(buffer)
        return len(buffer)


def test_an_endless_upload_is_read_only_to_the_limit_plus_one_byte(app, monkeypatch, evidence_dir):
    limit = 3 * files.COPY_CHUNK_BYTES + 123
    monkeypatch.setitem(app.config, "IMAGE_MAX_BYTES", limit)
    upload = EndlessUpload()

    with pytest.raises(EvidenceRejected, match="larger than"):
        store_evidence_file(upload, "photo.jpg", CASE_ID)

    assert upload.consumed == limit + 1
    assert files_under(evidence_dir) == []


def test_a_failure_while_moving_into_place_leaves_nothing(monkeypatch, evidence_dir):
    real_replace = os.replace
    moves = []

    def replace_then_fail(source, target):
        moves.append(target)
        if len(moves) == 2:  # the thumbnail
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(uploads.os, "replace", replace_then_fail)

    with pytest.raises(OSError, match="disk full"):
        store(hostile.jpeg())

    assert files_under(evidence_dir) == []


# --- names and paths ------------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(hostile.HOSTILE_FILENAMES))
def test_hostile_file_names_are_refused_not_fixed(label, evidence_dir):
    name = hostile.HOSTILE_FILENAMES[label]

    with pytest.raises(EvidenceRejected) as refused:
        store(hostile.jpeg(), name)

    assert refused.value.field == "filename"
    assert "name" in str(refused.value)
    assert files_under(evidence_dir) == []


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../etc/passwd", '"/", "\\" or ".."'),
        ("a\\b.jpg", '"/", "\\" or ".."'),
        ("photo\x00.jpg", "control or invisible formatting characters"),
        ("invoice\u202egpj.exe", "control or invisible formatting characters"),
        ("x" * 201, "longer than 200 characters"),
        (".bashrc", 'may not start with "."'),
        ("", "has no name"),
    ],
)
def test_file_name_refusals_say_what_is_wrong(name, says):
    with pytest.raises(EvidenceRejected) as refused:
        check_filename(name)

    assert says in str(refused.value)


@pytest.mark.parametrize(
    "name", ["photo.jpg", "发票 2024.pdf", "Scan (3) – final.pdf", "x" * 200, "no extension"]
)
def test_ordinary_file_names_are_kept_as_given(name):
    assert check_filename(name) == name


@pytest.mark.parametrize(
    "stored_name", ["../outside.jpg", "17/../../outside.jpg", "/etc/passwd", "", ".", "17/.."]
)
def test_evidence_path_refuses_names_that_leave_the_evidence_folder(stored_name):
    with pytest.raises(ValueError, match="outside the evidence folder"):
        evidence_path(stored_name)


def test_evidence_path_refuses_a_symlink_that_leads_outside(evidence_dir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("secret")
    (evidence_dir / "17").mkdir()
    (evidence_dir / "17" / "link.jpg").symlink_to(outside)

    with pytest.raises(ValueError):
        evidence_path("17/link.jpg")


def test_evidence_path_resolves_inside_the_folder(evidence_dir):
    assert evidence_path("17/abc.jpg") == evidence_dir.resolve() / "17" / "abc.jpg"


def test_remove_stored_file_removes_the_file_and_its_thumbnail(evidence_dir):
    stored = store(hostile.jpeg())
    pdf = store(hostile.pdf())

    remove_stored_file(stored)
    remove_stored_file(pdf)
    remove_stored_file(pdf)  # already gone: nothing to do

    assert files_under(evidence_dir) == []
