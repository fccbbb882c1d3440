"""Evidence on S3 (a real SeaweedFS): uploads land in the bucket, never on disk; downloads are
streamed or go by signed URL, behind the same authorisation as local files; verification
and dossiers read the bucket."""

import hashlib
import io
import subprocess
import sys
import urllib.request
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.auth.models import Role
from app.cases import evidence
from app.cases.cli import evidence_cli
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.files.pdf_pages import pages_folder_name
from app.cases.models import EvidenceKind
from app.cases.releases import decide_release
from app.core import clock
from app.core.extensions import db
from app.core.storage import object_store
from app.core.storage.s3 import S3Store
from tests.helpers import hostile, pdfs
from tests.helpers.case_factories import jpeg_bytes, make_case
from tests.helpers.factories import make_case_row, make_user
from tests.helpers.object_store import s3_client, stored_keys
from tests.helpers.pages import csrf_token_from, login, login_with_token, reload
from tests.helpers.panel_rows import make_panel, seat_for


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    return tmp_path


def files_on_disk(folder) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*") if path.is_file())


def add_photo(case, data: bytes | None = None):
    upload = io.BytesIO(data or hostile.jpeg())
    new = NewEvidence(EvidenceKind.IMAGE, upload=upload, filename="box.jpg")
    entry = add_evidence(case, case.buyer, new)
    db.session.flush()
    return entry


def file_url(entry) -> str:
    return f"/cases/{entry.case_id}/evidence/{entry.id}/file"


# --- uploads --------------------------------------------------------------------------------


def test_an_upload_through_the_form_lands_in_the_bucket_and_not_on_disk(
    app, client, csrf_enabled, s3_bucket, evidence_dir
):
    case = make_case("evidence")
    login_with_token(client, case.buyer)
    token = csrf_token_from(client.get(f"/cases/{case.id}").get_data(as_text=True))
    data = {"kind": "image", "file": (io.BytesIO(jpeg_bytes()), "box.jpg"), "csrf_token": token}

    response = client.post(f"/cases/{case.id}/evidence", data=data)

    assert response.status_code == 302
    entry = reload(case).evidence[-1]
    assert stored_keys(app.config) == {entry.stored_name, entry.thumbnail_name}
    assert files_on_disk(evidence_dir) == []  # scratch files gone too
    assert object_store().sha256(entry.stored_name) == entry.content_sha256


def test_a_refused_upload_leaves_nothing_in_the_bucket(app, client, s3_bucket, evidence_dir):
    case = make_case("evidence")
    login(client, case.buyer)
    data = {"kind": "image", "file": (io.BytesIO(b"<html>not a photo"), "box.jpg")}

    response = client.post(f"/cases/{case.id}/evidence", data=data)

    assert response.status_code == 400
    assert stored_keys(app.config) == set()
    assert files_on_disk(evidence_dir) == []


def test_the_file_is_in_the_bucket_before_its_row_and_goes_if_the_row_cannot_be_written(
    app, s3_bucket, monkeypatch
):
    case = make_case_row()
    in_bucket_before_row = []
    real_append = evidence._append

    def append_then_fail(case, party, author, content, *args):
        in_bucket_before_row.append(content.stored.stored_name in stored_keys(app.config))
        real_append(case, party, author, content, *args)
        raise OSError("the database went away")

    monkeypatch.setattr(evidence, "_append", append_then_fail)

    with pytest.raises(OSError, match="went away"):
        add_photo(case)

    assert in_bucket_before_row == [True]
    assert stored_keys(app.config) == set()


# --- downloads ------------------------------------------------------------------------------


