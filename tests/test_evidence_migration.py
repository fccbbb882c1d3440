"""Moving a local evidence folder to S3 while the site runs: nodes read the old folder where
the bucket lacks a file, ``flask evidence migrate`` copies what it lacks (checked by hash,
again and again without harm), and nothing uploaded meanwhile is lost."""

import io

import pytest

from app.cases.cli import evidence_cli
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceKind
from app.core.extensions import db
from app.core.storage import LocalStore, object_store
from app.core.storage.migration import migrate
from app.core.storage.s3 import S3Store, s3_store
from tests.helpers import hostile
from tests.helpers.factories import make_case_row
from tests.helpers.object_store import stored_keys
from tests.helpers.pages import login


@pytest.fixture
def old_folder(app, tmp_path, monkeypatch):
    """Evidence stored the default way, in a local folder."""
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return tmp_path


def add_photo(case, size=(60, 40)):
    upload = io.BytesIO(hostile.jpeg(size))
    entry = add_evidence(
        case, case.buyer, NewEvidence(EvidenceKind.IMAGE, upload=upload, filename="box.jpg")
    )
    db.session.flush()
    return entry


@pytest.fixture
def switch_to_bucket(request, app, monkeypatch):
    """This node now writes to a bucket and reads the old folder where the bucket lacks a
    file, as every node does during the move."""

    def switch(folder) -> None:
        request.getfixturevalue("s3_bucket")
        monkeypatch.setitem(app.config, "STORAGE_FALLBACK_DIR", str(folder))

    return switch


def local_names(folder) -> set[str]:
    return {item.name for item in LocalStore(folder).listing()}


def test_during_the_move_files_still_in_the_folder_are_served(
    app, client, old_folder, switch_to_bucket, monkeypatch
):
    case = make_case_row()
    entry = add_photo(case)
    original = (old_folder / entry.stored_name).read_bytes()
    switch_to_bucket(old_folder)
    monkeypatch.setitem(app.config, "EVIDENCE_DOWNLOADS", "signed")  # no URL for a local file
    login(client, case.buyer)

    response = client.get(f"/cases/{case.id}/evidence/{entry.id}/file")

    assert response.status_code == 200 and response.data == original


def test_migrate_copies_everything_then_finds_nothing_left_to_copy(
    app, old_folder, switch_to_bucket, monkeypatch
):
    case = make_case_row()
    add_photo(case)
    add_photo(case, (80, 50))
    switch_to_bucket(old_folder)
    runner = app.test_cli_runner()

    first = runner.invoke(evidence_cli, ["migrate"])

    assert first.exit_code == 0, first.output
    assert "migrated: 4 files (4 copied, 0 already there) checked" in first.output
    assert stored_keys(app.config) == local_names(old_folder)
    uploads = []
    monkeypatch.setattr(S3Store, "copy_in", lambda *args: uploads.append(args))
    second = runner.invoke(evidence_cli, ["migrate"])
    assert second.exit_code == 0, second.output
    assert "(0 copied, 4 already there)" in second.output
    assert uploads == []
    monkeypatch.setitem(app.config, "STORAGE_FALLBACK_DIR", "")  # the move is over
    assert runner.invoke(evidence_cli, ["verify"]).exit_code == 0


def test_nothing_uploaded_during_the_move_is_lost(app, old_folder, switch_to_bucket, monkeypatch):
    case = make_case_row()
    before = add_photo(case)
    switch_to_bucket(old_folder)
    during: list = []

    def upload_meanwhile(_name: str) -> None:
        if not during:  # a switched node stores a new photo in the bucket
            during.append(add_photo(case, (70, 70)))

    report = migrate(LocalStore(old_folder), s3_store(app), progress=upload_meanwhile)

    assert report.problems == [] and report.copied == 2
    new = during[0]
    assert {new.stored_name, new.thumbnail_name} <= stored_keys(app.config)
    assert not (old_folder / new.stored_name).exists()
    monkeypatch.setitem(app.config, "STORAGE_FALLBACK_DIR", "")
    for entry in (before, new):
        assert object_store().sha256(entry.stored_name) == entry.content_sha256
    assert app.test_cli_runner().invoke(evidence_cli, ["verify"]).exit_code == 0


def test_a_file_an_old_node_wrote_after_the_run_is_copied_by_the_next(
    app, old_folder, switch_to_bucket, monkeypatch
):
    case = make_case_row()
    add_photo(case)
    switch_to_bucket(old_folder)
    assert app.test_cli_runner().invoke(evidence_cli, ["migrate"]).exit_code == 0
    with monkeypatch.context() as old_node:
        old_node.setitem(app.config, "STORAGE_BACKEND", "local")
        late = add_photo(case, (90, 30))

    result = app.test_cli_runner().invoke(evidence_cli, ["migrate"])

    assert "(2 copied, 2 already there)" in result.output
    monkeypatch.setitem(app.config, "STORAGE_FALLBACK_DIR", "")
    assert object_store().sha256(late.stored_name) == late.content_sha256


def test_a_copy_that_does_not_match_is_reported(app, old_folder, switch_to_bucket, monkeypatch):
    case = make_case_row()
    entry = add_photo(case)
    switch_to_bucket(old_folder)
    real_copy_in = S3Store.copy_in

    def corrupting_copy_in(store, name, source, sha256):
        real_copy_in(store, name, source, sha256)
        if name == entry.stored_name:
            store.client.put_object(Bucket=store.bucket, Key=store.key(name), Body=b"garbled")

    monkeypatch.setattr(S3Store, "copy_in", corrupting_copy_in)
    result = app.test_cli_runner().invoke(evidence_cli, ["migrate"])

    assert result.exit_code == 1
    assert f"{entry.stored_name}: the copy in the bucket does not match" in result.output


def test_migrate_needs_the_bucket_configured(app, old_folder):
    result = app.test_cli_runner().invoke(evidence_cli, ["migrate", "--from", str(old_folder)])

    assert result.exit_code != 0
    assert "set STORAGE_BACKEND=s3" in result.output
