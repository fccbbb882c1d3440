"""The sweep that removes stored files no entry names: only old ones, never a file an entry
or its PDF names, on local disk and on S3 alike, and two sweeps at once both finish."""

import io
import os
from datetime import timedelta

import pytest

from app.cases.evidence import NewEvidence, add_evidence
from app.cases.files.orphans import sweep_orphan_files
from app.cases.files.pdf_pages import page_image_name, pages_folder_name
from app.cases.models import EvidenceKind
from app.core import clock
from app.core.extensions import db
from app.core.storage import new_scratch_file, object_store, scratch_root
from tests.helpers import hostile
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_case_row

PAST_GRACE = timedelta(hours=24, minutes=1)


@pytest.fixture(params=["local", "s3"])
def store_kind(request, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    if request.param == "s3":
        request.getfixturevalue("s3_bucket")
    return request.param


def place(name: str, data: bytes = b"stray bytes") -> str:
    descriptor, path = new_scratch_file()
    with open(descriptor, "wb") as out:
        out.write(data)
    object_store().place(name, path)
    return name


def stored_names() -> set[str]:
    return {item.name for item in object_store().listing()}


def world() -> dict[str, list[str]]:
    """A photo and a PDF with its page images, which entries name; a file and a PDF's pages
    that nothing names."""
    case = make_case_row()
    photo = add_evidence(
        case,
        case.buyer,
        NewEvidence(EvidenceKind.IMAGE, upload=io.BytesIO(hostile.jpeg()), filename="box.jpg"),
    )
    pdf = add_evidence(
        case,
        case.buyer,
        NewEvidence(EvidenceKind.PDF, upload=io.BytesIO(hostile.pdf()), filename="bill.pdf"),
    )
    db.session.flush()
    pages = [place(page_image_name(pdf.stored_name, 1)), place(_manifest(pdf.stored_name))]
    lost_pdf = f"{case.id}/{'0' * 32}.pdf"
    return {
        "named": [photo.stored_name, photo.thumbnail_name, pdf.stored_name, *pages],
        "unnamed": [
            place(f"{case.id}/{'f' * 32}.jpg"),
            place(page_image_name(lost_pdf, 1)),
            place(_manifest(lost_pdf)),
        ],
    }


def _manifest(pdf_name: str) -> str:
    return f"{pages_folder_name(pdf_name)}/manifest.json"


def test_young_files_are_left_whether_named_or_not(store_kind):
    files = world()
    clock.advance(timedelta(hours=23))

    assert sweep_orphan_files() == 0

    assert stored_names() == set(files["named"] + files["unnamed"])


def test_old_files_no_entry_names_are_removed_and_named_ones_kept(store_kind):
    files = world()
    clock.advance(PAST_GRACE)

    assert sweep_orphan_files() == len(files["unnamed"])

    assert stored_names() == set(files["named"])
    assert sweep_orphan_files() == 0  # nothing left to do


def test_scratch_files_a_killed_process_left_are_removed_after_the_grace(store_kind):
    descriptor, left = new_scratch_file()
    os.close(descriptor)
    (scratch_root() / "pages-abandoned").mkdir()
    sweep_orphan_files()
    assert left.exists()

    clock.advance(PAST_GRACE)
    sweep_orphan_files()

    assert list(scratch_root().iterdir()) == []


@pytest.mark.committing
def test_two_sweeps_at_once_both_finish_and_remove_each_orphan_once(app, store_kind):
    files = world()
    db.session.commit()
    db.session.remove()
    clock.advance(PAST_GRACE)

    outcomes = run_at_once(app, lambda _n: sweep_orphan_files(), 2)

    assert errors_in(outcomes) == []
    assert stored_names() == set(files["named"])
    assert sum(outcomes) >= len(files["unnamed"])  # a file both listed is deleted by both