def test_a_file_is_streamed_from_the_bucket_with_the_headers_of_a_local_file(client, s3_bucket):
    case = make_case_row()
    entry = add_photo(case)
    stored = object_store().read_bytes(entry.stored_name)
    login(client, case.buyer)

    response = client.get(file_url(entry))

    assert response.status_code == 200
    assert response.data == stored
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"] == "inline; filename=box.jpg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    again = client.get(file_url(entry), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_range_request_gets_only_its_bytes_from_the_bucket(client, s3_bucket):
    case = make_case_row()
    entry = add_photo(case)
    stored = object_store().read_bytes(entry.stored_name)
    login(client, case.buyer)

    response = client.get(file_url(entry), headers={"Range": "bytes=10-99"})

    assert response.status_code == 206
    assert response.data == stored[10:100]
    assert response.headers["Content-Range"] == f"bytes 10-99/{len(stored)}"


def test_a_signed_download_redirects_to_a_url_that_serves_the_file(
    app, client, s3_bucket, monkeypatch
):
    monkeypatch.setitem(app.config, "EVIDENCE_DOWNLOADS", "signed")
    case = make_case_row()
    entry = add_photo(case)
    login(client, case.seller)  # the other party reads it too

    response = client.get(file_url(entry))

    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "private, no-store"
    url = response.headers["Location"]
    assert url.startswith(app.config["S3_ENDPOINT_URL"]) and "X-Amz-Expires=60" in url
    with urllib.request.urlopen(url) as fetched:  # noqa: S310  (the test's own server)
        assert fetched.read() == object_store().read_bytes(entry.stored_name)
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert fetched.headers["Content-Disposition"] == "inline; filename=box.jpg"
    digest = hashlib.sha256(object_store().read_bytes(entry.stored_name)).hexdigest()
    assert digest == entry.content_sha256


def test_a_pdf_is_signed_as_an_attachment_with_its_real_name(app, client, s3_bucket, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DOWNLOADS", "signed")
    case = make_case_row()
    new = NewEvidence(EvidenceKind.PDF, upload=io.BytesIO(hostile.pdf()), filename="收据.html")
    entry = add_evidence(case, case.buyer, new)
    db.session.flush()
    login(client, case.buyer)

    url = client.get(file_url(entry)).headers["Location"]

    with urllib.request.urlopen(url) as fetched:  # noqa: S310  (the test's own server)
        assert fetched.headers["Content-Type"] == "application/pdf"
        disposition = fetched.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "UTF-8''%E6%94%B6%E6%8D%AE.pdf" in disposition


def test_pages_may_load_photos_and_videos_from_the_bucket_only_when_signed(
    app, client, s3_bucket, monkeypatch
):
    case = make_case_row()
    add_photo(case)
    login(client, case.buyer)
    streamed = client.get(f"/cases/{case.id}").headers["Content-Security-Policy"]
    monkeypatch.setitem(app.config, "EVIDENCE_DOWNLOADS", "signed")

    signed = client.get(f"/cases/{case.id}").headers["Content-Security-Policy"]

    endpoint = app.config["S3_ENDPOINT_URL"]
    assert endpoint not in streamed
    assert f"img-src 'self' data: {endpoint};" in signed
    assert f"media-src 'self' {endpoint};" in signed
    assert "default-src 'self'" in signed and "script-src 'self'" in signed


@pytest.mark.parametrize("downloads", ["stream", "signed"])
def test_no_url_is_made_for_a_viewer_who_may_not_see_the_case(
    app, client, s3_bucket, monkeypatch, downloads
):
    monkeypatch.setitem(app.config, "EVIDENCE_DOWNLOADS", downloads)
    case = make_case_row()
    entry = add_photo(case)
    made = []
    monkeypatch.setattr(S3Store, "signed_url", lambda *args, **kwargs: made.append(args))
    monkeypatch.setattr(S3Store, "serve", lambda *args, **kwargs: made.append(args))
    login(client, make_user(name="Stranger"))

    assert client.get(file_url(entry)).status_code == 404
    assert client.get(f"/cases/{case.id}/evidence/{entry.id}/thumbnail").status_code == 404
    assert made == []


def test_a_file_gone_from_the_bucket_is_a_404(client, s3_bucket):
    case = make_case_row()
    entry = add_photo(case)
    object_store().delete(entry.stored_name)
    login(client, case.buyer)

    assert client.get(file_url(entry)).status_code == 404


# --- verification and dossiers --------------------------------------------------------------


def test_verify_finds_a_missing_and_a_changed_object(app, s3_bucket):
    case = make_case_row()
    missing, changed = add_photo(case), add_photo(case, hostile.jpeg((80, 50)))
    runner = app.test_cli_runner()
    assert runner.invoke(evidence_cli, ["verify"]).exit_code == 0

    object_store().delete(missing.stored_name)
    client = s3_client(app.config["S3_ENDPOINT_URL"])
    key = app.config["S3_PREFIX"] + changed.stored_name
    client.put_object(Bucket=s3_bucket, Key=key, Body=b"\xff\xd8\xffchanged")
    result = runner.invoke(evidence_cli, ["verify"])

    assert result.exit_code == 1
    assert f"file {missing.stored_name} is missing" in result.output
    assert f"file {changed.stored_name} does not match its SHA-256" in result.output


def test_a_dossier_is_made_from_the_bucket_and_downloaded(app, client, s3_bucket, evidence_dir):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    case = make_case_row(state="evidence")
    photo = add_photo(case)
    clock.advance(timedelta(days=5))
    case.state = "closed"
    case.outcome = "for_buyer"
    case.decision_kind = "mediator"
    case.decision_remedy = "full_refund"
    case.decision_reasons = "The photo shows the crushed box."
    case.decided_at = clock.now()
    case.closed_reason = "completed"
    case.closed_at = clock.now()
    db.session.flush()
    login(client, case.buyer)

    response = client.get(f"/cases/{case.id}/dossier.zip")

    assert response.status_code == 200, response.headers.get("Location")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        copied = archive.read("files/buyer/001-box.jpg")
    assert copied == object_store().read_bytes(photo.stored_name)
    assert files_on_disk(evidence_dir) == []


def test_the_default_store_never_loads_boto3(tmp_path):
    """boto3 and an S3 client cost a web worker about 25 MB; only S3 needs them."""
    script = (
        "import sys\n"
        "from app import create_app\n"
        "app = create_app({'CONFIG_NAME': 'testing', 'EVIDENCE_DIR': sys.argv[1]})\n"
        "with app.test_request_context():\n"
        "    from app.core.storage import object_store\n"
        "    object_store()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.stdout.strip() == "[]"


# --- what reviewers see ---------------------------------------------------------------------


def test_a_released_pdf_is_drawn_into_the_bucket_and_its_pages_served_from_there(
    app, client, s3_bucket, evidence_dir
):
    case = make_case_row(state="panel", mediator=make_user(roles=(Role.MEDIATOR,)))
    reviewer = make_user(name="Reviewer Rosa")
    seat = seat_for(make_panel(case), reviewer)
    upload = io.BytesIO(pdfs.document())
    pdf = add_evidence(
        case, case.seller, NewEvidence(EvidenceKind.PDF, upload=upload, filename="bill.pdf")
    )
    decide_release(pdf, case.mediator, True)
    login(client, reviewer)

    html = client.get(f"/review/seats/{seat.id}").get_data(as_text=True)

    folder = pages_folder_name(pdf.stored_name)
    pages = [f"{folder}/page-{n}.png" for n in (1, 2, 3)]
    assert stored_keys(app.config) == {pdf.stored_name, f"{folder}/manifest.json", *pages}
    assert f"/review/seats/{seat.id}/evidence/{pdf.id}/pages/3" in html
    response = client.get(f"/review/seats/{seat.id}/evidence/{pdf.id}/pages/2")
    assert response.status_code == 200 and response.data == object_store().read_bytes(pages[1])
    assert files_on_disk(evidence_dir) == []  # the PDF's local copy and the drawing are gone
