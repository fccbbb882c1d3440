"""Every hostile file of ``tests/helpers/hostile.py`` sent through the real upload route.

Each upload is a multipart POST to ``/cases/<id>/evidence`` by the buyer of a case collecting
evidence, with ``EVIDENCE_DIR`` pointed at an empty folder of the test's own. A refused file
is answered 400 with its own clear message beside the file field; afterwards the folder holds
no file (not even a scratch copy) and no ``EvidenceEntry`` was added. An accepted polyglot is
stored re-encoded: neither the stored file nor its thumbnail carries the web page.

Hostile inputs covered (one test id each):

Refused files (``REFUSED_UPLOADS``)
  empty file · shell script named .jpg · HTML page named .pdf · SVG with a script · GIF ·
  ZIP archive · ZIP behind a JPEG's first bytes · HEIC photo · truncated JPEG ·
  truncated PNG · PNG decompression bomb · PDF with HTML in its first KiB ·
  PDF with JavaScript · PDF with #-escaped JavaScript ·
  PDF with JavaScript in a compressed object stream · PDF with a launch action ·
  PDF with an embedded file · PDF with an XFA form · truncated PDF · PDF without %%EOF ·
  encrypted PDF · PDF without pages · truncated MP4 · MP4 with trailing garbage ·
  MP4 without a movie box · MP4 of the right shape without a movie · Matroska, not WebM ·
  truncated WebM · WebM with trailing garbage · WebM of the right shape without a track

Refused file names, on a good JPEG (``HOSTILE_FILENAMES``)
  path traversal · backslash traversal · a folder · two dots · NUL byte ·
  terminal escape · right-to-left override · zero-width space · 300 characters ·
  leading dot · empty · only spaces

Accepted polyglots, stored without their payload (``ACCEPTED_POLYGLOTS``)
  JPEG followed by HTML · JPEG with HTML in a comment
"""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.cases import files
from app.cases.models import EvidenceEntry
from app.core import clock
from app.core.extensions import db
from tests.helpers import hostile
from tests.helpers.case_factories import make_case
from tests.helpers.hostile import (
    ACCEPTED_POLYGLOTS,
    FILENAME_MESSAGES,
    HOSTILE_FILENAMES,
    REFUSED_UPLOADS,
)
from tests.helpers.pages import field_error, login, reload
from tests.helpers.upload_refusals import REFUSAL_MESSAGES

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

KIND_BY_EXTENSION = {
    ".pdf": "pdf",
    ".mp4": "video",
    ".webm": "video",
}


def test_every_hostile_input_has_its_expected_message():
    assert set(REFUSAL_MESSAGES) == set(REFUSED_UPLOADS)
    assert set(FILENAME_MESSAGES) == set(HOSTILE_FILENAMES)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


@pytest.fixture
def buyer_case(client, evidence_dir):
    case = make_case("evidence")
    login(client, case.buyer)
    assert not _files_in(evidence_dir)  # the factory's own evidence carries no file
    return case


def _files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceEntry))


def _upload(client, case, filename: str, content: bytes):
    kind = KIND_BY_EXTENSION.get(Path(filename).suffix.lower(), "image")
    data = {"kind": kind, "file": (io.BytesIO(content), filename)}
    return client.post(f"/cases/{case.id}/evidence", data=data, content_type="multipart/form-data")


def _assert_refused(response, message: str, evidence_dir: Path, entries_before: int) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:500]
    error = field_error(html, "file")
    assert str(escape(message)) in error, error
    assert _files_in(evidence_dir) == [], "a refused upload left a file behind"
    assert _entries() == entries_before


@pytest.mark.parametrize("label", list(REFUSED_UPLOADS))
def test_a_hostile_file_is_refused_with_its_message_and_leaves_nothing(
    client, buyer_case, evidence_dir, label
):
    filename, build = REFUSED_UPLOADS[label]
    before = _entries()

    response = _upload(client, buyer_case, filename, build())

    _assert_refused(response, REFUSAL_MESSAGES[label], evidence_dir, before)


@pytest.mark.parametrize("label", list(HOSTILE_FILENAMES))
def test_a_hostile_file_name_is_refused_with_its_message_and_leaves_nothing(
    client, buyer_case, evidence_dir, label
):
    before = _entries()

    response = _upload(client, buyer_case, HOSTILE_FILENAMES[label], hostile.jpeg())

    _assert_refused(response, FILENAME_MESSAGES[label], evidence_dir, before)


@pytest.mark.parametrize("label", list(ACCEPTED_POLYGLOTS))
def test_an_accepted_polyglot_is_stored_without_its_payload(
    client, buyer_case, evidence_dir, label
):
    filename, build = ACCEPTED_POLYGLOTS[label]
    content = build()
    assert hostile.HTML_PAYLOAD in content  # the corpus still carries its payload
    before = _entries()

    response = _upload(client, buyer_case, filename, content)

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _entries() == before + 1
    entry = reload(buyer_case).evidence[-1]
    assert entry.kind == "image" and entry.original_name == filename
    stored = [files.evidence_path(entry.stored_name), files.evidence_path(entry.thumbnail_name)]
    assert sorted(stored) == _files_in(evidence_dir)  # nothing else, no scratch copy
    for path in stored:
        data = path.read_bytes()
        assert data.startswith(b"\xff\xd8\xff")
        lowered = data.lower()
        assert hostile.HTML_PAYLOAD not in data
        for marker in (b"<html", b"<script", b"<body", b"alert(", b"document.cookie"):
            assert marker not in lowered, (path.name, marker)
